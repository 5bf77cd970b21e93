/**
 * AES_CM_128_HMAC_SHA1_80 / _32, RFC 3711 §3 and §4.
 *
 *   SRTP:  header | payload ^ keystream | tag            tag = HMAC(header | payload' | ROC)
 *   SRTCP: header+SSRC | rest ^ keystream | E+index | tag  tag = HMAC(all before the tag)
 */
import { AesCmKeystream } from './aesCm.js';
import { HMAC_SHA1_LENGTH, HmacSha1 } from './hmacSha1.js';
import type { SrtpSessionKeys } from './keyDerivation.js';
import { RTCP_UNENCRYPTED_LENGTH, writeUint32 } from './rtpHeader.js';
import { WORK_OFFSET, type SrtpTransform } from './transform.js';

export class AesCmHmacTransform implements SrtpTransform {
  readonly #keystream: AesCmKeystream;
  readonly #hmac: HmacSha1;
  readonly #tagLength: number;
  readonly #mac = new Uint8Array(HMAC_SHA1_LENGTH);

  constructor(keys: SrtpSessionKeys, tagLength: number) {
    this.#keystream = new AesCmKeystream(keys.key, keys.salt);
    this.#hmac = new HmacSha1(keys.authKey);
    this.#tagLength = tagLength;
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
    const end = WORK_OFFSET + length;
    work.set(packet.subarray(0, length), WORK_OFFSET);
    this.#keystream.xor(work, WORK_OFFSET + headerLength, length - headerLength, ssrc, roc, seq);
    // The ROC is authenticated but not sent (§4.2); the tag then overwrites it.
    writeUint32(work, end, roc);
    const mac = this.#mac;
    this.#hmac.macWithPrefix(work, end + 4, mac);
    for (let i = 0; i < this.#tagLength; i++) work[end + i] = mac[i];
    return length + this.#tagLength;
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
    const plainLength = length - this.#tagLength;
    const end = WORK_OFFSET + plainLength;
    work.set(packet.subarray(0, plainLength), WORK_OFFSET);
    writeUint32(work, end, roc);
    const mac = this.#mac;
    this.#hmac.macWithPrefix(work, end + 4, mac);
    if (!tagsEqual(mac, packet, plainLength, this.#tagLength)) return -1;
    this.#keystream.xor(
      work,
      WORK_OFFSET + headerLength,
      plainLength - headerLength,
      ssrc,
      roc,
      seq,
    );
    return plainLength;
  }

  protectRtcp(
    packet: Uint8Array,
    length: number,
    ssrc: number,
    index: number,
    work: Uint8Array,
  ): number {
    const end = WORK_OFFSET + length;
    work.set(packet.subarray(0, length), WORK_OFFSET);
    this.#keystream.xor(
      work,
      WORK_OFFSET + RTCP_UNENCRYPTED_LENGTH,
      length - RTCP_UNENCRYPTED_LENGTH,
      ssrc,
      index >>> 16,
      index & 0xffff,
    );
    writeUint32(work, end, (0x80000000 | index) >>> 0);
    const mac = this.#mac;
    this.#hmac.macWithPrefix(work, end + 4, mac);
    for (let i = 0; i < this.#tagLength; i++) work[end + 4 + i] = mac[i];
    return length + 4 + this.#tagLength;
  }

  unprotectRtcp(
    packet: Uint8Array,
    length: number,
    ssrc: number,
    eIndex: number,
    work: Uint8Array,
  ): number {
    const authenticatedLength = length - this.#tagLength;
    work.set(packet.subarray(0, authenticatedLength), WORK_OFFSET);
    const mac = this.#mac;
    this.#hmac.macWithPrefix(work, WORK_OFFSET + authenticatedLength, mac);
    if (!tagsEqual(mac, packet, authenticatedLength, this.#tagLength)) return -1;
    const plainLength = authenticatedLength - 4;
    if (eIndex & 0x80000000) {
      const index = eIndex & 0x7fffffff;
      this.#keystream.xor(
        work,
        WORK_OFFSET + RTCP_UNENCRYPTED_LENGTH,
        plainLength - RTCP_UNENCRYPTED_LENGTH,
        ssrc,
        index >>> 16,
        index & 0xffff,
      );
    }
    return plainLength;
  }
}

/** Compares mac[0, n) with packet[at, at + n) without an early exit. */
function tagsEqual(mac: Uint8Array, packet: Uint8Array, at: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= mac[i] ^ packet[at + i];
  return diff === 0;
}
