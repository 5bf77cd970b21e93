/**
 * STUN message parsing (RFC 5389 §6 header, §15 attributes; RFC 8489 §5, §14).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |0 0|     STUN Message Type     |         Message Length        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Magic Cookie                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Transaction ID (96 bits)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

import { MAGIC_COOKIE, STUN_HEADER_LENGTH, StunAttr, type StunClass } from './constants.js';

export interface StunAttribute {
  type: number;
  /** Offset of the attribute's 4-byte header in the message buffer. */
  offset: number;
  /** The value, a sub-slice of the message buffer (not a copy), without padding. */
  value: Buffer;
}

export interface StunMessage {
  /** The 14-bit message type. */
  type: number;
  method: number;
  class: StunClass;
  /** Total length in bytes, header included. */
  length: number;
  /** Sub-slice of the message buffer (12 bytes). */
  transactionId: Buffer;
  attributes: StunAttribute[];
}

export type StunParseError =
  | 'too-short'
  | 'not-stun'
  | 'bad-cookie'
  | 'bad-length'
  | 'attribute-overflow'
  | 'fingerprint-not-last';

/** RFC 5389 §6: the method and class bits are interleaved in the 14-bit type. */
export function stunMessageType(method: number, cls: StunClass): number {
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((cls & 0b01) << 4) |
    ((cls & 0b10) << 7)
  );
}

export function methodOf(type: number): number {
  return (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
}

export function classOf(type: number): StunClass {
  return (((type >> 4) & 0b01) | ((type >> 7) & 0b10)) as StunClass;
}

/**
 * Cheap pre-check (RFC 5389 §7.3): top two bits zero, length a multiple of 4 matching the
 * buffer, magic cookie present. Does not walk the attributes.
 */
export function isStunMessage(buf: Uint8Array, length: number = buf.length): boolean {
  if (length < STUN_HEADER_LENGTH || length > buf.length) return false;
  if ((buf[0] & 0xc0) !== 0) return false;
  const msgLength = (buf[2] << 8) | buf[3];
  if (msgLength + STUN_HEADER_LENGTH !== length || (msgLength & 3) !== 0) return false;
  return ((buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7]) >>> 0 === MAGIC_COOKIE;
}

/**
 * Parses one STUN message that fills `buf` exactly (one UDP datagram). Returns the message,
 * whose attribute values are sub-slices of `buf`, or an error code; never throws.
 */
export function parseStunMessage(buf: Buffer): StunMessage | StunParseError {
  if (buf.length < STUN_HEADER_LENGTH) return 'too-short';
  if ((buf[0] & 0xc0) !== 0) return 'not-stun';
  if (buf.readUInt32BE(4) !== MAGIC_COOKIE) return 'bad-cookie';
  const msgLength = buf.readUInt16BE(2);
  // RFC 5389 §6: the length excludes the header and is a multiple of 4 (attributes are padded).
  if ((msgLength & 3) !== 0 || msgLength + STUN_HEADER_LENGTH !== buf.length) return 'bad-length';

  const type = buf.readUInt16BE(0);
  const attributes: StunAttribute[] = [];
  let pos = STUN_HEADER_LENGTH;
  let sawFingerprint = false;
  while (pos < buf.length) {
    if (sawFingerprint) return 'fingerprint-not-last'; // RFC 5389 §15.5
    if (pos + 4 > buf.length) return 'attribute-overflow';
    const attrType = buf.readUInt16BE(pos);
    const attrLength = buf.readUInt16BE(pos + 2);
    const valueEnd = pos + 4 + attrLength;
    if (valueEnd > buf.length) return 'attribute-overflow';
    attributes.push({ type: attrType, offset: pos, value: buf.subarray(pos + 4, valueEnd) });
    if (attrType === StunAttr.Fingerprint) sawFingerprint = true;
    // RFC 5389 §15: values are padded to a multiple of 4 bytes.
    pos = valueEnd + ((4 - (attrLength & 3)) & 3);
  }
  if (pos !== buf.length) return 'attribute-overflow';

  return {
    type,
    method: methodOf(type),
    class: classOf(type),
    length: buf.length,
    transactionId: buf.subarray(8, 20),
    attributes,
  };
}

/**
 * The first attribute of the given type, if any. RFC 5389 §15.4: attributes after
 * MESSAGE-INTEGRITY, except FINGERPRINT, are ignored.
 */
export function getAttribute(msg: StunMessage, type: number): StunAttribute | undefined {
  let afterIntegrity = false;
  for (const attr of msg.attributes) {
    if (attr.type === type && (!afterIntegrity || type === StunAttr.Fingerprint)) return attr;
    if (attr.type === StunAttr.MessageIntegrity) afterIntegrity = true;
  }
  return undefined;
}

/**
 * RFC 5389 §7.3.1 / §15: attribute types 0x0000–0x7FFF are comprehension-required. Returns the
 * comprehension-required types not in `known`, for a 420 (Unknown Attribute) response.
 */
export function unknownRequiredAttributes(msg: StunMessage, known: ReadonlySet<number>): number[] {
  const unknown: number[] = [];
  for (const attr of msg.attributes) {
    if (attr.type < 0x8000 && !known.has(attr.type)) unknown.push(attr.type);
  }
  return unknown;
}
