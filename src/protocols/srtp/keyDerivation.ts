/**
 * SRTP key derivation, RFC 3711 §4.3 with the AES-CM PRF (§4.3.3) and a key derivation rate
 * of 0, so r = 0 and every session key is derived once. AES-256 master keys use AES-256 in
 * the PRF (RFC 6188 §3, RFC 7714 §11). GCM's 12-byte master salt is zero-padded to 14 bytes.
 */
import { createCipheriv } from 'node:crypto';

/** Key derivation labels, RFC 3711 §4.3.2. */
export const SrtpLabel = {
  RtpEncryption: 0x00,
  RtpAuthentication: 0x01,
  RtpSalt: 0x02,
  RtcpEncryption: 0x03,
  RtcpAuthentication: 0x04,
  RtcpSalt: 0x05,
} as const;

/**
 * One session key of `length` bytes: the AES-CM keystream under the master key with
 * IV = ((master_salt XOR (label << 48)) << 16).
 */
export function deriveSessionKey(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Buffer {
  if (masterKey.length !== 16 && masterKey.length !== 32) {
    throw new TypeError(`SRTP master key must be 16 or 32 bytes, got ${masterKey.length}`);
  }
  if (masterSalt.length > 14) {
    throw new TypeError(`SRTP master salt must be at most 14 bytes, got ${masterSalt.length}`);
  }
  const iv = Buffer.alloc(16);
  iv.set(masterSalt, 0);
  // key_id = label || r (7 bytes, r = 0) aligns with the low 7 bytes of the 14-byte salt.
  iv[7] ^= label;
  const prf = createCipheriv(
    masterKey.length === 16 ? 'aes-128-ctr' : 'aes-256-ctr',
    masterKey,
    iv,
  );
  return prf.update(Buffer.alloc(length));
}

/** The session keys of one direction for one of SRTP or SRTCP. */
export interface SrtpSessionKeys {
  key: Uint8Array;
  salt: Uint8Array;
  /** HMAC-SHA1 key; empty for AEAD profiles. */
  authKey: Uint8Array;
}

export function deriveSrtpSessionKeys(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  authKeyLength: number,
  rtcp: boolean,
): SrtpSessionKeys {
  const L = SrtpLabel;
  return {
    key: deriveSessionKey(
      masterKey,
      masterSalt,
      rtcp ? L.RtcpEncryption : L.RtpEncryption,
      masterKey.length,
    ),
    salt: deriveSessionKey(masterKey, masterSalt, rtcp ? L.RtcpSalt : L.RtpSalt, masterSalt.length),
    authKey:
      authKeyLength > 0
        ? deriveSessionKey(
            masterKey,
            masterSalt,
            rtcp ? L.RtcpAuthentication : L.RtpAuthentication,
            authKeyLength,
          )
        : new Uint8Array(0),
  };
}
