/** Receiver report, PT 201 (RFC 3550 §6.4.2): header, reporter SSRC, RC report blocks. */

import { readU32, writeU32 } from '../rtp/bytes.js';
import { RtcpPacketType, fits, writeRtcpHeader, type RtcpHeader } from './header.js';
import {
  REPORT_BLOCK_LENGTH,
  readReportBlocks,
  writeReportBlock,
  type ReportBlock,
} from './report-block.js';

export interface ReceiverReport {
  kind: 'rr';
  ssrc: number;
  reports: ReportBlock[];
}

const FIXED = 8;

export function parseReceiverReport(buf: Uint8Array, h: RtcpHeader): ReceiverReport | undefined {
  if (h.packetType !== RtcpPacketType.RR || h.offset + FIXED > h.end) return undefined;
  const reports = readReportBlocks(buf, h.offset + FIXED, h.end, h.count);
  if (!reports) return undefined;
  return { kind: 'rr', ssrc: readU32(buf, h.offset + 4), reports };
}

export function receiverReportSize(rr: ReceiverReport): number {
  return FIXED + rr.reports.length * REPORT_BLOCK_LENGTH;
}

export function writeReceiverReport(rr: ReceiverReport, out: Uint8Array, offset = 0): number {
  const size = receiverReportSize(rr);
  if (rr.reports.length > 31 || !fits(out, offset, size)) return -1;
  writeRtcpHeader(out, offset, rr.reports.length, RtcpPacketType.RR, size);
  writeU32(out, offset + 4, rr.ssrc);
  rr.reports.forEach((b, i) => writeReportBlock(out, offset + FIXED + i * REPORT_BLOCK_LENGTH, b));
  return size;
}
