/**
 * DTLS-SRTP protection profiles offered and accepted (RFC 5764 §4.1.2, RFC 7714 §14.2).
 *
 * werift-dtls has no profile table of its own: it copies the `use_srtp` ids it is given into
 * its hello and picks the first of its own list the peer also offers (server role) or takes
 * the server's choice if it is in its list (client role). Key and salt lengths are applied by
 * the caller of `extractSessionKeys`, here `src/protocols/srtp`. So AEAD_AES_256_GCM (8, 32-byte
 * key + 12-byte salt) and AES_CM_128_HMAC_SHA1_32 (2, 16 + 14) only need to be listed; its
 * `SrtpProfile` type (1 | 7) is the only thing that has to be widened, by a cast.
 */
import {
  getSrtpProfile,
  getSrtpProfileByDtlsId,
  type SrtpCryptoSuite,
  type SrtpProfile,
} from '../../protocols/srtp/index.js';

/** Skein's preference: AES-256-GCM > AES-128-GCM > AES-CM/SHA1-80 > AES-CM/SHA1-32. */
export const DEFAULT_SRTP_CRYPTO_SUITES: readonly SrtpCryptoSuite[] = Object.freeze([
  'AEAD_AES_256_GCM',
  'AEAD_AES_128_GCM',
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
]);

/** Resolves crypto suite names (in preference order) to profiles; throws TypeError. */
export function resolveSrtpProfiles(suites: readonly SrtpCryptoSuite[]): SrtpProfile[] {
  if (suites.length === 0) throw new TypeError('srtpProfiles must not be empty');
  const profiles: SrtpProfile[] = [];
  for (const suite of suites) {
    const profile = getSrtpProfile(suite);
    if (!profile) throw new TypeError(`unsupported SRTP crypto suite ${String(suite)}`);
    if (!profiles.includes(profile)) profiles.push(profile);
  }
  return profiles;
}

/** The profile for a negotiated `use_srtp` id, if it is one of `offered`. */
export function negotiatedSrtpProfile(
  dtlsProfileId: number | undefined,
  offered: readonly SrtpProfile[],
): SrtpProfile | undefined {
  if (dtlsProfileId === undefined) return undefined;
  const profile = getSrtpProfileByDtlsId(dtlsProfileId);
  return profile && offered.includes(profile) ? profile : undefined;
}
