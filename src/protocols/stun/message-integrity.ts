/**
 * MESSAGE-INTEGRITY (RFC 5389 §15.4): HMAC-SHA1 over the message up to, not including, the
 * attribute, with the header's length field set as if the message ended right after it
 * (i.e. FINGERPRINT and anything later excluded). With short-term credentials (ICE, RFC 8445
 * §7.2.2) the key is the password.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { MESSAGE_INTEGRITY_LENGTH, STUN_HEADER_LENGTH, StunAttr } from './constants.js';
import type { StunMessage } from './message.js';

export type StunKey = string | Uint8Array;

const lengthScratch = Buffer.alloc(2);

/**
 * HMAC-SHA1 of `buf[0, attrOffset)` with the length field replaced by the length the message
 * has when it ends with a MESSAGE-INTEGRITY attribute at `attrOffset`. Does not modify `buf`.
 * Returns undefined if `attrOffset` is out of range.
 */
export function computeMessageIntegrity(
  buf: Uint8Array,
  attrOffset: number,
  key: StunKey,
): Buffer | undefined {
  if (attrOffset < STUN_HEADER_LENGTH || attrOffset > buf.length || (attrOffset & 3) !== 0) {
    return undefined;
  }
  const adjusted = attrOffset - STUN_HEADER_LENGTH + 4 + MESSAGE_INTEGRITY_LENGTH;
  lengthScratch[0] = adjusted >> 8;
  lengthScratch[1] = adjusted & 0xff;
  return createHmac('sha1', key)
    .update(buf.subarray(0, 2))
    .update(lengthScratch)
    .update(buf.subarray(4, attrOffset))
    .digest();
}

/**
 * Verifies the message's MESSAGE-INTEGRITY with `key`. False if the attribute is missing,
 * malformed or wrong. `buf` is the buffer `msg` was parsed from.
 */
export function checkMessageIntegrity(buf: Uint8Array, msg: StunMessage, key: StunKey): boolean {
  const attr = msg.attributes.find((a) => a.type === StunAttr.MessageIntegrity);
  if (!attr || attr.value.length !== MESSAGE_INTEGRITY_LENGTH) return false;
  const expected = computeMessageIntegrity(buf, attr.offset, key);
  return expected !== undefined && timingSafeEqual(expected, attr.value);
}
