/**
 * The RTCP common header (RFC 3550 §6.4.1) and zero-allocation iteration over a compound
 * packet with the validity checks of RFC 3550 appendix A.2.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|  RC/FMT |      PT       |    length (32-bit words − 1)  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

import { writeU16 } from '../rtp/bytes.js';

export const RTCP_HEADER_LENGTH = 4;

/** Packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611). */
export const RtcpPacketType = {
  SR: 200,
  RR: 201,
  SDES: 202,
  BYE: 203,
  APP: 204,
  RTPFB: 205,
  PSFB: 206,
  XR: 207,
} as const;

/** Feedback message types in the FMT field (RFC 4585 §6.2–6.3, RFC 5104 §4.3). */
export const RtpfbFmt = { NACK: 1, TMMBR: 3, TMMBN: 4, TWCC: 15 } as const;
export const PsfbFmt = { PLI: 1, SLI: 2, RPSI: 3, FIR: 4, AFB: 15 } as const;

export type RtcpParseError =
  'too-short' | 'bad-version' | 'length-overflow' | 'bad-padding' | 'padding-not-last';

export interface RtcpHeader {
  /** Offset of the packet's first byte in the buffer. */
  offset: number;
  /** Length in bytes, header and padding included. */
  length: number;
  /** RC, SC or FMT: the 5-bit field. */
  count: number;
  packetType: number;
  /** Padding bytes at the end (0 if the P bit is clear). */
  padding: number;
  /** End of the packet's content: offset + length − padding. */
  end: number;
}

/**
 * Parses the header of the packet at `buf[offset]` within `limit` (default: the buffer end).
 * Checks the version, that the length fits and that a padding count is sane.
 */
export function parseRtcpHeader(
  buf: Uint8Array,
  offset = 0,
  limit: number = buf.length,
): RtcpHeader | RtcpParseError {
  const h = new RtcpIterator();
  const err = h.readAt(buf, offset, Math.min(limit, buf.length));
  return err ?? { ...h.header() };
}

/**
 * Iterates the packets of a compound RTCP packet without allocating:
 *
 *   it.reset(buf); while (it.next()) { switch (it.packetType) ... }
 *   if (it.error) ... // why iteration stopped early
 */
export class RtcpIterator implements RtcpHeader {
  offset = 0;
  length = 0;
  count = 0;
  packetType = 0;
  padding = 0;
  end = 0;
  /** Set when `next()` stopped on a malformed packet; undefined at a clean end. */
  error: RtcpParseError | undefined = undefined;
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #limit = 0;

  reset(buf: Uint8Array, length: number = buf.length): this {
    this.#buf = buf;
    this.#pos = 0;
    this.#limit = Math.min(length, buf.length);
    this.error = length > buf.length ? 'too-short' : undefined;
    this.length = 0;
    return this;
  }

  get buffer(): Uint8Array {
    return this.#buf;
  }

  /** Advances to the next packet; false at the end or on an error (see `error`). */
  next(): boolean {
    if (this.error || this.#pos >= this.#limit) return false;
    const err = this.readAt(this.#buf, this.#pos, this.#limit);
    if (err) {
      this.error = err;
      return false;
    }
    this.#pos = this.offset + this.length;
    // RFC 3550 §6.4.1: only the last packet of a compound packet may be padded.
    if (this.padding > 0 && this.#pos !== this.#limit) {
      this.error = 'padding-not-last';
      return false;
    }
    return true;
  }

  /** Reads one header at `offset`; returns an error or undefined. */
  readAt(buf: Uint8Array, offset: number, limit: number): RtcpParseError | undefined {
    if (offset < 0 || offset + RTCP_HEADER_LENGTH > limit) return 'too-short';
    const b0 = buf[offset];
    if (b0 >> 6 !== 2) return 'bad-version';
    const length = (((buf[offset + 2] << 8) | buf[offset + 3]) + 1) * 4;
    if (offset + length > limit) return 'length-overflow';
    let padding = 0;
    if (b0 & 0x20) {
      padding = buf[offset + length - 1];
      if (padding === 0 || padding > length - RTCP_HEADER_LENGTH) return 'bad-padding';
    }
    this.offset = offset;
    this.length = length;
    this.count = b0 & 0x1f;
    this.packetType = buf[offset + 1];
    this.padding = padding;
    this.end = offset + length - padding;
    return undefined;
  }

  /** A snapshot of the current header. */
  header(): RtcpHeader {
    const { offset, length, count, packetType, padding, end } = this;
    return { offset, length, count, packetType, padding, end };
  }
}

/**
 * Writes a common header (P bit clear) for a packet of `length` bytes, a multiple of 4.
 * The caller has checked that 4 bytes fit.
 */
export function writeRtcpHeader(
  out: Uint8Array,
  offset: number,
  count: number,
  packetType: number,
  length: number,
): void {
  out[offset] = 0x80 | (count & 0x1f);
  out[offset + 1] = packetType;
  writeU16(out, offset + 2, length / 4 - 1);
}

/** RFC 3550 §6.4.1: the length field holds 32-bit words minus one, so 65536 words at most. */
export const MAX_RTCP_PACKET_LENGTH = 0x10000 * 4;

/**
 * True if a packet of `length` bytes fits at `out[offset]` and its length field can say so;
 * a longer packet would be written with a wrapped length that misframes the compound.
 */
export function fits(out: Uint8Array, offset: number, length: number): boolean {
  return offset >= 0 && length <= MAX_RTCP_PACKET_LENGTH && offset + length <= out.length;
}
