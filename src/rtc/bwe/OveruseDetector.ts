/**
 * Over-use detector with an adaptive threshold (draft-ietf-rmcat-gcc-02 §5.4, §5.5):
 * the modified trend above +γ for more than 10 ms (and two samples, trend not falling) is
 * over-use, below −γ under-use, else normal. γ follows |m| — up with k_up = 0.0087, down with
 * k_down = 0.039 per ms, at most 100 ms a step, clamped to 6..600 — so that the detector is
 * neither starved by competing TCP flows nor triggered by noise; outliers (|m| − γ > 15) do
 * not move it.
 */

export type BandwidthUsage = 'normal' | 'overusing' | 'underusing';

const K_UP = 0.0087;
const K_DOWN = 0.039;
const MAX_ADAPT_OFFSET = 15;
const MAX_TIME_DELTA_MS = 100;
const OVERUSE_TIME_MS = 10;
const INITIAL_THRESHOLD = 12.5;

export class OveruseDetector {
  threshold = INITIAL_THRESHOLD;
  state: BandwidthUsage = 'normal';
  #lastUpdateMs = -1;
  #timeOverUsing = -1;
  #overuseCount = 0;
  #prevTrend = 0;

  reset(): void {
    this.threshold = INITIAL_THRESHOLD;
    this.state = 'normal';
    this.#lastUpdateMs = -1;
    this.#timeOverUsing = -1;
    this.#overuseCount = 0;
    this.#prevTrend = 0;
  }

  /** `modified`: the trendline's scaled slope; `trend`: its raw slope. */
  detect(modified: number, trend: number, sendDeltaMs: number, nowMs: number): BandwidthUsage {
    if (modified > this.threshold) {
      if (this.#timeOverUsing < 0) this.#timeOverUsing = sendDeltaMs / 2;
      else this.#timeOverUsing += sendDeltaMs;
      this.#overuseCount++;
      if (
        this.#timeOverUsing > OVERUSE_TIME_MS &&
        this.#overuseCount > 1 &&
        trend >= this.#prevTrend
      ) {
        this.#timeOverUsing = 0;
        this.#overuseCount = 0;
        this.state = 'overusing';
      }
    } else if (modified < -this.threshold) {
      this.#timeOverUsing = -1;
      this.#overuseCount = 0;
      this.state = 'underusing';
    } else {
      this.#timeOverUsing = -1;
      this.#overuseCount = 0;
      this.state = 'normal';
    }
    this.#prevTrend = trend;
    this.#adapt(modified, nowMs);
    return this.state;
  }

  #adapt(modified: number, nowMs: number): void {
    if (this.#lastUpdateMs < 0) this.#lastUpdateMs = nowMs;
    const abs = Math.abs(modified);
    if (abs > this.threshold + MAX_ADAPT_OFFSET) {
      this.#lastUpdateMs = nowMs;
      return;
    }
    const k = abs < this.threshold ? K_DOWN : K_UP;
    const dt = Math.min(nowMs - this.#lastUpdateMs, MAX_TIME_DELTA_MS);
    this.threshold += k * (abs - this.threshold) * dt;
    if (this.threshold < 6) this.threshold = 6;
    else if (this.threshold > 600) this.threshold = 600;
    this.#lastUpdateMs = nowMs;
  }
}
