/**
 * The delay gradient as libwebrtc's trendline filter estimates it (draft-ietf-rmcat-gcc-02
 * §5.3 describes the Kalman variant; libwebrtc's published design replaced it with this):
 * the accumulated inter-group delay variation is smoothed exponentially (0.9) and a least
 * squares line is fitted over the last 20 points (arrival time, smoothed delay); its slope,
 * scaled by the number of deltas seen (up to 60) and a gain of 4, is the signal the overuse
 * detector compares with its threshold. Fixed-size ring, no allocation.
 */

const WINDOW = 20;
const SMOOTHING = 0.9;
const GAIN = 4;
const MAX_DELTAS = 60;

export class TrendlineEstimator {
  readonly #x = new Float64Array(WINDOW);
  readonly #y = new Float64Array(WINDOW);
  #head = 0;
  #filled = 0;
  #firstArrivalMs = -1;
  #accumulated = 0;
  #smoothed = 0;
  #deltas = 0;
  /** The last fitted slope (ms of delay per ms). */
  trend = 0;

  reset(): void {
    this.#head = 0;
    this.#filled = 0;
    this.#firstArrivalMs = -1;
    this.#accumulated = 0;
    this.#smoothed = 0;
    this.#deltas = 0;
    this.trend = 0;
  }

  /** One inter-group delta; returns the modified trend for the detector. */
  update(arrivalDeltaMs: number, sendDeltaMs: number, arrivalMs: number): number {
    const delta = arrivalDeltaMs - sendDeltaMs;
    if (this.#deltas < 1000) this.#deltas++;
    if (this.#firstArrivalMs < 0) this.#firstArrivalMs = arrivalMs;
    this.#accumulated += delta;
    this.#smoothed = SMOOTHING * this.#smoothed + (1 - SMOOTHING) * this.#accumulated;
    this.#x[this.#head] = arrivalMs - this.#firstArrivalMs;
    this.#y[this.#head] = this.#smoothed;
    this.#head = (this.#head + 1) % WINDOW;
    if (this.#filled < WINDOW) this.#filled++;
    if (this.#filled === WINDOW) this.trend = this.#slope();
    return Math.min(this.#deltas, MAX_DELTAS) * this.trend * GAIN;
  }

  #slope(): number {
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < WINDOW; i++) {
      sx += this.#x[i];
      sy += this.#y[i];
    }
    const mx = sx / WINDOW;
    const my = sy / WINDOW;
    let num = 0;
    let den = 0;
    for (let i = 0; i < WINDOW; i++) {
      const dx = this.#x[i] - mx;
      num += dx * (this.#y[i] - my);
      den += dx * dx;
    }
    return den === 0 ? this.trend : num / den;
  }
}
