/**
 * HMAC-SHA1 (RFC 2104) for the SRTP authentication tag, built on the one-shot `crypto.hash`
 * (Node >= 20.12): HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)).
 *
 * Why: `createHmac` builds a native object per packet; two one-shot hashes do not. The
 * caller leaves 64 free bytes in front of the message in its work buffer, where the inner
 * key block is written, so the inner hash runs over one contiguous buffer without a copy.
 * Falls back to `createHmac` where `crypto.hash` is missing.
 */
import * as crypto from 'node:crypto';

/** Bytes the caller reserves in front of the message (the SHA-1 block size). */
export const HMAC_SHA1_PREFIX = 64;

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer;
const oneShotHash = (crypto as { hash?: OneShotHash }).hash;

export class HmacSha1 {
  readonly #key: Uint8Array;
  readonly #innerPad = new Uint8Array(HMAC_SHA1_PREFIX);
  /** opad key block followed by the inner digest. */
  readonly #outer = new Uint8Array(HMAC_SHA1_PREFIX + 20);

  constructor(key: Uint8Array) {
    let k = key;
    if (k.length > HMAC_SHA1_PREFIX) k = crypto.createHash('sha1').update(k).digest();
    this.#key = Uint8Array.from(key);
    for (let i = 0; i < HMAC_SHA1_PREFIX; i++) {
      const b = i < k.length ? k[i] : 0;
      this.#innerPad[i] = b ^ 0x36;
      this.#outer[i] = b ^ 0x5c;
    }
  }

  /**
   * The 20-byte MAC of `buf[HMAC_SHA1_PREFIX, end)`. Overwrites `buf[0, HMAC_SHA1_PREFIX)`.
   * The result is a fresh Buffer owned by the caller.
   */
  digestWithPrefix(buf: Uint8Array, end: number): Uint8Array {
    if (oneShotHash === undefined) {
      return crypto
        .createHmac('sha1', this.#key)
        .update(buf.subarray(HMAC_SHA1_PREFIX, end))
        .digest();
    }
    buf.set(this.#innerPad, 0);
    const inner = oneShotHash('sha1', buf.subarray(0, end), 'buffer');
    this.#outer.set(inner, HMAC_SHA1_PREFIX);
    return oneShotHash('sha1', this.#outer, 'buffer');
  }
}
