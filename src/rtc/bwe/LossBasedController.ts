/**
 * The loss-based controller (draft-ietf-rmcat-gcc-02 §6): loss fraction over the packets
 * reported in windows of 1 s (libwebrtc's loss update interval) and at least 20 packets:
 * above 10 % the rate drops to rate × (1 − 0.5 × loss), at most once per 300 ms + RTT, but
 * not below 0.85 × the acknowledged bitrate (what the path did deliver, as libwebrtc's
 * loss-based estimator bounds its decrease): an SFU cannot stop the loss until a lower layer's
 * key frame arrives, and compounding decreases meanwhile would starve every layer. Below 2 %
 * it grows 8 % (once a second, from the lowest rate of that second); in between it holds.
 */

const LOW_LOSS = 0.02;
const HIGH_LOSS = 0.1;
const MIN_PACKETS = 20;
const WINDOW_MS = 1000;
/** The decrease keeps this share of the acknowledged bitrate (the delay-based beta). */
const ACKED_FLOOR = 0.85;
const INCREASE_INTERVAL_MS = 1000;
const DECREASE_INTERVAL_MS = 300;

export class LossBasedController {
  bitrate: number;
  minBitrate: number;
  maxBitrate: number;
  rttMs = 200;
  /** The last loss fraction measured (0..1). */
  lossFraction = 0;
  #lost = 0;
  #reported = 0;
  #windowStartMs = -1;
  #lastIncreaseMs = -Infinity;
  #lastDecreaseMs = -Infinity;
  #minSinceIncrease: number;

  constructor(startBitrate: number, minBitrate: number, maxBitrate: number) {
    this.minBitrate = minBitrate;
    this.maxBitrate = maxBitrate;
    this.bitrate = startBitrate;
    this.#minSinceIncrease = startBitrate;
  }

  setEstimate(bitrate: number): void {
    this.bitrate = Math.min(Math.max(bitrate, this.minBitrate), this.maxBitrate);
    this.#minSinceIncrease = this.bitrate;
  }

  /**
   * Packets newly reported by one feedback: `lost` of `reported`; `ackedBitrate` what the
   * receivers acknowledged lately (0: unknown). Returns the rate.
   */
  update(lost: number, reported: number, nowMs: number, ackedBitrate = 0): number {
    if (this.#windowStartMs < 0) this.#windowStartMs = nowMs;
    this.#lost += lost;
    this.#reported += reported;
    if (this.#reported < MIN_PACKETS || nowMs - this.#windowStartMs < WINDOW_MS) {
      return this.bitrate;
    }
    if (this.#reported === 0) {
      this.#windowStartMs = nowMs;
      return this.bitrate;
    }
    const loss = this.#lost / this.#reported;
    this.lossFraction = loss;
    this.#lost = 0;
    this.#reported = 0;
    this.#windowStartMs = nowMs;
    this.#minSinceIncrease = Math.min(this.#minSinceIncrease, this.bitrate);
    if (loss < LOW_LOSS) {
      if (nowMs - this.#lastIncreaseMs >= INCREASE_INTERVAL_MS) {
        this.bitrate = this.#minSinceIncrease * 1.08 + 1000;
        this.#lastIncreaseMs = nowMs;
        this.#minSinceIncrease = this.bitrate;
      }
    } else if (loss > HIGH_LOSS) {
      if (nowMs - this.#lastDecreaseMs >= DECREASE_INTERVAL_MS + this.rttMs) {
        const floor = ackedBitrate * ACKED_FLOOR;
        this.bitrate = Math.max(this.bitrate * (1 - 0.5 * loss), Math.min(floor, this.bitrate));
        this.#lastDecreaseMs = nowMs;
        this.#minSinceIncrease = this.bitrate;
      }
    }
    this.bitrate = Math.min(Math.max(this.bitrate, this.minBitrate), this.maxBitrate);
    return this.bitrate;
  }
}
