/** Picture Loss Indication, PSFB FMT 1 (RFC 4585 §6.3.1): no FCI, 12 bytes. */

import { readU32 } from '../rtp/bytes.js';
import { FEEDBACK_HEADER_LENGTH, writeFeedbackHeader } from './feedback.js';
import { PsfbFmt, RtcpPacketType, fits, type RtcpHeader } from './header.js';

export interface PictureLossIndication {
  kind: 'pli';
  senderSsrc: number;
  mediaSsrc: number;
}

export function parsePli(buf: Uint8Array, h: RtcpHeader): PictureLossIndication | undefined {
  if (h.packetType !== RtcpPacketType.PSFB || h.count !== PsfbFmt.PLI) return undefined;
  if (h.offset + FEEDBACK_HEADER_LENGTH > h.end) return undefined;
  return {
    kind: 'pli',
    senderSsrc: readU32(buf, h.offset + 4),
    mediaSsrc: readU32(buf, h.offset + 8),
  };
}

export const PLI_LENGTH = FEEDBACK_HEADER_LENGTH;

export function writePli(pli: PictureLossIndication, out: Uint8Array, offset = 0): number {
  if (!fits(out, offset, PLI_LENGTH)) return -1;
  const { PSFB } = RtcpPacketType;
  writeFeedbackHeader(out, offset, PsfbFmt.PLI, PSFB, PLI_LENGTH, pli.senderSsrc, pli.mediaSsrc);
  return PLI_LENGTH;
}
