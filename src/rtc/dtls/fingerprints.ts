/**
 * Certificate fingerprints as SDP (RFC 8122 §5) and mediasoup's `DtlsFingerprint` write them:
 * upper-case hex pairs separated by colons, e.g. `sha-256` → `AB:CD:...`.
 */
import { createHash } from 'node:crypto';

export type FingerprintAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

/** mediasoup's DtlsFingerprint. */
export interface DtlsFingerprint {
  algorithm: FingerprintAlgorithm;
  value: string;
}

/** Weakest first: mediasoup's order for the local fingerprints. */
export const FINGERPRINT_ALGORITHMS: readonly FingerprintAlgorithm[] = Object.freeze([
  'sha-1',
  'sha-224',
  'sha-256',
  'sha-384',
  'sha-512',
]);

function nodeHashName(algorithm: FingerprintAlgorithm): string {
  return algorithm.replace('-', '');
}

export function isFingerprintAlgorithm(value: unknown): value is FingerprintAlgorithm {
  return typeof value === 'string' && (FINGERPRINT_ALGORITHMS as readonly string[]).includes(value);
}

/** The fingerprint of a DER certificate. */
export function fingerprint(der: Uint8Array, algorithm: FingerprintAlgorithm): string {
  const hex = createHash(nodeHashName(algorithm)).update(der).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

export function computeFingerprints(der: Uint8Array): DtlsFingerprint[] {
  return FINGERPRINT_ALGORITHMS.map((algorithm) => ({
    algorithm,
    value: fingerprint(der, algorithm),
  }));
}

/** `ab:cd` / `ABCD` / ` AB:CD ` → `AB:CD`; undefined if it is not hex pairs. */
export function normalizeFingerprintValue(value: string): string | undefined {
  const hex = value.trim().replace(/:/g, '').toUpperCase();
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9A-F]+$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

/**
 * Validates signalled remote fingerprints: keeps those with a known algorithm (case-insensitive)
 * and a well-formed value, normalised. Throws TypeError if none is usable.
 */
export function validateRemoteFingerprints(fingerprints: unknown): DtlsFingerprint[] {
  if (!Array.isArray(fingerprints)) throw new TypeError('remoteFingerprints must be an array');
  const usable: DtlsFingerprint[] = [];
  for (const item of fingerprints as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { algorithm, value } = item as { algorithm?: unknown; value?: unknown };
    if (typeof algorithm !== 'string' || typeof value !== 'string') continue;
    const alg = algorithm.toLowerCase();
    const normalized = normalizeFingerprintValue(value);
    if (isFingerprintAlgorithm(alg) && normalized)
      usable.push({ algorithm: alg, value: normalized });
  }
  if (usable.length === 0) {
    throw new TypeError('remoteFingerprints contains no fingerprint with a supported algorithm');
  }
  return usable;
}

/**
 * RFC 8122 §5: use the strongest hash function the peer signalled and accept the certificate
 * if it matches one fingerprint of that function. A weaker one listed beside it is ignored,
 * so a SHA-1 fingerprint cannot stand in for a SHA-256 one.
 */
export function matchRemoteFingerprint(
  der: Uint8Array,
  fingerprints: readonly DtlsFingerprint[],
): boolean {
  let strongest = -1;
  for (const f of fingerprints) {
    strongest = Math.max(strongest, FINGERPRINT_ALGORITHMS.indexOf(f.algorithm));
  }
  if (strongest < 0) return false;
  const algorithm = FINGERPRINT_ALGORITHMS[strongest];
  const actual = fingerprint(der, algorithm);
  return fingerprints.some((f) => f.algorithm === algorithm && f.value === actual);
}
