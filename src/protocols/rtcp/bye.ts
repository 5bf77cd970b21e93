/**
 * Goodbye, PT 203 (RFC 3550 §6.6): SC SSRC/CSRCs, then optionally a length-prefixed UTF-8
 * reason, padded to a 32-bit boundary.
 */

import { readU32, writeU32 } from '../rtp/bytes.js';
import { RtcpPacketType, fits, writeRtcpHeader, type RtcpHeader } from './header.js';

export interface Goodbye {
  kind: 'bye';
  ssrcs: number[];
  reason?: string;
}

export function parseBye(buf: Uint8Array, h: RtcpHeader): Goodbye | undefined {
  if (h.packetType !== RtcpPacketType.BYE) return undefined;
  let pos = h.offset + 4;
  if (pos + h.count * 4 > h.end) return undefined;
  const ssrcs: number[] = [];
  for (let i = 0; i < h.count; i++, pos += 4) ssrcs.push(readU32(buf, pos));
  const bye: Goodbye = { kind: 'bye', ssrcs };
  if (pos < h.end) {
    const len = buf[pos];
    if (pos + 1 + len > h.end) return undefined;
    bye.reason = Buffer.from(buf.buffer, buf.byteOffset + pos + 1, len).toString('utf8');
  }
  return bye;
}

export function byeSize(bye: Goodbye): number {
  const reason = bye.reason === undefined ? 0 : Buffer.byteLength(bye.reason, 'utf8');
  return 4 + bye.ssrcs.length * 4 + (bye.reason === undefined ? 0 : (reason + 1 + 3) & ~3);
}

/** Returns the bytes written, or -1 (over 31 SSRCs, reason over 255 bytes, no room). */
export function writeBye(bye: Goodbye, out: Uint8Array, offset = 0): number {
  const size = byeSize(bye);
  const reason = bye.reason === undefined ? undefined : Buffer.from(bye.reason, 'utf8');
  if (bye.ssrcs.length > 31 || (reason && reason.length > 255) || !fits(out, offset, size)) {
    return -1;
  }
  writeRtcpHeader(out, offset, bye.ssrcs.length, RtcpPacketType.BYE, size);
  let pos = offset + 4;
  for (const ssrc of bye.ssrcs) {
    writeU32(out, pos, ssrc);
    pos += 4;
  }
  if (reason) {
    out[pos] = reason.length;
    out.set(reason, pos + 1);
    out.fill(0, pos + 1 + reason.length, offset + size);
  }
  return size;
}
