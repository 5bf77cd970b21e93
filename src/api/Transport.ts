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
import type { BaseTransportDump } from './dumpTypes.js';
import type { BaseTransportStats } from './statsTypes.js';
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
import { DataProducer, type DataProducerOptions, type DataProducerType } from './DataProducer.js';
import { DataConsumer, type DataConsumerOptions } from './DataConsumer.js';
import { validateSctpStreamParameters, type SctpStreamParameters } from '../ortc/index.js';
import {
  TRANSPORT_TRACE_TYPES,
  traceTypesToEnable,
  type TransportTraceEventData,
  type TransportTraceEventType,
} from './traceEvents.js';

const logger = new Logger('Transport');

export type TransportType = 'webrtc' | 'plain' | 'pipe' | 'direct';

export type TransportEvents = {
  routerclose: [];
  listenserverclose: [];
  listenererror: [string, Error];
  trace: [TransportTraceEventData];
  '@close': [];
  '@newproducer': [Producer];
  '@producerclose': [Producer];
  '@newdataproducer': [DataProducer];
  '@dataproducerclose': [DataProducer];
};

export type TransportObserverEvents = {
  close: [];
  newproducer: [Producer];
  newconsumer: [Consumer];
  newdataproducer: [DataProducer];
  newdataconsumer: [DataConsumer];
  trace: [TransportTraceEventData];
};

/** What a transport needs from its router. */
export interface TransportRouterLink {
  routerId: string;
  getRouterRtpCapabilities(): RtpCapabilities;
  getProducerById(producerId: string): Producer | undefined;
  getDataProducerById?(dataProducerId: string): DataProducer | undefined;
}

export abstract class Transport<
  TransportAppData extends AppData = AppData,
  E extends Events = TransportEvents,
  O extends Events = TransportObserverEvents,
  D = BaseTransportDump,
  S = BaseTransportStats,
> extends EnhancedEventEmitter<E & TransportEvents> {
  readonly #id: string;
  protected readonly channel: Channel;
  readonly #router: TransportRouterLink;
  readonly #observer = new EnhancedEventEmitter<O & TransportObserverEvents>();
  readonly #producers = new Map<string, Producer>();
  readonly #consumers = new Map<string, Consumer>();
  readonly #dataProducers = new Map<string, DataProducer>();
  readonly #dataConsumers = new Map<string, DataConsumer>();
  /** SCTP stream ids in use by this transport's data consumers. */
  readonly #sctpStreamIds = new Set<number>();
  #nextSctpStreamId = 0;
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
    // Every kind's transport emits mediasoup's `trace` (bwe, probation); kinds add their events.
    this.channel.onNotification(this.#id, (event, data) => {
      if (event !== 'trace' || this.#closed) return;
      const trace = data as TransportTraceEventData;
      (this as EnhancedEventEmitter<TransportEvents>).safeEmit('trace', trace);
      (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('trace', trace);
    });
  }

  get id(): string {
    return this.#id;
  }
  /** mediasoup's transport type ('webrtc', 'plain', 'pipe' or 'direct'). */
  abstract get type(): TransportType;
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

  async dump(): Promise<D> {
    return (await this.request('transport.dump')) as D;
  }

  async getStats(): Promise<S[]> {
    return (await this.request('transport.getStats')) as S[];
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

  async enableTraceEvent(types: TransportTraceEventType[] = []): Promise<void> {
    const enabled = traceTypesToEnable(types, TRANSPORT_TRACE_TYPES, logger);
    await this.request('transport.enableTraceEvent', { types: enabled });
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
    const type: ConsumerType = producer.type;
    return { rtpParameters, type };
  }

  /**
   * Whether producers keep the CNAME they come with. An endpoint's transport gives all its
   * producers one CNAME; a pipe keeps each producer's (mediasoup's semantics).
   */
  protected get keepsProducerCname(): boolean {
    return false;
  }

  /** The id a (data) producer's requests and notifications use in the worker (default: its id). */
  protected producerHandlerId(producerId: string): string {
    return producerId;
  }

  /** The SCTP stream count data consumers take ids from; undefined without SCTP. */
  protected get sctpOutgoingStreams(): number | undefined {
    return undefined;
  }

  async produceData<DataProducerAppData extends AppData = AppData>(
    options: DataProducerOptions<DataProducerAppData> = {},
  ): Promise<DataProducer<DataProducerAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { id, label = '', protocol = '', paused = false, appData } = options;
    if (id !== undefined && (typeof id !== 'string' || this.#dataProducers.has(id))) {
      throw new TypeError(`a DataProducer with same id "${String(id)}" already exists`);
    }
    if (typeof label !== 'string') throw new TypeError('label must be a string');
    if (typeof protocol !== 'string') throw new TypeError('protocol must be a string');
    if (typeof paused !== 'boolean') throw new TypeError('paused must be a boolean');
    assertAppData(appData);
    const type: DataProducerType = this.#direct ? 'direct' : 'sctp';
    let sctpStreamParameters: SctpStreamParameters | undefined;
    if (type === 'sctp') {
      if (options.sctpStreamParameters === undefined) {
        throw new TypeError('missing sctpStreamParameters');
      }
      sctpStreamParameters = cloneJsonInput(
        options.sctpStreamParameters,
        'sctpStreamParameters',
      ) as SctpStreamParameters;
      validateSctpStreamParameters(sctpStreamParameters, 'sctpStreamParameters');
    } else if (options.sctpStreamParameters !== undefined) {
      logger.warn(
        'produceData() | sctpStreamParameters are ignored when producing data on a DirectTransport',
      );
    }
    const dataProducerId = id ?? randomUUID();
    const handlerId = this.producerHandlerId(dataProducerId);
    await this.request('transport.produceData', {
      dataProducerId,
      handlerId: handlerId === dataProducerId ? undefined : handlerId,
      type,
      sctpStreamParameters,
      label,
      protocol,
      paused,
    });
    const dataProducer = new DataProducer<DataProducerAppData>({
      id: dataProducerId,
      handlerId,
      transportId: this.#id,
      type,
      sctpStreamParameters,
      label,
      protocol,
      paused,
      channel: this.channel,
      appData,
    });
    const base = dataProducer as unknown as DataProducer;
    this.#dataProducers.set(dataProducerId, base);
    dataProducer.on('@close', () => {
      this.#dataProducers.delete(dataProducerId);
      (this as EnhancedEventEmitter<TransportEvents>).emit('@dataproducerclose', base);
    });
    (this as EnhancedEventEmitter<TransportEvents>).emit('@newdataproducer', base);
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit(
      'newdataproducer',
      base,
    );
    return dataProducer;
  }

  async consumeData<DataConsumerAppData extends AppData = AppData>(
    options: DataConsumerOptions<DataConsumerAppData>,
  ): Promise<DataConsumer<DataConsumerAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { dataProducerId, ordered, maxPacketLifeTime, maxRetransmits, paused = false } = options;
    const { subchannels, appData } = options;
    if (typeof dataProducerId !== 'string' || !dataProducerId) {
      throw new TypeError('missing dataProducerId');
    }
    if (typeof paused !== 'boolean') throw new TypeError('paused must be a boolean');
    if (subchannels !== undefined) checkRequestList(subchannels, 'subchannels');
    assertAppData(appData);
    const dataProducer = this.#router.getDataProducerById?.(dataProducerId);
    if (!dataProducer) throw new TypeError(`DataProducer with id "${dataProducerId}" not found`);
    const type: DataProducerType = this.#direct ? 'direct' : 'sctp';
    let sctpStreamParameters: SctpStreamParameters | undefined;
    let streamId: number | undefined;
    if (type === 'sctp') {
      const params = (
        dataProducer.sctpStreamParameters ? { ...dataProducer.sctpStreamParameters } : {}
      ) as Partial<SctpStreamParameters>;
      if (ordered !== undefined) params.ordered = ordered;
      if (maxPacketLifeTime !== undefined) params.maxPacketLifeTime = maxPacketLifeTime;
      if (maxRetransmits !== undefined) params.maxRetransmits = maxRetransmits;
      params.streamId = 0; // validated before an id is taken
      sctpStreamParameters = params as SctpStreamParameters;
      // Fills `ordered` (false with a partial reliability limit); a bad mix is a TypeError.
      if (
        ordered === undefined &&
        (maxPacketLifeTime !== undefined || maxRetransmits !== undefined)
      ) {
        delete sctpStreamParameters.ordered;
      }
      validateSctpStreamParameters(sctpStreamParameters, 'sctpStreamParameters');
      streamId = this.#nextSctpStreamIdFor();
      sctpStreamParameters.streamId = streamId;
    } else if (
      ordered !== undefined ||
      maxPacketLifeTime !== undefined ||
      maxRetransmits !== undefined
    ) {
      logger.warn(
        'consumeData() | ordered, maxPacketLifeTime and maxRetransmits are ignored on a DirectTransport',
      );
    }
    const dataConsumerId = randomUUID();
    if (streamId !== undefined) this.#sctpStreamIds.add(streamId);
    let response: { paused: boolean; dataProducerPaused: boolean; subchannels: number[] };
    try {
      response = (await this.request('transport.consumeData', {
        dataConsumerId,
        dataProducerId,
        type,
        sctpStreamParameters,
        label: dataProducer.label,
        protocol: dataProducer.protocol,
        paused,
        subchannels,
      })) as typeof response;
    } catch (error) {
      if (streamId !== undefined) this.#sctpStreamIds.delete(streamId);
      throw error;
    }
    const dataConsumer = new DataConsumer<DataConsumerAppData>({
      id: dataConsumerId,
      transportId: this.#id,
      dataProducerId,
      type,
      sctpStreamParameters,
      label: dataProducer.label,
      protocol: dataProducer.protocol,
      paused: response.paused,
      dataProducerPaused: response.dataProducerPaused,
      subchannels: response.subchannels,
      channel: this.channel,
      appData,
    });
    const base = dataConsumer as unknown as DataConsumer;
    this.#dataConsumers.set(dataConsumerId, base);
    const forget = (): void => {
      this.#dataConsumers.delete(dataConsumerId);
      if (streamId !== undefined) this.#sctpStreamIds.delete(streamId);
    };
    dataConsumer.on('@close', forget);
    dataConsumer.on('@dataproducerclose', forget);
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit(
      'newdataconsumer',
      base,
    );
    return dataConsumer;
  }

  /** mediasoup's getNextSctpStreamId(): the next free id, round robin. */
  #nextSctpStreamIdFor(): number {
    const streams = this.sctpOutgoingStreams;
    if (streams === undefined) throw new TypeError('missing sctpParameters (SCTP not enabled)');
    for (let i = 0; i < streams; i++) {
      const id = (this.#nextSctpStreamId + i) % streams;
      if (!this.#sctpStreamIds.has(id)) {
        this.#nextSctpStreamId = (id + 1) % streams;
        return id;
      }
    }
    throw new InvalidStateError('no sctpStreamId available');
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
    for (const dataProducer of this.#dataProducers.values()) {
      dataProducer.transportClosed();
      (this as EnhancedEventEmitter<TransportEvents>).emit('@dataproducerclose', dataProducer);
    }
    this.#dataProducers.clear();
    for (const dataConsumer of this.#dataConsumers.values()) dataConsumer.transportClosed();
    this.#dataConsumers.clear();
    this.#sctpStreamIds.clear();
  }
}
