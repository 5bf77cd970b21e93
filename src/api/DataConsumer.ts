/**
 * DataConsumer: the messages of one DataProducer sent out on a transport, on its own SCTP
 * stream (type 'sctp') or to Node as `message` events (type 'direct'). mediasoup v3
 * semantics.
 */
import type { DataConsumerDump } from './dumpTypes.js';
import type { DataConsumerStat } from './statsTypes.js';
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError } from '../common/errors.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import type { SctpStreamParameters } from '../ortc/index.js';
import type { AppData } from './appData.js';
import type { DataProducerType } from './DataProducer.js';

const logger = new Logger('DataConsumer');

export type DataConsumerType = DataProducerType;

export interface DataConsumerOptions<DataConsumerAppData extends AppData = AppData> {
  dataProducerId: string;
  ordered?: boolean;
  maxPacketLifeTime?: number;
  maxRetransmits?: number;
  paused?: boolean;
  subchannels?: number[];
  appData?: DataConsumerAppData;
}

export type DataConsumerEvents = {
  transportclose: [];
  dataproducerclose: [];
  dataproducerpause: [];
  dataproducerresume: [];
  message: [Buffer, number];
  sctpsendbufferfull: [];
  bufferedamountlow: [number];
  listenererror: [string, Error];
  '@close': [];
  '@dataproducerclose': [];
};

export type DataConsumerObserverEvents = {
  close: [];
  pause: [];
  resume: [];
};

function checkSubchannel(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new TypeError(`${name} must be an integer in [0, 65535]`);
  }
}

export class DataConsumer<
  DataConsumerAppData extends AppData = AppData,
> extends EnhancedEventEmitter<DataConsumerEvents> {
  readonly #id: string;
  readonly #transportId: string;
  readonly #dataProducerId: string;
  readonly #type: DataConsumerType;
  readonly #sctpStreamParameters: SctpStreamParameters | undefined;
  readonly #label: string;
  readonly #protocol: string;
  readonly #channel: Channel;
  readonly #observer = new EnhancedEventEmitter<DataConsumerObserverEvents>();
  #paused: boolean;
  #dataProducerPaused: boolean;
  #subchannels: number[];
  #closed = false;
  #appData: DataConsumerAppData;

  /** @internal Use transport.consumeData(). */
  constructor(args: {
    id: string;
    transportId: string;
    dataProducerId: string;
    type: DataConsumerType;
    sctpStreamParameters?: SctpStreamParameters;
    label: string;
    protocol: string;
    paused: boolean;
    dataProducerPaused: boolean;
    subchannels: number[];
    channel: Channel;
    appData?: DataConsumerAppData;
  }) {
    super();
    this.#id = args.id;
    this.#transportId = args.transportId;
    this.#dataProducerId = args.dataProducerId;
    this.#type = args.type;
    this.#sctpStreamParameters = args.sctpStreamParameters;
    this.#label = args.label;
    this.#protocol = args.protocol;
    this.#paused = args.paused;
    this.#dataProducerPaused = args.dataProducerPaused;
    this.#subchannels = args.subchannels;
    this.#channel = args.channel;
    this.#appData = args.appData ?? ({} as DataConsumerAppData);
    this.#channel.onNotification(this.#id, (event, data, payload) =>
      this.#onNotification(event, data, payload),
    );
  }

  get id(): string {
    return this.#id;
  }
  get dataProducerId(): string {
    return this.#dataProducerId;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get type(): DataConsumerType {
    return this.#type;
  }
  get sctpStreamParameters(): SctpStreamParameters | undefined {
    return this.#sctpStreamParameters;
  }
  get label(): string {
    return this.#label;
  }
  get protocol(): string {
    return this.#protocol;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get dataProducerPaused(): boolean {
    return this.#dataProducerPaused;
  }
  get subchannels(): number[] {
    return [...this.#subchannels];
  }
  get appData(): DataConsumerAppData {
    return this.#appData;
  }
  set appData(appData: DataConsumerAppData) {
    this.#appData = appData;
  }
  get observer(): EnhancedEventEmitter<DataConsumerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.offNotification(this.#id);
    this.#channel
      .request('transport.closeDataConsumer', this.#transportId, { dataConsumerId: this.#id })
      .catch((error: unknown) => logger.debug(`close() | ${String(error)}`));
    this.emit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal The transport closed. */
  transportClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.offNotification(this.#id);
    this.safeEmit('transportclose');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<DataConsumerDump> {
    return (await this.#request('dataConsumer.dump')) as DataConsumerDump;
  }

  async getStats(): Promise<DataConsumerStat[]> {
    return (await this.#request('dataConsumer.getStats')) as DataConsumerStat[];
  }

  async pause(): Promise<void> {
    await this.#request('dataConsumer.pause');
    const wasPaused = this.#paused;
    this.#paused = true;
    if (!wasPaused && !this.#dataProducerPaused) this.#observer.safeEmit('pause');
  }

  async resume(): Promise<void> {
    await this.#request('dataConsumer.resume');
    const wasPaused = this.#paused;
    this.#paused = false;
    if (wasPaused && !this.#dataProducerPaused) this.#observer.safeEmit('resume');
  }

  async setBufferedAmountLowThreshold(threshold: number): Promise<void> {
    if (typeof threshold !== 'number' || !(threshold >= 0)) {
      throw new TypeError('threshold must be a non-negative number');
    }
    await this.#request('dataConsumer.setBufferedAmountLowThreshold', { threshold });
  }

  async getBufferedAmount(): Promise<number> {
    const { bufferedAmount } = (await this.#request('dataConsumer.getBufferedAmount')) as {
      bufferedAmount: number;
    };
    return bufferedAmount;
  }

  async setSubchannels(subchannels: number[]): Promise<void> {
    if (!Array.isArray(subchannels)) throw new TypeError('subchannels must be an array');
    if (subchannels.length > 1024) throw new TypeError('at most 1024 subchannels');
    subchannels.forEach((s, i) => checkSubchannel(s, `subchannels[${i}]`));
    const { subchannels: now } = (await this.#request('dataConsumer.setSubchannels', {
      subchannels,
    })) as { subchannels: number[] };
    this.#subchannels = now;
  }

  async addSubchannel(subchannel: number): Promise<void> {
    checkSubchannel(subchannel, 'subchannel');
    const { subchannels } = (await this.#request('dataConsumer.addSubchannel', {
      subchannel,
    })) as { subchannels: number[] };
    this.#subchannels = subchannels;
  }

  async removeSubchannel(subchannel: number): Promise<void> {
    checkSubchannel(subchannel, 'subchannel');
    const { subchannels } = (await this.#request('dataConsumer.removeSubchannel', {
      subchannel,
    })) as { subchannels: number[] };
    this.#subchannels = subchannels;
  }

  /** Sends a message from Node to this consumer's endpoint (PPID defaults as in DataProducer). */
  send(message: string | Buffer, ppid?: number): void {
    if (typeof message !== 'string' && !Buffer.isBuffer(message)) {
      throw new TypeError('message must be a string or a Buffer');
    }
    if (this.#closed) throw new InvalidStateError('closed');
    if (ppid === undefined) {
      if (typeof message === 'string') ppid = message.length > 0 ? 51 : 56;
      else ppid = message.length > 0 ? 53 : 57;
    } else if (!Number.isInteger(ppid) || ppid < 0 || ppid > 0xffffffff) {
      throw new TypeError('ppid must be a 32-bit unsigned integer');
    }
    let payload: Buffer;
    if (ppid === 56) payload = Buffer.from(' ');
    else if (ppid === 57) payload = Buffer.alloc(1);
    else payload = typeof message === 'string' ? Buffer.from(message) : message;
    this.#channel.notify('dataConsumer.send', this.#id, { ppid }, payload);
  }

  async #request(method: string, data?: unknown): Promise<unknown> {
    if (this.#closed) throw new InvalidStateError('closed');
    return this.#channel.request(method, this.#id, data);
  }

  #onNotification(event: string, data: unknown, payload?: Uint8Array): void {
    if (this.#closed) return;
    switch (event) {
      case 'message': {
        if (payload === undefined) return;
        const ppid = (data as { ppid?: unknown } | undefined)?.ppid;
        this.safeEmit('message', Buffer.from(payload), typeof ppid === 'number' ? ppid : 53);
        return;
      }
      case 'dataproducerclose':
        this.#closed = true;
        this.#channel.offNotification(this.#id);
        this.emit('@dataproducerclose');
        this.safeEmit('dataproducerclose');
        this.#observer.safeEmit('close');
        return;
      case 'dataproducerpause': {
        const was = this.#dataProducerPaused;
        this.#dataProducerPaused = true;
        this.safeEmit('dataproducerpause');
        if (!was && !this.#paused) this.#observer.safeEmit('pause');
        return;
      }
      case 'dataproducerresume': {
        const was = this.#dataProducerPaused;
        this.#dataProducerPaused = false;
        this.safeEmit('dataproducerresume');
        if (was && !this.#paused) this.#observer.safeEmit('resume');
        return;
      }
      case 'sctpsendbufferfull':
        this.safeEmit('sctpsendbufferfull');
        return;
      case 'bufferedamountlow': {
        const amount = (data as { bufferedAmount?: unknown } | undefined)?.bufferedAmount;
        this.safeEmit('bufferedamountlow', typeof amount === 'number' ? amount : 0);
        return;
      }
      default:
        return;
    }
  }
}
