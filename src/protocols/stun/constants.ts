/** STUN constants (RFC 5389 §6, §18; RFC 8489 §18; RFC 8445 §16.1). */

/** RFC 5389 §6: fixed value in bytes 4–7 of every STUN message. */
export const MAGIC_COOKIE = 0x2112a442;

/** RFC 5389 §6: 20-byte header (type, length, magic cookie, 96-bit transaction id). */
export const STUN_HEADER_LENGTH = 20;
export const TRANSACTION_ID_LENGTH = 12;

/** RFC 5389 §15.4: MESSAGE-INTEGRITY is an HMAC-SHA1, 20 bytes. */
export const MESSAGE_INTEGRITY_LENGTH = 20;

/** RFC 5389 §15.5: the CRC-32 is XOR'ed with this value. */
export const FINGERPRINT_XOR = 0x5354554e;

/** RFC 5389 §6: message classes (the C1 C0 bits). */
export const StunClass = {
  Request: 0b00,
  Indication: 0b01,
  SuccessResponse: 0b10,
  ErrorResponse: 0b11,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

/** RFC 5389 §18.1: methods. */
export const StunMethod = {
  Binding: 0x001,
} as const;

/** Attribute types (RFC 5389 §18.2, RFC 8489 §18.3, RFC 8445 §16.1). */
export const StunAttr = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  Realm: 0x0014,
  Nonce: 0x0015,
  MessageIntegritySha256: 0x001c,
  XorMappedAddress: 0x0020,
  Priority: 0x0024,
  UseCandidate: 0x0025,
  Software: 0x8022,
  AlternateServer: 0x8023,
  Fingerprint: 0x8028,
  IceControlled: 0x8029,
  IceControlling: 0x802a,
} as const;

/** Error codes used by an ICE agent (RFC 5389 §15.6, RFC 8445 §7.3.1.1). */
export const StunErrorCode = {
  BadRequest: 400,
  Unauthorized: 401,
  UnknownAttribute: 420,
  RoleConflict: 487,
  ServerError: 500,
} as const;
