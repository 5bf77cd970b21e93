/**
 * RTP retransmission payload format (RFC 4588 §4): the RTX packet carries the original
 * packet's payload prefixed by its original sequence number (OSN), on its own SSRC, payload
 * type and sequence space.
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         RTP Header                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            OSN                |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 *  |                  Original RTP Packet Payload                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

import { readU16, writeU16, writeU32 } from './bytes.js';
import type { RtpPacketView } from './packet-view.js';

/** The OSN of an RTX packet, or -1 if its payload is shorter than 2 bytes (e.g. padding only). */
export function rtxOriginalSequenceNumber(rtx: RtpPacketView): number {
  if (rtx.payloadLength < 2) return -1;
  return readU16(rtx.buffer, rtx.payloadOffset);
}

/**
 * Turns the RTX packet in `view` back into the original packet, in place: the payload (and
 * any padding) moves 2 bytes down over the OSN, and the sequence number, payload type and
 * SSRC are restored. The view is re-wrapped to the new length. False, with nothing changed, if
 * there is no OSN.
 */
export function decapsulateRtx(view: RtpPacketView, payloadType: number, ssrc: number): boolean {
  const osn = rtxOriginalSequenceNumber(view);
  if (osn < 0) return false;
  const buf = view.buffer;
  const length = view.length;
  const at = view.payloadOffset;
  buf.copyWithin(at, at + 2, length);
  view.sequenceNumber = osn;
  view.payloadType = payloadType;
  view.ssrc = ssrc;
  return view.wrap(buf, length - 2) === 'ok';
}

/** Bytes `encapsulateRtx` writes for this original packet (its padding is not carried). */
export function rtxPacketSize(original: RtpPacketView): number {
  return original.headerLength + 2 + original.payloadLength;
}

/**
 * Writes the RTX form of `original` into `out[offset]` (RFC 4588 §4): same header (CSRCs and
 * extensions kept, padding dropped) with the RTX payload type, SSRC and sequence number, then
 * the OSN and the original payload. Returns the bytes written, or -1 if `out` is too small or
 * overlaps the original.
 */
export function encapsulateRtx(
  original: RtpPacketView,
  out: Uint8Array,
  payloadType: number,
  ssrc: number,
  sequenceNumber: number,
  offset = 0,
): number {
  const size = rtxPacketSize(original);
  if (offset < 0 || offset + size > out.length) return -1;
  if (overlaps(out, offset, size, original.buffer, original.length)) return -1;
  const src = original.buffer;
  const header = original.headerLength;
  out.set(src.subarray(0, header), offset);
  out[offset] &= ~0x20; // no padding in the RTX packet
  out[offset + 1] = (out[offset + 1] & 0x80) | (payloadType & 0x7f);
  writeU16(out, offset + 2, sequenceNumber);
  writeU32(out, offset + 8, ssrc);
  writeU16(out, offset + header, original.sequenceNumber);
  out.set(src.subarray(header, header + original.payloadLength), offset + header + 2);
  return size;
}

function overlaps(a: Uint8Array, aOff: number, aLen: number, b: Uint8Array, bLen: number): boolean {
  if (a.buffer !== b.buffer) return false;
  const aStart = a.byteOffset + aOff;
  const bStart = b.byteOffset;
  return aStart < bStart + bLen && bStart < aStart + aLen;
}
