/**
 * A single-producer single-consumer byte ring in shared memory, carrying
 * frames between two threads: the thread carrier's transport.
 *
 * The writer copies a frame in and signals (Atomics.notify — the role of the
 * seed's `uv_async_send`); the reader is woken by `Atomics.waitAsync` inside
 * its own event loop, never blocking it, and drains every waiting frame.
 * Signals coalesce: the writer only notifies when the reader sleeps.
 *
 * Layout: a header of Int32 slots and a data area whose size is a power of
 * two. Positions are free-running uint32 byte counters. A frame is
 * `[u32 header][payload][pad to 4]`; the header holds the payload length, with
 * MORE set when the frame is one fragment of a larger message, and SKIP marks
 * the unused tail before the data area wraps, so payloads stay contiguous and
 * the reader can decode them in place.
 */

import { MAX_CHANNEL_MESSAGE_SIZE } from '../limits.js';
import { ResponsePoll, type PollFigures } from './ResponsePoll.js';

const WRITE = 0;
const READ = 1;
const DATA_SEQ = 2;
const READER_SLEEPING = 3;
const SPACE_SEQ = 4;
const WRITER_WAITING = 5;
const CLOSED = 6;
const HEADER_SLOTS = 8;

const MORE = 0x80000000;
const SKIP = 0xffffffff;
const LENGTH_MASK = 0x7fffffff;

/** How many drain rounds run back to back before yielding to the event loop. */
const MAX_SYNC_ROUNDS = 16;

export interface SharedRingBuffers {
  header: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export function createSharedRingBuffers(capacity = 1 << 20): SharedRingBuffers {
  if (capacity < 1024 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError('ring capacity must be a power of two >= 1024');
  }
  return {
    header: new SharedArrayBuffer(HEADER_SLOTS * 4),
    data: new SharedArrayBuffer(capacity),
  };
}

const pad4 = (n: number): number => (n + 3) & ~3;

export class SharedRingWriter {
  readonly #header: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #words: Uint32Array;
  readonly #capacity: number;
  readonly #maxFragment: number;
  /** Frames (already split into fragments) waiting for space, in order. */
  readonly #backlog: { payload: Uint8Array; more: boolean }[] = [];
  #waiting = false;

  constructor(buffers: SharedRingBuffers) {
    this.#header = new Int32Array(buffers.header);
    this.#bytes = new Uint8Array(buffers.data);
    this.#words = new Uint32Array(buffers.data);
    this.#capacity = buffers.data.byteLength;
    this.#maxFragment = this.#capacity / 4;
  }

  write(frame: Uint8Array): void {
    if (Atomics.load(this.#header, CLOSED)) return;
    for (let offset = 0; ;) {
      const size = Math.min(frame.byteLength - offset, this.#maxFragment);
      const more = offset + size < frame.byteLength;
      const payload = frame.subarray(offset, offset + size);
      if (this.#backlog.length > 0 || !this.#tryWrite(payload, more)) {
        // Keep our own copy: the caller may reuse its buffer.
        this.#backlog.push({ payload: Uint8Array.prototype.slice.call(payload), more });
      }
      offset += size;
      if (!more) break;
    }
    this.#signal();
    if (this.#backlog.length > 0) this.#waitForSpace();
  }

  /**
   * Writes one frame made of `head` then `tail`, each copied once, straight
   * into the ring when it fits in one fragment (a packet always does).
   */
  writeParts(head: Uint8Array, tail: Uint8Array): void {
    if (Atomics.load(this.#header, CLOSED)) return;
    const size = head.byteLength + tail.byteLength;
    if (size > this.#maxFragment) {
      this.write(Buffer.concat([head, tail]));
      return;
    }
    if (this.#backlog.length > 0 || !this.#tryWrite(head, false, tail)) {
      this.#backlog.push({ payload: Buffer.concat([head, tail], size), more: false });
    }
    this.#signal();
    if (this.#backlog.length > 0) this.#waitForSpace();
  }

  close(): void {
    Atomics.store(this.#header, CLOSED, 1);
    Atomics.add(this.#header, DATA_SEQ, 1);
    Atomics.notify(this.#header, DATA_SEQ);
    Atomics.add(this.#header, SPACE_SEQ, 1);
    Atomics.notify(this.#header, SPACE_SEQ);
  }

  #tryWrite(payload: Uint8Array, more: boolean, tail?: Uint8Array): boolean {
    const h = this.#header;
    const write = Atomics.load(h, WRITE) >>> 0;
    const read = Atomics.load(h, READ) >>> 0;
    let free = this.#capacity - ((write - read) >>> 0);
    let position = write & (this.#capacity - 1);
    let advanced = write;
    const length = payload.byteLength + (tail?.byteLength ?? 0);
    const needed = 4 + pad4(length);
    const toEnd = this.#capacity - position;
    if (toEnd < needed) {
      // Mark the tail as unused so the payload stays contiguous.
      if (free < toEnd) return false;
      this.#words[position >>> 2] = SKIP;
      advanced = (advanced + toEnd) >>> 0;
      free -= toEnd;
      position = 0;
      if (free < needed) {
        Atomics.store(h, WRITE, advanced | 0);
        return false;
      }
    } else if (free < needed) {
      return false;
    }
    this.#words[position >>> 2] = (length | (more ? MORE : 0)) >>> 0;
    this.#bytes.set(payload, position + 4);
    if (tail !== undefined) this.#bytes.set(tail, position + 4 + payload.byteLength);
    Atomics.store(h, WRITE, (advanced + needed) | 0);
    return true;
  }

  #signal(): void {
    Atomics.add(this.#header, DATA_SEQ, 1);
    if (Atomics.load(this.#header, READER_SLEEPING) === 1) {
      Atomics.notify(this.#header, DATA_SEQ, 1);
    }
  }

  #flushBacklog(): void {
    while (this.#backlog.length > 0) {
      const next = this.#backlog[0];
      if (!this.#tryWrite(next.payload, next.more)) break;
      this.#backlog.shift();
    }
    this.#signal();
  }

  #waitForSpace(): void {
    if (this.#waiting) return;
    const h = this.#header;
    for (;;) {
      const seq = Atomics.load(h, SPACE_SEQ);
      Atomics.store(h, WRITER_WAITING, 1);
      this.#flushBacklog();
      if (this.#backlog.length === 0 || Atomics.load(h, CLOSED)) {
        Atomics.store(h, WRITER_WAITING, 0);
        return;
      }
      const result = Atomics.waitAsync(h, SPACE_SEQ, seq);
      if (result.async) {
        this.#waiting = true;
        void result.value.then(() => {
          this.#waiting = false;
          this.#waitForSpace();
        });
        return;
      }
    }
  }
}

export class SharedRingReader {
  readonly #header: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #words: Uint32Array;
  readonly #capacity: number;
  #onFrame: ((frame: Uint8Array) => void) | undefined;
  /** Fragments of a message larger than a fragment, being put together. */
  #assembly: Uint8Array[] = [];
  /** Bytes of the message being put together, kept or dropped. */
  #assembled = 0;
  readonly #maxFrame: number;
  /** Messages over the size limit that were dropped. */
  droppedFrames = 0;
  #stopped = false;
  /** How long to keep polling after a drain before sleeping (ms); 0 = sleep at once. */
  readonly #spinMs: number;
  /** A waitAsync is pending (READER_SLEEPING is ours to lend to awaitBriefly()). */
  #asleep = false;
  readonly #poll = new ResponsePoll();
  /** awaitBriefly()'s polls, those that caught a frame, and the time they held the loop (µs). */
  get polls(): PollFigures {
    return this.#poll.figures;
  }
  /** Polls missed in a row, and calls left to skip after too many. */

  /**
   * `spinMicros`: after a drain, poll for this long before sleeping. A reader
   * on a dedicated thread (the worker) trades that much CPU per burst for
   * skipping the wake-up on the next message; the host never spins.
   */
  constructor(buffers: SharedRingBuffers, spinMicros = 0, maxFrame = MAX_CHANNEL_MESSAGE_SIZE) {
    this.#spinMs = spinMicros / 1000;
    this.#maxFrame = maxFrame;
    this.#header = new Int32Array(buffers.header);
    this.#bytes = new Uint8Array(buffers.data);
    this.#words = new Uint32Array(buffers.data);
    this.#capacity = buffers.data.byteLength;
  }

  start(onFrame: (frame: Uint8Array) => void): void {
    this.#onFrame = onFrame;
    this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    // Wake our own pending wait so it can finish.
    Atomics.add(this.#header, DATA_SEQ, 1);
    Atomics.notify(this.#header, DATA_SEQ);
  }

  /** The non-blocking read: drains what is waiting and returns. */
  drain(): void {
    const h = this.#header;
    const mask = this.#capacity - 1;
    let read = Atomics.load(h, READ) >>> 0;
    const write = Atomics.load(h, WRITE) >>> 0;
    while (read !== write && !this.#stopped) {
      const position = read & mask;
      const word = this.#words[position >>> 2];
      if (word === SKIP) {
        read = (read + (this.#capacity - position)) >>> 0;
        continue;
      }
      const length = word & LENGTH_MASK;
      const payload = this.#bytes.subarray(position + 4, position + 4 + length);
      const more = (word & MORE) !== 0;
      this.#assembled += length;
      if (this.#assembled > this.#maxFrame) {
        // Over the limit: the fragments are dropped as they come, never kept.
        if (this.#assembly.length > 0) this.#assembly = [];
        if (!more) {
          this.droppedFrames++;
          this.#assembled = 0;
        }
      } else if (more) {
        this.#assembly.push(payload.slice());
      } else if (this.#assembly.length > 0) {
        this.#assembly.push(payload);
        const whole = Buffer.concat(this.#assembly);
        this.#assembly = [];
        this.#assembled = 0;
        this.#deliver(whole);
      } else {
        this.#assembled = 0;
        this.#deliver(payload);
      }
      read = (read + 4 + pad4(length)) >>> 0;
      Atomics.store(h, READ, read | 0);
    }
    if (Atomics.load(h, WRITER_WAITING) === 1) {
      Atomics.store(h, WRITER_WAITING, 0);
      Atomics.add(h, SPACE_SEQ, 1);
      Atomics.notify(h, SPACE_SEQ, 1);
    }
  }

  #deliver(frame: Uint8Array): void {
    this.#onFrame!(frame);
  }

  #loop(): void {
    const h = this.#header;
    for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
      if (this.#stopped || Atomics.load(h, CLOSED)) return;
      const seq = Atomics.load(h, DATA_SEQ);
      this.drain();
      if (this.#spinMs > 0 && this.#spinUntilData(seq)) continue;
      Atomics.store(h, READER_SLEEPING, 1);
      const result = Atomics.waitAsync(h, DATA_SEQ, seq);
      if (result.async) {
        this.#asleep = true;
        void result.value.then(() => {
          this.#asleep = false;
          Atomics.store(h, READER_SLEEPING, 0);
          this.#loop();
        });
        return;
      }
      Atomics.store(h, READER_SLEEPING, 0);
    }
    // The writer keeps us busy: let the rest of this event loop run first.
    setImmediate(() => this.#loop());
  }

  /**
   * The host's bounded spin while a response is due: once this macrotask's code has run
   * (setImmediate), polls for up to `micros` and drains what came, instead of paying the
   * writer's Atomics.notify and this thread's wake-up. While it polls, the reader counts as
   * awake, so the writer skips the notify; its pending waitAsync stays armed for later.
   * One poll per call however many requests went out; it blocks this event loop for at
   * most `micros` and returns as soon as a frame is delivered.
   */
  awaitBriefly(micros: number): void {
    if (this.#stopped) return;
    this.#poll.schedule(micros, this.#pollSpin, this.#afterPoll);
  }

  /** One poll (bound once: awaitBriefly runs for every request). */
  readonly #pollSpin = (endMs: number): boolean | undefined => {
    if (!this.#asleep || this.#stopped) return undefined; // awake already: its loop drains
    const h = this.#header;
    const seq = Atomics.load(h, DATA_SEQ);
    Atomics.store(h, READER_SLEEPING, 0);
    let arrived = Atomics.load(h, DATA_SEQ) !== seq;
    while (!arrived && performance.now() < endMs) arrived = Atomics.load(h, DATA_SEQ) !== seq;
    // Asleep again before the last look: a frame written after it gets its notify.
    Atomics.store(h, READER_SLEEPING, 1);
    return arrived;
  };

  readonly #afterPoll = (): void => {
    if (this.#asleep) this.drain();
  };

  /** Polls DATA_SEQ for up to the spin budget; true if new data came. */
  #spinUntilData(seq: number): boolean {
    const end = performance.now() + this.#spinMs;
    while (performance.now() < end) {
      if (Atomics.load(this.#header, DATA_SEQ) !== seq) return true;
    }
    return false;
  }
}
