/**
 * The handler base every transport kind's handler extends: requests every
 * transport answers (produce, consume, close a producer or consumer, stats,
 * dump), validated here, and the bookkeeping that keeps the worker's handler
 * registry in step with the transport's producers and consumers. A kind adds
 * its own requests (`handleKindRequest`) and its dump/stats fields.
 */
import { InvalidStateError } from '../../common/errors.js';
import { cloneJsonInput } from '../../common/jsonInput.js';
import {
  MAX_ENCODINGS,
  validateRtpEncodingParameters,
  validateRtpParameters,
} from '../../ortc/index.js';
import type { MediaKind, RtpEncodingParameters } from '../../ortc/index.js';
import type { RtcRouter } from '../../rtc/Router.js';
import type { RtcTransport } from '../../rtc/transport/RtcTransport.js';
import type { WorkerContext } from '../WorkerContext.js';
import { asObject, optionalBoolean, optionalNumber, requireId } from '../validate.js';
import type { Handler } from './Handler.js';
import { ProducerHandler } from './ProducerHandler.js';
import { ConsumerHandler } from './ConsumerHandler.js';
import { validatePreferredLayers } from './layers.js';
import { validateRtpMapping } from './rtpMapping.js';
import { setTraceTypes } from './trace.js';
import { transportDumpBase, transportStatsBase } from './stats.js';
import {
  closeAllData,
  closeDataConsumer,
  closeDataProducer,
  consumeData,
  produceData,
  type DataContext,
} from './DataHandlers.js';

/** The producer's consumable encodings (mediasoup's consume request carries them; optional here). */
function validateConsumableEncodings(value: unknown): RtpEncodingParameters[] | undefined {
  if (value === undefined) return undefined;
  const encodings = cloneJsonInput(value, 'consumableRtpEncodings');
  if (!Array.isArray(encodings) || encodings.length > MAX_ENCODINGS) {
    throw new TypeError(`consumableRtpEncodings must be an array of at most ${MAX_ENCODINGS}`);
  }
  encodings.forEach((e, i) => validateRtpEncodingParameters(e, `consumableRtpEncodings[${i}]`));
  return encodings as RtpEncodingParameters[];
}

export abstract class TransportHandler<T extends RtcTransport = RtcTransport> implements Handler {
  readonly transport: T;
  protected readonly router: RtcRouter;
  protected readonly context: WorkerContext;
  /** Closes a consumer anywhere in the router (its producer went away). */
  readonly #closeConsumerElsewhere: (consumerId: string) => void;
  /**
   * producer id → the id its handler is registered under, where they differ: a pipe producer
   * has its original's id, and both may live in one worker (two of its routers).
   */
  readonly #producerHandlerIds = new Map<string, string>();

  constructor(
    transport: T,
    router: RtcRouter,
    context: WorkerContext,
    closeConsumerElsewhere: (consumerId: string) => void,
  ) {
    this.transport = transport;
    this.router = router;
    this.context = context;
    this.#closeConsumerElsewhere = closeConsumerElsewhere;
  }

  /** getStats()'s `type` (mediasoup's: 'webrtc-transport', 'plain-rtp-transport', ...). */
  protected abstract get statsType(): string;
  /** The kind's own requests; undefined method → TypeError. */
  protected abstract handleKindRequest(method: string, data: unknown): unknown;
  /** The kind's own dump() fields. */
  protected abstract kindDump(): Record<string, unknown>;
  /** The kind's own getStats() fields. */
  protected abstract kindStats(): Record<string, unknown>;
  /** Where `producer.send()` packets enter (a direct transport); none by default. */
  protected get producerInput(): ((packet: Uint8Array) => void) | undefined {
    return undefined;
  }
  /** A direct transport's maxMessageSize (direct DataProducers); none by default. */
  protected get directMaxMessageSize(): number | undefined {
    return undefined;
  }
  #dataContext: DataContext | undefined;
  protected get dataContext(): DataContext {
    this.#dataContext ??= {
      data: this.transport.data,
      router: this.router,
      context: this.context,
      directMaxMessageSize: this.directMaxMessageSize,
    };
    return this.#dataContext;
  }

  /**
   * Bitrate limits (mediasoup's worker semantics): the core validates max/min against each
   * other and applies them to its estimator; `bitrate` is an integer ≥ 0 (0 = unset).
   */
  protected handleBitrateRequest(method: string, data: unknown): unknown {
    const bitrate = asObject(data, 'data').bitrate;
    if (typeof bitrate !== 'number' || !Number.isInteger(bitrate) || bitrate < 0) {
      throw new TypeError('bitrate must be an integer >= 0');
    }
    if (bitrate > 0xffffffff) throw new TypeError('bitrate must fit 32 bits');
    const transport = this.transport;
    if (method === 'transport.setMaxIncomingBitrate') transport.setMaxIncomingBitrate(bitrate);
    else if (method === 'transport.setMaxOutgoingBitrate') {
      transport.bitrate.setMaxOutgoingBitrate(bitrate);
    } else transport.bitrate.setMinOutgoingBitrate(bitrate);
    return undefined;
  }

  handleRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'transport.getStats':
        return [
          { type: this.statsType, ...transportStatsBase(this.transport), ...this.kindStats() },
        ];
      case 'transport.dump':
        return { ...transportDumpBase(this.transport), ...this.kindDump() };
      case 'transport.produce':
        return this.#produce(data);
      case 'transport.consume':
        return this.#consume(data);
      case 'transport.closeProducer':
        this.closeProducer(requireId(asObject(data, 'data').producerId, 'producerId'), false);
        return undefined;
      case 'transport.closeConsumer':
        this.closeConsumer(requireId(asObject(data, 'data').consumerId, 'consumerId'), false);
        return undefined;
      case 'transport.produceData':
        return produceData(this.dataContext, data);
      case 'transport.consumeData':
        return consumeData(this.dataContext, data);
      case 'transport.closeDataProducer':
        closeDataProducer(
          this.dataContext,
          requireId(asObject(data, 'data').dataProducerId, 'dataProducerId'),
          false,
        );
        return undefined;
      case 'transport.closeDataConsumer':
        closeDataConsumer(
          this.dataContext,
          requireId(asObject(data, 'data').dataConsumerId, 'dataConsumerId'),
          false,
        );
        return undefined;
      case 'transport.debugSetPacketLoss': {
        // Like worker.debugCrash: only where tests enabled debug requests.
        if (process.env.SKEIN_ENABLE_CRASH_REQUESTS !== '1') {
          throw new InvalidStateError('debug requests are disabled');
        }
        const d = asObject(data, 'data');
        this.transport.setPacketLoss(
          optionalNumber(d.incomingEvery, 'incomingEvery', 0, 0, 1000),
          optionalNumber(d.outgoingEvery, 'outgoingEvery', 0, 0, 1000),
        );
        return undefined;
      }
      case 'transport.setMaxIncomingBitrate':
      case 'transport.setMaxOutgoingBitrate':
      case 'transport.setMinOutgoingBitrate':
        return this.handleBitrateRequest(method, data);
      case 'transport.enableTraceEvent':
        setTraceTypes(this.transport.traceFlags, data);
        return undefined;
      default:
        return this.handleKindRequest(method, data);
    }
  }

  /** Closes everything of this transport (router or transport closing). */
  close(): void {
    for (const id of [...this.transport.producers.keys()]) this.closeProducer(id, true);
    for (const id of [...this.transport.consumers.keys()]) this.closeConsumer(id, true);
    closeAllData(this.dataContext);
    this.transport.close();
  }

  closeProducer(producerId: string, silent: boolean): void {
    const producer = this.transport.producers.get(producerId);
    if (!producer) {
      if (silent) return;
      throw new InvalidStateError(`Producer not found [producerId:${producerId}]`);
    }
    producer.close();
    this.transport.removeProducer(producer);
    this.context.unregisterHandler(this.#producerHandlerIds.get(producerId) ?? producerId);
    this.#producerHandlerIds.delete(producerId);
    for (const consumer of this.router.removeProducer(producerId)) {
      this.context.notify(consumer.id, 'producerclose');
      this.#closeConsumerElsewhere(consumer.id);
    }
  }

  closeConsumer(consumerId: string, silent: boolean): void {
    const consumer = this.transport.consumers.get(consumerId);
    if (!consumer) {
      if (silent) return;
      throw new InvalidStateError(`Consumer not found [consumerId:${consumerId}]`);
    }
    this.transport.removeConsumer(consumer);
    this.context.unregisterHandler(consumerId);
  }

  #produce(data: unknown): unknown {
    const d = asObject(data, 'data');
    const producerId = requireId(d.producerId, 'producerId');
    const handlerId = d.handlerId === undefined ? producerId : requireId(d.handlerId, 'handlerId');
    if (d.kind !== 'audio' && d.kind !== 'video')
      throw new TypeError('kind must be audio or video');
    const kind: MediaKind = d.kind;
    const rtpParameters = cloneJsonInput(d.rtpParameters, 'rtpParameters');
    validateRtpParameters(rtpParameters, 'rtpParameters');
    if (rtpParameters.codecs.length === 0) throw new TypeError('rtpParameters.codecs is empty');
    const rtpMapping = validateRtpMapping(d.rtpMapping);
    const paused = optionalBoolean(d.paused, 'paused', false);
    const keyFrameRequestDelay = optionalNumber(
      d.keyFrameRequestDelay,
      'keyFrameRequestDelay',
      0,
      0,
      60000,
    );
    if (this.router.getProducer(producerId)) throw new TypeError(`Producer '${producerId}' exists`);
    const encodings = rtpParameters.encodings ?? [];
    // Several encodings are told apart by SSRC or by rid (RFC 8852); a single
    // one may have neither: its SSRC is learned through the MID (RFC 8843 §15).
    if (encodings.length > 1 && encodings.some((e) => e.ssrc === undefined && !e.rid)) {
      throw new TypeError('each of several encodings needs an ssrc or a rid');
    }
    const producer = this.transport.produce({
      id: producerId,
      kind,
      rtpParameters,
      rtpMapping,
      paused,
      keyFrameRequestDelay,
      handlerId,
    });
    const router = this.router;
    if (handlerId !== producerId) this.#producerHandlerIds.set(producerId, handlerId);
    this.context.registerHandler(
      handlerId,
      new ProducerHandler(
        producer,
        (isPaused) => {
          // Consumers may live on any transport of the router: the router's table knows them.
          router.forEachConsumerOf(producerId, (consumer) => {
            this.context.notify(consumer.id, isPaused ? 'producerpause' : 'producerresume');
            consumer.setProducerPaused(isPaused);
          });
          router.onProducerPauseChange(producer);
        },
        this.producerInput,
      ),
    );
    return { type: producer.type };
  }

  #consume(data: unknown): unknown {
    const d = asObject(data, 'data');
    const consumerId = requireId(d.consumerId, 'consumerId');
    const producerId = requireId(d.producerId, 'producerId');
    const producer = this.router.getProducer(producerId);
    if (!producer) throw new InvalidStateError(`Producer not found [producerId:${producerId}]`);
    if (d.kind !== producer.kind) throw new TypeError('kind does not match the producer');
    const rtpParameters = cloneJsonInput(d.rtpParameters, 'rtpParameters');
    validateRtpParameters(rtpParameters, 'rtpParameters');
    const consumableRtpEncodings = validateConsumableEncodings(d.consumableRtpEncodings);
    const consumer = this.transport.consume({
      id: consumerId,
      producer,
      rtpParameters,
      paused: optionalBoolean(d.paused, 'paused', false),
      preferredLayers: validatePreferredLayers(d.preferredLayers),
    });
    this.context.registerHandler(
      consumerId,
      new ConsumerHandler(
        consumer,
        () => this.router.getProducer(producerId),
        () => this.transport.onConsumerPriorityChanged(),
        consumableRtpEncodings,
      ),
    );
    return {
      type: consumer.type,
      preferredLayers: consumer.preferredLayers,
      paused: consumer.paused,
      producerPaused: consumer.producerPaused,
      // The score as of now (the first one the consumer reports: no event repeats it).
      score: consumer.scoreIfChanged(producer.encodingScores),
    };
  }
}
