/**
 * Writes the packet a consumer sends: the producer's packet (already mapped to
 * router ids) with the consumer's SSRC, payload type, sequence number and
 * timestamp, the extensions this consumer negotiated, and the per-hop ones it
 * owns (its MID, abs-send-time, transport-wide sequence number). One copy into
 * a caller-owned buffer, no allocation (RFC 3550 §5.1, RFC 8285 §4).
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';

export interface OutgoingHeader {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
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

/**
 * Returns the packet length written into `out` (which must hold the packet plus
 * 64 bytes of extension growth), or -1.
 */
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
  out[0] = 0x80 | csrcCount; // X bit set below if any element is written
  out[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  out.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  out.writeUInt32BE(header.timestamp >>> 0, 4);
  out.writeUInt32BE(header.ssrc >>> 0, 8);
  let pos = 12;
  for (let i = 0; i < csrcCount; i++, pos += 4) {
    out.writeUInt32BE(source.csrc(i)!, pos);
  }

  // Decide the form: one-byte unless an element needs ids > 14 or > 16 bytes.
  let twoByte = hop.mid.length > 16;
  const hasExtensions = source.hasExtension;
  if (hasExtensions) {
    const cursor = source.extensions();
    while (cursor.next()) {
      const id = extensionMap[cursor.id];
      if (id !== 0 && (id > 14 || cursor.valueLength > 16)) twoByte = true;
    }
  }
  const blockStart = pos;
  pos += 4;
  const element = (id: number, length: number): number => {
    if (twoByte) {
      out[pos] = id;
      out[pos + 1] = length;
      pos += 2;
    } else {
      out[pos] = (id << 4) | (length - 1);
      pos += 1;
    }
    const at = pos;
    pos += length;
    return at;
  };
  if (hop.midId !== 0 && hop.mid.length > 0) {
    out.set(hop.mid, element(hop.midId, hop.mid.length));
  }
  if (hop.absSendTimeId !== 0) {
    const at = element(hop.absSendTimeId, 3);
    out[at] = (absSendTime24 >>> 16) & 0xff;
    out[at + 1] = (absSendTime24 >>> 8) & 0xff;
    out[at + 2] = absSendTime24 & 0xff;
  }
  if (hop.transportWideCcId !== 0) {
    out.writeUInt16BE(transportSeq & 0xffff, element(hop.transportWideCcId, 2));
  }
  if (hasExtensions) {
    const cursor = source.extensions();
    while (cursor.next()) {
      const id = extensionMap[cursor.id];
      // Zero-length values exist only in the two-byte form; they carry nothing to forward.
      if (id === 0 || cursor.valueLength === 0) continue;
      const at = element(id, cursor.valueLength);
      src.copy(out, at, cursor.valueOffset, cursor.valueOffset + cursor.valueLength);
    }
  }
  if (pos === blockStart + 4) {
    pos = blockStart; // nothing written: no extension block at all
  } else {
    while ((pos - blockStart) % 4 !== 0) out[pos++] = 0;
    out.writeUInt16BE(twoByte ? TWO_BYTE_PROFILE : ONE_BYTE_PROFILE, blockStart);
    out.writeUInt16BE((pos - blockStart - 4) / 4, blockStart + 2);
    out[0] |= 0x10;
  }
  const payloadStart = source.payloadOffset;
  // Payload and padding travel unchanged (the P bit is copied with them).
  const end = source.length;
  if (source.hasPadding) out[0] |= 0x20;
  src.copy(out, pos, payloadStart, end);
  return pos + (end - payloadStart);
}
