/**
 * mediasoup's ActiveSpeakerObserver: the dominant speaker identification of Volfin and Cohen
 * (see SpeakerActivity.ts). Every interval, each non-paused speaker challenges the dominant
 * one: it takes over when the log-ratio of its scores to the dominant's exceeds 3 on the
 * immediate scale, 2 on the medium and 0 on the long (the paper's C1, C2, C3), the challenger
 * with the largest medium ratio winning. `dominantspeaker` is emitted on each change; a lone
 * producer is dominant; with none dominant yet, the first producer added is the incumbent.
 */
import { InvalidStateError } from '../../common/errors.js';
import type { Producer } from '../rtp/Producer.js';
import { RtpObserver, type RtpObserverOptions } from './RtpObserver.js';
import { SpeakerActivity } from './SpeakerActivity.js';

/** mediasoup clamps the interval to [100, 5000] ms. */
export const ACTIVE_SPEAKER_INTERVAL_MIN = 100;
export const ACTIVE_SPEAKER_INTERVAL_MAX = 5000;
const C1 = 3;
const C2 = 2;
const C3 = 0;
/** A speaker without packets for this long gets silence recorded (every update, at most). */
const LEVEL_IDLE_MS = 40;
/** A speaker idle this long (and not dominant) stops challenging. */
const SPEAKER_IDLE_MS = 60 * 60 * 1000;

export class ActiveSpeakerObserver extends RtpObserver {
  readonly #speakers = new Map<string, SpeakerActivity>();
  #dominantId = '';
  #lastIdleCheckMs = -1;

  constructor(options: RtpObserverOptions) {
    super(options, 'ActiveSpeakerObserver');
  }

  /** The dominant producer's id ('' for none yet). */
  get dominantId(): string {
    return this.#dominantId;
  }

  producerPaused(producer: Producer): void {
    const speaker = this.#speakers.get(producer.id);
    if (speaker) speaker.paused = true;
  }

  producerResumed(producer: Producer): void {
    const speaker = this.#speakers.get(producer.id);
    if (speaker) speaker.paused = false;
  }

  update(nowMs: number): void {
    if (this.#lastIdleCheckMs < 0) this.#lastIdleCheckMs = nowMs;
    else if (nowMs - this.#lastIdleCheckMs >= LEVEL_IDLE_MS) {
      this.#timeoutIdleLevels(nowMs);
      this.#lastIdleCheckMs = nowMs;
    }
    if (this.#speakers.size > 0 && this.#electDominant()) {
      this.notify('dominantspeaker', { producerId: this.#dominantId });
    }
  }

  protected onAddProducer(producer: Producer, nowMs: number): void {
    if (this.#speakers.has(producer.id)) throw new InvalidStateError('Producer already in map');
    const speaker = new SpeakerActivity(nowMs);
    speaker.paused = producer.paused;
    this.#speakers.set(producer.id, speaker);
  }

  protected onRemoveProducer(producer: Producer): void {
    this.#speakers.delete(producer.id);
    if (producer.id === this.#dominantId) {
      this.#dominantId = '';
      this.update(performance.now());
    }
  }

  protected onAudioLevel(producer: Producer, level: number, nowMs: number): void {
    // The algorithm works on volume: 0 silence, 127 loudest.
    this.#speakers.get(producer.id)?.levelChanged(127 - level, nowMs);
  }

  protected onPaused(): void {}

  /** Whether the dominant speaker changed. */
  #electDominant(): boolean {
    let elected = '';
    if (this.#speakers.size === 1) {
      elected = this.#speakers.keys().next().value as string;
    } else {
      let dominant = this.#speakers.get(this.#dominantId);
      if (!dominant) {
        const [firstId, first] = this.#speakers.entries().next().value as [string, SpeakerActivity];
        elected = firstId;
        dominant = first;
      }
      dominant.evalScores();
      let bestMedium = C2;
      for (const [id, speaker] of this.#speakers) {
        if (id === this.#dominantId || speaker.paused) continue;
        speaker.evalScores();
        const immediate = Math.log(speaker.immediateScore / dominant.immediateScore);
        const medium = Math.log(speaker.mediumScore / dominant.mediumScore);
        const long = Math.log(speaker.longScore / dominant.longScore);
        if (immediate > C1 && medium > C2 && long > C3 && medium > bestMedium) {
          bestMedium = medium;
          elected = id;
        }
      }
    }
    if (elected === '' || elected === this.#dominantId) return false;
    this.#dominantId = elected;
    return true;
  }

  #timeoutIdleLevels(nowMs: number): void {
    for (const [id, speaker] of this.#speakers) {
      const idle = nowMs - speaker.lastLevelAtMs;
      if (idle > SPEAKER_IDLE_MS && id !== this.#dominantId) speaker.paused = true;
      else if (idle > LEVEL_IDLE_MS) speaker.levelTimedOut(nowMs);
    }
  }
}
