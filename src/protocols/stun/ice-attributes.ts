/** ICE attributes (RFC 8445 §7.1.1–7.1.3, §16.1). */

/** PRIORITY (RFC 8445 §7.1.1): a 32-bit unsigned priority. */
export function decodePriority(value: Uint8Array): number | undefined {
  if (value.length !== 4) return undefined;
  return ((value[0] << 24) | (value[1] << 16) | (value[2] << 8) | value[3]) >>> 0;
}

/** USE-CANDIDATE (RFC 8445 §7.1.2) has no value; any other length is malformed. */
export function isValidUseCandidate(value: Uint8Array): boolean {
  return value.length === 0;
}

/** ICE-CONTROLLING / ICE-CONTROLLED (RFC 8445 §7.1.3): a 64-bit tie-breaker. */
export function decodeTieBreaker(value: Uint8Array): bigint | undefined {
  if (value.length !== 8) return undefined;
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(value[i]);
  return v;
}

export function writeUint32(out: Uint8Array, offset: number, v: number): void {
  out[offset] = v >>> 24;
  out[offset + 1] = (v >>> 16) & 0xff;
  out[offset + 2] = (v >>> 8) & 0xff;
  out[offset + 3] = v & 0xff;
}

export function writeTieBreaker(out: Uint8Array, offset: number, v: bigint): void {
  for (let i = 7; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}
