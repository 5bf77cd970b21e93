/**
 * Sender report, PT 200 (RFC 3550 §6.4.1): header, SSRC, 20-byte sender info (NTP timestamp,
 * RTP timestamp, packet and octet counts), then RC report blocks. Profile-specific extensions
 * after the blocks are ignored.
 */

import { readU32, writeU32 } from '../rtp/bytes.js';
import { RtcpPacketType, fits, writeRtcpHeader, type RtcpHeader } from './header.js';
import {
  REPORT_BLOCK_LENGTH,
  readReportBlocks,
  writeReportBlock,
  type ReportBlock,
} from './report-block.js';

export interface SenderReport {
  kind: 'sr';
  ssrc: number;
  /** NTP timestamp, seconds since 1900 (most significant word). */
  ntpSeconds: number;
  /** NTP timestamp, fraction of a second /2^32 (least significant word). */
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReportBlock[];
}

const FIXED = 28;

export function parseSenderReport(buf: Uint8Array, h: RtcpHeader): SenderReport | undefined {
  if (h.packetType !== RtcpPacketType.SR || h.offset + FIXED > h.end) return undefined;
  const o = h.offset;
  const reports = readReportBlocks(buf, o + FIXED, h.end, h.count);
  if (!reports) return undefined;
  return {
    kind: 'sr',
    ssrc: readU32(buf, o + 4),
    ntpSeconds: readU32(buf, o + 8),
    ntpFraction: readU32(buf, o + 12),
    rtpTimestamp: readU32(buf, o + 16),
    packetCount: readU32(buf, o + 20),
    octetCount: readU32(buf, o + 24),
    reports,
  };
}

export function senderReportSize(sr: SenderReport): number {
  return FIXED + sr.reports.length * REPORT_BLOCK_LENGTH;
}

/** Returns the bytes written, or -1 (more than 31 blocks, or no room). */
export function writeSenderReport(sr: SenderReport, out: Uint8Array, offset = 0): number {
  const size = senderReportSize(sr);
  if (sr.reports.length > 31 || !fits(out, offset, size)) return -1;
  writeRtcpHeader(out, offset, sr.reports.length, RtcpPacketType.SR, size);
  writeU32(out, offset + 4, sr.ssrc);
  writeU32(out, offset + 8, sr.ntpSeconds);
  writeU32(out, offset + 12, sr.ntpFraction);
  writeU32(out, offset + 16, sr.rtpTimestamp);
  writeU32(out, offset + 20, sr.packetCount);
  writeU32(out, offset + 24, sr.octetCount);
  sr.reports.forEach((b, i) => writeReportBlock(out, offset + FIXED + i * REPORT_BLOCK_LENGTH, b));
  return size;
}
