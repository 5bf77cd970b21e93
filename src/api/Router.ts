/**
 * Router: a room's media routing table, living in one worker. mediasoup v3
 * semantics; transports, producers and consumers attach to it.
 */
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError } from '../common/errors.js';
import { cloneJsonInput } from '../common/jsonInput.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import type { RouterDump } from '../worker/handlers/RouterHandler.js';
import { canConsume as ortcCanConsume, generateRouterRtpCapabilities } from '../ortc/index.js';
import type { NumSctpStreams, RouterRtpCodecCapability, RtpCapabilities } from '../ortc/index.js';
import type { AppData } from './appData.js';
import type { Producer } from './Producer.js';
import type { Consumer } from './Consumer.js';
import type { DataConsumer } from './DataConsumer.js';
import type { DataProducer } from './DataProducer.js';
import type { Transport, TransportRouterLink } from './Transport.js';
import type { TransportListenInfo, TransportListenIp, WebRtcTransport } from './WebRtcTransport.js';
import type { DirectTransport, DirectTransportOptions } from './DirectTransport.js';
import type { PlainTransport, PlainTransportOptions } from './PlainTransport.js';
import type { PipeTransport, PipeTransportOptions } from './PipeTransport.js';
import type { RtpObserver } from './RtpObserver.js';
import type { AudioLevelObserver, AudioLevelObserverOptions } from './AudioLevelObserver.js';
import type {
  ActiveSpeakerObserver,
  ActiveSpeakerObserverOptions,
} from './ActiveSpeakerObserver.js';
import {
  PipeTransportPairs,
  createPipeTransportPair,
  pipeDataProducer,
  pipeProducer,
  reversed,
  type PipeLink,
} from './pipeToRouter.js';
import { checkOptions, listenIpToListenInfo, type RouterScope } from './router/routerScope.js';
import {
  createWebRtcTransport,
  type WebRtcTransportOptions,
} from './router/createWebRtcTransport.js';
import { createDirectTransport } from './router/createDirectTransport.js';
import { createPlainTransport } from './router/createPlainTransport.js';
import { createPipeTransport } from './router/createPipeTransport.js';
import { createAudioLevelObserver } from './router/createAudioLevelObserver.js';
import { createActiveSpeakerObserver } from './router/createActiveSpeakerObserver.js';

const logger = new Logger('Router');

export type { RouterDump, WebRtcTransportOptions };

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
    return this.#adopt(await createWebRtcTransport(this.#openScope(), options));
  }

  /** A transport to and from Node itself (mediasoup's createDirectTransport). */
  async createDirectTransport<TransportAppData extends AppData = AppData>(
    options: DirectTransportOptions<TransportAppData> = {},
  ): Promise<DirectTransport<TransportAppData>> {
    return this.#adopt(await createDirectTransport(this.#openScope(), options));
  }

  async createPlainTransport<TransportAppData extends AppData = AppData>(
    options: PlainTransportOptions<TransportAppData>,
  ): Promise<PlainTransport<TransportAppData>> {
    return this.#adopt(await createPlainTransport(this.#openScope(), options));
  }

  async createPipeTransport<TransportAppData extends AppData = AppData>(
    options: PipeTransportOptions<TransportAppData>,
  ): Promise<PipeTransport<TransportAppData>> {
    return this.#adopt(await createPipeTransport(this.#openScope(), options));
  }

  /** What the create* modules need from this router; InvalidStateError once it is closed. */
  #openScope(): RouterScope {
    if (this.#closed) throw new InvalidStateError('closed');
    return { routerId: this.#id, channel: this.#channel, link: this.#link };
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
  #adopt<T extends Transport>(transport: T): T {
    this.#transports.add(transport);
    transport.on('@close', () => this.#transports.delete(transport));
    transport.on('@newproducer', (producer: Producer) =>
      this.#producers.set(producer.id, producer),
    );
    transport.on('@producerclose', (producer: Producer) => this.#producers.delete(producer.id));
    this.#trackDataProducers(transport);
    this.#observer.safeEmit('newtransport', transport);
    return transport;
  }

  #trackDataProducers(transport: Transport): void {
    transport.on('@newdataproducer', (dataProducer: DataProducer) =>
      this.#dataProducers.set(dataProducer.id, dataProducer),
    );
    transport.on('@dataproducerclose', (dataProducer: DataProducer) =>
      this.#dataProducers.delete(dataProducer.id),
    );
  }

  /**
   * Makes a producer of this router a producer of `router` too (same id), through a pair of
   * PipeTransports made on first use and reused for every later producer of either router.
   */
  async pipeToRouter(options: PipeToRouterOptions): Promise<PipeToRouterResult> {
    if (this.#closed) throw new InvalidStateError('closed');
    checkOptions(options);
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
    if (listenIp !== undefined) listenInfo = listenIpToListenInfo(listenIp);
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
    return this.#adoptRtpObserver(await createAudioLevelObserver(this.#openScope(), options));
  }

  /** mediasoup's createActiveSpeakerObserver: `dominantspeaker` on each change. */
  async createActiveSpeakerObserver<ActiveSpeakerObserverAppData extends AppData = AppData>(
    options: ActiveSpeakerObserverOptions<ActiveSpeakerObserverAppData> = {},
  ): Promise<ActiveSpeakerObserver<ActiveSpeakerObserverAppData>> {
    return this.#adoptRtpObserver(await createActiveSpeakerObserver(this.#openScope(), options));
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
