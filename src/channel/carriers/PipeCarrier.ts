/**
 * The process carrier: frames as `[u32 BE length][payload]` on a pair of
 * pipes, as mediasoup's Node binding talks to its worker process.
 */
import type { Readable, Writable } from 'node:stream';
import { MAX_CHANNEL_MESSAGE_SIZE } from '../limits.js';
import type { Carrier } from './Carrier.js';

export class PipeCarrier implements Carrier {
  readonly #readable: Readable;
  readonly #writable: Writable;
  readonly #maxFrame: number;
  /** The length prefix being read (it may come split across chunks). */
  readonly #header = Buffer.alloc(4);
  #headerFill = 0;
  /** Length of the frame being received (-1: none), and its chunks so far. */
  #expected = -1;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Bytes still to discard of a frame over the limit (never buffered). */
  #skipping = 0;
  #closed = false;
  /** Frames over the limit that were skipped. */
  droppedFrames = 0;
  /** Frames are stream chunks or joined copies, which streams never reuse. */
  readonly framesOutliveDelivery = true;

  constructor(readable: Readable, writable: Writable, maxFrame = MAX_CHANNEL_MESSAGE_SIZE) {
    this.#readable = readable;
    this.#writable = writable;
    this.#maxFrame = maxFrame;
    // A peer that went away shows up as EPIPE: the owner learns it from the
    // process exit, so only keep the error from being unhandled.
    this.#writable.on('error', () => undefined);
    this.#readable.on('error', () => undefined);
  }

  send(frame: Uint8Array): void {
    if (this.#closed || this.#writable.destroyed) return;
    // One buffer, one write: cork + two writes cost more than the copy of a control frame.
    const framed = Buffer.allocUnsafe(4 + frame.byteLength);
    framed.writeUInt32BE(frame.byteLength, 0);
    framed.set(frame, 4);
    this.#writable.write(framed);
  }

  /** One buffer, one copy of each part: the stream keeps it until written. */
  sendWithPayload(head: Uint8Array, payload: Uint8Array): void {
    if (this.#closed || this.#writable.destroyed) return;
    const length = head.byteLength + payload.byteLength;
    const frame = Buffer.allocUnsafe(4 + length);
    frame.writeUInt32BE(length, 0);
    frame.set(head, 4);
    frame.set(payload, 4 + head.byteLength);
    this.#writable.write(frame);
  }

  start(onFrame: (frame: Uint8Array) => void): void {
    this.#readable.on('data', (chunk: Buffer) => this.#onData(chunk, onFrame));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#readable.destroy();
    this.#writable.end();
  }

  #onData(chunk: Buffer, onFrame: (frame: Uint8Array) => void): void {
    let data = chunk;
    while (!this.#closed && data.length > 0) {
      if (this.#skipping > 0) {
        const skipped = Math.min(this.#skipping, data.length);
        this.#skipping -= skipped;
        data = data.subarray(skipped);
      } else if (this.#expected >= 0) {
        const taken = Math.min(this.#expected - this.#buffered, data.length);
        // Copied: the stream may reuse its chunk.
        this.#chunks.push(Buffer.from(data.subarray(0, taken)));
        this.#buffered += taken;
        data = data.subarray(taken);
        if (this.#buffered === this.#expected) {
          const frame = Buffer.concat(this.#chunks, this.#buffered);
          this.#chunks = [];
          this.#buffered = 0;
          this.#expected = -1;
          onFrame(frame);
        }
      } else if (this.#headerFill === 0 && data.length >= 4) {
        const length = data.readUInt32BE(0);
        data = data.subarray(4);
        // A whole frame inside this chunk is delivered without a copy.
        if (length <= this.#maxFrame && data.length >= length) {
          onFrame(data.subarray(0, length));
          data = data.subarray(length);
        } else {
          this.#startFrame(length, onFrame);
        }
      } else {
        const taken = Math.min(4 - this.#headerFill, data.length);
        data.copy(this.#header, this.#headerFill, 0, taken);
        this.#headerFill += taken;
        data = data.subarray(taken);
        if (this.#headerFill === 4) {
          this.#headerFill = 0;
          this.#startFrame(this.#header.readUInt32BE(0), onFrame);
        }
      }
    }
  }

  #startFrame(length: number, onFrame: (frame: Uint8Array) => void): void {
    if (length > this.#maxFrame) {
      // A well-framed message over the limit: dropped unread, the stream stays in step.
      this.droppedFrames++;
      this.#skipping = length;
    } else if (length === 0) {
      onFrame(Buffer.alloc(0));
    } else {
      this.#expected = length;
    }
  }
}
