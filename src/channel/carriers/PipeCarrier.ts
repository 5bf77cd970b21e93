/**
 * The process carrier: frames as `[u32 BE length][payload]` on a pair of
 * pipes, as mediasoup's Node binding talks to its worker process.
 *
 * An end that knows its descriptors (the worker: fds 3 and 4, `PipeCarrier.fromDescriptors`)
 * skips the stream machinery both ways: it reads into one reused buffer (net.Socket's
 * `onread`: no Buffer and no 'data' event per read) and writes a frame with one writeSync
 * while nothing is queued on its stream. A full pipe (EAGAIN) or a partial write queues the
 * rest on the stream, and later frames follow it there until it drains, so order holds.
 */
import { readSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { MAX_CHANNEL_MESSAGE_SIZE } from '../limits.js';
import type { Carrier } from './Carrier.js';
import { ResponsePoll, type PollFigures } from './ResponsePoll.js';

/** The reused read buffer of a descriptor end (a Linux pipe holds 64 KiB). */
const READ_BUFFER_SIZE = 64 * 1024;

/** Reads of one poll for a due response (a response is one frame, usually one read). */
const POLL_READ_SIZE = 64 * 1024;

export interface PipeCarrierOptions {
  /** Frames over this are dropped unread (default MAX_CHANNEL_MESSAGE_SIZE). */
  maxFrame?: number;
  /** The writable's descriptor: a frame goes with one writeSync while nothing is queued. */
  writeFd?: number;
  /** The host's poll for a due response on the input stream's pipe, µs (default 0: none). */
  responsePollMicros?: number;
}

/** Where frames come from: a stream's 'data' chunks, or a descriptor read into one buffer. */
type Input = { readable: Readable } | { fd: number };

export class PipeCarrier implements Carrier {
  readonly #input: Input;
  /** The socket reading a descriptor input, once started, and who waits for its end. */
  #reader: Socket | undefined;
  readonly #inputCloseListeners: (() => void)[] = [];
  readonly #writable: Writable;
  /** The writable's descriptor, for writes that bypass the stream while it is empty. */
  readonly #writeFd: number | undefined;
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
  /**
   * Stream chunks and joined copies are never reused; a descriptor input's frames are views of
   * its read buffer, valid during delivery only.
   */
  readonly framesOutliveDelivery: boolean;

  /** The host's poll of the input stream's descriptor for a due response (0 µs: none). */
  readonly #pollMicros: number;
  readonly #pollFd: number | undefined;
  readonly #poll = new ResponsePoll();
  #onFrame: ((frame: Uint8Array) => void) | undefined;
  /** Frames delivered so far (a poll catches a response when this moves). */
  #delivered = 0;
  #pollChunk: Buffer | undefined;

  constructor(
    input: Readable | { fd: number },
    writable: Writable,
    options: PipeCarrierOptions = {},
  ) {
    const { maxFrame = MAX_CHANNEL_MESSAGE_SIZE, writeFd } = options;
    this.#input =
      typeof (input as Readable).on === 'function'
        ? { readable: input as Readable }
        : { fd: (input as { fd: number }).fd };
    this.#writable = writable;
    this.#writeFd = writeFd;
    this.#maxFrame = maxFrame;
    this.framesOutliveDelivery = 'readable' in this.#input;
    // The stream's descriptor, when it has one (a pipe to a child): polled with readSync, which
    // only works on a non-blocking descriptor, as libuv keeps its pipes.
    const handle = (input as { _handle?: { fd?: unknown } })._handle;
    this.#pollFd = typeof handle?.fd === 'number' && handle.fd >= 0 ? handle.fd : undefined;
    this.#pollMicros = this.#pollFd === undefined ? 0 : (options.responsePollMicros ?? 0);
    // A peer that went away shows up as EPIPE: the owner learns it from the
    // process exit, so only keep the error from being unhandled.
    this.#writable.on('error', () => undefined);
    if ('readable' in this.#input) this.#input.readable.on('error', () => undefined);
  }

  /** The end that owns both descriptors (the worker process: fd 3 in, fd 4 out). */
  static fromDescriptors(readFd: number, writeFd: number): PipeCarrier {
    const output = new Socket({ fd: writeFd, readable: false, writable: true });
    return new PipeCarrier({ fd: readFd }, output, { writeFd });
  }

  /** The input's end ('close': the other side went away). */
  onInputClose(listener: () => void): void {
    if ('readable' in this.#input) this.#input.readable.on('close', listener);
    else this.#inputCloseListeners.push(listener);
  }

  send(frame: Uint8Array): void {
    if (this.#closed || this.#writable.destroyed) return;
    // One buffer, one write: cork + two writes cost more than the copy of a control frame.
    const framed = Buffer.allocUnsafe(4 + frame.byteLength);
    framed.writeUInt32BE(frame.byteLength, 0);
    framed.set(frame, 4);
    this.#write(framed);
  }

  /** One buffer, one copy of each part: the stream keeps it until written. */
  sendWithPayload(head: Uint8Array, payload: Uint8Array): void {
    if (this.#closed || this.#writable.destroyed) return;
    const length = head.byteLength + payload.byteLength;
    const frame = Buffer.allocUnsafe(4 + length);
    frame.writeUInt32BE(length, 0);
    frame.set(head, 4);
    frame.set(payload, 4 + head.byteLength);
    this.#write(frame);
  }

  #write(framed: Buffer): void {
    const fd = this.#writeFd;
    if (fd !== undefined && this.#writable.writableLength === 0) {
      let written = 0;
      try {
        written = writeSync(fd, framed);
      } catch (error) {
        // EAGAIN: the pipe is full; the stream waits for room. Anything else, the stream meets too.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') written = 0;
      }
      if (written === framed.length) return;
      if (written > 0) framed = framed.subarray(written);
    }
    this.#writable.write(framed);
  }

  /** The host's polls for due responses. */
  get responsePolls(): PollFigures {
    return this.#poll.figures;
  }

  /**
   * A request went out: poll the pipe for its response for a while (readSync until a frame
   * is whole) instead of waiting for the event loop to wake on it. The bytes read go through
   * the same framing as the stream's chunks, as fresh copies (stream frames outlive delivery).
   */
  expectResponse(): void {
    if (this.#pollMicros === 0 || this.#closed || this.#onFrame === undefined) return;
    this.#poll.schedule(this.#pollMicros, this.#pollFor);
  }

  /** One poll (bound once: expectResponse runs for every request). */
  readonly #pollFor = (endMs: number): boolean | undefined => {
    const fd = this.#pollFd!;
    const onFrame = this.#onFrame!;
    if (this.#closed) return undefined;
    const before = this.#delivered;
    const chunk = (this.#pollChunk ??= Buffer.allocUnsafe(POLL_READ_SIZE));
    do {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, POLL_READ_SIZE, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        return false; // the stream meets the error too
      }
      if (n === 0) return false; // end of input: the stream sees it
      this.#onData(Buffer.from(chunk.subarray(0, n)), onFrame);
      if (this.#delivered !== before) return true;
    } while (performance.now() < endMs && !this.#closed);
    return false;
  };

  start(onFrame: (frame: Uint8Array) => void): void {
    const counted = (frame: Uint8Array): void => {
      this.#delivered++;
      onFrame(frame);
    };
    this.#onFrame = counted;
    this.#startInput(counted);
  }

  #startInput(onFrame: (frame: Uint8Array) => void): void {
    const input = this.#input;
    if ('readable' in input) {
      input.readable.on('data', (chunk: Buffer) => this.#onData(chunk, onFrame));
      return;
    }
    // Opened here, not before: a descriptor socket starts reading at once.
    const reader = new Socket({
      fd: input.fd,
      readable: true,
      writable: false,
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER_SIZE),
        callback: (length: number, buffer: Uint8Array) => {
          this.#onData((buffer as Buffer).subarray(0, length), onFrame);
        },
      },
    } as ConstructorParameters<typeof Socket>[0]);
    reader.on('error', () => undefined);
    reader.on('close', () => {
      for (const listener of this.#inputCloseListeners) listener();
    });
    this.#reader = reader;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if ('readable' in this.#input) this.#input.readable.destroy();
    else this.#reader?.destroy();
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
