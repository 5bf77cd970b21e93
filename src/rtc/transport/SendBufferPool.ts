/**
 * A ring of preallocated send buffers. dgram sends synchronously when the
 * socket can take the datagram (uv_udp_try_send), so a buffer is free again
 * long before the ring comes back to it; only a send queued behind a full
 * socket buffer holds one longer, and the ring is sized for that.
 */
export class SendBufferPool {
  readonly #buffers: Buffer[];
  #next = 0;

  constructor(count: number, size: number) {
    this.#buffers = Array.from({ length: count }, () => Buffer.allocUnsafe(size));
  }

  next(): Buffer {
    const buffer = this.#buffers[this.#next];
    this.#next = (this.#next + 1) % this.#buffers.length;
    return buffer;
  }
}
