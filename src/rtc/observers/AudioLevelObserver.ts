/**
 * mediasoup's AudioLevelObserver: every interval, the average level of each producer's
 * packets in that interval (producers with fewer than 10 packets are left out), loudest first,
 * at most maxEntries of them, those at or above the threshold; `silence` once when none is,
 * and not again until `volumes` were emitted.
 */
import type { Producer } from '../rtp/Producer.js';
import { RtpObserver, type RtpObserverOptions } from './RtpObserver.js';

/** mediasoup's bounds: interval clamped to [250, 5000] ms, threshold in [-127, 0] dBov. */
export const AUDIO_LEVEL_INTERVAL_MIN = 250;
export const AUDIO_LEVEL_INTERVAL_MAX = 5000;
/** Fewer packets in an interval than this: not enough to say how loud a producer was. */
const MIN_PACKETS = 10;

export interface AudioLevelObserverOptions extends RtpObserverOptions {
  maxEntries: number;
  /** dBov, −127..0. */
  threshold: number;
}

/** One producer's sum of levels in the current interval. */
interface LevelSum {
  producer: Producer;
  sum: number;
  count: number;
}

export interface AudioLevelVolume {
  producerId: string;
  /** Average dBov (−127..0). */
  volume: number;
}

export class AudioLevelObserver extends RtpObserver {
  readonly maxEntries: number;
  readonly threshold: number;
  /** Producers fed now (a paused one is left out until it resumes, as mediasoup does). */
  readonly #sums = new Map<string, LevelSum>();
  #silence = true;

  constructor(options: AudioLevelObserverOptions) {
    super(options, 'AudioLevelObserver');
    this.maxEntries = options.maxEntries;
    this.threshold = options.threshold;
  }

  producerPaused(producer: Producer): void {
    this.#sums.delete(producer.id);
  }

  producerResumed(producer: Producer): void {
    if (this.hasProducer(producer.id)) this.#sums.set(producer.id, { producer, sum: 0, count: 0 });
  }

  update(nowMs: number): void {
    void nowMs;
    const loud: AudioLevelVolume[] = [];
    for (const entry of this.#sums.values()) {
      if (entry.count >= MIN_PACKETS) {
        const volume = -Math.round(entry.sum / entry.count);
        if (volume >= this.threshold) loud.push({ producerId: entry.producer.id, volume });
      }
      entry.sum = 0;
      entry.count = 0;
    }
    if (loud.length > 0) {
      this.#silence = false;
      loud.sort((a, b) => b.volume - a.volume);
      if (loud.length > this.maxEntries) loud.length = this.maxEntries;
      this.notify('volumes', loud);
    } else if (!this.#silence) {
      this.#silence = true;
      this.notify('silence');
    }
  }

  protected onAddProducer(producer: Producer): void {
    if (!this.#sums.has(producer.id)) this.#sums.set(producer.id, { producer, sum: 0, count: 0 });
  }

  protected onRemoveProducer(producer: Producer): void {
    this.#sums.delete(producer.id);
  }

  protected onAudioLevel(producer: Producer, level: number): void {
    const entry = this.#sums.get(producer.id);
    if (!entry) return;
    entry.sum += level;
    entry.count++;
  }

  /** mediasoup: pausing drops the interval's sums and reports silence (once). */
  protected onPaused(): void {
    for (const entry of this.#sums.values()) {
      entry.sum = 0;
      entry.count = 0;
    }
    if (!this.#silence) {
      this.#silence = true;
      this.notify('silence');
    }
  }
}
