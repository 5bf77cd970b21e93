/**
 * Transport-wide congestion control feedback, RTPFB FMT 15
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): for a run of
 * transport-wide sequence numbers, whether each packet arrived and when.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|  FMT=15 |    PT=205     |           length              |
 *  |                     SSRC of packet sender                     |
 *  |                      SSRC of media source                     |
 *  |      base sequence number     |      packet status count      |
 *  |                 reference time                | fb pkt. count |
 *  |          packet chunk         |         packet chunk          |
 *  :                              ...                              :
 *  |         packet chunk          |  recv delta   |  recv delta   |
 *  :                              ...                              :
 *  |           recv delta          |  recv delta   | zero padding  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Packet status symbols (§3.1.1): 00 not received, 01 received with a small
 * delta (1 byte, 0..63.75 ms), 10 received with a large or negative delta
 * (2 bytes, signed), 11 reserved. Deltas are in 250 µs units; the first is
 * relative to the reference time (24 bits, multiples of 64 ms).
 *
 * Packet chunks (§3.1.3, §3.1.4), 16 bits each:
 *  - run length:    |0|S S|  run length (13 bits)  |  one symbol repeated
 *  - status vector: |1|0| 14 one-bit symbols |  (0 lost, 1 small delta)
 *                   |1|1| 7 two-bit symbols  |
 *
 * The writer pads the packet to 32 bits with the P bit and a padding count
 * (RFC 3550 §6.4.1), as libwebrtc does, so send it alone or last in a
 * compound packet.
 */

import { readU16, readU32, writeU16, writeU32 } from '../rtp/bytes.js';
import { FEEDBACK_HEADER_LENGTH, writeFeedbackHeader } from './feedback.js';
import { RtcpPacketType, RtpfbFmt, fits, type RtcpHeader } from './header.js';

/** Bytes before the packet chunks: feedback header, base, count, reference time, fb count. */
export const TRANSPORT_CC_FIXED_LENGTH = FEEDBACK_HEADER_LENGTH + 8;
/** Receive deltas are in multiples of 250 µs (§3.1.5). */
export const TRANSPORT_CC_DELTA_US = 250;
/** The reference time is in multiples of 64 ms (§3.1). */
export const TRANSPORT_CC_REFERENCE_US = 64_000;
/** The longest run a run-length chunk holds (13 bits). */
const MAX_RUN_LENGTH = 0x1fff;

export interface TransportCcFeedback {
  kind: 'transport-cc';
  senderSsrc: number;
  mediaSsrc: number;
  /** Transport-wide sequence number of the first packet reported. */
  baseSequenceNumber: number;
  /** 24 bits, in multiples of 64 ms, in the feedback sender's own time base. */
  referenceTime: number;
  /** Counts feedback packets (8 bits, wraps) so the media sender can detect lost feedback. */
  feedbackPacketCount: number;
  /**
   * One entry per packet from the base sequence number on (their number is the packet status
   * count): the receive delta in 250 µs units from the previous received packet (the first
   * from the reference time), or null for a packet not received. Deltas in 0..255 travel as
   * small deltas, others as large deltas (−32768..32767).
   */
  deltas: (number | null)[];
}

export type TransportCcParseError =
  | 'not-transport-cc'
  | 'too-short'
  | 'empty'
  | 'truncated-chunks'
  | 'reserved-symbol'
  | 'truncated-deltas';

/** A packet status of TransportCcPackets.status: not received (RFC draft §3.1.1 symbol 00). */
export const TRANSPORT_CC_NOT_RECEIVED = 0;
const NOT_RECEIVED = TRANSPORT_CC_NOT_RECEIVED;
const SMALL_DELTA = 1;
const LARGE_DELTA = 2;

function symbolOf(delta: number | null): number {
  if (delta === null) return NOT_RECEIVED;
  return delta >= 0 && delta <= 0xff ? SMALL_DELTA : LARGE_DELTA;
}

/**
 * Caller-owned results of `parseTransportCcInto`, for a reader that must not allocate per
 * feedback (the estimator): the fixed fields, and for at most `capacity` packets their status
 * (0 not received, 1 small delta, 2 large delta) and receive delta (250 µs units).
 */
export interface TransportCcPackets {
  senderSsrc: number;
  mediaSsrc: number;
  baseSequenceNumber: number;
  referenceTime: number;
  feedbackPacketCount: number;
  /** Packets the feedback describes (its packet status count). */
  statusCount: number;
  /** Packets stored: min(statusCount, capacity); the rest are neither stored nor read. */
  count: number;
  readonly status: Uint8Array;
  readonly delta: Int16Array;
}

/** Preallocated results for feedback describing up to `capacity` packets. */
export function createTransportCcPackets(capacity: number): TransportCcPackets {
  return {
    senderSsrc: 0,
    mediaSsrc: 0,
    baseSequenceNumber: 0,
    referenceTime: 0,
    feedbackPacketCount: 0,
    statusCount: 0,
    count: 0,
    status: new Uint8Array(capacity),
    delta: new Int16Array(capacity),
  };
}

/**
 * Parses a TWCC packet whose common header is `h` into `out`, allocating nothing: packets
 * past `out`'s capacity are skipped (their chunks are walked to find the deltas, which follow
 * all chunks; their own deltas are not read). Returns undefined, or an error on anything
 * malformed (never throws). Trailing bytes after the last delta (zero padding) are ignored.
 */
export function parseTransportCcInto(
  buf: Uint8Array,
  h: RtcpHeader,
  out: TransportCcPackets,
): TransportCcParseError | undefined {
  out.count = 0;
  if (h.packetType !== RtcpPacketType.RTPFB || h.count !== RtpfbFmt.TWCC) {
    return 'not-transport-cc';
  }
  const o = h.offset;
  const end = Math.min(h.end, buf.length);
  if (o + TRANSPORT_CC_FIXED_LENGTH > end) return 'too-short';
  const count = readU16(buf, o + 14);
  if (count === 0) return 'empty';
  const status = out.status;
  const stored = Math.min(count, status.length);
  let p = o + TRANSPORT_CC_FIXED_LENGTH;
  let filled = 0;
  while (filled < count) {
    if (p + 2 > end) return 'truncated-chunks';
    const chunk = readU16(buf, p);
    p += 2;
    if ((chunk & 0x8000) === 0) {
      // Run length chunk (§3.1.3).
      const symbol = (chunk >> 13) & 0x03;
      if (symbol === 3) return 'reserved-symbol';
      const run = Math.min(chunk & MAX_RUN_LENGTH, count - filled);
      if (filled < stored) status.fill(symbol, filled, Math.min(filled + run, stored));
      filled += run;
    } else if ((chunk & 0x4000) === 0) {
      // Status vector chunk of 14 one-bit symbols (§3.1.4).
      for (let i = 13; i >= 0 && filled < count; i--, filled++) {
        if (filled < stored) status[filled] = (chunk >> i) & 1;
      }
    } else {
      // Status vector chunk of 7 two-bit symbols.
      for (let i = 6; i >= 0 && filled < count; i--, filled++) {
        const symbol = (chunk >> (i * 2)) & 0x03;
        if (symbol === 3) return 'reserved-symbol';
        if (filled < stored) status[filled] = symbol;
      }
    }
  }
  const delta = out.delta;
  for (let i = 0; i < stored; i++) {
    const symbol = status[i];
    if (symbol === NOT_RECEIVED) {
      delta[i] = 0;
    } else if (symbol === SMALL_DELTA) {
      if (p + 1 > end) return 'truncated-deltas';
      delta[i] = buf[p];
      p += 1;
    } else {
      if (p + 2 > end) return 'truncated-deltas';
      delta[i] = (readU16(buf, p) << 16) >> 16;
      p += 2;
    }
  }
  out.senderSsrc = readU32(buf, o + 4);
  out.mediaSsrc = readU32(buf, o + 8);
  out.baseSequenceNumber = readU16(buf, o + 12);
  out.referenceTime = (readU32(buf, o + 16) >>> 8) & 0xffffff;
  out.feedbackPacketCount = buf[o + 19];
  out.statusCount = count;
  out.count = stored;
  return undefined;
}

/**
 * Parses a TWCC packet whose common header is `h` into a new object (every packet it
 * describes). Returns an error on anything malformed (never throws).
 */
export function parseTransportCc(
  buf: Uint8Array,
  h: RtcpHeader,
): TransportCcFeedback | TransportCcParseError {
  // The packet status count bounds what is needed; a short packet fails before allocating.
  const count =
    h.offset + TRANSPORT_CC_FIXED_LENGTH <= Math.min(h.end, buf.length)
      ? readU16(buf, h.offset + 14)
      : 0;
  const out = createTransportCcPackets(count);
  const error = parseTransportCcInto(buf, h, out);
  if (error !== undefined) return error;
  const deltas: (number | null)[] = new Array<number | null>(count);
  for (let i = 0; i < count; i++) deltas[i] = out.status[i] === NOT_RECEIVED ? null : out.delta[i];
  return {
    kind: 'transport-cc',
    senderSsrc: out.senderSsrc,
    mediaSsrc: out.mediaSsrc,
    baseSequenceNumber: out.baseSequenceNumber,
    referenceTime: out.referenceTime,
    feedbackPacketCount: out.feedbackPacketCount,
    deltas,
  };
}

/**
 * Chooses the packet chunks for `symbols` greedily, as few as one pass allows: a run-length
 * chunk while symbols repeat, else a status vector (14 one-bit symbols when no large delta is
 * among them, else 7 two-bit symbols). Calls `emit` with each 16-bit chunk; returns how many.
 */
function encodeChunks(
  deltas: readonly (number | null)[],
  emit: ((chunk: number) => void) | undefined,
): number {
  let chunks = 0;
  const n = deltas.length;
  let i = 0;
  while (i < n) {
    const first = symbolOf(deltas[i]);
    // A run of the same symbol long enough to beat a vector chunk.
    let run = 1;
    while (i + run < n && run < MAX_RUN_LENGTH && symbolOf(deltas[i + run]) === first) run++;
    if (run >= 14 || i + run === n || (run >= 7 && hasLarge(deltas, i, 14))) {
      emit?.((first << 13) | run);
      chunks++;
      i += run;
      continue;
    }
    if (!hasLarge(deltas, i, 14)) {
      let chunk = 0x8000;
      for (let k = 0; k < 14 && i + k < n; k++) {
        if (deltas[i + k] !== null) chunk |= 1 << (13 - k);
      }
      emit?.(chunk);
      chunks++;
      i += 14;
    } else {
      let chunk = 0xc000;
      for (let k = 0; k < 7 && i + k < n; k++) chunk |= symbolOf(deltas[i + k]) << (12 - 2 * k);
      emit?.(chunk);
      chunks++;
      i += 7;
    }
  }
  return chunks;
}

/** Whether one of the `count` symbols from `from` (within the array) is a large delta. */
function hasLarge(deltas: readonly (number | null)[], from: number, count: number): boolean {
  const end = Math.min(deltas.length, from + count);
  for (let k = from; k < end; k++) if (symbolOf(deltas[k]) === LARGE_DELTA) return true;
  return false;
}

function deltaBytes(deltas: readonly (number | null)[]): number {
  let bytes = 0;
  for (const delta of deltas) {
    const symbol = symbolOf(delta);
    if (symbol === SMALL_DELTA) bytes += 1;
    else if (symbol === LARGE_DELTA) bytes += 2;
  }
  return bytes;
}

/** Bytes before padding: fixed part, chunks and deltas. */
function unpaddedSize(feedback: TransportCcFeedback): number {
  const { deltas } = feedback;
  return TRANSPORT_CC_FIXED_LENGTH + encodeChunks(deltas, undefined) * 2 + deltaBytes(deltas);
}

/** The size `writeTransportCc` needs, padding included (a multiple of 4). */
export function transportCcSize(feedback: TransportCcFeedback): number {
  return (unpaddedSize(feedback) + 3) & ~3;
}

function valid(feedback: TransportCcFeedback): boolean {
  const { deltas } = feedback;
  if (deltas.length === 0 || deltas.length > 0xffff) return false;
  for (const delta of deltas) {
    if (delta !== null && !(Number.isInteger(delta) && delta >= -0x8000 && delta <= 0x7fff)) {
      return false;
    }
  }
  return true;
}

/**
 * Writes the packet at `out[offset]`. Returns the bytes written, or −1 if it does not fit,
 * reports no packet, or a delta is not an integer in −32768..32767.
 */
export function writeTransportCc(
  feedback: TransportCcFeedback,
  out: Uint8Array,
  offset = 0,
): number {
  if (!valid(feedback)) return -1;
  const unpadded = unpaddedSize(feedback);
  const size = (unpadded + 3) & ~3;
  if (!fits(out, offset, size)) return -1;
  const { RTPFB } = RtcpPacketType;
  const { senderSsrc, mediaSsrc, deltas } = feedback;
  writeFeedbackHeader(out, offset, RtpfbFmt.TWCC, RTPFB, size, senderSsrc, mediaSsrc);
  writeU16(out, offset + 12, feedback.baseSequenceNumber & 0xffff);
  writeU16(out, offset + 14, deltas.length);
  writeU32(
    out,
    offset + 16,
    ((feedback.referenceTime & 0xffffff) << 8) | (feedback.feedbackPacketCount & 0xff),
  );
  let p = offset + TRANSPORT_CC_FIXED_LENGTH;
  encodeChunks(deltas, (chunk) => {
    writeU16(out, p, chunk);
    p += 2;
  });
  for (const delta of deltas) {
    if (delta === null) continue;
    if (delta >= 0 && delta <= 0xff) {
      out[p++] = delta;
    } else {
      writeU16(out, p, delta & 0xffff);
      p += 2;
    }
  }
  const padding = size - unpadded;
  if (padding > 0) {
    out.fill(0, p, offset + size);
    out[offset + size - 1] = padding;
    out[offset] |= 0x20;
  }
  return size;
}
