/**
 * Router: a room's media routing table, living in one worker. mediasoup v3
 * semantics; transports, producers and consumers attach to it.
 */
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { checkRequestList } from '../channel/limits.js';
import { InvalidStateError, UnsupportedError } from '../common/errors.js';
import { cloneJsonInput } from '../common/jsonInput.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import type { RouterDump } from '../worker/handlers/RouterHandler.js';
import { canConsume as ortcCanConsume, generateRouterRtpCapabilities } from '../ortc/index.js';
import type { RouterRtpCodecCapability, RtpCapabilities } from '../ortc/index.js';
import { assertAppData, type AppData } from './appData.js';
import type { Producer } from './Producer.js';
import type { DataConsumer } from './DataConsumer.js';
import type { DataProducer } from './DataProducer.js';
import type { NumSctpStreams } from '../ortc/index.js';
import type { Transport, TransportRouterLink } from './Transport.js';
import {
  WebRtcTransport,
  type TransportListenInfo,
  type TransportListenIp,
  type WebRtcTransportData,
  listenInfoToWire,
} from './WebRtcTransport.js';
import { WebRtcServer } from './WebRtcServer.js';
import { DirectTransport, type DirectTransportOptions } from './DirectTransport.js';
import {
  PlainTransport,
  type PlainTransportData,
  type PlainTransportOptions,
} from './PlainTransport.js';
import {
  PipeTransport,
  type PipeTransportData,
  type PipeTransportOptions,
} from './PipeTransport.js';
import type { Consumer } from './Consumer.js';
import {
  PipeTransportPairs,
  createPipeTransportPair,
  pipeDataProducer,
  pipeProducer,
  reversed,
  type PipeLink,
} from './pipeToRouter.js';
import { randomUUID } from 'node:crypto';
import type { RtpObserver } from './RtpObserver.js';
import { AudioLevelObserver, type AudioLevelObserverOptions } from './AudioLevelObserver.js';
import {
  ActiveSpeakerObserver,
  type ActiveSpeakerObserverOptions,
} from './ActiveSpeakerObserver.js';

const logger = new Logger('Router');

export type { RouterDump };

export type RouterEvents = {
  workerclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type RouterObserverEvents = {
  close: [];
  newtransport: [Transport];
  newrtpobserver: [RtpObserver];
};

export interface WebRtcTransportOptions<TransportAppData extends AppData = AppData> {
  webRtcServer?: WebRtcServer;
  listenInfos?: TransportListenInfo[];
  /** @deprecated Use listenInfos. */
  listenIps?: (TransportListenIp | string)[];
  /** @deprecated Use listenInfos. */
  port?: number;
  enableUdp?: boolean;
  enableTcp?: boolean;
  preferUdp?: boolean;
  preferTcp?: boolean;
  iceConsentTimeout?: number;
  initialAvailableOutgoingBitrate?: number;
  enableSctp?: boolean;
  /** SCTP stream counts (default { OS: 1024, MIS: 1024 }). */
  numSctpStreams?: NumSctpStreams;
  /** Largest SCTP message taken or sent (default 262144). */
  maxSctpMessageSize?: number;
  /** Bytes the association may hold unacknowledged (default 262144). */
  sctpSendBufferSize?: number;
  appData?: TransportAppData;
}

export interface PipeToRouterOptions {
  producerId?: string;
  dataProducerId?: string;
  router: Router;
  /** Default { protocol: 'udp', ip: '127.0.0.1' }. */
  listenInfo?: TransportListenInfo;
  /** @deprecated Use listenInfo. */
  listenIp?: TransportListenIp | string;
  /** SCTP on the pipe transports (needed for data producers). Default true, as mediasoup. */
  enableSctp?: boolean;
  numSctpStreams?: NumSctpStreams;
  enableRtx?: boolean;
  enableSrtp?: boolean;
}

export interface PipeToRouterResult {
  /** The Consumer created in this Router. */
  pipeConsumer?: Consumer;
  /** The Producer created in the target Router (same id as the original). */
  pipeProducer?: Producer;
  /** The DataConsumer created in this Router. */
  pipeDataConsumer?: DataConsumer;
  /** The DataProducer created in the target Router (same id as the original). */
  pipeDataProducer?: DataProducer;
}

export class Router<
  RouterAppData extends AppData = AppData,
> extends EnhancedEventEmitter<RouterEvents> {
  readonly #id: string;
  #rtpCapabilities: RtpCapabilities;
  readonly #channel: Channel;
  readonly #observer = new EnhancedEventEmitter<RouterObserverEvents>();
  readonly #producers = new Map<string, Producer>();
  readonly #dataProducers = new Map<string, DataProducer>();
  readonly #transports = new Set<Transport>();
  readonly #rtpObservers = new Map<string, RtpObserver>();
  readonly #pipeTransportPairs = new PipeTransportPairs();
  #appData: RouterAppData;
  #closed = false;

  /** @internal Use worker.createRouter(). */
  constructor({
    routerId,
    rtpCapabilities,
    channel,
    appData,
  }: {
    routerId: string;
    rtpCapabilities: RtpCapabilities;
    channel: Channel;
    appData?: RouterAppData;
  }) {
    super();
    this.#id = routerId;
    this.#rtpCapabilities = rtpCapabilities;
    this.#channel = channel;
    this.#appData = appData ?? ({} as RouterAppData);
  }

  get id(): string {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The router's RTP capabilities (send them to mediasoup-client's device.load()). */
  get rtpCapabilities(): RtpCapabilities {
    return this.#rtpCapabilities;
  }

  /**
   * Replaces the router's codecs (mediasoup 3.19): new producers and consumers negotiate with
   * the new capabilities; existing ones keep theirs. Invalid codecs throw and change nothing.
   * The header extensions, the only part the worker holds, do not depend on the codecs.
   */
  updateMediaCodecs(mediaCodecs: RouterRtpCodecCapability[]): void {
    if (!Array.isArray(mediaCodecs)) throw new TypeError('mediaCodecs must be an array');
    this.#rtpCapabilities = generateRouterRtpCapabilities(
      cloneJsonInput(mediaCodecs, 'mediaCodecs') as RouterRtpCodecCapability[],
    );
  }

  get appData(): RouterAppData {
    return this.#appData;
  }

  set appData(appData: RouterAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<RouterObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    logger.debug('close()');
    this.#closed = true;
    this.#channel
      .request('worker.closeRouter', undefined, { routerId: this.#id })
      .catch((error: unknown) => logger.debug(`close() | worker request failed: ${String(error)}`));
    this.#closeTransports();
    this.emit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal Called by the Worker when it closes or dies. */
  workerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeTransports();
    this.safeEmit('workerclose');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<RouterDump> {
    if (this.#closed) throw new InvalidStateError('closed');
    return (await this.#channel.request('router.dump', this.#id)) as RouterDump;
  }

  /** Whether a consumer with these capabilities could consume the given producer. */
  canConsume({
    producerId,
    rtpCapabilities,
  }: {
    producerId: string;
    rtpCapabilities: RtpCapabilities;
  }): boolean {
    const producer = this.#producers.get(producerId);
    if (!producer) {
      logger.error(`canConsume() | Producer with id "${producerId}" not found`);
      return false;
    }
    try {
      const caps = cloneJsonInput(rtpCapabilities, 'rtpCapabilities') as RtpCapabilities;
      return ortcCanConsume(producer.consumableRtpParameters, caps);
    } catch (error) {
      // Invalid capabilities come from a client: not worth an error line each.
      if (error instanceof TypeError) logger.debug(`canConsume() | ${error.message}`);
      else logger.error(`canConsume() | unexpected error: ${String(error)}`);
      return false;
    }
  }

  async createWebRtcTransport<TransportAppData extends AppData = AppData>(
    options: WebRtcTransportOptions<TransportAppData>,
  ): Promise<WebRtcTransport<TransportAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { webRtcServer, listenIps, port, appData } = options;
    let { listenInfos, enableUdp, enableTcp } = options;
    // mediasoup's rules: one is needed, all three is an error, otherwise webRtcServer wins over
    // listenIps, which wins over listenInfos (what is not used is not validated).
    if (!webRtcServer && !Array.isArray(listenInfos) && !Array.isArray(listenIps)) {
      throw new TypeError(
        'missing webRtcServer, listenInfos and listenIps (one of them is mandatory)',
      );
    }
    if (webRtcServer && listenInfos && listenIps) {
      throw new TypeError('only one of webRtcServer, listenInfos and listenIps must be given');
    }
    if (webRtcServer || listenIps) listenInfos = undefined;
    if (listenInfos !== undefined) checkRequestList(listenInfos, 'listenInfos');
    if (listenInfos?.length === 0) {
      throw new TypeError('listenInfos must be a non-empty array');
    }
    if (webRtcServer !== undefined && !(webRtcServer instanceof WebRtcServer)) {
      throw new TypeError('webRtcServer must be a WebRtcServer');
    }
    if (webRtcServer?.closed) throw new InvalidStateError('webRtcServer closed');
    assertAppData(appData);
    // As mediasoup: a WebRtcServer offers both protocols unless told otherwise.
    if (webRtcServer) {
      enableUdp ??= true;
      enableTcp ??= true;
    } else {
      enableUdp ??= true;
      enableTcp ??= false;
    }
    if (listenIps && !webRtcServer) {
      checkRequestList(listenIps, 'listenIps');
      listenInfos = [];
      for (const entry of listenIps) {
        const { ip, announcedIp } =
          typeof entry === 'string' ? { ip: entry, announcedIp: undefined } : entry;
        if (enableUdp)
          listenInfos.push({ protocol: 'udp', ip, announcedAddress: announcedIp, port });
        if (enableTcp)
          listenInfos.push({ protocol: 'tcp', ip, announcedAddress: announcedIp, port });
      }
    }
    const transportId = randomUUID();
    const data = (await this.#channel.request('router.createWebRtcTransport', this.#id, {
      transportId,
      webRtcServerId: webRtcServer?.id,
      listenInfos: listenInfos?.map(listenInfoToWire),
      enableUdp,
      enableTcp,
      preferUdp: options.preferUdp ?? false,
      preferTcp: options.preferTcp ?? false,
      iceConsentTimeout: options.iceConsentTimeout ?? 30,
      initialAvailableOutgoingBitrate: options.initialAvailableOutgoingBitrate ?? 600000,
      enableSctp: options.enableSctp ?? false,
      numSctpStreams: options.numSctpStreams,
      maxSctpMessageSize: options.maxSctpMessageSize,
      sctpSendBufferSize: options.sctpSendBufferSize,
    })) as WebRtcTransportData;
    const transport = new WebRtcTransport<TransportAppData>({
      id: transportId,
      data,
      channel: this.#channel,
      router: this.#link,
      appData,
    });
    webRtcServer?.handleWebRtcTransport(transport);
    this.#adopt(transport);
    return transport;
  }

  /** A transport to and from Node itself (mediasoup's createDirectTransport). */
  async createDirectTransport<TransportAppData extends AppData = AppData>(
    options: DirectTransportOptions<TransportAppData> = {},
  ): Promise<DirectTransport<TransportAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { maxMessageSize = 262144, appData } = options;
    if (typeof maxMessageSize !== 'number' || !(maxMessageSize >= 0)) {
      throw new TypeError('if given, maxMessageSize must be a positive number');
    }
    assertAppData(appData);
    const transportId = randomUUID();
    await this.#channel.request('router.createDirectTransport', this.#id, {
      transportId,
      maxMessageSize,
    });
    const transport = new DirectTransport<TransportAppData>({
      id: transportId,
      channel: this.#channel,
      router: this.#link,
      appData,
    });
    this.#adopt(transport);
    return transport;
  }

  async createPlainTransport<TransportAppData extends AppData = AppData>(
    options: PlainTransportOptions<TransportAppData>,
  ): Promise<PlainTransport<TransportAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { rtcpListenInfo, listenIp, port, appData } = options;
    let { listenInfo, rtcpMux = true } = options;
    if (!listenInfo && !listenIp) {
      throw new TypeError('missing listenInfo and listenIp (one of them is mandatory)');
    }
    if (listenInfo && listenIp) {
      throw new TypeError('only one of listenInfo and listenIp must be given');
    }
    assertAppData(appData);
    if (rtcpMux && rtcpListenInfo) {
      logger.warn('createPlainTransport() | ignoring rtcpMux since rtcpListenInfo is given');
      rtcpMux = false;
    }
    if (listenIp !== undefined) {
      const { ip, announcedIp } =
        typeof listenIp === 'string' ? { ip: listenIp, announcedIp: undefined } : listenIp;
      listenInfo = { protocol: 'udp', ip, announcedAddress: announcedIp, port };
    }
    if (typeof listenInfo !== 'object' || listenInfo === null) {
      throw new TypeError('listenInfo must be an object');
    }
    // Node 20's dgram cannot share a port (SO_REUSEPORT): refuse rather than ignore it.
    for (const info of [listenInfo, rtcpListenInfo]) {
      if (info?.flags?.udpReusePort) throw new UnsupportedError('listenInfo.flags.udpReusePort');
    }
    const transportId = randomUUID();
    const data = (await this.#channel.request('router.createPlainTransport', this.#id, {
      transportId,
      listenInfo: listenInfoToWire(listenInfo),
      rtcpListenInfo: rtcpListenInfo && listenInfoToWire(rtcpListenInfo),
      rtcpMux,
      comedia: options.comedia ?? false,
      enableSctp: options.enableSctp ?? false,
      numSctpStreams: options.numSctpStreams,
      maxSctpMessageSize: options.maxSctpMessageSize,
      sctpSendBufferSize: options.sctpSendBufferSize,
      enableSrtp: options.enableSrtp ?? false,
      srtpCryptoSuite: options.srtpCryptoSuite ?? 'AES_CM_128_HMAC_SHA1_80',
    })) as PlainTransportData;
    const transport = new PlainTransport<TransportAppData>({
      id: transportId,
      data,
      channel: this.#channel,
      router: this.#link,
      appData,
    });
    this.#adopt(transport);
    return transport;
  }

  /** What each transport needs from its router. */
  get #link(): TransportRouterLink {
    return {
      routerId: this.#id,
      getRouterRtpCapabilities: () => this.#rtpCapabilities,
      getProducerById: (producerId) => this.#producers.get(producerId),
      getDataProducerById: (dataProducerId) => this.#dataProducers.get(dataProducerId),
    };
  }

  /** Tracks a new transport and its producers (for canConsume() and consume()); announces it. */
  #adopt(transport: Transport): void {
    this.#transports.add(transport);
    transport.on('@close', () => this.#transports.delete(transport));
    transport.on('@newproducer', (producer: Producer) =>
      this.#producers.set(producer.id, producer),
    );
    transport.on('@producerclose', (producer: Producer) => this.#producers.delete(producer.id));
    this.#trackDataProducers(transport);
    this.#observer.safeEmit('newtransport', transport);
  }

  #trackDataProducers(transport: Transport): void {
    transport.on('@newdataproducer', (dataProducer: DataProducer) =>
      this.#dataProducers.set(dataProducer.id, dataProducer),
    );
    transport.on('@dataproducerclose', (dataProducer: DataProducer) =>
      this.#dataProducers.delete(dataProducer.id),
    );
  }

  async createPipeTransport<TransportAppData extends AppData = AppData>(
    options: PipeTransportOptions<TransportAppData>,
  ): Promise<PipeTransport<TransportAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { listenIp, port, appData } = options;
    let { listenInfo } = options;
    if (!listenInfo && !listenIp) {
      throw new TypeError('missing listenInfo and listenIp (one of them is mandatory)');
    }
    if (listenInfo && listenIp) {
      throw new TypeError('only one of listenInfo and listenIp must be given');
    }
    assertAppData(appData);
    if (listenIp !== undefined) {
      const { ip, announcedIp } =
        typeof listenIp === 'string' ? { ip: listenIp, announcedIp: undefined } : listenIp;
      listenInfo = { protocol: 'udp', ip, announcedAddress: announcedIp, port };
    }
    if (typeof listenInfo !== 'object' || listenInfo === null) {
      throw new TypeError('listenInfo must be an object');
    }
    const transportId = randomUUID();
    const data = (await this.#channel.request('router.createPipeTransport', this.#id, {
      transportId,
      listenInfo: listenInfoToWire(listenInfo),
      enableSctp: options.enableSctp ?? false,
      numSctpStreams: options.numSctpStreams,
      maxSctpMessageSize: options.maxSctpMessageSize,
      sctpSendBufferSize: options.sctpSendBufferSize,
      enableRtx: options.enableRtx ?? false,
      enableSrtp: options.enableSrtp ?? false,
    })) as PipeTransportData;
    const transport = new PipeTransport<TransportAppData>({
      id: transportId,
      data,
      channel: this.#channel,
      router: this.#link,
      appData,
    });
    this.#adopt(transport);
    return transport;
  }

  /**
   * Makes a producer of this router a producer of `router` too (same id), through a pair of
   * PipeTransports made on first use and reused for every later producer of either router.
   */
  async pipeToRouter(options: PipeToRouterOptions): Promise<PipeToRouterResult> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { producerId, dataProducerId, router, listenIp } = options;
    let { listenInfo } = options;
    if (listenInfo && listenIp) {
      throw new TypeError('only one of listenInfo and listenIp must be given');
    }
    if (!producerId && !dataProducerId) throw new TypeError('missing producerId or dataProducerId');
    if (producerId && dataProducerId) {
      throw new TypeError('just producerId or dataProducerId can be given');
    }
    if (!(router instanceof Router)) throw new TypeError('Router not found');
    if (router === this) throw new TypeError('cannot use this Router as destination');
    if (router.closed) throw new InvalidStateError('destination Router closed');
    const producer = producerId !== undefined ? this.#producers.get(producerId) : undefined;
    const dataProducer =
      dataProducerId !== undefined ? this.#dataProducers.get(dataProducerId) : undefined;
    if (producerId !== undefined && !producer) throw new TypeError('Producer not found');
    if (dataProducerId !== undefined && !dataProducer) {
      throw new TypeError('DataProducer not found');
    }
    if (listenIp !== undefined) {
      const { ip, announcedIp } =
        typeof listenIp === 'string' ? { ip: listenIp, announcedIp: undefined } : listenIp;
      listenInfo = { protocol: 'udp', ip, announcedAddress: announcedIp };
    }
    listenInfo ??= { protocol: 'udp', ip: '127.0.0.1' };
    let pair = this.#pipeTransportPairs.get(router.id);
    if (!pair) {
      pair = createPipeTransportPair(this, router, {
        listenInfo,
        enableSctp: options.enableSctp ?? true,
        numSctpStreams: options.numSctpStreams,
        enableRtx: options.enableRtx ?? false,
        enableSrtp: options.enableSrtp ?? false,
      });
      this.#pipeTransportPairs.add(router.id, pair);
      router.addPipeTransportPair(this.id, reversed(pair));
    }
    if (dataProducer) return pipeDataProducer(await pair, dataProducer);
    return pipeProducer(await pair, producer!);
  }

  /** @internal The pair another router made with this one (seen from this router). */
  addPipeTransportPair(routerId: string, pair: Promise<PipeLink>): void {
    this.#pipeTransportPairs.add(routerId, pair);
  }

  /**
   * mediasoup's createAudioLevelObserver: `volumes` of the loudest producers every
   * `interval` ms. NaN settings are taken as not given.
   */
  async createAudioLevelObserver<AudioLevelObserverAppData extends AppData = AppData>(
    options: AudioLevelObserverOptions<AudioLevelObserverAppData> = {},
  ): Promise<AudioLevelObserver<AudioLevelObserverAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { appData } = options;
    const maxEntries = notNaN(options.maxEntries) ?? 1;
    const threshold = notNaN(options.threshold) ?? -80;
    const interval = notNaN(options.interval) ?? 1000;
    if (typeof maxEntries !== 'number' || maxEntries <= 0) {
      throw new TypeError('if given, maxEntries must be a positive number');
    }
    if (typeof threshold !== 'number' || threshold < -127 || threshold > 0) {
      throw new TypeError('if given, threshold must be a negative number greater than -127');
    }
    if (typeof interval !== 'number') throw new TypeError('if given, interval must be an number');
    assertAppData(appData);
    const rtpObserverId = randomUUID();
    // The wire takes integers, as mediasoup's (uint16 / int8 / uint16) do.
    await this.#channel.request('router.createAudioLevelObserver', this.#id, {
      rtpObserverId,
      maxEntries: Math.min(0xffff, Math.max(1, Math.trunc(maxEntries))),
      threshold: Math.trunc(threshold),
      interval: Math.trunc(interval),
    });
    return this.#adoptRtpObserver(
      new AudioLevelObserver<AudioLevelObserverAppData>(
        this.#rtpObserverArgs(rtpObserverId, appData),
      ),
    );
  }

  /** mediasoup's createActiveSpeakerObserver: `dominantspeaker` on each change. */
  async createActiveSpeakerObserver<ActiveSpeakerObserverAppData extends AppData = AppData>(
    options: ActiveSpeakerObserverOptions<ActiveSpeakerObserverAppData> = {},
  ): Promise<ActiveSpeakerObserver<ActiveSpeakerObserverAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { appData } = options;
    const interval = notNaN(options.interval) ?? 300;
    if (typeof interval !== 'number') throw new TypeError('if given, interval must be an number');
    assertAppData(appData);
    const rtpObserverId = randomUUID();
    await this.#channel.request('router.createActiveSpeakerObserver', this.#id, {
      rtpObserverId,
      interval: Math.trunc(interval),
    });
    return this.#adoptRtpObserver(
      new ActiveSpeakerObserver<ActiveSpeakerObserverAppData>(
        this.#rtpObserverArgs(rtpObserverId, appData),
      ),
    );
  }

  #rtpObserverArgs<A extends AppData>(
    id: string,
    appData: A | undefined,
  ): ConstructorParameters<typeof AudioLevelObserver<A>>[0] {
    return {
      id,
      routerId: this.#id,
      channel: this.#channel,
      appData,
      getProducerById: (producerId) => this.#producers.get(producerId),
    };
  }

  #adoptRtpObserver<O extends RtpObserver>(rtpObserver: O): O {
    // The router may have closed while the worker created it.
    if (this.#closed) {
      rtpObserver.routerClosed();
      return rtpObserver;
    }
    this.#rtpObservers.set(rtpObserver.id, rtpObserver);
    rtpObserver.on('@close', () => this.#rtpObservers.delete(rtpObserver.id));
    this.#observer.safeEmit('newrtpobserver', rtpObserver);
    return rtpObserver;
  }

  #closeTransports(): void {
    for (const transport of this.#transports) transport.routerClosed();
    this.#transports.clear();
    for (const rtpObserver of this.#rtpObservers.values()) rtpObserver.routerClosed();
    this.#rtpObservers.clear();
    this.#producers.clear();
    this.#dataProducers.clear();
  }
}

/** NaN is taken as not given (mediasoup's wire would turn it into a default-like 0). */
function notNaN<T>(value: T): T | undefined {
  return typeof value === 'number' && Number.isNaN(value) ? undefined : value;
}
