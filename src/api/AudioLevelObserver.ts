/**
 * AudioLevelObserver (mediasoup v3): every `interval` ms, `volumes` with the loudest audio
 * producers of the interval (average dBov of their RFC 6464 levels, at or above
 * `threshold`, at most `maxEntries`, loudest first), or `silence` once when none is.
 */
import type { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import type { AppData } from './appData.js';
import type { Producer } from './Producer.js';
import {
  RtpObserver,
  type RtpObserverConstructorOptions,
  type RtpObserverEvents,
  type RtpObserverObserverEvents,
  type RtpObserverType,
} from './RtpObserver.js';

export interface AudioLevelObserverOptions<AudioLevelObserverAppData extends AppData = AppData> {
  /** Most entries in a `volumes` event. Default 1. */
  maxEntries?: number;
  /** Least average volume (dBov, −127..0) of an entry. Default −80. */
  threshold?: number;
  /** Interval in ms (250..5000). Default 1000. */
  interval?: number;
  appData?: AudioLevelObserverAppData;
}

export interface AudioLevelObserverVolume {
  producer: Producer;
  /** The producer's average volume (dBov, −127..0) over the last interval. */
  volume: number;
}

export type AudioLevelObserverEvents = RtpObserverEvents & {
  volumes: [AudioLevelObserverVolume[]];
  silence: [];
};

export type AudioLevelObserverObserverEvents = RtpObserverObserverEvents & {
  volumes: [AudioLevelObserverVolume[]];
  silence: [];
};

export type AudioLevelObserverObserver = EnhancedEventEmitter<AudioLevelObserverObserverEvents>;

export class AudioLevelObserver<
  AudioLevelObserverAppData extends AppData = AppData,
> extends RtpObserver<
  AudioLevelObserverAppData,
  AudioLevelObserverEvents,
  AudioLevelObserverObserverEvents
> {
  /** @internal Use router.createAudioLevelObserver(). */
  constructor(options: RtpObserverConstructorOptions<AudioLevelObserverAppData>) {
    super(options);
  }

  get type(): RtpObserverType {
    return 'audiolevel';
  }

  protected handleNotification(event: string, data: unknown): void {
    if (event === 'volumes') {
      // A producer closed since the worker sent this is left out, as mediasoup does.
      const volumes: AudioLevelObserverVolume[] = [];
      for (const { producerId, volume } of data as { producerId: string; volume: number }[]) {
        const producer = this.getProducerById(producerId);
        if (producer) volumes.push({ producer, volume });
      }
      if (volumes.length === 0) return;
      this.safeEmit('volumes', volumes);
      this.observer.safeEmit('volumes', volumes);
    } else if (event === 'silence') {
      this.safeEmit('silence');
      this.observer.safeEmit('silence');
    }
  }
}
