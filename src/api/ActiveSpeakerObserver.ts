/**
 * ActiveSpeakerObserver (mediasoup v3): `dominantspeaker` when the dominant speaker changes,
 * by the dominant speaker identification of Volfin and Cohen (three time scales of speech
 * activity), evaluated every `interval` ms.
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

export interface ActiveSpeakerObserverOptions<
  ActiveSpeakerObserverAppData extends AppData = AppData,
> {
  /** Interval in ms (100..5000). Default 300. */
  interval?: number;
  appData?: ActiveSpeakerObserverAppData;
}

export interface ActiveSpeakerObserverDominantSpeaker {
  producer: Producer;
}

export type ActiveSpeakerObserverEvents = RtpObserverEvents & {
  dominantspeaker: [ActiveSpeakerObserverDominantSpeaker];
};

export type ActiveSpeakerObserverObserverEvents = RtpObserverObserverEvents & {
  dominantspeaker: [ActiveSpeakerObserverDominantSpeaker];
};

export type ActiveSpeakerObserverObserver =
  EnhancedEventEmitter<ActiveSpeakerObserverObserverEvents>;

export class ActiveSpeakerObserver<
  ActiveSpeakerObserverAppData extends AppData = AppData,
> extends RtpObserver<
  ActiveSpeakerObserverAppData,
  ActiveSpeakerObserverEvents,
  ActiveSpeakerObserverObserverEvents
> {
  /** @internal Use router.createActiveSpeakerObserver(). */
  constructor(options: RtpObserverConstructorOptions<ActiveSpeakerObserverAppData>) {
    super(options);
  }

  get type(): RtpObserverType {
    return 'activespeaker';
  }

  protected handleNotification(event: string, data: unknown): void {
    if (event !== 'dominantspeaker') return;
    const producer = this.getProducerById((data as { producerId: string }).producerId);
    if (!producer) return;
    const dominantSpeaker: ActiveSpeakerObserverDominantSpeaker = { producer };
    this.safeEmit('dominantspeaker', dominantSpeaker);
    this.observer.safeEmit('dominantspeaker', dominantSpeaker);
  }
}
