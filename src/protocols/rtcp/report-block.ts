/**
 * Reception report block (RFC 3550 §6.4.1), 24 bytes, shared by SR and RR.
 *
 *  +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *  |                 SSRC_1 (SSRC of first source)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | fraction lost |       cumulative number of packets lost       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           extended highest sequence number received           |
 *  |                      interarrival jitter                      |
 *  |                         last SR (LSR)                         |
 *  |                   delay since last SR (DLSR)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

import { readU32, writeU32 } from '../rtp/bytes.js';

export const REPORT_BLOCK_LENGTH = 24;

export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the last report, fixed point /256. */
  fractionLost: number;
  /** Cumulative packets lost, a signed 24-bit value. */
  packetsLost: number;
  highestSequence: number;
  jitter: number;
  lastSr: number;
  delaySinceLastSr: number;
}

/** The caller has checked that 24 bytes are available at `at`. */
export function readReportBlock(buf: Uint8Array, at: number): ReportBlock {
  const lost = (buf[at + 5] << 16) | (buf[at + 6] << 8) | buf[at + 7];
  return {
    ssrc: readU32(buf, at),
    fractionLost: buf[at + 4],
    packetsLost: lost & 0x800000 ? lost - 0x1000000 : lost,
    highestSequence: readU32(buf, at + 8),
    jitter: readU32(buf, at + 12),
    lastSr: readU32(buf, at + 16),
    delaySinceLastSr: readU32(buf, at + 20),
  };
}

/** Reads `count` blocks from `at` if they fit before `end`; undefined otherwise. */
export function readReportBlocks(
  buf: Uint8Array,
  at: number,
  end: number,
  count: number,
): ReportBlock[] | undefined {
  if (at + count * REPORT_BLOCK_LENGTH > end) return undefined;
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++) blocks.push(readReportBlock(buf, at + i * REPORT_BLOCK_LENGTH));
  return blocks;
}

/** The caller has checked that 24 bytes fit at `at`. Packets lost is clamped to 24 bits. */
export function writeReportBlock(out: Uint8Array, at: number, b: ReportBlock): void {
  writeU32(out, at, b.ssrc);
  const lost = Math.max(-0x800000, Math.min(0x7fffff, Math.trunc(b.packetsLost))) & 0xffffff;
  writeU32(out, at + 4, (((b.fractionLost & 0xff) << 24) | lost) >>> 0);
  writeU32(out, at + 8, b.highestSequence);
  writeU32(out, at + 12, b.jitter);
  writeU32(out, at + 16, b.lastSr);
  writeU32(out, at + 20, b.delaySinceLastSr);
}
