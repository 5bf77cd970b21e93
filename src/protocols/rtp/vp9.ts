/**
 * The VP9 RTP payload descriptor (RFC 9628 §4.2, formerly draft-ietf-payload-vp9), parsed
 * from `buf[offset, offset + length)` into a caller-owned object: both the flexible (F=1,
 * §4.2 reference indices P_DIFF) and the non-flexible mode (F=0, TL0PICIDX), the layer indices
 * and the scalability structure (§4.2.1).
 *
 *        0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+
 *       |I|P|L|F|B|E|V|Z| (REQUIRED)
 *       +-+-+-+-+-+-+-+-+
 *  I:   |M| PICTURE ID  | (M=1: 15 bits over two octets)
 *       +-+-+-+-+-+-+-+-+
 *  L:   |TID|U| SID |D  |
 *       +-+-+-+-+-+-+-+-+
 *  L&!F:|   TL0PICIDX   |
 *       +-+-+-+-+-+-+-+-+
 *  F&P: | P_DIFF      |N| (up to 3 times, N: another follows)
 *       +-+-+-+-+-+-+-+-+
 *  V:   | SS ...        | (§4.2.1)
 */

/** RFC 9628 §4.2.1: N_S + 1 ≤ 8 spatial layers. */
export const VP9_MAX_SPATIAL_LAYERS = 8;

export class Vp9Descriptor {
  /** P: inter-picture predicted. */
  predicted = false;
  /** F: flexible mode. */
  flexible = false;
  /** B: start of a layer frame. */
  beginOfFrame = false;
  /** E: end of a layer frame. */
  endOfFrame = false;
  /** Z: not used as reference by the next spatial layer. */
  notRefForUpper = false;
  hasPictureId = false;
  pictureId = 0;
  pictureIdLength = 0;
  /** L: layer indices present. Without them: spatial 0, temporal 0. */
  hasLayerIndices = false;
  tid = 0;
  /** U: switching up point (§4.2). */
  switchingUp = false;
  sid = 0;
  /** D: inter-layer dependency. */
  interLayerDependency = false;
  hasTl0PicIdx = false;
  tl0PicIdx = 0;
  /** Reference indices of flexible mode (count, then P_DIFF values). */
  refCount = 0;
  readonly refs = new Uint8Array(3);
  /** V: a scalability structure follows. */
  hasSs = false;
  ssSpatialLayers = 0;
  ssHasResolution = false;
  readonly ssWidths = new Uint16Array(VP9_MAX_SPATIAL_LAYERS);
  readonly ssHeights = new Uint16Array(VP9_MAX_SPATIAL_LAYERS);
  /** N_G: pictures in the group (0 when G=0). */
  ssPictureGroup = 0;
  /** Not inter-picture predicted, start of a frame, on spatial layer 0 (as mediasoup). */
  keyFrame = false;
  /** Descriptor length in octets (the VP9 frame data follows). */
  length = 0;
}

/** Parses the descriptor into `out`. False if it runs past the payload (out undefined). */
export function parseVp9Descriptor(
  buf: Uint8Array,
  offset: number,
  length: number,
  out: Vp9Descriptor,
): boolean {
  const end = offset + length;
  if (offset < 0 || length < 1 || end > buf.length) return false;
  const b0 = buf[offset];
  out.predicted = (b0 & 0x40) !== 0;
  out.hasLayerIndices = (b0 & 0x20) !== 0;
  out.flexible = (b0 & 0x10) !== 0;
  out.beginOfFrame = (b0 & 0x08) !== 0;
  out.endOfFrame = (b0 & 0x04) !== 0;
  out.hasSs = (b0 & 0x02) !== 0;
  out.notRefForUpper = (b0 & 0x01) !== 0;
  out.hasPictureId = false;
  out.pictureId = 0;
  out.pictureIdLength = 0;
  out.tid = 0;
  out.switchingUp = false;
  out.sid = 0;
  out.interLayerDependency = false;
  out.hasTl0PicIdx = false;
  out.tl0PicIdx = 0;
  out.refCount = 0;
  out.ssSpatialLayers = 0;
  out.ssHasResolution = false;
  out.ssPictureGroup = 0;
  let p = offset + 1;
  if (b0 & 0x80) {
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
  if (out.hasLayerIndices) {
    if (p >= end) return false;
    const b = buf[p++];
    out.tid = b >> 5;
    out.switchingUp = (b & 0x10) !== 0;
    out.sid = (b >> 1) & 0x07;
    out.interLayerDependency = (b & 0x01) !== 0;
    if (!out.flexible) {
      if (p >= end) return false;
      out.hasTl0PicIdx = true;
      out.tl0PicIdx = buf[p++];
    }
  }
  if (out.flexible && out.predicted) {
    // Up to three P_DIFF octets, each N bit announcing another.
    for (;;) {
      if (p >= end || out.refCount === 3) return false;
      const b = buf[p++];
      out.refs[out.refCount++] = b >> 1;
      if (!(b & 0x01)) break;
    }
  }
  if (out.hasSs) {
    // §4.2.1: N_S|Y|G|RSV, then (Y) N_S+1 × WIDTH, HEIGHT; (G) N_G and N_G picture entries.
    if (p >= end) return false;
    const b = buf[p++];
    const layers = (b >> 5) + 1;
    out.ssSpatialLayers = layers;
    out.ssHasResolution = (b & 0x10) !== 0;
    if (out.ssHasResolution) {
      if (p + 4 * layers > end) return false;
      for (let i = 0; i < layers; i++) {
        out.ssWidths[i] = (buf[p] << 8) | buf[p + 1];
        out.ssHeights[i] = (buf[p + 2] << 8) | buf[p + 3];
        p += 4;
      }
    }
    if (b & 0x08) {
      if (p >= end) return false;
      const groups = buf[p++];
      out.ssPictureGroup = groups;
      for (let i = 0; i < groups; i++) {
        if (p >= end) return false;
        const refs = (buf[p++] >> 2) & 0x03;
        p += refs;
        if (p > end) return false;
      }
    }
  }
  out.length = p - offset;
  out.keyFrame = !out.predicted && out.beginOfFrame && out.sid === 0;
  return true;
}

/**
 * The layer indices of a VP9 payload as `SID << 3 | TID` (0 without them, or if malformed):
 * a per-packet fast path.
 */
export function vp9LayerIndices(buf: Uint8Array, offset: number, length: number): number {
  const end = offset + length;
  if (offset < 0 || length < 2 || end > buf.length) return 0;
  const b0 = buf[offset];
  if (!(b0 & 0x20)) return 0;
  let p = offset + 1;
  if (b0 & 0x80) p += buf[p] & 0x80 ? 2 : 1;
  if (p >= end) return 0;
  const b = buf[p];
  return (((b >> 1) & 0x07) << 3) | (b >> 5);
}
