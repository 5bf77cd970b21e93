/**
 * The server's log. Every line a client can cause (its errors, the media
 * library's warnings about its input, a worker it killed) goes through one
 * token bucket, so no client can flood the log; what was dropped is counted
 * in the next line written.
 */
import { TokenBucket } from './TokenBucket.js';

/** Lines per second once the burst is spent, and the burst. */
const LINES_PER_SECOND = 1;
const BURST = 10;

export class RateLimitedLog {
  readonly #write: (line: string) => void;
  readonly #bucket: TokenBucket;
  #dropped = 0;

  constructor(write: (line: string) => void, now: () => number = Date.now) {
    this.#write = write;
    this.#bucket = new TokenBucket(LINES_PER_SECOND, BURST, now);
  }

  line(text: string): void {
    if (!this.#bucket.take()) {
      this.#dropped++;
      return;
    }
    const dropped = this.#dropped;
    this.#dropped = 0;
    this.#write(
      dropped > 0 ? `${text} (${dropped} earlier lines dropped by the rate limit)` : text,
    );
  }
}
