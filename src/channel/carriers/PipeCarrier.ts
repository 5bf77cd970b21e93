/**
 * The process carrier: frames as `[u32 BE length][payload]` on a pair of
 * pipes, as mediasoup's Node binding talks to its worker process.
 */
import type { Readable, Writable } from 'node:stream';
import type { Carrier } from './Carrier.js';

/** Frames larger than this are treated as corruption and end the channel. */
export const MAX_PIPE_FRAME = 64 * 1024 * 1024;

export class PipeCarrier implements Carrier {
  readonly #readable: Readable;
  readonly #writable: Writable;
  #pending: Buffer = Buffer.alloc(0);
  #closed = false;

  constructor(readable: Readable, writable: Writable) {
    this.#readable = readable;
    this.#writable = writable;
    // A peer that went away shows up as EPIPE: the owner learns it from the
    // process exit, so only keep the error from being unhandled.
    this.#writable.on('error', () => undefined);
    this.#readable.on('error', () => undefined);
  }

  send(frame: Uint8Array): void {
    if (this.#closed || this.#writable.destroyed) return;
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32BE(frame.byteLength, 0);
    this.#writable.cork();
    this.#writable.write(header);
    this.#writable.write(frame);
    this.#writable.uncork();
  }

  start(onFrame: (frame: Uint8Array) => void): void {
    this.#readable.on('data', (chunk: Buffer) => {
      let buffer = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
      let offset = 0;
      while (!this.#closed && buffer.length - offset >= 4) {
        const length = buffer.readUInt32BE(offset);
        if (length > MAX_PIPE_FRAME) {
          this.close();
          return;
        }
        if (buffer.length - offset - 4 < length) break;
        onFrame(buffer.subarray(offset + 4, offset + 4 + length));
        offset += 4 + length;
      }
      buffer = buffer.subarray(offset);
      this.#pending = buffer.length > 0 ? Buffer.from(buffer) : Buffer.alloc(0);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#readable.destroy();
    this.#writable.end();
  }
}
