/**
 * Replay protection, RFC 3711 §3.3.2: a sliding window over packet indices. A packet is
 * checked before authentication and recorded only after it authenticated, so forged
 * packets never move the window.
 */

export const DEFAULT_REPLAY_WINDOW_SIZE = 128;

export class ReplayWindow {
  readonly #size: number;
  /** One bit per index in the window, addressed by index modulo size. */
  readonly #bits: Uint32Array;
  /** Highest index recorded, -1 before the first. */
  #top = -1;

  /** `size` is rounded up to a multiple of 32 (at least 64). */
  constructor(size = DEFAULT_REPLAY_WINDOW_SIZE) {
    this.#size = Math.max(64, Math.ceil(size / 32) * 32);
    this.#bits = new Uint32Array(this.#size / 32);
  }

  get size(): number {
    return this.#size;
  }

  /** Highest index recorded, -1 if none. */
  get top(): number {
    return this.#top;
  }

  /** True if `index` is new: ahead of the window, or inside it and not yet seen. */
  check(index: number): boolean {
    if (index > this.#top) return true;
    if (this.#top - index >= this.#size) return false;
    const bit = index % this.#size;
    return (this.#bits[bit >>> 5] & (1 << (bit & 31))) === 0;
  }

  /** Records `index` (call after `check` passed and the packet authenticated). */
  commit(index: number): void {
    const size = this.#size;
    if (index > this.#top) {
      const delta = this.#top < 0 ? size : index - this.#top;
      if (delta >= size) {
        this.#bits.fill(0);
      } else {
        // Forget the indices that fall out of the window as it slides forward.
        for (let i = this.#top + 1; i < index; i++) {
          const bit = i % size;
          this.#bits[bit >>> 5] &= ~(1 << (bit & 31));
        }
      }
      this.#top = index;
    }
    const bit = index % size;
    this.#bits[bit >>> 5] |= 1 << (bit & 31);
  }
}
