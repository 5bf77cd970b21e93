/**
 * Receiver Estimated Max Bitrate, PSFB FMT 15 "AFB" (draft-alvestrand-rmcat-remb-03 §2.2).
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Unique identifier 'R' 'E' 'M' 'B'                            |
 *  |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 *  |   SSRC feedback                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * bitrate (bits/s) = mantissa (18 bits) × 2^exp (6 bits).
 */

import { readU32, writeU32 } from '../rtp/bytes.js';
import { FEEDBACK_HEADER_LENGTH, writeFeedbackHeader } from './feedback.js';
import { PsfbFmt, RtcpPacketType, fits, type RtcpHeader } from './header.js';

const REMB_ID = 0x52454d42; // 'REMB'

export interface Remb {
  kind: 'remb';
  senderSsrc: number;
  mediaSsrc: number;
  /** Bits per second. */
  bitrate: number;
  ssrcs: number[];
}

/** True if a PSFB/AFB packet carries the 'REMB' identifier. */
export function isRemb(buf: Uint8Array, h: RtcpHeader): boolean {
  return (
    h.packetType === RtcpPacketType.PSFB &&
    h.count === PsfbFmt.AFB &&
    h.offset + FEEDBACK_HEADER_LENGTH + 8 <= h.end &&
    readU32(buf, h.offset + FEEDBACK_HEADER_LENGTH) === REMB_ID
  );
}

export function parseRemb(buf: Uint8Array, h: RtcpHeader): Remb | undefined {
  if (!isRemb(buf, h)) return undefined;
  const o = h.offset;
  const p = o + FEEDBACK_HEADER_LENGTH + 4;
  const num = buf[p];
  const exp = buf[p + 1] >> 2;
  const mantissa = ((buf[p + 1] & 0x03) << 16) | (buf[p + 2] << 8) | buf[p + 3];
  if (p + 4 + num * 4 > h.end) return undefined;
  const ssrcs: number[] = [];
  for (let i = 0; i < num; i++) ssrcs.push(readU32(buf, p + 4 + i * 4));
  return {
    kind: 'remb',
    senderSsrc: readU32(buf, o + 4),
    mediaSsrc: readU32(buf, o + 8),
    bitrate: mantissa * 2 ** exp,
    ssrcs,
  };
}

export function rembSize(remb: Remb): number {
  return FEEDBACK_HEADER_LENGTH + 8 + remb.ssrcs.length * 4;
}

/** Rounds the bitrate down to what mantissa/exponent can carry. Returns bytes written or -1. */
export function writeRemb(remb: Remb, out: Uint8Array, offset = 0): number {
  const size = rembSize(remb);
  if (remb.ssrcs.length > 255 || !(remb.bitrate >= 0) || !fits(out, offset, size)) return -1;
  let exp = 0;
  let mantissa = Math.floor(remb.bitrate);
  while (mantissa >= 1 << 18 && exp < 63) {
    exp++;
    mantissa = Math.floor(remb.bitrate / 2 ** exp);
  }
  if (mantissa >= 1 << 18) return -1;
  const { PSFB } = RtcpPacketType;
  writeFeedbackHeader(out, offset, PsfbFmt.AFB, PSFB, size, remb.senderSsrc, remb.mediaSsrc);
  const p = offset + FEEDBACK_HEADER_LENGTH;
  writeU32(out, p, REMB_ID);
  out[p + 4] = remb.ssrcs.length;
  out[p + 5] = (exp << 2) | (mantissa >> 16);
  out[p + 6] = (mantissa >> 8) & 0xff;
  out[p + 7] = mantissa & 0xff;
  remb.ssrcs.forEach((s, i) => writeU32(out, p + 8 + i * 4, s));
  return size;
}
