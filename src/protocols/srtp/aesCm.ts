/**
 * AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): the keystream for one packet is
 * AES_k(IV), AES_k(IV + 1), ... where IV = (k_s << 16) XOR (SSRC << 64) XOR (index << 16)
 * and the block counter occupies the low 16 bits.
 *
 * Why not `createCipheriv('aes-128-ctr')` per packet: creating a cipher object costs more
 * than encrypting 1200 bytes (PERFORMANCE.md). One AES-ECB cipher object lives as long as
 * the session; per packet we write the counter blocks and encrypt them with a single
 * `update`, then XOR the keystream into the payload 32 bits at a time.
 */
import { createCipheriv, type Cipher } from 'node:crypto';

const INITIAL_BLOCKS = 128; // 2 KiB of keystream, grown on demand

export class AesCmKeystream {
  readonly #ecb: Cipher;
  /** The session salt as a 16-byte block, low 16 bits zero. */
  readonly #saltBlock = new Uint8Array(16);
  readonly #template = new Uint8Array(16);
  readonly #template32 = new Uint32Array(this.#template.buffer);
  #counters = new Uint8Array(INITIAL_BLOCKS * 16);
  #counters32 = new Uint32Array(this.#counters.buffer);
  /** The keystream, copied from the cipher's output so it is aligned and viewed once. */
  #keystream = new Uint8Array(INITIAL_BLOCKS * 16);
  #keystream32 = new Uint32Array(this.#keystream.buffer);
  /** A word view of the last data buffer XORed, reused while the caller reuses it. */
  #data32: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  constructor(sessionKey: Uint8Array, sessionSalt: Uint8Array) {
    if (sessionSalt.length > 14) throw new TypeError('AES-CM session salt is at most 14 bytes');
    const algorithm = sessionKey.length === 32 ? 'aes-256-ecb' : 'aes-128-ecb';
    this.#ecb = createCipheriv(algorithm, sessionKey, null);
    this.#ecb.setAutoPadding(false);
    this.#saltBlock.set(sessionSalt, 0);
  }

  /**
   * XORs the keystream for (ssrc, indexHigh, indexLow) into `data[offset, offset + length)`.
   * The 48-bit packet index is indexHigh (32 bits, IV bytes 8-11) and indexLow (16 bits,
   * IV bytes 12-13): ROC and SEQ for SRTP, (index >>> 16) and (index & 0xffff) for SRTCP.
   * `data.byteOffset + offset` should be 4-byte aligned for the fast path.
   */
  xor(
    data: Uint8Array,
    offset: number,
    length: number,
    ssrc: number,
    indexHigh: number,
    indexLow: number,
  ): void {
    if (length <= 0) return;
    const blocks = (length + 15) >>> 4;
    if (blocks > 0xffff) throw new RangeError('AES-CM payload too long');
    if (blocks * 16 > this.#counters.length) this.#grow(blocks);

    const t = this.#template;
    const s = this.#saltBlock;
    t.set(s);
    t[4] ^= ssrc >>> 24;
    t[5] ^= ssrc >>> 16;
    t[6] ^= ssrc >>> 8;
    t[7] ^= ssrc;
    t[8] ^= indexHigh >>> 24;
    t[9] ^= indexHigh >>> 16;
    t[10] ^= indexHigh >>> 8;
    t[11] ^= indexHigh;
    t[12] ^= indexLow >>> 8;
    t[13] ^= indexLow;

    // Native-endian word copies keep the byte order; only bytes 14-15 (the counter) differ.
    const w0 = this.#template32[0];
    const w1 = this.#template32[1];
    const w2 = this.#template32[2];
    const w3 = this.#template32[3];
    const c32 = this.#counters32;
    const c8 = this.#counters;
    for (let b = 0, w = 0; b < blocks; b++, w += 4) {
      c32[w] = w0;
      c32[w + 1] = w1;
      c32[w + 2] = w2;
      c32[w + 3] = w3;
      c8[(w << 2) + 14] = b >>> 8;
      c8[(w << 2) + 15] = b;
    }
    const keystream = this.#keystream;
    keystream.set(this.#ecb.update(c8.subarray(0, blocks * 16)));
    this.#xorInto(data, offset, length);
  }

  /** data[offset, offset + length) ^= keystream, 32 bits at a time where aligned. */
  #xorInto(data: Uint8Array, offset: number, length: number): void {
    const ks = this.#keystream;
    const start = data.byteOffset + offset;
    if ((start & 3) !== 0) {
      for (let i = 0; i < length; i++) data[offset + i] ^= ks[i];
      return;
    }
    let d32 = this.#data32;
    if (d32.buffer !== data.buffer) {
      d32 = new Uint32Array(data.buffer, 0, data.buffer.byteLength >>> 2);
      this.#data32 = d32;
    }
    const k32 = this.#keystream32;
    const words = length >>> 2;
    const base = start >>> 2;
    for (let i = 0; i < words; i++) d32[base + i] ^= k32[i];
    for (let i = words * 4; i < length; i++) data[offset + i] ^= ks[i];
  }

  #grow(blocks: number): void {
    this.#counters = new Uint8Array(blocks * 16);
    this.#counters32 = new Uint32Array(this.#counters.buffer);
    this.#keystream = new Uint8Array(blocks * 16);
    this.#keystream32 = new Uint32Array(this.#keystream.buffer);
  }
}
