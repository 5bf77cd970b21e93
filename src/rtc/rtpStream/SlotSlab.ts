/**
 * Fixed-size byte slots for packet stores, in chunks allocated when a slot in them is first
 * used: a store sized for its worst case costs only what it has held.
 */
const CHUNK_SLOTS = 32;

export class SlotSlab {
  readonly slotSize: number;
  readonly #chunks: (Uint8Array | undefined)[];

  constructor(slots: number, slotSize: number) {
    this.slotSize = slotSize;
    this.#chunks = new Array<Uint8Array | undefined>(Math.ceil(slots / CHUNK_SLOTS));
  }

  /** Bytes allocated so far. */
  get allocatedBytes(): number {
    let n = 0;
    for (const c of this.#chunks) n += c?.length ?? 0;
    return n;
  }

  /** The chunk holding `slot` (allocated now if need be); the slot starts at `offsetOf`. */
  chunkOf(slot: number): Uint8Array {
    const c = (slot / CHUNK_SLOTS) | 0;
    let chunk = this.#chunks[c];
    if (chunk === undefined) {
      chunk = new Uint8Array(CHUNK_SLOTS * this.slotSize);
      this.#chunks[c] = chunk;
    }
    return chunk;
  }

  offsetOf(slot: number): number {
    return (slot % CHUNK_SLOTS) * this.slotSize;
  }

  /** Copies `length` bytes of `bytes` into `slot` (length ≤ slotSize: the caller checks). */
  write(slot: number, bytes: Uint8Array, length: number): void {
    this.chunkOf(slot).set(
      bytes.length === length ? bytes : bytes.subarray(0, length),
      this.offsetOf(slot),
    );
  }

  /** Bytes [from, from + length) of `slot`, a view of the slab (no copy). */
  view(slot: number, from: number, length: number): Uint8Array {
    const offset = this.offsetOf(slot) + from;
    return this.chunkOf(slot).subarray(offset, offset + length);
  }
}
