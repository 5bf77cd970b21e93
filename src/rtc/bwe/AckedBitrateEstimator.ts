/**
 * The throughput the receiver acknowledges, by arrival time: acknowledged bytes in 50 ms
 * buckets over a sliding 500 ms window (libwebrtc's acknowledged bitrate plays this role; a
 * plain window follows a step down within one window, which the rate control's decrease to
 * 0.85 × acknowledged needs). Ten-slot ring, no allocation. Units: bits per second, ms.
 */

const BUCKET_MS = 50;
const BUCKETS = 10;

export class AckedBitrateEstimator {
  readonly #bytes = new Float64Array(BUCKETS);
  /** Index (arrival ms / BUCKET_MS) of the newest bucket; −1 before the first packet. */
  #newest = -1;
  #firstMs = -1;
  #lastMs = 0;

  /** The estimate (bits/s), 0 before 250 ms of arrivals were seen. */
  get bitrate(): number {
    if (this.#newest < 0) return 0;
    const span = Math.min(this.#lastMs - this.#firstMs, BUCKETS * BUCKET_MS);
    if (span < (BUCKETS * BUCKET_MS) / 2) return 0;
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) sum += this.#bytes[i];
    return (sum * 8 * 1000) / (BUCKETS * BUCKET_MS);
  }

  /** One acknowledged packet (roughly in arrival order; older than the window is ignored). */
  add(arrivalMs: number, bytes: number): void {
    const index = Math.floor(arrivalMs / BUCKET_MS);
    if (this.#newest < 0 || arrivalMs < this.#firstMs - 10_000) {
      this.#bytes.fill(0);
      this.#newest = index;
      this.#firstMs = arrivalMs;
    }
    if (index > this.#newest) {
      const advance = Math.min(index - this.#newest, BUCKETS);
      for (let k = 1; k <= advance; k++) this.#bytes[(this.#newest + k) % BUCKETS] = 0;
      this.#newest = index;
    } else if (index <= this.#newest - BUCKETS) {
      return;
    }
    this.#bytes[index % BUCKETS] += bytes;
    if (arrivalMs > this.#lastMs) this.#lastMs = arrivalMs;
  }
}
