/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM, RFC 7714.
 *
 *   SRTP (§8):  header | ciphertext | tag(16)            AAD = header
 *               IV = salt ^ (00 00 | SSRC | ROC | SEQ)
 *   SRTCP (§9): header+SSRC | ciphertext | tag(16) | E+index
 *               AAD = header+SSRC | E+index (E = 1), or everything before the tag | E+index
 *               (E = 0, nothing encrypted); IV = salt ^ (00 00 | SSRC | 00 00 | 0+index)
 *
 * node:crypto cannot re-key a GCM context with a new IV, so each packet creates one
 * cipher object; that creation is most of the per-packet cost (see bench/srtp.ts).
 */
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';

import type { SrtpSessionKeys } from './keyDerivation.js';
import { RTCP_UNENCRYPTED_LENGTH, writeUint32 } from './rtpHeader.js';
import { WORK_OFFSET, type SrtpTransform } from './transform.js';

const TAG_LENGTH = 16;
const IV_LENGTH = 12;

export class AesGcmTransform implements SrtpTransform {
  readonly #algorithm: CipherGCMTypes;
  readonly #key: Buffer;
  readonly #salt: Uint8Array;
  /** Reused: createCipheriv copies the IV. */
  readonly #iv = Buffer.alloc(IV_LENGTH);
  readonly #rtcpAad = Buffer.alloc(RTCP_UNENCRYPTED_LENGTH + 4);

  constructor(keys: SrtpSessionKeys) {
    if (keys.key.length !== 16 && keys.key.length !== 32) {
      throw new TypeError(`AES-GCM session key must be 16 or 32 bytes, got ${keys.key.length}`);
    }
    if (keys.salt.length !== IV_LENGTH) {
      throw new TypeError(`AES-GCM session salt must be 12 bytes, got ${keys.salt.length}`);
    }
    this.#algorithm = keys.key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
    this.#key = Buffer.from(keys.key);
    this.#salt = Uint8Array.from(keys.salt);
  }

  #setIv(ssrc: number, high: number, low: number, lowBytes: number): Buffer {
    const iv = this.#iv;
    iv.set(this.#salt);
    iv[2] ^= ssrc >>> 24;
    iv[3] ^= ssrc >>> 16;
    iv[4] ^= ssrc >>> 8;
    iv[5] ^= ssrc;
    // SRTP: ROC at 6-9, SEQ at 10-11. SRTCP: zeros at 6-7, index at 8-11.
    if (lowBytes === 2) {
      iv[6] ^= high >>> 24;
      iv[7] ^= high >>> 16;
      iv[8] ^= high >>> 8;
      iv[9] ^= high;
      iv[10] ^= low >>> 8;
      iv[11] ^= low;
    } else {
      iv[8] ^= low >>> 24;
      iv[9] ^= low >>> 16;
      iv[10] ^= low >>> 8;
      iv[11] ^= low;
    }
    return iv;
  }

  protectRtp(
    packet: Uint8Array,
    length: number,
    headerLength: number,
    ssrc: number,
    roc: number,
    seq: number,
    work: Uint8Array,
  ): number {
    const cipher = createCipheriv(this.#algorithm, this.#key, this.#setIv(ssrc, roc, seq, 2));
    const header = packet.subarray(0, headerLength);
    cipher.setAAD(header);
    const ciphertext = cipher.update(packet.subarray(headerLength, length));
    cipher.final();
    work.set(header, WORK_OFFSET);
    work.set(ciphertext, WORK_OFFSET + headerLength);
    work.set(cipher.getAuthTag(), WORK_OFFSET + length);
    return length + TAG_LENGTH;
  }

  unprotectRtp(
    packet: Uint8Array,
    length: number,
    headerLength: number,
    ssrc: number,
    roc: number,
    seq: number,
    work: Uint8Array,
  ): number {
    const plainLength = length - TAG_LENGTH;
    const decipher = createDecipheriv(this.#algorithm, this.#key, this.#setIv(ssrc, roc, seq, 2));
    decipher.setAuthTag(packet.subarray(plainLength, length));
    const header = packet.subarray(0, headerLength);
    decipher.setAAD(header);
    const plaintext = decipher.update(packet.subarray(headerLength, plainLength));
    try {
      decipher.final();
    } catch {
      return -1;
    }
    work.set(header, WORK_OFFSET);
    work.set(plaintext, WORK_OFFSET + headerLength);
    return plainLength;
  }

  protectRtcp(
    packet: Uint8Array,
    length: number,
    ssrc: number,
    index: number,
    work: Uint8Array,
  ): number {
    const cipher = createCipheriv(this.#algorithm, this.#key, this.#setIv(ssrc, 0, index, 4));
    const eIndex = (0x80000000 | index) >>> 0;
    const aad = this.#rtcpAad;
    aad.set(packet.subarray(0, RTCP_UNENCRYPTED_LENGTH));
    writeUint32(aad, RTCP_UNENCRYPTED_LENGTH, eIndex);
    cipher.setAAD(aad);
    const ciphertext = cipher.update(packet.subarray(RTCP_UNENCRYPTED_LENGTH, length));
    cipher.final();
    work.set(aad.subarray(0, RTCP_UNENCRYPTED_LENGTH), WORK_OFFSET);
    work.set(ciphertext, WORK_OFFSET + RTCP_UNENCRYPTED_LENGTH);
    work.set(cipher.getAuthTag(), WORK_OFFSET + length);
    writeUint32(work, WORK_OFFSET + length + TAG_LENGTH, eIndex);
    return length + TAG_LENGTH + 4;
  }

  unprotectRtcp(
    packet: Uint8Array,
    length: number,
    ssrc: number,
    eIndex: number,
    work: Uint8Array,
  ): number {
    const tagEnd = length - 4;
    const tagStart = tagEnd - TAG_LENGTH;
    const decipher = createDecipheriv(
      this.#algorithm,
      this.#key,
      this.#setIv(ssrc, 0, eIndex & 0x7fffffff, 4),
    );
    decipher.setAuthTag(packet.subarray(tagStart, tagEnd));
    if (eIndex & 0x80000000) {
      const aad = this.#rtcpAad;
      aad.set(packet.subarray(0, RTCP_UNENCRYPTED_LENGTH));
      writeUint32(aad, RTCP_UNENCRYPTED_LENGTH, eIndex);
      decipher.setAAD(aad);
      const plaintext = decipher.update(packet.subarray(RTCP_UNENCRYPTED_LENGTH, tagStart));
      try {
        decipher.final();
      } catch {
        return -1;
      }
      work.set(aad.subarray(0, RTCP_UNENCRYPTED_LENGTH), WORK_OFFSET);
      work.set(plaintext, WORK_OFFSET + RTCP_UNENCRYPTED_LENGTH);
      return tagStart;
    }
    // Not encrypted: the whole packet and the trailer word are the AAD (§9.2).
    work.set(packet.subarray(0, tagStart), WORK_OFFSET);
    writeUint32(work, WORK_OFFSET + tagStart, eIndex);
    decipher.setAAD(work.subarray(WORK_OFFSET, WORK_OFFSET + tagStart + 4));
    try {
      decipher.final();
    } catch {
      return -1;
    }
    return tagStart;
  }
}
