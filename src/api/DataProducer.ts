/**
 * DataProducer: messages a transport receives from an endpoint's data channel (type
 * 'sctp'), or that Node sends into the router (type 'direct', on a DirectTransport).
 * mediasoup v3 semantics.
 */
import type { DataProducerDump } from './dumpTypes.js';
import type { DataProducerStat } from './statsTypes.js';
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError, UnsupportedError } from '../common/errors.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import type { SctpStreamParameters } from '../ortc/index.js';
import type { AppData } from './appData.js';

const logger = new Logger('DataProducer');

export type DataProducerType = 'sctp' | 'direct';

export interface DataProducerOptions<DataProducerAppData extends AppData = AppData> {
  id?: string;
  sctpStreamParameters?: SctpStreamParameters;
  label?: string;
  protocol?: string;
  paused?: boolean;
  appData?: DataProducerAppData;
}

export type DataProducerEvents = {
  transportclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type DataProducerObserverEvents = {
  close: [];
  pause: [];
  resume: [];
};

/** PPIDs of RFC 8831 §8 (string, binary and their empty forms). */
const PPID_STRING = 51;
const PPID_BINARY = 53;
const PPID_STRING_EMPTY = 56;
const PPID_BINARY_EMPTY = 57;

function checkSubchannel(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new TypeError(`${name} must be an integer in [0, 65535]`);
  }
}

export class DataProducer<
  DataProducerAppData extends AppData = AppData,
> extends EnhancedEventEmitter<DataProducerEvents> {
  readonly #id: string;
  /** Where its requests go in the worker (a pipe data producer's differs from its id). */
  readonly #handlerId: string;
  readonly #transportId: string;
  readonly #type: DataProducerType;
  readonly #sctpStreamParameters: SctpStreamParameters | undefined;
  readonly #label: string;
  readonly #protocol: string;
  readonly #channel: Channel;
  readonly #observer = new EnhancedEventEmitter<DataProducerObserverEvents>();
  #paused: boolean;
  #closed = false;
  #appData: DataProducerAppData;

  /** @internal Use transport.produceData(). */
  constructor(args: {
    id: string;
    handlerId?: string;
    transportId: string;
    type: DataProducerType;
    sctpStreamParameters?: SctpStreamParameters;
    label: string;
    protocol: string;
    paused: boolean;
    channel: Channel;
    appData?: DataProducerAppData;
  }) {
    super();
    this.#id = args.id;
    this.#handlerId = args.handlerId ?? args.id;
    this.#transportId = args.transportId;
    this.#type = args.type;
    this.#sctpStreamParameters = args.sctpStreamParameters;
    this.#label = args.label;
    this.#protocol = args.protocol;
    this.#paused = args.paused;
    this.#channel = args.channel;
    this.#appData = args.appData ?? ({} as DataProducerAppData);
  }

  get id(): string {
    return this.#id;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get type(): DataProducerType {
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
  get appData(): DataProducerAppData {
    return this.#appData;
  }
  set appData(appData: DataProducerAppData) {
    this.#appData = appData;
  }
  get observer(): EnhancedEventEmitter<DataProducerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel
      .request('transport.closeDataProducer', this.#transportId, { dataProducerId: this.#id })
      .catch((error: unknown) => logger.debug(`close() | ${String(error)}`));
    this.emit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal The transport closed. */
  transportClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.safeEmit('transportclose');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<DataProducerDump> {
    return (await this.#request('dataProducer.dump')) as DataProducerDump;
  }

  async getStats(): Promise<DataProducerStat[]> {
    return (await this.#request('dataProducer.getStats')) as DataProducerStat[];
  }

  async pause(): Promise<void> {
    await this.#request('dataProducer.pause');
    const wasPaused = this.#paused;
    this.#paused = true;
    if (!wasPaused) this.#observer.safeEmit('pause');
  }

  async resume(): Promise<void> {
    await this.#request('dataProducer.resume');
    const wasPaused = this.#paused;
    this.#paused = false;
    if (wasPaused) this.#observer.safeEmit('resume');
  }

  /**
   * Sends a message into the router from Node (a DataProducer of a DirectTransport). The
   * PPID defaults by type (RFC 8831 §8); an empty message goes as its empty form. Only data
   * consumers sharing one of `subchannels` (if any) and having `requiredSubchannel` (if
   * given) get it. The bytes are copied before this returns.
   */
  send(
    message: string | Buffer,
    ppid?: number,
    subchannels?: number[],
    requiredSubchannel?: number,
  ): void {
    if (typeof message !== 'string' && !Buffer.isBuffer(message)) {
      throw new TypeError('message must be a string or a Buffer');
    }
    if (this.#type !== 'direct') {
      throw new UnsupportedError('send() is only valid for a DataProducer of a DirectTransport');
    }
    if (this.#closed) throw new InvalidStateError('closed');
    if (ppid === undefined) {
      if (typeof message === 'string') ppid = message.length > 0 ? PPID_STRING : PPID_STRING_EMPTY;
      else ppid = message.length > 0 ? PPID_BINARY : PPID_BINARY_EMPTY;
    } else if (!Number.isInteger(ppid) || ppid < 0 || ppid > 0xffffffff) {
      throw new TypeError('ppid must be a 32-bit unsigned integer');
    }
    // RFC 8831 §6.6: the empty forms carry one byte the receiver ignores.
    let payload: Buffer;
    if (ppid === PPID_STRING_EMPTY) payload = Buffer.from(' ');
    else if (ppid === PPID_BINARY_EMPTY) payload = Buffer.alloc(1);
    else payload = typeof message === 'string' ? Buffer.from(message) : message;
    if (subchannels !== undefined) {
      if (!Array.isArray(subchannels)) throw new TypeError('subchannels must be an array');
      if (subchannels.length > 1024) throw new TypeError('at most 1024 subchannels');
      subchannels.forEach((s, i) => checkSubchannel(s, `subchannels[${i}]`));
    }
    if (requiredSubchannel !== undefined) checkSubchannel(requiredSubchannel, 'requiredSubchannel');
    this.#channel.notify(
      'dataProducer.send',
      this.#handlerId,
      { ppid, subchannels, requiredSubchannel },
      payload,
    );
  }

  async #request(method: string, data?: unknown): Promise<unknown> {
    if (this.#closed) throw new InvalidStateError('closed');
    return this.#channel.request(method, this.#handlerId, data);
  }
}
