/**
 * RtpObserver: what AudioLevelObserver and ActiveSpeakerObserver share (mediasoup v3):
 * id, type, paused, closed, appData, observer, pause/resume, addProducer/removeProducer,
 * close and `routerclose`. A kind adds only how it reads its notifications.
 */
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError } from '../common/errors.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import type { AppData } from './appData.js';
import type { Producer } from './Producer.js';

const logger = new Logger('RtpObserver');

export type RtpObserverType = 'audiolevel' | 'activespeaker';

export type RtpObserverEvents = {
  routerclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type RtpObserverObserverEvents = {
  close: [];
  pause: [];
  resume: [];
  addproducer: [Producer];
  removeproducer: [Producer];
};

export interface RtpObserverAddRemoveProducerOptions {
  /** The id of the Producer to be added or removed. */
  producerId: string;
}

/** @internal What an observer needs from its router. */
export interface RtpObserverConstructorOptions<RtpObserverAppData> {
  id: string;
  routerId: string;
  channel: Channel;
  appData?: RtpObserverAppData;
  getProducerById: (producerId: string) => Producer | undefined;
}

export abstract class RtpObserver<
  RtpObserverAppData extends AppData = AppData,
  Events extends RtpObserverEvents = RtpObserverEvents,
  ObserverEvents extends RtpObserverObserverEvents = RtpObserverObserverEvents,
> extends EnhancedEventEmitter<Events> {
  readonly #id: string;
  readonly #routerId: string;
  protected readonly channel: Channel;
  protected readonly getProducerById: (producerId: string) => Producer | undefined;
  readonly #observer = new EnhancedEventEmitter<ObserverEvents>();
  #paused = false;
  #closed = false;
  #appData: RtpObserverAppData;

  protected constructor(options: RtpObserverConstructorOptions<RtpObserverAppData>) {
    super();
    this.#id = options.id;
    this.#routerId = options.routerId;
    this.channel = options.channel;
    this.getProducerById = options.getProducerById;
    this.#appData = options.appData ?? ({} as RtpObserverAppData);
    this.channel.onNotification(this.#id, (event, data) => this.handleNotification(event, data));
  }

  abstract get type(): RtpObserverType;

  /** A notification of the worker's observer (its events). */
  protected abstract handleNotification(event: string, data: unknown): void;

  get id(): string {
    return this.#id;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get appData(): RtpObserverAppData {
    return this.#appData;
  }
  set appData(appData: RtpObserverAppData) {
    this.#appData = appData;
  }
  get observer(): EnhancedEventEmitter<ObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.offNotification(this.#id);
    this.channel
      .request('router.closeRtpObserver', this.#routerId, { rtpObserverId: this.#id })
      .catch((error: unknown) => logger.debug(`close() | ${String(error)}`));
    this.emit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal The router closed. */
  routerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.offNotification(this.#id);
    this.safeEmit('routerclose');
    this.#observer.safeEmit('close');
  }

  async pause(): Promise<void> {
    const wasPaused = this.#paused;
    await this.#request('rtpObserver.pause');
    this.#paused = true;
    if (!wasPaused) this.#observer.safeEmit('pause');
  }

  async resume(): Promise<void> {
    const wasPaused = this.#paused;
    await this.#request('rtpObserver.resume');
    this.#paused = false;
    if (wasPaused) this.#observer.safeEmit('resume');
  }

  async addProducer({ producerId }: RtpObserverAddRemoveProducerOptions): Promise<void> {
    const producer = this.#producer(producerId);
    await this.#request('rtpObserver.addProducer', { producerId });
    this.#observer.safeEmit('addproducer', producer);
  }

  async removeProducer({ producerId }: RtpObserverAddRemoveProducerOptions): Promise<void> {
    const producer = this.#producer(producerId);
    await this.#request('rtpObserver.removeProducer', { producerId });
    this.#observer.safeEmit('removeproducer', producer);
  }

  #producer(producerId: string): Producer {
    const producer = this.getProducerById(producerId);
    if (!producer) throw new Error(`Producer with id "${producerId}" not found`);
    return producer;
  }

  async #request(method: string, data?: unknown): Promise<unknown> {
    if (this.#closed) throw new InvalidStateError('closed');
    return this.channel.request(method, this.#id, data);
  }
}
