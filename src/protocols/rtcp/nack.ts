/**
 * Generic NACK, RTPFB FMT 1 (RFC 4585 §6.2.1). Each FCI entry names a lost packet (PID) and,
 * in the bitmask BLP, which of the 16 following packets are lost too (bit i → PID + i + 1).
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            PID                |             BLP               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

import { readU16, readU32, writeU16 } from '../rtp/bytes.js';
import { seqDiff } from '../rtp/sequence.js';
import { FEEDBACK_HEADER_LENGTH, writeFeedbackHeader } from './feedback.js';
import { RtcpPacketType, RtpfbFmt, fits, type RtcpHeader } from './header.js';

export interface NackItem {
  pid: number;
  blp: number;
}

export interface GenericNack {
  kind: 'nack';
  senderSsrc: number;
  mediaSsrc: number;
  items: NackItem[];
}

export function parseNack(buf: Uint8Array, h: RtcpHeader): GenericNack | undefined {
  if (h.packetType !== RtcpPacketType.RTPFB || h.count !== RtpfbFmt.NACK) return undefined;
  const o = h.offset;
  if (o + FEEDBACK_HEADER_LENGTH > h.end) return undefined;
  const items: NackItem[] = [];
  for (let p = o + FEEDBACK_HEADER_LENGTH; p + 4 <= h.end; p += 4) {
    items.push({ pid: readU16(buf, p), blp: readU16(buf, p + 2) });
  }
  return { kind: 'nack', senderSsrc: readU32(buf, o + 4), mediaSsrc: readU32(buf, o + 8), items };
}

export function nackSize(nack: GenericNack): number {
  return FEEDBACK_HEADER_LENGTH + nack.items.length * 4;
}

export function writeNack(nack: GenericNack, out: Uint8Array, offset = 0): number {
  const size = nackSize(nack);
  if (!fits(out, offset, size)) return -1;
  const { RTPFB } = RtcpPacketType;
  writeFeedbackHeader(out, offset, RtpfbFmt.NACK, RTPFB, size, nack.senderSsrc, nack.mediaSsrc);
  let p = offset + FEEDBACK_HEADER_LENGTH;
  for (const { pid, blp } of nack.items) {
    writeU16(out, p, pid);
    writeU16(out, p + 2, blp);
    p += 4;
  }
  return size;
}

/** Expands NACK items into the sequence numbers they name, in item order. */
export function nackSequenceNumbers(items: readonly NackItem[]): number[] {
  const seqs: number[] = [];
  for (const { pid, blp } of items) {
    seqs.push(pid & 0xffff);
    for (let i = 0; i < 16; i++) if (blp & (1 << i)) seqs.push((pid + i + 1) & 0xffff);
  }
  return seqs;
}

/**
 * Packs sequence numbers into as few NACK items as a single pass allows. The input should be
 * in ascending order (across wrap-around); duplicates are dropped.
 */
export function nackItemsFromSequenceNumbers(seqs: Iterable<number>): NackItem[] {
  const items: NackItem[] = [];
  let cur: NackItem | undefined;
  for (const s of seqs) {
    const seq = s & 0xffff;
    const d = cur ? seqDiff(seq, cur.pid) : -1;
    if (cur && d === 0) continue;
    if (cur && d >= 1 && d <= 16) {
      cur.blp |= 1 << (d - 1);
      continue;
    }
    cur = { pid: seq, blp: 0 };
    items.push(cur);
  }
  return items;
}
