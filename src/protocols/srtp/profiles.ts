/**
 * SRTP protection profiles: the four mediasoup `SrtpCryptoSuite`s with their DTLS-SRTP ids
 * (RFC 5764 §4.1.2, RFC 7714 §14.2) and key, salt and tag lengths.
 */

/** mediasoup's `SrtpCryptoSuite` strings. */
export type SrtpCryptoSuite =
  'AEAD_AES_256_GCM' | 'AEAD_AES_128_GCM' | 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface SrtpProfile {
  readonly cryptoSuite: SrtpCryptoSuite;
  /** DTLS-SRTP protection profile id (the `use_srtp` extension value). */
  readonly dtlsProfileId: number;
  /** AEAD (RFC 7714) or AES-CM + HMAC-SHA1 (RFC 3711). */
  readonly aead: boolean;
  /** Master and session encryption key length, bytes. */
  readonly keyLength: number;
  /** Master and session salt length, bytes (14 for AES-CM, 12 for GCM). */
  readonly saltLength: number;
  /** HMAC-SHA1 session key length, bytes (0 for AEAD). */
  readonly authKeyLength: number;
  /** Bytes appended to an SRTP packet (the tag). */
  readonly rtpAuthTagLength: number;
  /** Tag bytes of an SRTCP packet (80 bits for both AES-CM profiles, RFC 5764 §4.1.2). */
  readonly rtcpAuthTagLength: number;
}

export const AES_CM_128_HMAC_SHA1_80: SrtpProfile = Object.freeze({
  cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
  dtlsProfileId: 0x0001,
  aead: false,
  keyLength: 16,
  saltLength: 14,
  authKeyLength: 20,
  rtpAuthTagLength: 10,
  rtcpAuthTagLength: 10,
});

export const AES_CM_128_HMAC_SHA1_32: SrtpProfile = Object.freeze({
  cryptoSuite: 'AES_CM_128_HMAC_SHA1_32',
  dtlsProfileId: 0x0002,
  aead: false,
  keyLength: 16,
  saltLength: 14,
  authKeyLength: 20,
  rtpAuthTagLength: 4,
  rtcpAuthTagLength: 10,
});

export const AEAD_AES_128_GCM: SrtpProfile = Object.freeze({
  cryptoSuite: 'AEAD_AES_128_GCM',
  dtlsProfileId: 0x0007,
  aead: true,
  keyLength: 16,
  saltLength: 12,
  authKeyLength: 0,
  rtpAuthTagLength: 16,
  rtcpAuthTagLength: 16,
});

export const AEAD_AES_256_GCM: SrtpProfile = Object.freeze({
  cryptoSuite: 'AEAD_AES_256_GCM',
  dtlsProfileId: 0x0008,
  aead: true,
  keyLength: 32,
  saltLength: 12,
  authKeyLength: 0,
  rtpAuthTagLength: 16,
  rtcpAuthTagLength: 16,
});

/** Every supported profile, in mediasoup's order of preference. */
export const SRTP_PROFILES: readonly SrtpProfile[] = Object.freeze([
  AEAD_AES_256_GCM,
  AEAD_AES_128_GCM,
  AES_CM_128_HMAC_SHA1_80,
  AES_CM_128_HMAC_SHA1_32,
]);

export function getSrtpProfile(cryptoSuite: string): SrtpProfile | undefined {
  return SRTP_PROFILES.find((p) => p.cryptoSuite === cryptoSuite);
}

export function getSrtpProfileByDtlsId(dtlsProfileId: number): SrtpProfile | undefined {
  return SRTP_PROFILES.find((p) => p.dtlsProfileId === dtlsProfileId);
}

export interface SrtpKeyingMaterial {
  clientKey: Uint8Array;
  clientSalt: Uint8Array;
  serverKey: Uint8Array;
  serverSalt: Uint8Array;
}

/**
 * Splits DTLS exported keying material (label "EXTRACTOR-dtls_srtp") into the two master
 * keys and salts, RFC 5764 §4.2: client key | server key | client salt | server salt.
 * The client writes with the client half. Returns subarrays of `material`.
 */
export function splitSrtpKeyingMaterial(
  profile: SrtpProfile,
  material: Uint8Array,
): SrtpKeyingMaterial {
  const k = profile.keyLength;
  const s = profile.saltLength;
  if (material.length < 2 * (k + s)) {
    throw new TypeError(
      `${profile.cryptoSuite} needs ${2 * (k + s)} bytes of keying material, got ${material.length}`,
    );
  }
  return {
    clientKey: material.subarray(0, k),
    serverKey: material.subarray(k, 2 * k),
    clientSalt: material.subarray(2 * k, 2 * k + s),
    serverSalt: material.subarray(2 * k + s, 2 * k + 2 * s),
  };
}
