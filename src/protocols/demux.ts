/**
 * First-byte demultiplexing of a UDP/TCP media socket (RFC 7983 §7), with RTP and RTCP told
 * apart by the payload-type byte (RFC 5761 §4).
 *
 *                  +----------------+
 *                  |        [0..3] -+--> STUN
 *                  |      [16..19] -+--> ZRTP       (not used: 'unknown')
 *      packet -->  |      [20..63] -+--> DTLS
 *                  |      [64..79] -+--> TURN Channel (not used: 'unknown')
 *                  |    [128..191] -+--> RTP/RTCP
 *                  +----------------+
 */

export type PacketKind = 'stun' | 'dtls' | 'rtp' | 'rtcp' | 'unknown';

/** Smallest well-formed message of each kind: STUN header, DTLS record header, RTP header, RTCP header. */
const STUN_MIN = 20;
const DTLS_MIN = 13;
const RTP_MIN = 12;
const RTCP_MIN = 4;

/**
 * Classifies a received datagram by its first byte (RFC 7983 §7). A packet shorter than the
 * fixed header of its kind is 'unknown'. RTCP packet types 192–223 collide with RTP payload
 * types whose marker bit is set; RFC 5761 §4 reserves them for RTCP, so the second byte
 * (M bit + PT) decides.
 */
export function classifyPacket(buf: Uint8Array, length: number = buf.length): PacketKind {
  if (length < 1 || length > buf.length) return 'unknown';
  const b = buf[0];
  if (b <= 3) return length >= STUN_MIN ? 'stun' : 'unknown';
  if (b >= 20 && b <= 63) return length >= DTLS_MIN ? 'dtls' : 'unknown';
  if (b >= 128 && b <= 191) {
    if (length < RTCP_MIN) return 'unknown';
    const pt = buf[1];
    if (pt >= 192 && pt <= 223) return 'rtcp';
    return length >= RTP_MIN ? 'rtp' : 'unknown';
  }
  return 'unknown';
}

/** RFC 5761 §4: true if the second byte (M bit + PT) of an RTP/RTCP packet names RTCP. */
export function isRtcpPacketType(secondByte: number): boolean {
  return secondByte >= 192 && secondByte <= 223;
}
