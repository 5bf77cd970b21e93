/**
 * Router: a room's media routing table, living in one worker. mediasoup v3
 * semantics; transports, producers and consumers attach to it.
 */
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError } from '../common/errors.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import type { RouterDump } from '../worker/handlers/RouterHandler.js';
import { canConsume as ortcCanConsume } from '../ortc/index.js';
import type { RtpCapabilities, RtpParameters } from '../ortc/index.js';
import type { AppData } from './appData.js';

const logger = new Logger('Router');

export type { RouterDump };

export type RouterEvents = {
  workerclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type RouterObserverEvents = {
  close: [];
};

/** What the Router needs to know of a producer to answer canConsume(). */
export interface ConsumableProducer {
  id: string;
  consumableRtpParameters: RtpParameters;
}

export class Router<
  RouterAppData extends AppData = AppData,
> extends EnhancedEventEmitter<RouterEvents> {
  readonly #id: string;
  readonly #rtpCapabilities: RtpCapabilities;
  readonly #channel: Channel;
  readonly #observer = new EnhancedEventEmitter<RouterObserverEvents>();
  readonly #producers = new Map<string, ConsumableProducer>();
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
    this.#producers.clear();
    this.emit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal Called by the Worker when it closes or dies. */
  workerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#producers.clear();
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
      return ortcCanConsume(producer.consumableRtpParameters, structuredClone(rtpCapabilities));
    } catch (error) {
      logger.error(`canConsume() | unexpected error: ${String(error)}`);
      return false;
    }
  }

  /** @internal Registers a producer for canConsume() (the transports do this). */
  addProducer(producer: ConsumableProducer): void {
    this.#producers.set(producer.id, producer);
  }

  /** @internal */
  removeProducer(producerId: string): void {
    this.#producers.delete(producerId);
  }
}
