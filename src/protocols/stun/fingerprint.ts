/**
 * FINGERPRINT (RFC 5389 §15.5): CRC-32 (ISO 3309, as zlib) of the message up to the attribute,
 * XOR 0x5354554e. It is the last attribute, so the header length already counts it.
 */

import { crc32 } from 'node:zlib';
import { FINGERPRINT_XOR, STUN_HEADER_LENGTH, StunAttr } from './constants.js';
import type { StunMessage } from './message.js';

/** The FINGERPRINT value for an attribute at `attrOffset`; undefined if out of range. */
export function computeFingerprint(buf: Uint8Array, attrOffset: number): number | undefined {
  if (attrOffset < STUN_HEADER_LENGTH || attrOffset > buf.length) return undefined;
  return (crc32(buf.subarray(0, attrOffset)) ^ FINGERPRINT_XOR) >>> 0;
}

/** True if the message ends with a FINGERPRINT attribute whose value matches. */
export function checkFingerprint(buf: Uint8Array, msg: StunMessage): boolean {
  const last = msg.attributes[msg.attributes.length - 1];
  if (!last || last.type !== StunAttr.Fingerprint || last.value.length !== 4) return false;
  const v = last.value;
  const got = ((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0;
  return computeFingerprint(buf, last.offset) === got;
}
