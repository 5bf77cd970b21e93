/**
 * The desired bitrate as the estimator sees it (mediasoup's TrendCalculator semantics): a rise
 * is taken at once; a fall only gradually, by 5 % of the last peak per second since that peak,
 * so consumers that briefly want less (a layer switch, a pause) do not shrink the estimator's
 * bounds and stop probing. A forced update (a consumer closed) takes the value at once.
 */
const DECREASE_PER_SECOND = 0.05;

export class DesiredBitrateTrend {
  value = 0;
  #highest = 0;
  #highestAtMs = 0;

  update(bitrate: number, nowMs: number): void {
    if (this.value === 0 || bitrate >= this.value) {
      this.forceUpdate(bitrate, nowMs);
      return;
    }
    const elapsedS = Math.max(0, nowMs - this.#highestAtMs) / 1000;
    const subtraction = Math.floor(this.#highest * DECREASE_PER_SECOND * elapsedS);
    this.value = Math.max(
      bitrate,
      this.#highest > subtraction ? this.#highest - subtraction : bitrate,
    );
  }

  forceUpdate(bitrate: number, nowMs: number): void {
    this.value = bitrate;
    this.#highest = bitrate;
    this.#highestAtMs = nowMs;
  }
}
