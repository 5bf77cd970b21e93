/**
 * Who speaks in a room: an ActiveSpeakerObserver and an AudioLevelObserver
 * on the room's router, fed every microphone producer, turned into the
 * `activeSpeaker` and `audioLevels` notifications of PROTOCOL.md, each
 * throttled (the latest wins) so that a room costs its sockets a bounded rate.
 */
import type {
  ActiveSpeakerObserver,
  AudioLevelObserver,
  Producer,
  Router,
} from '../../src/index.js';

/** The dominant speaker is re-evaluated this often (mediasoup's default). */
export const ACTIVE_SPEAKER_INTERVAL_MS = 300;
/** Audio levels are averaged over, and sent at most once per, this long. */
export const AUDIO_LEVELS_INTERVAL_MS = 250;
/** Quieter than this (dBov) is no level at all. */
export const AUDIO_LEVEL_THRESHOLD = -80;
/** Levels per notification: every microphone of a large meeting's visible page. */
export const AUDIO_LEVELS_MAX_ENTRIES = 25;
/** At most one `activeSpeaker` per this long; a change within it is sent when it ends. */
export const ACTIVE_SPEAKER_MIN_GAP_MS = 500;

export interface SpeakerLevel {
  participantId: string;
  producerId: string;
  volume: number;
}

export interface SpeakerEvents {
  activeSpeaker(speaker: { participantId: string; producerId: string }): void;
  audioLevels(levels: SpeakerLevel[]): void;
}

export class Speakers {
  readonly #activeSpeaker: ActiveSpeakerObserver;
  readonly #audioLevels: AudioLevelObserver;
  /** Each observed producer's participant. */
  readonly #owners = new Map<string, string>();
  readonly #events: SpeakerEvents;
  #current: { participantId: string; producerId: string } | null = null;
  #sentAt = -Infinity;
  #pending: ReturnType<typeof setTimeout> | undefined;
  #levelsSentAt = -Infinity;
  #silent = true;

  private constructor(
    activeSpeaker: ActiveSpeakerObserver,
    audioLevels: AudioLevelObserver,
    events: SpeakerEvents,
  ) {
    this.#activeSpeaker = activeSpeaker;
    this.#audioLevels = audioLevels;
    this.#events = events;
    activeSpeaker.on('dominantspeaker', ({ producer }) => this.#onDominant(producer.id));
    audioLevels.on('volumes', (volumes) => {
      const levels: SpeakerLevel[] = [];
      for (const { producer, volume } of volumes) {
        const participantId = this.#owners.get(producer.id);
        if (participantId) levels.push({ participantId, producerId: producer.id, volume });
      }
      this.#onLevels(levels);
    });
    audioLevels.on('silence', () => this.#onLevels([]));
  }

  static async create(router: Router, events: SpeakerEvents): Promise<Speakers> {
    const activeSpeaker = await router.createActiveSpeakerObserver({
      interval: ACTIVE_SPEAKER_INTERVAL_MS,
    });
    try {
      const audioLevels = await router.createAudioLevelObserver({
        maxEntries: AUDIO_LEVELS_MAX_ENTRIES,
        threshold: AUDIO_LEVEL_THRESHOLD,
        interval: AUDIO_LEVELS_INTERVAL_MS,
      });
      return new Speakers(activeSpeaker, audioLevels, events);
    } catch (error) {
      activeSpeaker.close();
      throw error;
    }
  }

  /** The dominant speaker so far (for a participant who joins now). */
  get current(): { participantId: string; producerId: string } | null {
    return this.#current;
  }

  /** Observes a microphone producer; the observers drop it themselves when it closes. */
  async add(producer: Producer, participantId: string): Promise<void> {
    this.#owners.set(producer.id, participantId);
    producer.observer.once('close', () => {
      this.#owners.delete(producer.id);
      if (this.#current?.producerId === producer.id) this.#current = null;
    });
    await this.#activeSpeaker.addProducer({ producerId: producer.id });
    await this.#audioLevels.addProducer({ producerId: producer.id });
  }

  close(): void {
    clearTimeout(this.#pending);
    this.#activeSpeaker.close();
    this.#audioLevels.close();
  }

  #onDominant(producerId: string): void {
    const participantId = this.#owners.get(producerId);
    if (!participantId) return;
    this.#current = { participantId, producerId };
    if (this.#pending) return; // the trailing send takes the latest
    const wait = this.#sentAt + ACTIVE_SPEAKER_MIN_GAP_MS - Date.now();
    if (wait <= 0) this.#sendDominant();
    else this.#pending = setTimeout(() => this.#sendDominant(), wait);
  }

  #sendDominant(): void {
    this.#pending = undefined;
    if (!this.#current) return;
    this.#sentAt = Date.now();
    this.#events.activeSpeaker({ ...this.#current });
  }

  /** One per interval; silence once (the observer says it once, a page zeroes its meters). */
  #onLevels(levels: SpeakerLevel[]): void {
    const now = Date.now();
    if (levels.length === 0 && this.#silent) return;
    // The observer's interval bounds the rate; this guards against a burst of late events.
    if (levels.length > 0 && now - this.#levelsSentAt < AUDIO_LEVELS_INTERVAL_MS / 2) return;
    this.#silent = levels.length === 0;
    this.#levelsSentAt = now;
    this.#events.audioLevels(levels);
  }
}
