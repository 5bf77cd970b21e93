/**
 * CRC32c (Castagnoli), the SCTP checksum (RFC 9260 §6.8, Appendix A): reflected,
 * polynomial 0x82F63B78, initial and final value 0xFFFFFFFF.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Continues a CRC over `buf[start, end)`; start a new one with 0xffffffff. */
export function crc32cUpdate(crc: number, buf: Uint8Array, start: number, end: number): number {
  let c = crc;
  for (let i = start; i < end; i++) c = TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

/**
 * The checksum of an SCTP packet as if its checksum field (bytes 8..11) were zero,
 * without copying the packet. `packet` must be at least 12 bytes.
 */
export function sctpChecksum(packet: Uint8Array): number {
  let c = crc32cUpdate(0xffffffff, packet, 0, 8);
  for (let i = 0; i < 4; i++) c = TABLE[c & 0xff] ^ (c >>> 8);
  c = crc32cUpdate(c, packet, 12, packet.length);
  return (c ^ 0xffffffff) >>> 0;
}
