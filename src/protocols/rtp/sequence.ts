/**
 * Wrap-around arithmetic on RTP sequence numbers (16 bits) and timestamps (32 bits),
 * RFC 3550 §5.1 and appendix A.1 (serial-number style comparison, RFC 1982).
 */

/** a − b as a signed 16-bit distance in [-32768, 32767]. */
export function seqDiff(a: number, b: number): number {
  return ((((a - b) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}

/** (a + n) mod 2^16. */
export function seqAdd(a: number, n: number): number {
  return (a + n) & 0xffff;
}

/**
 * True if `a` comes after `b` across wrap-around. At the ambiguous distance of exactly 2^15 the
 * larger raw value wins, so exactly one of isSeqNewer(a, b) / isSeqNewer(b, a) holds for a ≠ b.
 */
export function isSeqNewer(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  if (d === 0x8000) return a > b;
  return d !== 0 && d < 0x8000;
}

/** a − b as a signed 32-bit distance. */
export function timestampDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** True if timestamp `a` comes after `b` across wrap-around (same tie rule as isSeqNewer). */
export function isTimestampNewer(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  if (d === 0x80000000) return a >>> 0 > b >>> 0;
  return d !== 0 && d < 0x80000000;
}
