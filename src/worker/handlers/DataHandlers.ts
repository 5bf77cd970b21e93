/**
 * The data side of every transport handler: transport.produceData / consumeData /
 * closeDataProducer / closeDataConsumer, and the handlers of the DataProducers and
 * DataConsumers (pause, resume, stats, dump, subchannels, buffered amount, and the
 * `dataProducer.send` / `dataConsumer.send` payload notifications from Node).
 */
import { InvalidStateError } from '../../common/errors.js';
import { cloneJsonInput } from '../../common/jsonInput.js';
import { validateSctpStreamParameters, type SctpStreamParameters } from '../../ortc/index.js';
import type { DataConsumer } from '../../rtc/data/DataConsumer.js';
import type { DataProducer, DataType } from '../../rtc/data/DataProducer.js';
import type { RtcRouter } from '../../rtc/Router.js';
import type { TransportData } from '../../rtc/transport/TransportData.js';
import type { WorkerContext } from '../WorkerContext.js';
import {
  asObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireArray,
  requireId,
} from '../validate.js';
import type { Handler } from './Handler.js';

/** Subchannels are 16-bit (mediasoup), at most this many per consumer or message. */
const MAX_SUBCHANNELS = 1024;
/** A PPID is 32-bit (RFC 9260 §3.3.1). */
const MAX_PPID = 0xffffffff;

function subchannelList(value: unknown, name: string): number[] {
  return requireArray(value, name, MAX_SUBCHANNELS).map((s, i) =>
    optionalNumber(s, `${name}[${i}]`, 0, 0, 65535),
  );
}

function dataType(value: unknown): DataType {
  if (value !== 'sctp' && value !== 'direct')
    throw new TypeError("type must be 'sctp' or 'direct'");
  return value;
}

function streamParameters(value: unknown): SctpStreamParameters {
  const params = cloneJsonInput(value, 'sctpStreamParameters');
  validateSctpStreamParameters(params, 'sctpStreamParameters');
  return params;
}

/** What the data requests need from their transport handler. */
export interface DataContext {
  data: TransportData;
  router: RtcRouter;
  context: WorkerContext;
  /** A direct transport's maxMessageSize (dataProducer.send from Node), else undefined. */
  directMaxMessageSize: number | undefined;
}

/**
 * The handler id of a data producer registered under another id than its own: a pipe data
 * producer has its original's id, which the original's router may hold in this worker.
 */
const handlerIds = new WeakMap<DataProducer, string>();

export function produceData(ctx: DataContext, raw: unknown): unknown {
  const d = asObject(raw, 'data');
  const id = requireId(d.dataProducerId, 'dataProducerId');
  const handlerId = d.handlerId === undefined ? id : requireId(d.handlerId, 'handlerId');
  const type = dataType(d.type);
  if (ctx.router.getDataProducer(id)) throw new TypeError(`DataProducer '${id}' exists`);
  if (type === 'direct' && ctx.directMaxMessageSize === undefined) {
    throw new TypeError("type 'direct' needs a DirectTransport");
  }
  const producer = ctx.data.produceData({
    id,
    type,
    sctpStreamParameters: type === 'sctp' ? streamParameters(d.sctpStreamParameters) : undefined,
    label: optionalString(d.label, 'label', 65535) ?? '',
    protocol: optionalString(d.protocol, 'protocol', 65535) ?? '',
    paused: optionalBoolean(d.paused, 'paused', false),
  });
  try {
    ctx.context.registerHandler(handlerId, new DataProducerHandler(ctx, producer));
  } catch (error) {
    ctx.data.removeDataProducer(producer); // new: no consumers yet
    throw error;
  }
  if (handlerId !== id) handlerIds.set(producer, handlerId);
  return producer.dump();
}

export function consumeData(ctx: DataContext, raw: unknown): unknown {
  const d = asObject(raw, 'data');
  const id = requireId(d.dataConsumerId, 'dataConsumerId');
  const dataProducerId = requireId(d.dataProducerId, 'dataProducerId');
  const type = dataType(d.type);
  const producer = ctx.router.getDataProducer(dataProducerId);
  if (!producer) {
    throw new InvalidStateError(`DataProducer not found [dataProducerId:${dataProducerId}]`);
  }
  if (type === 'direct' && ctx.directMaxMessageSize === undefined) {
    throw new TypeError("type 'direct' needs a DirectTransport");
  }
  const consumer = ctx.data.consumeData({
    id,
    dataProducerId,
    type,
    sctpStreamParameters: type === 'sctp' ? streamParameters(d.sctpStreamParameters) : undefined,
    label: optionalString(d.label, 'label', 65535) ?? producer.label,
    protocol: optionalString(d.protocol, 'protocol', 65535) ?? producer.protocol,
    paused: optionalBoolean(d.paused, 'paused', false),
    dataProducerPaused: producer.paused,
    subchannels: d.subchannels === undefined ? [] : subchannelList(d.subchannels, 'subchannels'),
  });
  ctx.context.registerHandler(id, new DataConsumerHandler(ctx, consumer));
  return consumer.dump();
}

export function closeDataProducer(ctx: DataContext, id: string, silent: boolean): void {
  const producer = ctx.data.dataProducers.get(id);
  if (!producer) {
    if (silent) return;
    throw new InvalidStateError(`DataProducer not found [dataProducerId:${id}]`);
  }
  ctx.context.unregisterHandler(handlerIds.get(producer) ?? id);
  for (const consumer of ctx.data.removeDataProducer(producer)) {
    consumer.owner.removeDataConsumer(consumer);
    ctx.context.unregisterHandler(consumer.id);
    ctx.context.notify(consumer.id, 'dataproducerclose');
  }
}

export function closeDataConsumer(ctx: DataContext, id: string, silent: boolean): void {
  const consumer = ctx.data.dataConsumers.get(id);
  if (!consumer) {
    if (silent) return;
    throw new InvalidStateError(`DataConsumer not found [dataConsumerId:${id}]`);
  }
  ctx.data.removeDataConsumer(consumer);
  ctx.context.unregisterHandler(id);
}

/** Closes every data producer and consumer of a closing transport. */
export function closeAllData(ctx: DataContext): void {
  for (const id of [...ctx.data.dataProducers.keys()]) closeDataProducer(ctx, id, true);
  for (const id of [...ctx.data.dataConsumers.keys()]) closeDataConsumer(ctx, id, true);
}

class DataProducerHandler implements Handler {
  readonly #ctx: DataContext;
  readonly #producer: DataProducer;

  constructor(ctx: DataContext, producer: DataProducer) {
    this.#ctx = ctx;
    this.#producer = producer;
  }

  /** `dataProducer.send` from Node: a direct producer's message. Malformed ones are ignored. */
  handleNotification(event: string, data: unknown, payload?: Uint8Array): void {
    const max = this.#ctx.directMaxMessageSize;
    if (event !== 'dataProducer.send' || payload === undefined || max === undefined) return;
    if (this.#producer.type !== 'direct') return;
    let ppid: number;
    let subchannels: number[] | undefined;
    let required: number | undefined;
    try {
      const d = asObject(data ?? {}, 'data');
      ppid = optionalNumber(d.ppid, 'ppid', 53, 0, MAX_PPID);
      subchannels =
        d.subchannels === undefined ? undefined : subchannelList(d.subchannels, 'subchannels');
      required =
        d.requiredSubchannel === undefined
          ? undefined
          : optionalNumber(d.requiredSubchannel, 'requiredSubchannel', 0, 0, 65535);
    } catch {
      this.#ctx.data.drops.malformedSend++; // the host checks these: only a raw channel lies
      return;
    }
    this.#ctx.data.receiveDirectMessage(this.#producer, ppid, payload, max, subchannels, required);
  }

  handleRequest(method: string): unknown {
    const producer = this.#producer;
    switch (method) {
      case 'dataProducer.pause':
        if (!producer.paused) this.#setPaused(true);
        return undefined;
      case 'dataProducer.resume':
        if (producer.paused) this.#setPaused(false);
        return undefined;
      case 'dataProducer.getStats':
        return producer.stats();
      case 'dataProducer.dump':
        return producer.dump();
      default:
        throw new TypeError(`unknown method '${method}' for a DataProducer`);
    }
  }

  #setPaused(paused: boolean): void {
    this.#producer.paused = paused;
    const { router, context } = this.#ctx;
    router.forEachDataConsumerOf(this.#producer.id, (consumer) => {
      consumer.dataProducerPaused = paused;
      context.notify(consumer.id, paused ? 'dataproducerpause' : 'dataproducerresume');
    });
  }
}

class DataConsumerHandler implements Handler {
  readonly #ctx: DataContext;
  readonly #consumer: DataConsumer;

  constructor(ctx: DataContext, consumer: DataConsumer) {
    this.#ctx = ctx;
    this.#consumer = consumer;
  }

  /** `dataConsumer.send` from Node: one message straight to this consumer's endpoint. */
  handleNotification(event: string, data: unknown, payload?: Uint8Array): void {
    if (event !== 'dataConsumer.send' || payload === undefined) return;
    let ppid: number;
    try {
      ppid = optionalNumber(asObject(data ?? {}, 'data').ppid, 'ppid', 53, 0, MAX_PPID);
    } catch {
      this.#ctx.data.drops.malformedSend++;
      return;
    }
    this.#consumer.send(ppid, payload);
  }

  handleRequest(method: string, data: unknown): unknown {
    const consumer = this.#consumer;
    switch (method) {
      case 'dataConsumer.pause':
        consumer.paused = true;
        return undefined;
      case 'dataConsumer.resume':
        consumer.paused = false;
        return undefined;
      case 'dataConsumer.getStats':
        return consumer.stats(this.#bufferedAmount());
      case 'dataConsumer.dump':
        return consumer.dump();
      case 'dataConsumer.getBufferedAmount':
        return { bufferedAmount: this.#bufferedAmount() };
      case 'dataConsumer.setBufferedAmountLowThreshold':
        consumer.bufferedAmountLowThreshold = optionalNumber(
          asObject(data, 'data').threshold,
          'threshold',
          0,
          0,
          2 ** 32,
        );
        return undefined;
      case 'dataConsumer.setSubchannels': {
        const list = subchannelList(asObject(data, 'data').subchannels, 'subchannels');
        consumer.subchannels.clear();
        for (const s of list) consumer.subchannels.add(s);
        return { subchannels: [...consumer.subchannels] };
      }
      case 'dataConsumer.addSubchannel':
        if (consumer.subchannels.size >= MAX_SUBCHANNELS) {
          throw new TypeError(`at most ${MAX_SUBCHANNELS} subchannels`);
        }
        consumer.subchannels.add(this.#subchannel(data));
        return { subchannels: [...consumer.subchannels] };
      case 'dataConsumer.removeSubchannel':
        consumer.subchannels.delete(this.#subchannel(data));
        return { subchannels: [...consumer.subchannels] };
      default:
        throw new TypeError(`unknown method '${method}' for a DataConsumer`);
    }
  }

  #subchannel(data: unknown): number {
    const value = asObject(data, 'data').subchannel;
    if (value === undefined) throw new TypeError('missing subchannel');
    return optionalNumber(value, 'subchannel', 0, 0, 65535);
  }

  /** The association's (mediasoup reports the transport's SCTP buffered amount). */
  #bufferedAmount(): number {
    return this.#consumer.type === 'sctp' ? (this.#ctx.data.sctp?.bufferedAmount ?? 0) : 0;
  }
}
