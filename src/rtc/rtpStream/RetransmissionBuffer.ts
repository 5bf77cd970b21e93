/**
 * Copies of recently sent RTP packets, by sequence number, for answering NACKs (RFC 4585
 * §6.2.1, RFC 4588). Like mediasoup's RtpRetransmissionBuffer it is a window of consecutive
 * sequence numbers [start, start + count) in which any slot may be empty; unlike it, packet
 * bytes live in preallocated slabs (one fixed-size slot per window position) since callers
 * reuse their packet buffers. Slabs are allocated in chunks as the window first fills, so an
 * idle or low-rate stream does not pay for its full capacity.
 *
 * A packet whose payload went out unchanged is kept as its header only (a small slot) and a
 * handle into its producer's SharedPacketStore, where the one copy of the payload lives
 * (`storeShared`); the full slab is then never allocated.
 *
 * Packets older than `maxAgeMs` (by store time) are dropped as newer ones come in, and looked
 * up packets that old are not returned.
 */

import type { RtpPacketView } from '../../protocols/rtp/packet-view.js';
import { seqDiff } from '../../protocols/rtp/sequence.js';
import type { SharedPacketStore } from './SharedPacketStore.js';
import { SlotSlab } from './SlotSlab.js';

export interface RetransmissionBufferOptions {
  /** Maximum packets held (window length in sequence numbers); 0 disables the buffer. */
  capacity: number;
  /** Packets older than this are not resent (default 2000 ms, mediasoup's video value). */
  maxAgeMs?: number;
  /** Bytes per slot; larger packets are not stored (default 1500, an Ethernet MTU). */
  slotSize?: number;
  /** Where `storeShared` packets' payloads are (the producer's store). */
  shared?: SharedPacketStore;
}

const EMPTY = -1;
/** The per-slot record: its fields and size. */
const LENGTH = 0;
const STORED_AT = 1;
const RESENT_AT = 2;
const RESENDS = 3;
const HANDLE = 4;
const PAYLOAD_FROM = 5;
const PAYLOAD_LENGTH = 6;
const META = 8;
/** Header bytes a shared slot keeps: fixed header, CSRCs and a generous extension block. */
export const SHARED_HEADER_SLOT = 128;
/** A module-wide work area for a shared packet put back together (used synchronously). */
let assembly = new Uint8Array(0);

export class RetransmissionBuffer {
  readonly capacity: number;
  readonly maxAgeMs: number;
  readonly slotSize: number;
  /** Full packets, one slot per window position. */
  readonly #slab: SlotSlab;
  /** Headers of shared packets, likewise. */
  readonly #heads: SlotSlab;
  readonly #shared: SharedPacketStore | undefined;
  /**
   * Per ring slot, one record of META fields (one cache line for all a store writes): the
   * packet length or EMPTY, store time, last resend time, resend count, and for a shared
   * packet its store handle (-1: a full copy) and payload range in it.
   */
  readonly #meta: Float64Array;
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
    this.#slab = new SlotSlab(this.capacity, this.slotSize);
    this.#heads = new SlotSlab(this.capacity, SHARED_HEADER_SLOT);
    this.#shared = options.shared;
    this.#meta = new Float64Array(this.capacity * META);
    for (let i = 0; i < this.capacity; i++) {
      this.#meta[i * META + LENGTH] = EMPTY;
      this.#meta[i * META + HANDLE] = -1;
    }
  }

  /** Packets currently held. */
  get size(): number {
    return this.#size;
  }
  /** Bytes of slab allocated so far. */
  get allocatedBytes(): number {
    return this.#slab.allocatedBytes + this.#heads.allocatedBytes;
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
    if (view.length > this.slotSize) return false;
    const at = this.#claim(view.sequenceNumber, nowMs);
    if (at < 0) return false;
    // A view of exactly the packet (the transport's send path) goes in without a sub-view.
    this.#slab.write(at, view.buffer, view.length);
    this.#meta[at * META + HANDLE] = -1;
    this.#fill(at, view.length, nowMs);
    return true;
  }

  /**
   * Keeps the packet as its header (`view` up to its payload) and `handle` into the shared
   * store, whose packet holds this payload at `payloadFrom`. Falls back to a full copy when
   * the header does not fit a header slot or there is no shared store. False as `store`.
   */
  storeShared(view: RtpPacketView, nowMs: number, handle: number, payloadFrom: number): boolean {
    const headerLength = view.payloadOffset;
    if (this.#shared === undefined || handle < 0 || headerLength > SHARED_HEADER_SLOT) {
      return this.store(view, nowMs);
    }
    if (view.length > this.slotSize) return false;
    const at = this.#claim(view.sequenceNumber, nowMs);
    if (at < 0) return false;
    const chunk = this.#heads.chunkOf(at);
    const offset = this.#heads.offsetOf(at);
    for (let i = 0; i < headerLength; i++) chunk[offset + i] = view.buffer[i];
    this.#meta[at * META + HANDLE] = handle;
    this.#meta[at * META + PAYLOAD_FROM] = payloadFrom;
    this.#meta[at * META + PAYLOAD_LENGTH] = view.length - headerLength;
    this.#fill(at, view.length, nowMs);
    return true;
  }

  #fill(at: number, length: number, nowMs: number): void {
    this.#meta[at * META + LENGTH] = length;
    this.#meta[at * META + STORED_AT] = nowMs;
    this.#meta[at * META + RESENT_AT] = -Infinity;
    this.#meta[at * META + RESENDS] = 0;
    this.#size++;
  }

  /** The ring slot for `seq`, the window moved as needed; -1 if it cannot be kept. */
  #claim(seq: number, nowMs: number): number {
    const cap = this.capacity;
    if (cap === 0) return -1;
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
          for (let i = this.#count; i < want; i++)
            this.#meta[this.#ring(i) * META + LENGTH] = EMPTY;
          this.#count = want;
        }
      } else if (d < 0) {
        // Older than the oldest: extend backwards if the window has room.
        if (this.#count - d > cap) return -1;
        const n = -d;
        this.#head = (this.#head - n + cap) % cap;
        for (let i = 1; i < n; i++) this.#meta[this.#ring(i) * META + LENGTH] = EMPTY;
        this.#startSeq = seq;
        this.#count += n;
      } else if (this.#meta[this.#ring(d) * META + LENGTH] !== EMPTY) {
        return -1; // already held
      }
    }
    return this.#ring(seqDiff(seq, this.#startSeq));
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
    if (this.#meta[at * META + LENGTH] === EMPTY) return -1;
    if (nowMs - this.#meta[at * META + STORED_AT] > this.maxAgeMs) return -1;
    return at;
  }

  /**
   * The stored bytes of a slot from `find`: a sub-view of the slab (no copy), or for a shared
   * packet its header and payload put together in a work area valid until the next call.
   * Undefined when a shared packet's payload is no longer in its store.
   */
  packetBytes(slot: number, nowMs: number): Uint8Array | undefined {
    const handle = this.#meta[slot * META + HANDLE];
    if (handle < 0) {
      return this.#slab.view(slot, 0, this.#meta[slot * META + LENGTH]);
    }
    const length = this.#meta[slot * META + LENGTH];
    const payloadLength = this.#meta[slot * META + PAYLOAD_LENGTH];
    const payload = this.#shared?.bytes(
      handle,
      this.#meta[slot * META + PAYLOAD_FROM],
      payloadLength,
      nowMs,
      this.maxAgeMs,
    );
    if (payload === undefined) return undefined;
    if (assembly.length < length) assembly = new Uint8Array(Math.max(length, 2048));
    const headerLength = length - payloadLength;
    assembly.set(this.#heads.view(slot, 0, headerLength));
    assembly.set(payload, headerLength);
    return assembly.subarray(0, length);
  }

  /** When the packet in this slot was last resent (−Infinity if never). */
  resentAtMs(slot: number): number {
    return this.#meta[slot * META + RESENT_AT];
  }
  resendCount(slot: number): number {
    return this.#meta[slot * META + RESENDS];
  }
  markResent(slot: number, nowMs: number): void {
    this.#meta[slot * META + RESENT_AT] = nowMs;
    if (this.#meta[slot * META + RESENDS] < 0xffff) this.#meta[slot * META + RESENDS]++;
  }

  clear(): void {
    for (let i = 0; i < this.#count; i++) this.#meta[this.#ring(i) * META + LENGTH] = EMPTY;
    this.#head = 0;
    this.#count = 0;
    this.#size = 0;
  }

  #ring(i: number): number {
    return (this.#head + i) % this.capacity;
  }

  /** Drops n slots from the old end, then any empty ones, so the window starts on a packet. */
  #dropOldest(n: number): void {
    if (n >= this.#count) {
      this.clear();
      return;
    }
    for (
      let i = 0;
      i < n || (this.#count > 0 && this.#meta[this.#head * META + LENGTH] === EMPTY);
      i++
    ) {
      const at = this.#head;
      if (this.#meta[at * META + LENGTH] !== EMPTY) {
        this.#meta[at * META + LENGTH] = EMPTY;
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
      const len = this.#meta[at * META + LENGTH];
      if (len !== EMPTY && nowMs - this.#meta[at * META + STORED_AT] <= this.maxAgeMs) return;
      this.#dropOldest(1);
    }
  }
}
