/**
 * Compound RTCP packets (RFC 3550 §6.1): parse every packet into a value, or serialize a list
 * of values back-to-back into a caller-owned buffer. For the hot path, walk the packets with
 * `RtcpIterator` and call only the parsers needed.
 */

import { parseBye, byeSize, writeBye, type Goodbye } from './bye.js';
import { firSize, parseFir, writeFir, type FullIntraRequest } from './fir.js';
import {
  PsfbFmt,
  RtcpIterator,
  RtcpPacketType,
  RtpfbFmt,
  fits,
  writeRtcpHeader,
  type RtcpHeader,
  type RtcpParseError,
} from './header.js';
import { nackSize, parseNack, writeNack, type GenericNack } from './nack.js';
import { PLI_LENGTH, parsePli, writePli, type PictureLossIndication } from './pli.js';
import {
  parseReceiverReport,
  receiverReportSize,
  writeReceiverReport,
  type ReceiverReport,
} from './receiver-report.js';
import { isRemb, parseRemb, rembSize, writeRemb, type Remb } from './remb.js';
import { parseSdes, sdesSize, writeSdes, type SourceDescription } from './sdes.js';
import {
  parseSenderReport,
  senderReportSize,
  writeSenderReport,
  type SenderReport,
} from './sender-report.js';
import { parseXr, writeXr, xrSize, type ExtendedReport } from './xr.js';

/** A packet of a type (or FMT) not decoded here: its bytes after the 4-byte header. */
export interface UnknownRtcp {
  kind: 'unknown';
  packetType: number;
  count: number;
  /** Sub-slice of the input (not a copy), padding excluded; a multiple of 4 when writing. */
  body: Uint8Array;
}

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | GenericNack
  | PictureLossIndication
  | FullIntraRequest
  | Remb
  | ExtendedReport
  | UnknownRtcp;

/** Decodes the packet `h` points at; undefined if a known type is malformed. */
export function parseRtcpPacket(buf: Uint8Array, h: RtcpHeader): RtcpPacket | undefined {
  switch (h.packetType) {
    case RtcpPacketType.SR:
      return parseSenderReport(buf, h);
    case RtcpPacketType.RR:
      return parseReceiverReport(buf, h);
    case RtcpPacketType.SDES:
      return parseSdes(buf, h);
    case RtcpPacketType.BYE:
      return parseBye(buf, h);
    case RtcpPacketType.RTPFB:
      if (h.count === RtpfbFmt.NACK) return parseNack(buf, h);
      break;
    case RtcpPacketType.PSFB:
      if (h.count === PsfbFmt.PLI) return parsePli(buf, h);
      if (h.count === PsfbFmt.FIR) return parseFir(buf, h);
      if (isRemb(buf, h)) return parseRemb(buf, h);
      break;
    case RtcpPacketType.XR:
      return parseXr(buf, h);
  }
  return {
    kind: 'unknown',
    packetType: h.packetType,
    count: h.count,
    body: buf.subarray(h.offset + 4, h.end),
  };
}

export type RtcpCompoundError = RtcpParseError | 'malformed-packet';

/**
 * Parses a whole compound packet (RFC 3550 §6.1, A.2 checks). Any malformed packet makes the
 * whole compound an error, as a receiver cannot trust what follows it.
 */
export function parseRtcpCompound(
  buf: Uint8Array,
  length: number = buf.length,
): RtcpPacket[] | RtcpCompoundError {
  if (length < 4) return 'too-short';
  const it = new RtcpIterator().reset(buf, length);
  const packets: RtcpPacket[] = [];
  while (it.next()) {
    const p = parseRtcpPacket(buf, it);
    if (!p) return 'malformed-packet';
    packets.push(p);
  }
  return it.error ?? packets;
}

/** Serialized size of one packet, or -1 for an unknown packet whose body is not 32-bit aligned. */
export function rtcpPacketSize(p: RtcpPacket): number {
  switch (p.kind) {
    case 'sr':
      return senderReportSize(p);
    case 'rr':
      return receiverReportSize(p);
    case 'sdes':
      return sdesSize(p);
    case 'bye':
      return byeSize(p);
    case 'nack':
      return nackSize(p);
    case 'pli':
      return PLI_LENGTH;
    case 'fir':
      return firSize(p);
    case 'remb':
      return rembSize(p);
    case 'xr':
      return xrSize(p);
    case 'unknown':
      return (p.body.length & 3) === 0 ? 4 + p.body.length : -1;
  }
}

/** Writes one packet at `out[offset]`; returns the bytes written or -1. */
export function writeRtcpPacket(p: RtcpPacket, out: Uint8Array, offset = 0): number {
  switch (p.kind) {
    case 'sr':
      return writeSenderReport(p, out, offset);
    case 'rr':
      return writeReceiverReport(p, out, offset);
    case 'sdes':
      return writeSdes(p, out, offset);
    case 'bye':
      return writeBye(p, out, offset);
    case 'nack':
      return writeNack(p, out, offset);
    case 'pli':
      return writePli(p, out, offset);
    case 'fir':
      return writeFir(p, out, offset);
    case 'remb':
      return writeRemb(p, out, offset);
    case 'xr':
      return writeXr(p, out, offset);
    case 'unknown': {
      const size = rtcpPacketSize(p);
      if (size < 0 || !fits(out, offset, size)) return -1;
      writeRtcpHeader(out, offset, p.count, p.packetType, size);
      out.set(p.body, offset + 4);
      return size;
    }
  }
}

export function rtcpCompoundSize(packets: readonly RtcpPacket[]): number {
  let n = 0;
  for (const p of packets) {
    const s = rtcpPacketSize(p);
    if (s < 0) return -1;
    n += s;
  }
  return n;
}

/** Writes the packets back-to-back (RFC 3550 §6.1); returns the total length or -1. */
export function writeRtcpCompound(
  packets: readonly RtcpPacket[],
  out: Uint8Array,
  offset = 0,
): number {
  let pos = offset;
  for (const p of packets) {
    const n = writeRtcpPacket(p, out, pos);
    if (n < 0) return -1;
    pos += n;
  }
  return pos - offset;
}
