/**
 * Producer: media a transport receives from an endpoint, mediasoup v3 semantics.
 */
import type { ProducerDump } from './dumpTypes.js';
import type { ProducerStat } from './statsTypes.js';
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError, UnsupportedError } from '../common/errors.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import type { MediaKind, RtpParameters } from '../ortc/index.js';
import type { AppData } from './appData.js';
import {
  PRODUCER_TRACE_TYPES,
  traceTypesToEnable,
  type ProducerTraceEventData,
  type ProducerTraceEventType,
} from './traceEvents.js';

const logger = new Logger('Producer');

export type ProducerType = 'simple' | 'simulcast' | 'svc';

export interface ProducerOptions<ProducerAppData extends AppData = AppData> {
  id?: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  paused?: boolean;
  keyFrameRequestDelay?: number;
  appData?: ProducerAppData;
}

export interface ProducerScore {
  encodingIdx: number;
  ssrc: number;
  rid?: string;
  score: number;
}

/**
 * The video orientation a producer's packets carry (the `urn:3gpp:video-orientation` header
 * extension, 3GPP TS 26.114 §7.4.5): back-facing camera, horizontal flip, rotation in degrees
 * (0, 90, 180, 270).
 */
export interface ProducerVideoOrientation {
  camera: boolean;
  flip: boolean;
  rotation: number;
}

export type ProducerEvents = {
  transportclose: [];
  score: [ProducerScore[]];
  videoorientationchange: [ProducerVideoOrientation];
  trace: [ProducerTraceEventData];
  listenererror: [string, Error];
  '@close': [];
};

export type ProducerObserverEvents = {
  close: [];
  pause: [];
  resume: [];
  score: [ProducerScore[]];
  videoorientationchange: [ProducerVideoOrientation];
  trace: [ProducerTraceEventData];
};

export class Producer<
  ProducerAppData extends AppData = AppData,
> extends EnhancedEventEmitter<ProducerEvents> {
  readonly #id: string;
  /** Where requests and notifications go: the id, unless the worker knows it otherwise. */
  readonly #handlerId: string;
  readonly #transportId: string;
  readonly #kind: MediaKind;
  readonly #rtpParameters: RtpParameters;
  readonly #type: ProducerType;
  readonly #consumableRtpParameters: RtpParameters;
  readonly #channel: Channel;
  readonly #observer = new EnhancedEventEmitter<ProducerObserverEvents>();
  #paused: boolean;
  #closed = false;
  #score: ProducerScore[] = [];
  #appData: ProducerAppData;
  readonly #direct: boolean;

  /** @internal Use transport.produce(). */
  constructor(args: {
    id: string;
    /** A pipe producer's handler id (its id may exist in the worker already). */
    handlerId?: string;
    transportId: string;
    kind: MediaKind;
    rtpParameters: RtpParameters;
    type: ProducerType;
    consumableRtpParameters: RtpParameters;
    paused: boolean;
    channel: Channel;
    appData?: ProducerAppData;
    direct?: boolean;
  }) {
    super();
    this.#id = args.id;
    this.#handlerId = args.handlerId ?? args.id;
    this.#transportId = args.transportId;
    this.#kind = args.kind;
    this.#rtpParameters = args.rtpParameters;
    this.#type = args.type;
    this.#consumableRtpParameters = args.consumableRtpParameters;
    this.#paused = args.paused;
    this.#channel = args.channel;
    this.#appData = args.appData ?? ({} as ProducerAppData);
    this.#direct = args.direct ?? false;
    this.#channel.onNotification(this.#handlerId, (event, data) => {
      if (event === 'score') {
        this.#score = data as ProducerScore[];
        this.safeEmit('score', this.#score);
        this.#observer.safeEmit('score', this.#score);
      } else if (event === 'videoorientationchange') {
        const orientation = data as ProducerVideoOrientation;
        this.safeEmit('videoorientationchange', orientation);
        this.#observer.safeEmit('videoorientationchange', orientation);
      } else if (event === 'trace') {
        const trace = data as ProducerTraceEventData;
        this.safeEmit('trace', trace);
        this.#observer.safeEmit('trace', trace);
      }
    });
  }

  get id(): string {
    return this.#id;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get kind(): MediaKind {
    return this.#kind;
  }
  get rtpParameters(): RtpParameters {
    return this.#rtpParameters;
  }
  get type(): ProducerType {
    return this.#type;
  }
  /** @internal What consumers of this producer are derived from. */
  get consumableRtpParameters(): RtpParameters {
    return this.#consumableRtpParameters;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get score(): ProducerScore[] {
    return this.#score;
  }
  get appData(): ProducerAppData {
    return this.#appData;
  }
  set appData(appData: ProducerAppData) {
    this.#appData = appData;
  }
  get observer(): EnhancedEventEmitter<ProducerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.offNotification(this.#handlerId);
    this.#channel
      .request('transport.closeProducer', this.#transportId, { producerId: this.#id })
      .catch((error: unknown) => logger.debug(`close() | ${String(error)}`));
    this.emit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal The transport closed. */
  transportClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.offNotification(this.#handlerId);
    this.safeEmit('transportclose');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<ProducerDump> {
    return (await this.#request('producer.dump')) as ProducerDump;
  }

  /**
   * Feeds one RTP packet to a Producer of a DirectTransport, as if it had
   * arrived from the network. The bytes are copied before this returns; the
   * worker drops and counts what does not parse or matches no stream
   * (transport getStats().packetsDropped).
   */
  send(rtpPacket: Buffer): void {
    if (!Buffer.isBuffer(rtpPacket)) throw new TypeError('rtpPacket must be a Buffer');
    if (!this.#direct) {
      throw new UnsupportedError('send() is only valid for a Producer of a DirectTransport');
    }
    if (this.#closed) throw new InvalidStateError('closed');
    this.#channel.notify('producer.send', this.#handlerId, undefined, rtpPacket);
  }

  async getStats(): Promise<ProducerStat[]> {
    return (await this.#request('producer.getStats')) as ProducerStat[];
  }

  async pause(): Promise<void> {
    await this.#request('producer.pause');
    const wasPaused = this.#paused;
    this.#paused = true;
    if (!wasPaused) this.#observer.safeEmit('pause');
  }

  async resume(): Promise<void> {
    await this.#request('producer.resume');
    const wasPaused = this.#paused;
    this.#paused = false;
    if (wasPaused) this.#observer.safeEmit('resume');
  }

  async enableTraceEvent(types: ProducerTraceEventType[] = []): Promise<void> {
    const enabled = traceTypesToEnable(types, PRODUCER_TRACE_TYPES, logger);
    await this.#request('producer.enableTraceEvent', { types: enabled });
  }

  async #request(method: string, data?: unknown): Promise<unknown> {
    if (this.#closed) throw new InvalidStateError('closed');
    return this.#channel.request(method, this.#handlerId, data);
  }
}
