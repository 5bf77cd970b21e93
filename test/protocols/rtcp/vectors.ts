export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** SR (RFC 3550 §6.4.1), no report blocks: SSRC 0x12345678, NTP 0xe73c5a10.80000000. */
export const SR = hex(`
  80 c8 00 06  12 34 56 78  e7 3c 5a 10  80 00 00 00
  00 01 5f 90  00 00 00 64  00 01 86 a0`);

/** SDES (RFC 3550 §6.5): one chunk, CNAME "user@host.example", END, no padding needed. */
export const SDES = hex(`
  81 ca 00 06  12 34 56 78  01 11 75 73  65 72 40 68
  6f 73 74 2e  65 78 61 6d  70 6c 65 00`);

/** RR (RFC 3550 §6.4.2) with one block: fraction 64/256, cumulative lost −1. */
export const RR = hex(`
  81 c9 00 07  87 65 43 21
  12 34 56 78  40 ff ff ff  00 01 00 05  00 00 00 20
  5a 10 80 00  00 01 00 00`);

/** Generic NACK (RFC 4585 §6.2.1): PID 100, BLP bits 0 and 15 → 100, 101, 116. */
export const NACK = hex('81 cd 00 03  00 00 00 01  12 34 56 78  00 64 80 01');

/** PLI (RFC 4585 §6.3.1). */
export const PLI = hex('81 ce 00 02  00 00 00 01  12 34 56 78');

/** FIR (RFC 5104 §4.3.1): one entry, SSRC 0x12345678, seq nr 5. */
export const FIR = hex('84 ce 00 04  00 00 00 01  00 00 00 00  12 34 56 78  05 00 00 00');

/** REMB: exp 6, mantissa 139487 → 8927168 bit/s, one SSRC 0x4874ed16. */
export const REMB = hex(`
  8f ce 00 05  00 00 00 01  00 00 00 00  52 45 4d 42
  01 1a 20 df  48 74 ed 16`);

/** BYE (RFC 3550 §6.6) with reason "bye!" padded to 32 bits. */
export const BYE = hex('81 cb 00 03  12 34 56 78  04 62 79 65  21 00 00 00');
