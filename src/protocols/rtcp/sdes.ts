/**
 * Source description, PT 202 (RFC 3550 §6.5): SC chunks, each an SSRC followed by items
 * (type, length, UTF-8 text) ended by a zero byte and padded to a 32-bit boundary.
 */

import { readU32, writeU32 } from '../rtp/bytes.js';
import { RtcpPacketType, fits, writeRtcpHeader, type RtcpHeader } from './header.js';

/** Item types (RFC 3550 §6.5). */
export const SdesItemType = {
  END: 0,
  CNAME: 1,
  NAME: 2,
  EMAIL: 3,
  PHONE: 4,
  LOC: 5,
  TOOL: 6,
  NOTE: 7,
  PRIV: 8,
} as const;

export interface SdesItem {
  type: number;
  value: string;
}

export interface SdesChunk {
  ssrc: number;
  items: SdesItem[];
}

export interface SourceDescription {
  kind: 'sdes';
  chunks: SdesChunk[];
}

export function parseSdes(buf: Uint8Array, h: RtcpHeader): SourceDescription | undefined {
  if (h.packetType !== RtcpPacketType.SDES) return undefined;
  const chunks: SdesChunk[] = [];
  let pos = h.offset + 4;
  for (let c = 0; c < h.count; c++) {
    if (pos + 4 > h.end) return undefined;
    const chunk: SdesChunk = { ssrc: readU32(buf, pos), items: [] };
    pos += 4;
    for (;;) {
      if (pos >= h.end) return undefined;
      const type = buf[pos];
      if (type === SdesItemType.END) break;
      if (pos + 2 > h.end) return undefined;
      const len = buf[pos + 1];
      if (pos + 2 + len > h.end) return undefined;
      const value = Buffer.from(buf.buffer, buf.byteOffset + pos + 2, len).toString('utf8');
      chunk.items.push({ type, value });
      pos += 2 + len;
    }
    // Skip the terminating null and the padding up to the next 32-bit boundary.
    pos = h.offset + ((pos - h.offset + 4) & ~3);
    chunks.push(chunk);
  }
  return { kind: 'sdes', chunks };
}

/** The CNAME of the chunk for `ssrc` (or of the first chunk), if any. */
export function sdesCname(sdes: SourceDescription, ssrc?: number): string | undefined {
  for (const chunk of sdes.chunks) {
    if (ssrc !== undefined && chunk.ssrc !== ssrc) continue;
    const item = chunk.items.find((i) => i.type === SdesItemType.CNAME);
    if (item) return item.value;
  }
  return undefined;
}

function chunkSize(chunk: SdesChunk): number {
  let n = 0;
  for (const item of chunk.items) n += 2 + Buffer.byteLength(item.value, 'utf8');
  return 4 + ((n + 1 + 3) & ~3);
}

export function sdesSize(sdes: SourceDescription): number {
  let n = 4;
  for (const chunk of sdes.chunks) n += chunkSize(chunk);
  return n;
}

/** Returns the bytes written, or -1 (over 31 chunks, an item over 255 bytes, no room). */
export function writeSdes(sdes: SourceDescription, out: Uint8Array, offset = 0): number {
  const size = sdesSize(sdes);
  if (sdes.chunks.length > 31 || !fits(out, offset, size)) return -1;
  for (const chunk of sdes.chunks) {
    for (const item of chunk.items) {
      if (item.type < 1 || item.type > 255 || Buffer.byteLength(item.value, 'utf8') > 255)
        return -1;
    }
  }
  writeRtcpHeader(out, offset, sdes.chunks.length, RtcpPacketType.SDES, size);
  let pos = offset + 4;
  for (const chunk of sdes.chunks) {
    const end = pos + chunkSize(chunk);
    writeU32(out, pos, chunk.ssrc);
    pos += 4;
    for (const item of chunk.items) {
      const text = Buffer.from(item.value, 'utf8');
      out[pos] = item.type;
      out[pos + 1] = text.length;
      out.set(text, pos + 2);
      pos += 2 + text.length;
    }
    out.fill(0, pos, end); // END item and padding
    pos = end;
  }
  return size;
}
