/**
 * The VP8 RTP payload descriptor (RFC 7741 §4.2) and the payload header's key frame bit
 * (§4.3), parsed from `buf[offset, offset + length)` into a caller-owned object, and the
 * in-place rewrite of PictureID / TL0PICIDX an SFU needs so a receiver sees one continuous
 * stream across simulcast switches and dropped temporal layers (§4.2: PictureID and
 * TL0PICIDX increase by one per picture / per base-layer picture).
 *
 *        0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+
 *       |X|R|N|S|R| PID | (REQUIRED)
 *       +-+-+-+-+-+-+-+-+
 *  X:   |I|L|T|K| RSV   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 *  I:   |M| PictureID   | (OPTIONAL; M=1: 15 bits over two octets)
 *       +-+-+-+-+-+-+-+-+
 *  L:   |   TL0PICIDX   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 *  T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 */

export class Vp8Descriptor {
  /** N: the frame is not used as a reference (may be dropped). */
  nonReference = false;
  /** S: the packet starts a VP8 partition. */
  start = false;
  partitionId = 0;
  hasPictureId = false;
  /** 7 or 15 bits (see `pictureIdLength`). */
  pictureId = 0;
  /** 1 (7-bit) or 2 (15-bit M=1) octets; 0 without I. */
  pictureIdLength = 0;
  hasTl0PicIdx = false;
  tl0PicIdx = 0;
  /** T: TID and Y present. Without T, the packet is on temporal layer 0. */
  hasTid = false;
  tid = 0;
  /** Y: layer sync, the frame depends only on base-layer (TID 0) frames. */
  layerSync = false;
  hasKeyIdx = false;
  keyIdx = 0;
  /** The first packet of a key frame (S=1, PID=0, payload header P=0). */
  keyFrame = false;
  /** Descriptor length in octets (the VP8 payload header follows). */
  length = 0;
}

/**
 * Parses the descriptor into `out`. False (out undefined) if the payload is shorter than the
 * descriptor it announces or empty after it.
 */
export function parseVp8Descriptor(
  buf: Uint8Array,
  offset: number,
  length: number,
  out: Vp8Descriptor,
): boolean {
  const end = offset + length;
  if (offset < 0 || length < 1 || end > buf.length) return false;
  const b0 = buf[offset];
  out.nonReference = (b0 & 0x20) !== 0;
  out.start = (b0 & 0x10) !== 0;
  out.partitionId = b0 & 0x07;
  out.hasPictureId = false;
  out.pictureId = 0;
  out.pictureIdLength = 0;
  out.hasTl0PicIdx = false;
  out.tl0PicIdx = 0;
  out.hasTid = false;
  out.tid = 0;
  out.layerSync = false;
  out.hasKeyIdx = false;
  out.keyIdx = 0;
  let p = offset + 1;
  if (b0 & 0x80) {
    if (p >= end) return false;
    const x = buf[p++];
    if (x & 0x80) {
      if (p >= end) return false;
      out.hasPictureId = true;
      if (buf[p] & 0x80) {
        if (p + 1 >= end) return false;
        out.pictureId = ((buf[p] & 0x7f) << 8) | buf[p + 1];
        out.pictureIdLength = 2;
        p += 2;
      } else {
        out.pictureId = buf[p] & 0x7f;
        out.pictureIdLength = 1;
        p += 1;
      }
    }
    if (x & 0x40) {
      if (p >= end) return false;
      out.hasTl0PicIdx = true;
      out.tl0PicIdx = buf[p++];
    }
    if (x & 0x30) {
      if (p >= end) return false;
      const b = buf[p++];
      if (x & 0x20) {
        out.hasTid = true;
        out.tid = b >> 6;
        out.layerSync = (b & 0x20) !== 0;
      }
      if (x & 0x10) {
        out.hasKeyIdx = true;
        out.keyIdx = b & 0x1f;
      }
    }
  }
  // §4.3: the payload header follows; its P bit (inverse key frame flag) is bit 0.
  if (p >= end) return false;
  out.length = p - offset;
  out.keyFrame = out.start && out.partitionId === 0 && (buf[p] & 0x01) === 0;
  return true;
}

/**
 * Writes `pictureId` (in the width the packet already has: 7 or 15 bits) and `tl0PicIdx`
 * (8 bits) into the descriptor at `buf[offset, offset + length)`, each only if present.
 * Re-reads the layout; false and nothing written if the descriptor is malformed.
 */
export function rewriteVp8Descriptor(
  buf: Uint8Array,
  offset: number,
  length: number,
  pictureId: number,
  tl0PicIdx: number,
): boolean {
  const end = offset + length;
  if (offset < 0 || length < 1 || end > buf.length) return false;
  if (!(buf[offset] & 0x80)) return true;
  let p = offset + 1;
  if (p >= end) return false;
  const x = buf[p++];
  if (x & 0x80) {
    if (p >= end) return false;
    if (buf[p] & 0x80) {
      if (p + 1 >= end) return false;
      buf[p] = 0x80 | ((pictureId >> 8) & 0x7f);
      buf[p + 1] = pictureId & 0xff;
      p += 2;
    } else {
      buf[p] = pictureId & 0x7f;
      p += 1;
    }
  }
  if (x & 0x40) {
    if (p >= end) return false;
    buf[p] = tl0PicIdx & 0xff;
  }
  return true;
}

/** The TID of a VP8 payload (0 without one, or if malformed): a per-packet fast path. */
export function vp8TemporalLayer(buf: Uint8Array, offset: number, length: number): number {
  const end = offset + length;
  if (offset < 0 || length < 2 || end > buf.length) return 0;
  if (!(buf[offset] & 0x80)) return 0;
  const x = buf[offset + 1];
  if (!(x & 0x20)) return 0;
  let p = offset + 2;
  if (x & 0x80) p += p < end && buf[p] & 0x80 ? 2 : 1;
  if (x & 0x40) p++;
  return p < end ? buf[p] >> 6 : 0;
}
