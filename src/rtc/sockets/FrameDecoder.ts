/**
 * RFC 4571 §2 framing on a TCP stream: each packet is preceded by its length (16 bits). Bytes
 * that do not complete a frame wait in a list of chunks and are joined once, when the frame is
 * complete, so a peer dripping a 65535-byte frame byte by byte costs linear work, not the
 * quadratic copying of joining on every chunk. Frames are views of the received chunks (valid
 * during the callback). Memory per connection stays below one frame plus one chunk.
 */
export type FrameHandler = (frame: Buffer) => void;

export class FrameDecoder {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Feeds received bytes; calls `onFrame` for each complete non-empty frame. */
  push(chunk: Buffer, onFrame: FrameHandler): void {
    if (this.#buffered === 0) {
      this.#parse(chunk, onFrame);
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered < 2) return;
    const length = (this.#byteAt(0) << 8) | this.#byteAt(1);
    if (this.#buffered < 2 + length) return;
    const joined = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [];
    this.#buffered = 0;
    this.#parse(joined, onFrame);
  }

  /** Bytes waiting for the rest of their frame. */
  get buffered(): number {
    return this.#buffered;
  }

  #parse(buffer: Buffer, onFrame: FrameHandler): void {
    let offset = 0;
    while (buffer.length - offset >= 2) {
      const length = buffer.readUInt16BE(offset);
      if (buffer.length - offset - 2 < length) break;
      if (length > 0) onFrame(buffer.subarray(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    if (offset < buffer.length) {
      // Kept past this call: the chunk may be a pooled buffer the caller reuses.
      const rest = Buffer.from(buffer.subarray(offset));
      this.#chunks.push(rest);
      this.#buffered = rest.length;
    }
  }

  /** The i-th waiting byte (i < 2: the length field may span the first chunks). */
  #byteAt(i: number): number {
    for (const chunk of this.#chunks) {
      if (i < chunk.length) return chunk[i];
      i -= chunk.length;
    }
    return 0;
  }
}
