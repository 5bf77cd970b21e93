/**
 * Common layout of feedback messages (RFC 4585 §6.1): header with FMT, sender SSRC, media
 * SSRC, then the feedback control information (FCI).
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|   FMT   |       PT      |          length               |
 *  |                  SSRC of packet sender                        |
 *  |                  SSRC of media source                         |
 *  :            Feedback Control Information (FCI)                 :
 */

import { writeU32 } from '../rtp/bytes.js';
import { writeRtcpHeader } from './header.js';

export const FEEDBACK_HEADER_LENGTH = 12;

/** The caller has checked that `length` bytes fit. */
export function writeFeedbackHeader(
  out: Uint8Array,
  offset: number,
  fmt: number,
  packetType: number,
  length: number,
  senderSsrc: number,
  mediaSsrc: number,
): void {
  writeRtcpHeader(out, offset, fmt, packetType, length);
  writeU32(out, offset + 4, senderSsrc);
  writeU32(out, offset + 8, mediaSsrc);
}
