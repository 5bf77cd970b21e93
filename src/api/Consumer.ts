/**
 * Consumer: media a transport sends to an endpoint, fed by one Producer;
 * mediasoup v3 semantics.
 */
import type { ConsumerDump } from './dumpTypes.js';
import type { ConsumerStat, ProducerStat } from './statsTypes.js';
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError } from '../common/errors.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import type { MediaKind, RtpCapabilities, RtpParameters } from '../ortc/index.js';
import type { AppData } from './appData.js';
import {
  CONSUMER_TRACE_TYPES,
  traceTypesToEnable,
  type ConsumerTraceEventData,
  type ConsumerTraceEventType,
} from './traceEvents.js';

const logger = new Logger('Consumer');

export type ConsumerType = 'simple' | 'simulcast' | 'svc' | 'pipe';

export interface ConsumerLayers {
  spatialLayer: number;
  temporalLayer?: number;
}

export interface ConsumerScore {
  score: number;
  producerScore: number;
  producerScores: number[];
}

export interface ConsumerOptions<ConsumerAppData extends AppData = AppData> {
  producerId: string;
  rtpCapabilities: RtpCapabilities;
  paused?: boolean;
  mid?: string;
  preferredLayers?: ConsumerLayers;
  ignoreDtx?: boolean;
  enableRtx?: boolean;
  pipe?: boolean;
  appData?: ConsumerAppData;
}

export type ConsumerEvents = {
  transportclose: [];
  producerclose: [];
  producerpause: [];
  producerresume: [];
  score: [ConsumerScore];
  layerschange: [ConsumerLayers | undefined];
  /** Each RTP packet of a Consumer of a DirectTransport. */
  rtp: [Buffer];
  trace: [ConsumerTraceEventData];
  listenererror: [string, Error];
  '@close': [];
  '@producerclose': [];
};

export type ConsumerObserverEvents = {
  close: [];
  pause: [];
  resume: [];
  score: [ConsumerScore];
  layerschange: [ConsumerLayers | undefined];
  trace: [ConsumerTraceEventData];
};

export class Consumer<
  ConsumerAppData extends AppData = AppData,
> extends EnhancedEventEmitter<ConsumerEvents> {
  readonly #id: string;
  readonly #transportId: string;
  readonly #producerId: string;
  readonly #kind: MediaKind;
  readonly #rtpParameters: RtpParameters;
  readonly #type: ConsumerType;
  readonly #channel: Channel;
  readonly #observer = new EnhancedEventEmitter<ConsumerObserverEvents>();
  #paused: boolean;
  #producerPaused: boolean;
  #priority = 1;
  #score: ConsumerScore;
  #preferredLayers: ConsumerLayers | undefined;
  #currentLayers: ConsumerLayers | undefined;
  #closed = false;
  #appData: ConsumerAppData;

  /** @internal Use transport.consume(). */
  constructor(args: {
    id: string;
    transportId: string;
    producerId: string;
    kind: MediaKind;
    rtpParameters: RtpParameters;
    type: ConsumerType;
    paused: boolean;
    producerPaused: boolean;
    score: ConsumerScore;
    preferredLayers?: ConsumerLayers;
    channel: Channel;
    appData?: ConsumerAppData;
  }) {
    super();
    this.#id = args.id;
    this.#transportId = args.transportId;
    this.#producerId = args.producerId;
    this.#kind = args.kind;
    this.#rtpParameters = args.rtpParameters;
    this.#type = args.type;
    this.#paused = args.paused;
    this.#producerPaused = args.producerPaused;
    this.#score = args.score;
    this.#preferredLayers = args.preferredLayers;
    this.#channel = args.channel;
    this.#appData = args.appData ?? ({} as ConsumerAppData);
    this.#channel.onNotification(this.#id, (event, data, payload) => {
      // A direct consumer's packets: the hot path, before any other event.
      if (event === 'rtp') {
        if (payload !== undefined && !this.#closed) this.safeEmit('rtp', payload);
        return;
      }
      this.#onNotification(event, data);
    });
  }

  get id(): string {
    return this.#id;
  }
  get producerId(): string {
    return this.#producerId;
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
  get type(): ConsumerType {
    return this.#type;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get producerPaused(): boolean {
    return this.#producerPaused;
  }
  get priority(): number {
    return this.#priority;
  }
  get score(): ConsumerScore {
    return this.#score;
  }
  get preferredLayers(): ConsumerLayers | undefined {
    return this.#preferredLayers;
  }
  get currentLayers(): ConsumerLayers | undefined {
    return this.#currentLayers;
  }
  get appData(): ConsumerAppData {
    return this.#appData;
  }
  set appData(appData: ConsumerAppData) {
    this.#appData = appData;
  }
  get observer(): EnhancedEventEmitter<ConsumerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.offNotification(this.#id);
    this.#channel
      .request('transport.closeConsumer', this.#transportId, { consumerId: this.#id })
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

  async dump(): Promise<ConsumerDump> {
    return (await this.#request('consumer.dump')) as ConsumerDump;
  }

  async getStats(): Promise<(ConsumerStat | ProducerStat)[]> {
    return (await this.#request('consumer.getStats')) as (ConsumerStat | ProducerStat)[];
  }

  async pause(): Promise<void> {
    await this.#request('consumer.pause');
    const wasPaused = this.#paused;
    this.#paused = true;
    if (!wasPaused && !this.#producerPaused) this.#observer.safeEmit('pause');
  }

  async resume(): Promise<void> {
    await this.#request('consumer.resume');
    const wasPaused = this.#paused;
    this.#paused = false;
    if (wasPaused && !this.#producerPaused) this.#observer.safeEmit('resume');
  }

  async setPreferredLayers(layers: ConsumerLayers): Promise<void> {
    if (typeof layers !== 'object' || layers === null || !Number.isInteger(layers.spatialLayer)) {
      throw new TypeError('spatialLayer must be an integer');
    }
    // The worker answers with the layers in force (clamped to the producer's), as mediasoup.
    const preferred = (await this.#request('consumer.setPreferredLayers', layers)) as
      ConsumerLayers | undefined;
    this.#preferredLayers = preferred ?? undefined;
  }

  /** mediasoup's check here; the worker refuses what reaches it as 0 (its channel's uint8). */
  async setPriority(priority: number): Promise<void> {
    if (typeof priority !== 'number' || priority < 0) {
      throw new TypeError('priority must be a positive number');
    }
    const answer = (await this.#request('consumer.setPriority', { priority })) as {
      priority: number;
    };
    this.#priority = answer.priority;
  }

  async unsetPriority(): Promise<void> {
    const answer = (await this.#request('consumer.unsetPriority')) as { priority: number };
    this.#priority = answer.priority;
  }

  async requestKeyFrame(): Promise<void> {
    await this.#request('consumer.requestKeyFrame');
  }

  async enableTraceEvent(types: ConsumerTraceEventType[] = []): Promise<void> {
    const enabled = traceTypesToEnable(types, CONSUMER_TRACE_TYPES, logger);
    await this.#request('consumer.enableTraceEvent', { types: enabled });
  }

  async #request(method: string, data?: unknown): Promise<unknown> {
    if (this.#closed) throw new InvalidStateError('closed');
    return this.#channel.request(method, this.#id, data);
  }

  #onNotification(event: string, data: unknown): void {
    switch (event) {
      case 'producerclose':
        if (this.#closed) return;
        this.#closed = true;
        this.#channel.offNotification(this.#id);
        this.emit('@producerclose');
        this.safeEmit('producerclose');
        this.#observer.safeEmit('close');
        return;
      case 'producerpause': {
        if (this.#producerPaused) return;
        this.#producerPaused = true;
        this.safeEmit('producerpause');
        if (!this.#paused) this.#observer.safeEmit('pause');
        return;
      }
      case 'producerresume': {
        if (!this.#producerPaused) return;
        this.#producerPaused = false;
        this.safeEmit('producerresume');
        if (!this.#paused) this.#observer.safeEmit('resume');
        return;
      }
      case 'score':
        this.#score = data as ConsumerScore;
        this.safeEmit('score', this.#score);
        this.#observer.safeEmit('score', this.#score);
        return;
      case 'trace': {
        const trace = data as ConsumerTraceEventData;
        this.safeEmit('trace', trace);
        this.#observer.safeEmit('trace', trace);
        return;
      }
      case 'layerschange':
        this.#currentLayers = (data as ConsumerLayers | null | undefined) ?? undefined;
        this.safeEmit('layerschange', this.#currentLayers);
        this.#observer.safeEmit('layerschange', this.#currentLayers);
        return;
      default:
        return;
    }
  }
}
