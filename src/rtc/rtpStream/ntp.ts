/**
 * NTP timestamps as RTCP carries them (RFC 3550 §4): 32-bit seconds since 1900-01-01 and a
 * 32-bit binary fraction of a second. RTCP reports echo the "compact" middle 32 bits
 * (§6.4.1, LSR), which count 1/65536 s.
 */

export interface NtpTime {
  /** Seconds since 1900-01-01 (mod 2^32). */
  seconds: number;
  /** Fraction of a second, /2^32. */
  fraction: number;
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_SECONDS = 2208988800;

/** NTP time of a Unix wall-clock time in ms (e.g. `Date.now()`). */
export function ntpFromUnixMs(unixMs: number): NtpTime {
  const secs = Math.floor(unixMs / 1000);
  const ms = unixMs - secs * 1000;
  let fraction = Math.round((ms / 1000) * 0x100000000);
  let seconds = secs + NTP_UNIX_OFFSET_SECONDS;
  if (fraction >= 0x100000000) {
    fraction -= 0x100000000;
    seconds += 1;
  }
  return { seconds: seconds >>> 0, fraction: fraction >>> 0 };
}

/** Unix ms of an NTP time (seconds taken in the era that starts in 1900). */
export function unixMsFromNtp(seconds: number, fraction: number): number {
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction / 0x100000000) * 1000;
}

/** The middle 32 bits of a 64-bit NTP timestamp (RFC 3550 §6.4.1, LSR), in 1/65536 s. */
export function compactNtp(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** Milliseconds as a compact-NTP duration (1/65536 s units, DLSR of §6.4.1), mod 2^32. */
export function msToCompactNtp(ms: number): number {
  return Math.round((ms * 65536) / 1000) >>> 0;
}

/** A compact-NTP duration (1/65536 s units) in milliseconds. */
export function compactNtpToMs(units: number): number {
  return (units * 1000) / 65536;
}
