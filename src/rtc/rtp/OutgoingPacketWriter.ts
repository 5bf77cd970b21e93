/**
 * Writes the packet a consumer sends: the producer's packet (already mapped to
 * router ids) with the consumer's SSRC, payload type, sequence number and
 * timestamp, the extensions this consumer negotiated, and the per-hop ones it
 * owns (its MID, abs-send-time, transport-wide sequence number). One copy into
 * a caller-owned buffer, no allocation (RFC 3550 §5.1, RFC 8285 §4).
 *
 * Bounds: the whole output length is computed before the first byte is written
 * and checked against `out`, so every write below lands inside it; a packet
 * that would not fit is refused (-1), never truncated.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';

export interface OutgoingHeader {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  /**
   * A codec payload-descriptor rewrite for this packet (VP8 PictureID / TL0PICIDX), applied
   * to the copied payload in `out`; undefined for most packets (nothing is parsed then).
   */
  payloadRewriter?: PayloadRewriter | undefined;
}

/** Rewrites the payload copy in `buf[offset, offset + length)` in place (same length). */
export interface PayloadRewriter {
  rewrite(buf: Uint8Array, offset: number, length: number): void;
}

export interface HopExtensions {
  midId: number;
  /** The consumer's MID as bytes. */
  mid: Uint8Array;
  absSendTimeId: number;
  transportWideCcId: number;
}

const ONE_BYTE_PROFILE = 0xbede;
const TWO_BYTE_PROFILE = 0x1000;
/** RFC 8285 §4.3: a two-byte element's length is one byte. */
const MAX_ELEMENT_LENGTH = 255;

/** Returns the packet length written into `out`, or -1 if it does not fit in `out`. */
export function writeOutgoingPacket(
  out: Buffer,
  source: RtpPacketView,
  header: OutgoingHeader,
  extensionMap: Uint8Array,
  hop: HopExtensions,
  absSendTime24: number,
  transportSeq: number,
): number {
  // Incoming packets are Buffers (datagrams, SRTP output); copy() avoids subarray objects.
  const src = source.buffer as Buffer;
  const csrcCount = source.csrcCount;
  const hasExtensions = source.hasExtension;
  const writeMid = hop.midId !== 0 && hop.mid.length > 0 && hop.mid.length <= MAX_ELEMENT_LENGTH;

  // Pass 1: the form (one-byte unless an element needs an id > 14 or > 16 bytes) and sizes.
  let twoByte = writeMid && hop.mid.length > 16;
  let elements = 0;
  let valueBytes = 0;
  if (writeMid) {
    elements++;
    valueBytes += hop.mid.length;
  }
  if (hop.absSendTimeId !== 0) {
    elements++;
    valueBytes += 3;
  }
  if (hop.transportWideCcId !== 0) {
    elements++;
    valueBytes += 2;
  }
  if (hasExtensions) {
    const cursor = source.extensions();
    while (cursor.next()) {
      const id = extensionMap[cursor.id];
      // Zero-length values exist only in the two-byte form; they carry nothing to forward.
      if (id === 0 || cursor.valueLength === 0) continue;
      if (id > 14 || cursor.valueLength > 16) twoByte = true;
      elements++;
      valueBytes += cursor.valueLength;
    }
  }
  const headerEnd = 12 + 4 * csrcCount;
  const blockBytes =
    elements === 0 ? 0 : 4 + (((twoByte ? 2 : 1) * elements + valueBytes + 3) & ~3);
  const payloadStart = source.payloadOffset;
  // Payload and padding travel unchanged (the P bit is copied with them).
  const end = source.length;
  const total = headerEnd + blockBytes + (end - payloadStart);
  if (total > out.length) return -1;

  // Pass 2: every write below is inside out[0, total).
  // The payload first: when the source is a view of exactly the packet and the header does
  // not shrink, the whole view goes in one set() (no view object per packet); its header
  // bytes land in out[0, payload) and are overwritten below.
  const payloadAt = headerEnd + blockBytes;
  const shift = payloadAt - payloadStart;
  const whole = src.length === end && shift >= 0;
  if (whole) out.set(src, shift);
  else src.copy(out, payloadAt, payloadStart, end);
  out[0] = 0x80 | csrcCount | (source.hasPadding ? 0x20 : 0) | (blockBytes ? 0x10 : 0);
  out[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  out.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  out.writeUInt32BE(header.timestamp >>> 0, 4);
  out.writeUInt32BE(header.ssrc >>> 0, 8);
  for (let i = 0; i < csrcCount; i++) out.writeUInt32BE(source.csrc(i)!, 12 + 4 * i);
  let pos = headerEnd;
  if (blockBytes) {
    const blockEnd = headerEnd + blockBytes;
    out.writeUInt16BE(twoByte ? TWO_BYTE_PROFILE : ONE_BYTE_PROFILE, pos);
    out.writeUInt16BE((blockBytes - 4) / 4, pos + 2);
    pos += 4;
    if (writeMid) {
      pos = elementHeader(out, pos, twoByte, hop.midId, hop.mid.length);
      out.set(hop.mid, pos);
      pos += hop.mid.length;
    }
    if (hop.absSendTimeId !== 0) {
      pos = elementHeader(out, pos, twoByte, hop.absSendTimeId, 3);
      out[pos] = (absSendTime24 >>> 16) & 0xff;
      out[pos + 1] = (absSendTime24 >>> 8) & 0xff;
      out[pos + 2] = absSendTime24 & 0xff;
      pos += 3;
    }
    if (hop.transportWideCcId !== 0) {
      pos = elementHeader(out, pos, twoByte, hop.transportWideCcId, 2);
      out.writeUInt16BE(transportSeq & 0xffff, pos);
      pos += 2;
    }
    if (hasExtensions) {
      const cursor = source.extensions();
      while (cursor.next()) {
        const id = extensionMap[cursor.id];
        const length = cursor.valueLength;
        if (id === 0 || length === 0) continue;
        pos = elementHeader(out, pos, twoByte, id, length);
        // Values are a few bytes: a loop, not Buffer#copy's view object per element.
        const from = cursor.valueOffset;
        for (let i = 0; i < length; i++) out[pos + i] = src[from + i];
        pos += length;
      }
    }
    out.fill(0, pos, blockEnd);
    pos = blockEnd;
  }
  const rewriter = header.payloadRewriter;
  if (rewriter !== undefined) rewriter.rewrite(out, pos, end - payloadStart - source.paddingLength);
  return total;
}

/** Writes an element's id and length (RFC 8285 §4.2, §4.3); returns where its value goes. */
function elementHeader(
  out: Buffer,
  pos: number,
  twoByte: boolean,
  id: number,
  length: number,
): number {
  if (twoByte) {
    out[pos] = id;
    out[pos + 1] = length;
    return pos + 2;
  }
  out[pos] = (id << 4) | (length - 1);
  return pos + 1;
}
