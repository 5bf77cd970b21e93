/**
 * One speaker's activity in the dominant speaker identification of Volfin and Cohen
 * ("Dominant Speaker Identification for Multipoint Videoconferencing", 2013), with the
 * constants mediasoup's ActiveSpeakerObserver takes from Jitsi.
 *
 * Levels arrive as volumes (127 − the RFC 6464 level: 0 silence, 127 loudest), one per 20 ms.
 * Three time scales are kept over the last second:
 *   immediate: 50 sub-band indices (volume / 10 above the speaker's noise floor, 0..12),
 *   medium:    10 counts of "active" immediates in each 100 ms (0..5),
 *   long:      1 count of fully active mediums in that second (0..10).
 * Each scale's score is the log-likelihood ratio of speech against noise for that count of
 * active sub-bands: a binomial (p = 0.5) likelihood of speech over an exponential one of
 * noise (parameter λ per scale), floored at a tiny positive value so that ratios stay finite.
 */

const MAX_VOLUME = 127;
/** Sub-bands of the immediate scale, and the volume width of each (ceil(127 / 13)). */
const N1 = 13;
const SUBBAND_WIDTH = Math.floor((MAX_VOLUME + N1 - 1) / N1);
/** Immediates per medium, mediums per long. */
const N2 = 5;
const N3 = 10;
/** One second of 20 ms levels. */
export const LEVELS = N2 * N3;
/** An immediate above this counts as active for the medium scale; a medium above 4, for the long. */
const MEDIUM_THRESHOLD = 7;
const LONG_THRESHOLD = 4;
/** Levels are expected every 20 ms; a gap fills as many slots (DTX, other ptimes). */
const LEVEL_PERIOD_MS = 20;
/** The noise floor may rise only after this many levels (15 s) have shown it higher. */
const FLOOR_WINDOW = (15 * 1000) / LEVEL_PERIOD_MS;
const MIN_SCORE = 1e-10;
/** λ of the noise model per scale (immediate, medium, long). */
const LAMBDA_IMMEDIATE = 0.78;
const LAMBDA_MEDIUM = 24;
const LAMBDA_LONG = 47;

/** log C(n, k), exactly enough for n ≤ 13. */
function logBinomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.log(r);
}

/** The speech/noise log-likelihood ratio for `active` of `n` sub-bands (paper §III-B). */
export function activityScore(active: number, n: number, lambda: number): number {
  const p = 0.5;
  const score =
    logBinomial(n, active) +
    active * Math.log(p) +
    (n - active) * Math.log(1 - p) -
    Math.log(lambda) +
    lambda * active;
  return score < MIN_SCORE ? MIN_SCORE : score;
}

export class SpeakerActivity {
  /** A paused producer (or one idle for an hour) does not challenge the dominant speaker. */
  paused = false;
  immediateScore = MIN_SCORE;
  mediumScore = MIN_SCORE;
  longScore = MIN_SCORE;
  lastLevelAtMs: number;
  /** Circular, one volume per 20 ms; `#next` is the slot to write. */
  readonly #levels = new Uint8Array(LEVELS);
  #next = 0;
  /** Most recent first. */
  readonly #immediates = new Uint8Array(LEVELS);
  readonly #mediums = new Uint8Array(N3);
  #long = 0;
  /** The noise floor (0: not known yet), and the candidate that may replace it. */
  #floor = 0;
  #nextFloor = 0;
  #nextFloorCount = 0;

  constructor(nowMs: number) {
    this.lastLevelAtMs = nowMs;
  }

  /** A packet's volume (0..127) at `nowMs`; a gap since the last one repeats it. */
  levelChanged(volume: number, nowMs: number): void {
    if (nowMs < this.lastLevelAtMs) return;
    const elapsed = nowMs - this.lastLevelAtMs;
    this.lastLevelAtMs = nowMs;
    const v = volume < 0 ? 0 : volume > MAX_VOLUME ? MAX_VOLUME : volume;
    let slots = Math.floor(elapsed / LEVEL_PERIOD_MS);
    if (slots < 1) slots = 1;
    else if (slots > LEVELS) slots = LEVELS;
    for (let i = 0; i < slots; i++) {
      this.#levels[this.#next] = v;
      this.#next = (this.#next + 1) % LEVELS;
    }
    this.#updateFloor(v);
  }

  /** No packet for a while: the silence is recorded as such. */
  levelTimedOut(nowMs: number): void {
    this.levelChanged(0, nowMs);
  }

  /** Recomputes the three scales and their scores from the last second of levels. */
  evalScores(): void {
    const threshold = this.#floor + SUBBAND_WIDTH;
    for (let i = 0; i < LEVELS; i++) {
      const level = this.#levels[(this.#next - 1 - i + LEVELS) % LEVELS];
      this.#immediates[i] = level < threshold ? 0 : Math.floor(level / SUBBAND_WIDTH);
    }
    let long = 0;
    for (let m = 0; m < N3; m++) {
      let active = 0;
      for (let i = m * N2; i < (m + 1) * N2; i++)
        if (this.#immediates[i] > MEDIUM_THRESHOLD) active++;
      this.#mediums[m] = active;
      if (active > LONG_THRESHOLD) long++;
    }
    this.#long = long;
    this.immediateScore = activityScore(this.#immediates[0], N1, LAMBDA_IMMEDIATE);
    this.mediumScore = activityScore(this.#mediums[0], N2, LAMBDA_MEDIUM);
    this.longScore = activityScore(this.#long, N3, LAMBDA_LONG);
  }

  /**
   * The floor follows the quietest non-silent level at once downwards; upwards only to the
   * geometric mean of it and the quietest level of the next 15 s (noise that grew louder).
   */
  #updateFloor(v: number): void {
    if (v === 0) return;
    if (this.#floor === 0 || v < this.#floor) {
      this.#floor = v;
      this.#nextFloor = 0;
      this.#nextFloorCount = 0;
      return;
    }
    if (this.#nextFloor === 0) {
      this.#nextFloor = v;
      this.#nextFloorCount = 1;
      return;
    }
    if (v < this.#nextFloor) this.#nextFloor = v;
    if (++this.#nextFloorCount >= FLOOR_WINDOW) {
      const floor = Math.sqrt(this.#floor * this.#nextFloor);
      this.#floor = Math.min(MAX_VOLUME, Math.max(0, Math.trunc(floor)));
      this.#nextFloor = 0;
      this.#nextFloorCount = 0;
    }
  }
}
