/**
 * HMAC-SHA1 (RFC 2104) for the SRTP authentication tag:
 * HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)).
 *
 * Why this shape (measured in bench/srtp.ts): `createHmac` builds a native object per packet.
 * Instead the inner hash is one `crypto.hash` call (Node >= 20.12) over the caller's work
 * buffer, where 64 bytes are reserved in front of the message for the (K ^ ipad) block, so
 * nothing is copied; its digest is returned as a 'binary' string, which is cheaper than a
 * Buffer. The outer hash is a single SHA-1 block computed in JavaScript from the state after
 * (K ^ opad), precomputed once per key. Where `crypto.hash` is missing, `createHmac` is used.
 */
import * as crypto from 'node:crypto';

import { SHA1_INITIAL_STATE, sha1Compress } from './sha1.js';

/** Bytes the caller reserves in front of the message (the SHA-1 block size). */
export const HMAC_SHA1_PREFIX = 64;
export const HMAC_SHA1_LENGTH = 20;

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'binary') => string;
const oneShotHash = (crypto as { hash?: OneShotHash }).hash;

export class HmacSha1 {
  readonly #key: Uint8Array;
  readonly #innerPad = new Uint8Array(HMAC_SHA1_PREFIX);
  readonly #outerState = new Int32Array(5);
  readonly #state = new Int32Array(5);
  readonly #block = new Int32Array(16);

  constructor(key: Uint8Array) {
    const k = key.length > HMAC_SHA1_PREFIX ? crypto.createHash('sha1').update(key).digest() : key;
    this.#key = Uint8Array.from(key);
    const outerPad = new Uint8Array(HMAC_SHA1_PREFIX);
    for (let i = 0; i < HMAC_SHA1_PREFIX; i++) {
      const b = i < k.length ? k[i] : 0;
      this.#innerPad[i] = b ^ 0x36;
      outerPad[i] = b ^ 0x5c;
    }
    this.#outerState.set(SHA1_INITIAL_STATE);
    const view = new DataView(outerPad.buffer);
    for (let i = 0; i < 16; i++) this.#block[i] = view.getInt32(i * 4);
    sha1Compress(this.#outerState, this.#block);
  }

  /**
   * Writes the 20-byte MAC of `buf[HMAC_SHA1_PREFIX, end)` to `mac`. Overwrites
   * `buf[0, HMAC_SHA1_PREFIX)`.
   */
  macWithPrefix(buf: Uint8Array, end: number, mac: Uint8Array): void {
    if (oneShotHash === undefined) {
      mac.set(
        crypto.createHmac('sha1', this.#key).update(buf.subarray(HMAC_SHA1_PREFIX, end)).digest(),
      );
      return;
    }
    buf.set(this.#innerPad, 0);
    const inner = oneShotHash('sha1', buf.subarray(0, end), 'binary');
    const block = this.#block;
    for (let i = 0; i < 5; i++) {
      const j = i * 4;
      block[i] =
        (inner.charCodeAt(j) << 24) |
        (inner.charCodeAt(j + 1) << 16) |
        (inner.charCodeAt(j + 2) << 8) |
        inner.charCodeAt(j + 3);
    }
    // SHA-1 padding of a 64 + 20 byte message.
    block[5] = 0x80000000 | 0;
    block.fill(0, 6, 15);
    block[15] = (HMAC_SHA1_PREFIX + HMAC_SHA1_LENGTH) * 8;
    const state = this.#state;
    state.set(this.#outerState);
    sha1Compress(state, block);
    for (let i = 0; i < 5; i++) {
      const s = state[i];
      const j = i * 4;
      mac[j] = s >>> 24;
      mac[j + 1] = s >>> 16;
      mac[j + 2] = s >>> 8;
      mac[j + 3] = s;
    }
  }
}
