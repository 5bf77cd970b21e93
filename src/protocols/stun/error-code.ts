/**
 * ERROR-CODE (RFC 5389 §15.6).
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Reserved, should be 0         |Class|     Number    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Reason Phrase (variable)                                ..
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * code = Class * 100 + Number; Class is 3–6, Number 0–99; the reason is UTF-8, < 128 chars.
 */

export interface StunError {
  code: number;
  reason: string;
}

/** RFC 5389 §15.6: at most 127 characters, up to 763 bytes. */
export const REASON_MAX_BYTES = 763;

export function decodeErrorCode(value: Uint8Array): StunError | undefined {
  if (value.length < 4 || value.length > 4 + REASON_MAX_BYTES) return undefined;
  const cls = value[2] & 0x07;
  const num = value[3];
  if (cls < 3 || cls > 6 || num > 99) return undefined;
  const reason = Buffer.from(value.buffer, value.byteOffset + 4, value.length - 4).toString('utf8');
  return { code: cls * 100 + num, reason };
}

export function isValidErrorCode(code: number): boolean {
  return Number.isInteger(code) && code >= 300 && code <= 699;
}

/** Default reason phrases (RFC 5389 §15.6, RFC 8445 §7.3.1.1). */
export function defaultReason(code: number): string {
  switch (code) {
    case 400:
      return 'Bad Request';
    case 401:
      return 'Unauthorized';
    case 420:
      return 'Unknown Attribute';
    case 487:
      return 'Role Conflict';
    case 500:
      return 'Server Error';
    default:
      return '';
  }
}
