/**
 * Transport: what WebRtcTransport (and later Plain/Pipe/Direct transports)
 * share: produce(), consume(), close(), stats — mediasoup v3 semantics.
 */
import { randomUUID } from 'node:crypto';
import { checkRequestList } from '../channel/limits.js';
import { EnhancedEventEmitter, type Events } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError } from '../common/errors.js';
import { cloneJsonInput } from '../common/jsonInput.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import {
  getConsumableRtpParameters,
  getConsumerRtpParameters,
  getProducerRtpParametersMapping,
  validateRtpCapabilities,
  validateRtpParameters,
} from '../ortc/index.js';
import type { RtpCapabilities, RtpParameters } from '../ortc/index.js';
import { assertAppData, type AppData } from './appData.js';
import { Producer, type ProducerOptions, type ProducerType } from './Producer.js';
import {
  Consumer,
  type ConsumerLayers,
  type ConsumerOptions,
  type ConsumerScore,
  type ConsumerType,
} from './Consumer.js';

const logger = new Logger('Transport');

export type TransportEvents = {
  routerclose: [];
  listenserverclose: [];
  listenererror: [string, Error];
  '@close': [];
  '@newproducer': [Producer];
  '@producerclose': [Producer];
};

export type TransportObserverEvents = {
  close: [];
  newproducer: [Producer];
  newconsumer: [Consumer];
};

/** What a transport needs from its router. */
export interface TransportRouterLink {
  routerId: string;
  getRouterRtpCapabilities(): RtpCapabilities;
  getProducerById(producerId: string): Producer | undefined;
}

export abstract class Transport<
  TransportAppData extends AppData = AppData,
  E extends Events = TransportEvents,
  O extends Events = TransportObserverEvents,
> extends EnhancedEventEmitter<E & TransportEvents> {
  readonly #id: string;
  protected readonly channel: Channel;
  readonly #router: TransportRouterLink;
  readonly #observer = new EnhancedEventEmitter<O & TransportObserverEvents>();
  readonly #producers = new Map<string, Producer>();
  readonly #consumers = new Map<string, Consumer>();
  #cnameForProducers: string | undefined;
  #nextMidForConsumers = 0;
  #closed = false;
  #appData: TransportAppData;
  readonly #direct: boolean;

  protected constructor(args: {
    id: string;
    channel: Channel;
    router: TransportRouterLink;
    appData?: TransportAppData;
    /** A DirectTransport: its producers take send(). */
    direct?: boolean;
  }) {
    super();
    this.#direct = args.direct ?? false;
    this.#id = args.id;
    this.channel = args.channel;
    this.#router = args.router;
    this.#appData = args.appData ?? ({} as TransportAppData);
  }

  get id(): string {
    return this.#id;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get appData(): TransportAppData {
    return this.#appData;
  }
  set appData(appData: TransportAppData) {
    this.#appData = appData;
  }
  get observer(): EnhancedEventEmitter<O & TransportObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.offNotification(this.#id);
    this.channel
      .request('router.closeTransport', this.#router.routerId, { transportId: this.#id })
      .catch((error: unknown) => logger.debug(`close() | ${String(error)}`));
    this.#closeChildren();
    (this as EnhancedEventEmitter<TransportEvents>).emit('@close');
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('close');
  }

  /** @internal The router closed (or its worker). */
  routerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.offNotification(this.#id);
    this.#closeChildren();
    (this as EnhancedEventEmitter<TransportEvents>).safeEmit('routerclose');
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('close');
  }

  /** @internal The WebRtcServer this transport listens through closed. */
  listenServerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.offNotification(this.#id);
    this.#closeChildren();
    (this as EnhancedEventEmitter<TransportEvents>).emit('@close');
    (this as EnhancedEventEmitter<TransportEvents>).safeEmit('listenserverclose');
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('close');
  }

  async dump(): Promise<unknown> {
    return this.request('transport.dump');
  }

  async getStats(): Promise<unknown[]> {
    return (await this.request('transport.getStats')) as unknown[];
  }

  async setMaxIncomingBitrate(bitrate: number): Promise<void> {
    await this.request('transport.setMaxIncomingBitrate', { bitrate });
  }

  async setMaxOutgoingBitrate(bitrate: number): Promise<void> {
    await this.request('transport.setMaxOutgoingBitrate', { bitrate });
  }

  async setMinOutgoingBitrate(bitrate: number): Promise<void> {
    await this.request('transport.setMinOutgoingBitrate', { bitrate });
  }

  async enableTraceEvent(types: string[] = []): Promise<void> {
    checkRequestList(types, 'types');
    await this.request('transport.enableTraceEvent', { types });
  }

  async produce<ProducerAppData extends AppData = AppData>(
    options: ProducerOptions<ProducerAppData>,
  ): Promise<Producer<ProducerAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { id, kind, paused = false, keyFrameRequestDelay, appData } = options;
    if (id !== undefined && (typeof id !== 'string' || this.#producers.has(id))) {
      throw new TypeError(`a Producer with same id "${String(id)}" already exists`);
    }
    if (kind !== 'audio' && kind !== 'video') throw new TypeError(`invalid kind "${String(kind)}"`);
    assertAppData(appData);
    const rtpParameters = cloneJsonInput(options.rtpParameters, 'rtpParameters');
    validateRtpParameters(rtpParameters, 'rtpParameters');
    if (rtpParameters.codecs.length === 0) throw new TypeError('rtpParameters.codecs is empty');
    // One CNAME per transport, generated when the endpoint gave none (an empty
    // one would break the consumers' msid in mediasoup-client).
    if (!this.keepsProducerCname) {
      this.#cnameForProducers ??= rtpParameters.rtcp?.cname || randomUUID().slice(0, 8);
      rtpParameters.rtcp = { ...rtpParameters.rtcp, cname: this.#cnameForProducers };
    }
    const routerRtpCapabilities = this.#router.getRouterRtpCapabilities();
    const rtpMapping = getProducerRtpParametersMapping(rtpParameters, routerRtpCapabilities);
    const consumableRtpParameters = getConsumableRtpParameters(
      kind,
      rtpParameters,
      routerRtpCapabilities,
      rtpMapping,
    );
    const producerId = id ?? randomUUID();
    const handlerId = this.producerHandlerId(producerId);
    const { type } = (await this.request('transport.produce', {
      producerId,
      handlerId: handlerId === producerId ? undefined : handlerId,
      kind,
      rtpParameters,
      rtpMapping,
      keyFrameRequestDelay,
      paused,
    })) as { type: ProducerType };
    const producer = new Producer<ProducerAppData>({
      id: producerId,
      handlerId,
      transportId: this.#id,
      kind,
      rtpParameters,
      type,
      consumableRtpParameters,
      paused,
      channel: this.channel,
      appData,
      direct: this.#direct,
    });
    const base = producer as unknown as Producer;
    this.#producers.set(producerId, base);
    producer.on('@close', () => {
      this.#producers.delete(producerId);
      (this as EnhancedEventEmitter<TransportEvents>).emit('@producerclose', base);
    });
    (this as EnhancedEventEmitter<TransportEvents>).emit('@newproducer', base);
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('newproducer', base);
    return producer;
  }

  async consume<ConsumerAppData extends AppData = AppData>(
    options: ConsumerOptions<ConsumerAppData>,
  ): Promise<Consumer<ConsumerAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const {
      producerId,
      paused = false,
      mid,
      preferredLayers,
      ignoreDtx = false,
      appData,
    } = options;
    if (typeof producerId !== 'string' || !producerId) throw new TypeError('missing producerId');
    if (mid !== undefined && (typeof mid !== 'string' || mid.length === 0)) {
      throw new TypeError('if given, mid must be a non-empty string');
    }
    assertAppData(appData);
    const producer = this.#router.getProducerById(producerId);
    if (!producer) throw new TypeError(`Producer with id "${producerId}" not found`);
    const { rtpParameters, type } = this.consumerRtpParameters(producer, options);
    const consumerId = randomUUID();
    const response = (await this.request('transport.consume', {
      consumerId,
      producerId,
      kind: producer.kind,
      rtpParameters,
      type,
      consumableRtpEncodings: producer.consumableRtpParameters.encodings,
      paused,
      preferredLayers,
      ignoreDtx,
    })) as {
      paused: boolean;
      producerPaused: boolean;
      score: ConsumerScore;
      preferredLayers?: ConsumerLayers;
    };
    const consumer = new Consumer<ConsumerAppData>({
      id: consumerId,
      transportId: this.#id,
      producerId,
      kind: producer.kind,
      rtpParameters,
      type,
      paused: response.paused,
      producerPaused: response.producerPaused,
      score: response.score,
      preferredLayers: response.preferredLayers,
      channel: this.channel,
      appData,
    });
    const base = consumer as unknown as Consumer;
    this.#consumers.set(consumerId, base);
    consumer.on('@close', () => this.#consumers.delete(consumerId));
    consumer.on('@producerclose', () => this.#consumers.delete(consumerId));
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('newconsumer', base);
    return consumer;
  }

  /**
   * The new consumer's RTP parameters and type. The default is an endpoint's consumer: what its
   * rtpCapabilities can receive, one encoding, a MID; a kind may consume otherwise (pipe).
   */
  protected consumerRtpParameters(
    producer: Producer,
    options: ConsumerOptions,
  ): { rtpParameters: RtpParameters; type: ConsumerType } {
    const rtpCapabilities = cloneJsonInput(options.rtpCapabilities, 'rtpCapabilities');
    validateRtpCapabilities(rtpCapabilities, 'rtpCapabilities');
    const enableRtx = options.enableRtx ?? producer.kind === 'video';
    const rtpParameters: RtpParameters = getConsumerRtpParameters({
      consumableRtpParameters: producer.consumableRtpParameters,
      remoteRtpCapabilities: rtpCapabilities,
      pipe: false,
      enableRtx,
    });
    if (options.mid !== undefined) {
      rtpParameters.mid = options.mid;
    } else {
      rtpParameters.mid = String(this.#nextMidForConsumers++);
      if (this.#nextMidForConsumers === 100_000_000) this.#nextMidForConsumers = 0;
    }
    // mediasoup: the consumer is of its producer's type (simulcast: one layer at a time).
    const type: ConsumerType = producer.type === 'simulcast' ? 'simulcast' : 'simple';
    return { rtpParameters, type };
  }

  /**
   * Whether producers keep the CNAME they come with. An endpoint's transport gives all its
   * producers one CNAME; a pipe keeps each producer's (mediasoup's semantics).
   */
  protected get keepsProducerCname(): boolean {
    return false;
  }

  /** The id a producer's requests and notifications use in the worker (default: its id). */
  protected producerHandlerId(producerId: string): string {
    return producerId;
  }

  protected async request(method: string, data?: unknown): Promise<unknown> {
    if (this.#closed) throw new InvalidStateError('closed');
    return this.channel.request(method, this.#id, data);
  }

  #closeChildren(): void {
    for (const producer of this.#producers.values()) {
      producer.transportClosed();
      (this as EnhancedEventEmitter<TransportEvents>).emit('@producerclose', producer);
    }
    this.#producers.clear();
    for (const consumer of this.#consumers.values()) consumer.transportClosed();
    this.#consumers.clear();
  }
}
