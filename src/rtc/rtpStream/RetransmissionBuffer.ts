/**
 * Copies of recently sent RTP packets, by sequence number, for answering NACKs (RFC 4585
 * §6.2.1, RFC 4588). Like mediasoup's RtpRetransmissionBuffer it is a window of consecutive
 * sequence numbers [start, start + count) in which any slot may be empty; unlike it, packet
 * bytes live in preallocated slabs (one fixed-size slot per window position) since callers
 * reuse their packet buffers. Slabs are allocated in chunks as the window first fills, so an
 * idle or low-rate stream does not pay for its full capacity.
 *
 * Packets older than `maxAgeMs` (by store time) are dropped as newer ones come in, and looked
 * up packets that old are not returned.
 */

import type { RtpPacketView } from '../../protocols/rtp/packet-view.js';
import { seqDiff } from '../../protocols/rtp/sequence.js';

export interface RetransmissionBufferOptions {
  /** Maximum packets held (window length in sequence numbers); 0 disables the buffer. */
  capacity: number;
  /** Packets older than this are not resent (default 2000 ms, mediasoup's video value). */
  maxAgeMs?: number;
  /** Bytes per slot; larger packets are not stored (default 1500, an Ethernet MTU). */
  slotSize?: number;
}

const CHUNK_SLOTS = 32;
const EMPTY = -1;

export class RetransmissionBuffer {
  readonly capacity: number;
  readonly maxAgeMs: number;
  readonly slotSize: number;
  /** Slab chunks, CHUNK_SLOTS slots each, allocated on first use. */
  readonly #chunks: (Uint8Array | undefined)[];
  /** Per ring slot: packet length or EMPTY, store time, last resend time, resend count. */
  readonly #length: Int32Array;
  readonly #storedAt: Float64Array;
  readonly #resentAt: Float64Array;
  readonly #resends: Uint16Array;
  /** Ring position of the window start, its sequence number, and the window length. */
  #head = 0;
  #startSeq = 0;
  #count = 0;
  #size = 0;

  constructor(options: RetransmissionBufferOptions) {
    const capacity = Math.max(0, Math.floor(options.capacity));
    this.capacity = Math.min(capacity, 0x8000);
    this.maxAgeMs = options.maxAgeMs ?? 2000;
    this.slotSize = options.slotSize ?? 1500;
    this.#chunks = new Array<Uint8Array | undefined>(Math.ceil(this.capacity / CHUNK_SLOTS));
    this.#length = new Int32Array(this.capacity).fill(EMPTY);
    this.#storedAt = new Float64Array(this.capacity);
    this.#resentAt = new Float64Array(this.capacity);
    this.#resends = new Uint16Array(this.capacity);
  }

  /** Packets currently held. */
  get size(): number {
    return this.#size;
  }
  /** Bytes of slab allocated so far. */
  get allocatedBytes(): number {
    let n = 0;
    for (const c of this.#chunks) n += c?.length ?? 0;
    return n;
  }
  /** Oldest and newest sequence numbers of the window, or -1 when empty. */
  get oldestSeq(): number {
    return this.#count === 0 ? -1 : this.#startSeq;
  }
  get newestSeq(): number {
    return this.#count === 0 ? -1 : (this.#startSeq + this.#count - 1) & 0xffff;
  }

  /**
   * Copies the packet in. False if it is not kept: buffer disabled, packet larger than a
   * slot, a duplicate, or older than the window can reach.
   */
  store(view: RtpPacketView, nowMs: number): boolean {
    const cap = this.capacity;
    if (cap === 0 || view.length > this.slotSize) return false;
    const seq = view.sequenceNumber;
    this.#expire(nowMs);

    if (this.#count === 0) {
      this.#head = 0;
      this.#startSeq = seq;
      this.#count = 1;
    } else {
      const d = seqDiff(seq, this.#startSeq);
      if (d >= this.#count) {
        // Newer than the newest: grow the window, dropping what falls out of it (all of it
        // on a wild jump).
        const drop = d + 1 - cap;
        if (drop > 0) this.#dropOldest(drop);
        if (this.#count === 0) {
          this.#head = 0;
          this.#startSeq = seq;
          this.#count = 1;
        } else {
          const want = seqDiff(seq, this.#startSeq) + 1;
          for (let i = this.#count; i < want; i++) this.#length[this.#ring(i)] = EMPTY;
          this.#count = want;
        }
      } else if (d < 0) {
        // Older than the oldest: extend backwards if the window has room.
        if (this.#count - d > cap) return false;
        const n = -d;
        this.#head = (this.#head - n + cap) % cap;
        for (let i = 1; i < n; i++) this.#length[this.#ring(i)] = EMPTY;
        this.#startSeq = seq;
        this.#count += n;
      } else if (this.#length[this.#ring(d)] !== EMPTY) {
        return false; // already held
      }
    }

    const at = this.#ring(seqDiff(seq, this.#startSeq));
    const chunk = this.#chunk(at);
    const offset = (at % CHUNK_SLOTS) * this.slotSize;
    // A view of exactly the packet (the transport's send path) goes in without a sub-view.
    const bytes = view.buffer;
    chunk.set(bytes.length === view.length ? bytes : bytes.subarray(0, view.length), offset);
    this.#length[at] = view.length;
    this.#storedAt[at] = nowMs;
    this.#resentAt[at] = -Infinity;
    this.#resends[at] = 0;
    this.#size++;
    return true;
  }

  /**
   * Ring slot holding `seq`, or -1 if absent or older than maxAgeMs. Read it with
   * `packetBytes`, `resentAtMs`, `markResent`.
   */
  find(seq: number, nowMs: number): number {
    if (this.#count === 0) return -1;
    const d = seqDiff(seq & 0xffff, this.#startSeq);
    if (d < 0 || d >= this.#count) return -1;
    const at = this.#ring(d);
    if (this.#length[at] === EMPTY) return -1;
    if (nowMs - this.#storedAt[at] > this.maxAgeMs) return -1;
    return at;
  }

  /** The stored bytes of a slot from `find` (a sub-view of the slab, no copy). */
  packetBytes(slot: number): Uint8Array {
    const offset = (slot % CHUNK_SLOTS) * this.slotSize;
    return this.#chunk(slot).subarray(offset, offset + this.#length[slot]);
  }

  /** When the packet in this slot was last resent (−Infinity if never). */
  resentAtMs(slot: number): number {
    return this.#resentAt[slot];
  }
  resendCount(slot: number): number {
    return this.#resends[slot];
  }
  markResent(slot: number, nowMs: number): void {
    this.#resentAt[slot] = nowMs;
    if (this.#resends[slot] < 0xffff) this.#resends[slot]++;
  }

  clear(): void {
    for (let i = 0; i < this.#count; i++) this.#length[this.#ring(i)] = EMPTY;
    this.#head = 0;
    this.#count = 0;
    this.#size = 0;
  }

  #ring(i: number): number {
    return (this.#head + i) % this.capacity;
  }

  #chunk(slot: number): Uint8Array {
    const c = (slot / CHUNK_SLOTS) | 0;
    let chunk = this.#chunks[c];
    if (chunk === undefined) {
      chunk = new Uint8Array(CHUNK_SLOTS * this.slotSize);
      this.#chunks[c] = chunk;
    }
    return chunk;
  }

  /** Drops n slots from the old end, then any empty ones, so the window starts on a packet. */
  #dropOldest(n: number): void {
    if (n >= this.#count) {
      this.clear();
      return;
    }
    for (let i = 0; i < n || (this.#count > 0 && this.#length[this.#head] === EMPTY); i++) {
      const at = this.#head;
      if (this.#length[at] !== EMPTY) {
        this.#length[at] = EMPTY;
        this.#size--;
      }
      this.#head = (this.#head + 1) % this.capacity;
      this.#startSeq = (this.#startSeq + 1) & 0xffff;
      this.#count--;
    }
    if (this.#count === 0) this.#head = 0;
  }

  /** Drops packets from the old end while they are older than maxAgeMs (and empty slots). */
  #expire(nowMs: number): void {
    while (this.#count > 0) {
      const at = this.#ring(0);
      const len = this.#length[at];
      if (len !== EMPTY && nowMs - this.#storedAt[at] <= this.maxAgeMs) return;
      this.#dropOldest(1);
    }
  }
}
