/**
 * What the two RTP observers of a router share (mediasoup's RtpObserver): the audio producers
 * they watch, pause/resume, a periodic update from their own timer, and their notifications.
 * The router feeds them the audio level (RFC 6464) of each packet its producers forward; a
 * paused producer forwards nothing, so it feeds nothing.
 */
import { FaultBoundary } from '../FaultBoundary.js';
import type { Producer } from '../rtp/Producer.js';

/** Where an observer's events go (the worker's channel, addressed to the observer). */
export type RtpObserverNotify = (event: string, data?: unknown) => void;

export interface RtpObserverOptions {
  id: string;
  /** Update period in ms (already within the kind's range). */
  interval: number;
  notify: RtpObserverNotify;
  /** Tests drive update() themselves. Default true. */
  startTimer?: boolean;
}

export abstract class RtpObserver {
  readonly id: string;
  readonly interval: number;
  protected readonly notify: RtpObserverNotify;
  readonly #producers = new Map<string, Producer>();
  readonly #boundary: FaultBoundary;
  readonly #onTimer: () => void;
  readonly #useTimer: boolean;
  #timer: NodeJS.Timeout | undefined;
  #paused = false;
  #closed = false;

  protected constructor(options: RtpObserverOptions, label: string) {
    this.id = options.id;
    this.interval = options.interval;
    this.notify = options.notify;
    this.#boundary = new FaultBoundary(`${label} ${options.id}`);
    this.#onTimer = this.#boundary.wrap('timer', this.#tick, this);
    this.#useTimer = options.startTimer ?? true;
    this.#startTimer();
  }

  get paused(): boolean {
    return this.#paused;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get producerIds(): string[] {
    return [...this.#producers.keys()];
  }

  hasProducer(producerId: string): boolean {
    return this.#producers.has(producerId);
  }

  /** mediasoup: only audio producers (TypeError otherwise). */
  addProducer(producer: Producer, nowMs: number): void {
    if (producer.kind !== 'audio') throw new TypeError('not an audio Producer');
    this.onAddProducer(producer, nowMs);
    this.#producers.set(producer.id, producer);
  }

  /** Also when the producer closes; unknown producers are ignored. */
  removeProducer(producer: Producer): void {
    if (!this.#producers.delete(producer.id)) return;
    this.onRemoveProducer(producer);
  }

  /** The hot path: one forwarded packet's raw audio level byte (V bit included). */
  receiveAudioLevel(producer: Producer, level: number, nowMs: number): void {
    if (this.#paused || this.#closed) return;
    this.onAudioLevel(producer, level & 0x7f, nowMs);
  }

  abstract producerPaused(producer: Producer): void;
  abstract producerResumed(producer: Producer): void;

  pause(): void {
    if (this.#paused || this.#closed) return;
    this.#paused = true;
    this.#stopTimer();
    this.onPaused();
  }

  resume(): void {
    if (!this.#paused || this.#closed) return;
    this.#paused = false;
    this.#startTimer();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopTimer();
    this.#producers.clear();
  }

  /** The periodic work (public so that tests drive it on synthetic time). */
  abstract update(nowMs: number): void;

  protected abstract onAddProducer(producer: Producer, nowMs: number): void;
  protected abstract onRemoveProducer(producer: Producer): void;
  /** `level`: 0..127, in −dBov (0 loudest, 127 silence). */
  protected abstract onAudioLevel(producer: Producer, level: number, nowMs: number): void;
  protected abstract onPaused(): void;

  #tick(): void {
    this.update(performance.now());
  }

  #startTimer(): void {
    if (!this.#useTimer || this.#timer) return;
    this.#timer = setInterval(this.#onTimer, this.interval);
    this.#timer.unref();
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
