/**
 * Full Intra Request, PSFB FMT 4 (RFC 5104 §4.3.1). The media SSRC field is unused (0); each
 * FCI entry names a target SSRC and a command sequence number.
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                              SSRC                             |
 *  | Seq nr.       |    Reserved                                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

import { readU32, writeU32 } from '../rtp/bytes.js';
import { FEEDBACK_HEADER_LENGTH, writeFeedbackHeader } from './feedback.js';
import { PsfbFmt, RtcpPacketType, fits, type RtcpHeader } from './header.js';

export interface FirEntry {
  ssrc: number;
  sequenceNumber: number;
}

export interface FullIntraRequest {
  kind: 'fir';
  senderSsrc: number;
  mediaSsrc: number;
  entries: FirEntry[];
}

export function parseFir(buf: Uint8Array, h: RtcpHeader): FullIntraRequest | undefined {
  if (h.packetType !== RtcpPacketType.PSFB || h.count !== PsfbFmt.FIR) return undefined;
  const o = h.offset;
  if (o + FEEDBACK_HEADER_LENGTH > h.end || (h.end - o - FEEDBACK_HEADER_LENGTH) % 8 !== 0) {
    return undefined;
  }
  const entries: FirEntry[] = [];
  for (let p = o + FEEDBACK_HEADER_LENGTH; p + 8 <= h.end; p += 8) {
    entries.push({ ssrc: readU32(buf, p), sequenceNumber: buf[p + 4] });
  }
  return { kind: 'fir', senderSsrc: readU32(buf, o + 4), mediaSsrc: readU32(buf, o + 8), entries };
}

export function firSize(fir: FullIntraRequest): number {
  return FEEDBACK_HEADER_LENGTH + fir.entries.length * 8;
}

export function writeFir(fir: FullIntraRequest, out: Uint8Array, offset = 0): number {
  const size = firSize(fir);
  if (!fits(out, offset, size)) return -1;
  const { PSFB } = RtcpPacketType;
  writeFeedbackHeader(out, offset, PsfbFmt.FIR, PSFB, size, fir.senderSsrc, fir.mediaSsrc);
  let p = offset + FEEDBACK_HEADER_LENGTH;
  for (const e of fir.entries) {
    writeU32(out, p, e.ssrc);
    writeU32(out, p + 4, (e.sequenceNumber & 0xff) << 24);
    p += 8;
  }
  return size;
}
