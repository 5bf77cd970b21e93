/**
 * Bitrate over a sliding window (1 s by default, in 100 ms buckets), like mediasoup's
 * RateCalculator. Preallocated; `update` is O(1) and allocation-free.
 */
export class RateCalculator {
  readonly #bucketMs: number;
  readonly #windowMs: number;
  readonly #bytes: Float64Array;
  /** Absolute bucket index (floor(now / bucketMs)) each slot currently holds, or -1. */
  readonly #index: Float64Array;

  constructor(windowMs = 1000, bucketMs = 100) {
    const n = Math.max(1, Math.ceil(windowMs / bucketMs));
    this.#bucketMs = bucketMs;
    this.#windowMs = n * bucketMs;
    this.#bytes = new Float64Array(n);
    this.#index = new Float64Array(n).fill(-1);
  }

  update(bytes: number, nowMs: number): void {
    const idx = Math.floor(nowMs / this.#bucketMs);
    const slot = idx % this.#bytes.length;
    if (this.#index[slot] !== idx) {
      this.#index[slot] = idx;
      this.#bytes[slot] = 0;
    }
    this.#bytes[slot] += bytes;
  }

  /** Bits per second over the window ending at `nowMs`. */
  getRate(nowMs: number): number {
    const idx = Math.floor(nowMs / this.#bucketMs);
    const oldest = idx - this.#bytes.length;
    let sum = 0;
    for (let i = 0; i < this.#bytes.length; i++) {
      const at = this.#index[i];
      if (at > oldest && at <= idx) sum += this.#bytes[i];
    }
    return Math.round((sum * 8 * 1000) / this.#windowMs);
  }

  reset(): void {
    this.#bytes.fill(0);
    this.#index.fill(-1);
  }
}
