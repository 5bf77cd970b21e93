/**
 * One copy of each packet a producer fans out, for its consumers' retransmissions. A consumer
 * that forwards the payload unchanged keeps only its own header of each packet it sent and a
 * handle into this store (RetransmissionBuffer.storeShared), as mediasoup's consumers share
 * one clone of the packet: at 200 consumers that is one copy per packet instead of 200, and
 * a few KiB per consumer instead of a slab of full packets.
 *
 * A ring of fixed-size slots, allocated in chunks as it first fills; a handle is the packet's
 * number in the store (a double, never reused), valid while its slot holds it and it is no
 * older than the reader's age limit.
 */
import type { RtpPacketView } from '../../protocols/rtp/packet-view.js';
import { SlotSlab } from './SlotSlab.js';

export interface SharedPacketStoreOptions {
  /** Slots in the ring (default 1024: 2 s of a 4 Mbit/s stream of 1000-byte packets). */
  capacity?: number;
  /** Bytes per slot; larger packets are not stored. */
  slotSize: number;
}

const NONE = -1;

export class SharedPacketStore {
  readonly capacity: number;
  readonly slotSize: number;
  readonly #slab: SlotSlab;
  /** Per slot: the handle it holds (NONE: empty), the packet length and when it was stored. */
  readonly #handle: Float64Array;
  readonly #length: Uint16Array;
  readonly #storedAt: Float64Array;
  #next = 0;
  /** The packet being fanned out: `current()` answers for it only. */
  #currentView: RtpPacketView | undefined;
  #currentSeq = -1;
  #currentLength = -1;
  #currentHandle = NONE;

  constructor(options: SharedPacketStoreOptions) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? 1024));
    this.slotSize = options.slotSize;
    this.#slab = new SlotSlab(this.capacity, this.slotSize);
    this.#handle = new Float64Array(this.capacity).fill(NONE);
    this.#length = new Uint16Array(this.capacity);
    this.#storedAt = new Float64Array(this.capacity);
  }

  /** Bytes of slab allocated so far. */
  get allocatedBytes(): number {
    return this.#slab.allocatedBytes;
  }

  /** Copies the packet in before its fan-out; it is then `current()`. */
  put(view: RtpPacketView, nowMs: number): void {
    this.#currentView = view;
    this.#currentSeq = view.sequenceNumber;
    this.#currentLength = view.length;
    if (view.length > this.slotSize) {
      this.#currentHandle = NONE;
      return;
    }
    const handle = this.#next++;
    const slot = handle % this.capacity;
    this.#slab.write(slot, view.buffer, view.length);
    this.#handle[slot] = handle;
    this.#length[slot] = view.length;
    this.#storedAt[slot] = nowMs;
    this.#currentHandle = handle;
  }

  /** The handle of `view` if it is the packet just put (unchanged since), else -1. */
  current(view: RtpPacketView): number {
    if (
      view !== this.#currentView ||
      view.sequenceNumber !== this.#currentSeq ||
      view.length !== this.#currentLength
    ) {
      return NONE;
    }
    return this.#currentHandle;
  }

  /**
   * Bytes `[from, from + length)` of the stored packet, a view of the slab; undefined when the
   * slot was reused, the packet is older than `maxAgeMs` or the range is not inside it.
   */
  bytes(
    handle: number,
    from: number,
    length: number,
    nowMs: number,
    maxAgeMs: number,
  ): Uint8Array | undefined {
    if (handle < 0) return undefined;
    const slot = handle % this.capacity;
    if (this.#handle[slot] !== handle || nowMs - this.#storedAt[slot] > maxAgeMs) return undefined;
    if (from < 0 || length < 0 || from + length > this.#length[slot]) return undefined;
    return this.#slab.view(slot, from, length);
  }
}
