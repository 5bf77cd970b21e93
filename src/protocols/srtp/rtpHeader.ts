/**
 * The few RTP / RTCP header facts SRTP needs, read with bounds checks (RFC 3550 §5.1, §6.4).
 */

/** Fixed RTP header length. */
export const RTP_FIXED_HEADER_LENGTH = 12;
/** RTCP header + sender SSRC: the part SRTCP never encrypts (RFC 3711 §3.4). */
export const RTCP_UNENCRYPTED_LENGTH = 8;

/**
 * Length of the RTP header including CSRCs and the header extension, or -1 if `packet`
 * (its first `length` bytes) is not a version 2 RTP packet or the header does not fit.
 *
 *      0                   1                   2                   3
 *      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *     |                           timestamp                           |
 *     |           synchronization source (SSRC) identifier            |
 *     |            contributing source (CSRC) identifiers  (CC x 4)   |
 *     |      defined by profile       |           length              |  (if X)
 *     |                        header extension (length x 4)          |
 */
export function rtpHeaderLength(packet: Uint8Array, length: number): number {
  if (length < RTP_FIXED_HEADER_LENGTH) return -1;
  const b0 = packet[0];
  if (b0 >> 6 !== 2) return -1;
  let headerLength = RTP_FIXED_HEADER_LENGTH + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (headerLength + 4 > length) return -1;
    const words = (packet[headerLength + 2] << 8) | packet[headerLength + 3];
    headerLength += 4 + words * 4;
  }
  return headerLength <= length ? headerLength : -1;
}

/** True if `packet` starts like an RTCP packet of version 2 long enough to carry an SSRC. */
export function isRtcpHeader(packet: Uint8Array, length: number): boolean {
  return length >= RTCP_UNENCRYPTED_LENGTH && packet[0] >> 6 === 2;
}

export function readUint32(buf: Uint8Array, offset: number): number {
  return (
    ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0
  );
}

export function writeUint32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value >>> 24;
  buf[offset + 1] = value >>> 16;
  buf[offset + 2] = value >>> 8;
  buf[offset + 3] = value;
}
