/**
 * Extended reports, PT 207 (RFC 3611 §2): header (count bits reserved), SSRC of the sender,
 * then report blocks of `BT | type-specific | block length` and a body, the length counting
 * the block's 32-bit words minus one, i.e. the body's words (§3). Decoded here: Receiver
 * Reference Time (§4.4, BT 4) and DLRR (§4.5, BT 5). Blocks of other types are skipped by
 * their length; a block running past the packet makes the packet malformed.
 *
 *  RRT:  | BT=4 | reserved | length = 2 |  NTP timestamp, most / least significant word
 *  DLRR: | BT=5 | reserved | length = 3n | n × (SSRC, last RR (LRR), delay since last RR)
 */

import { readU16, readU32, writeU16, writeU32 } from '../rtp/bytes.js';
import { RtcpPacketType, fits, writeRtcpHeader, type RtcpHeader } from './header.js';

export const XrBlockType = { RRT: 4, DLRR: 5 } as const;

/** RFC 3611 §4.4: the receiver's NTP wall-clock time when it sent the report. */
export interface XrReceiverReferenceTime {
  ntpSeconds: number;
  ntpFraction: number;
}

/** RFC 3611 §4.5: one DLRR sub-block, in compact NTP units (1/65536 s). */
export interface XrDlrrItem {
  /** The receiver the RRT came from (SSRC_n). */
  ssrc: number;
  /** Middle 32 bits of that RRT's NTP timestamp; 0 if none was received. */
  lastRr: number;
  /** Time since that RRT arrived; 0 if none was received. */
  delaySinceLastRr: number;
}

export interface ExtendedReport {
  kind: 'xr';
  ssrc: number;
  /** The RRT block, if any (the last one if a sender put several). */
  rrt?: XrReceiverReferenceTime;
  /** Sub-blocks of every DLRR block, in order; written back as one block. */
  dlrr: XrDlrrItem[];
}

const FIXED = 8;
const BLOCK_HEADER = 4;
const RRT_BLOCK_LENGTH = 12;
const DLRR_ITEM_LENGTH = 12;

export function parseXr(buf: Uint8Array, h: RtcpHeader): ExtendedReport | undefined {
  if (h.packetType !== RtcpPacketType.XR || h.offset + FIXED > h.end) return undefined;
  const xr: ExtendedReport = { kind: 'xr', ssrc: readU32(buf, h.offset + 4), dlrr: [] };
  let pos = h.offset + FIXED;
  while (pos < h.end) {
    if (pos + BLOCK_HEADER > h.end) return undefined;
    const type = buf[pos];
    const words = readU16(buf, pos + 2);
    const next = pos + BLOCK_HEADER + words * 4;
    if (next > h.end) return undefined;
    if (type === XrBlockType.RRT) {
      if (words !== 2) return undefined;
      xr.rrt = { ntpSeconds: readU32(buf, pos + 4), ntpFraction: readU32(buf, pos + 8) };
    } else if (type === XrBlockType.DLRR) {
      if (words % 3 !== 0) return undefined;
      for (let at = pos + BLOCK_HEADER; at < next; at += DLRR_ITEM_LENGTH) {
        xr.dlrr.push({
          ssrc: readU32(buf, at),
          lastRr: readU32(buf, at + 4),
          delaySinceLastRr: readU32(buf, at + 8),
        });
      }
    }
    pos = next;
  }
  return xr;
}

export function xrSize(xr: ExtendedReport): number {
  return (
    FIXED +
    (xr.rrt ? RRT_BLOCK_LENGTH : 0) +
    (xr.dlrr.length > 0 ? BLOCK_HEADER + xr.dlrr.length * DLRR_ITEM_LENGTH : 0)
  );
}

/**
 * Returns the bytes written, or -1 (no room, or over the RTCP length limit: that limit, 21844
 * sub-blocks, comes before the DLRR block's own 16-bit length, 21845).
 */
export function writeXr(xr: ExtendedReport, out: Uint8Array, offset = 0): number {
  const size = xrSize(xr);
  if (!fits(out, offset, size)) return -1;
  writeRtcpHeader(out, offset, 0, RtcpPacketType.XR, size);
  writeU32(out, offset + 4, xr.ssrc);
  let pos = offset + FIXED;
  if (xr.rrt) {
    pos = writeRrtBlock(out, pos, xr.rrt.ntpSeconds, xr.rrt.ntpFraction);
  }
  if (xr.dlrr.length > 0) {
    out[pos] = XrBlockType.DLRR;
    out[pos + 1] = 0;
    writeU16(out, pos + 2, xr.dlrr.length * 3);
    pos += BLOCK_HEADER;
    for (const item of xr.dlrr) {
      writeU32(out, pos, item.ssrc);
      writeU32(out, pos + 4, item.lastRr);
      writeU32(out, pos + 8, item.delaySinceLastRr);
      pos += DLRR_ITEM_LENGTH;
    }
  }
  return size;
}

/** Size of an XR packet holding only an RRT block. */
export const XR_RRT_LENGTH = FIXED + RRT_BLOCK_LENGTH;

/**
 * An XR packet with one RRT block (RFC 3611 §4.4) at `out[offset]`, with no object to build:
 * what a receiver appends to each of its compound reports. Returns the bytes written or -1.
 */
export function writeXrRrt(
  out: Uint8Array,
  offset: number,
  ssrc: number,
  ntpSeconds: number,
  ntpFraction: number,
): number {
  if (!fits(out, offset, XR_RRT_LENGTH)) return -1;
  writeRtcpHeader(out, offset, 0, RtcpPacketType.XR, XR_RRT_LENGTH);
  writeU32(out, offset + 4, ssrc);
  writeRrtBlock(out, offset + FIXED, ntpSeconds, ntpFraction);
  return XR_RRT_LENGTH;
}

/** The caller has checked that 12 bytes fit at `at`; returns the offset after the block. */
function writeRrtBlock(out: Uint8Array, at: number, seconds: number, fraction: number): number {
  out[at] = XrBlockType.RRT;
  out[at + 1] = 0;
  writeU16(out, at + 2, 2);
  writeU32(out, at + 4, seconds);
  writeU32(out, at + 8, fraction);
  return at + RRT_BLOCK_LENGTH;
}
