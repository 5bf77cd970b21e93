/**
 * Does this RTP payload start (or carry) a key frame? Codec by codec, from the payload bytes
 * `buf[offset, offset + length)`, bounds-checked, allocation-free. False on anything
 * malformed or truncated.
 */

import type { RtpPacketView } from '../../protocols/rtp/packet-view.js';

/**
 * VP8 (RFC 7741 §4.2 payload descriptor, §4.3 payload header): the packet starts a partition
 * (S=1) of partition 0 (PID=0) and the payload header's P bit (inverse key frame flag) is 0.
 *
 *   X|R|N|S|R| PID     then, if X: I|L|T|K|RSV, PictureID (1–2 bytes if I), TL0PICIDX (if L),
 *                      TID|Y|KEYIDX (if T or K); then Size0|H|VER|P ...
 */
export function isVp8KeyFrame(buf: Uint8Array, offset: number, length: number): boolean {
  const end = offset + length;
  if (length < 1 || end > buf.length) return false;
  const b0 = buf[offset];
  const s = b0 & 0x10;
  const pid = b0 & 0x07;
  if (!s || pid !== 0) return false;
  let p = offset + 1;
  if (b0 & 0x80) {
    if (p >= end) return false;
    const x = buf[p++];
    if (x & 0x80) {
      // PictureID: M bit set means 15 bits in 2 bytes.
      if (p >= end) return false;
      p += buf[p] & 0x80 ? 2 : 1;
    }
    if (x & 0x40) p++; // TL0PICIDX
    if (x & 0x30) p++; // TID/Y/KEYIDX
  }
  if (p >= end) return false;
  return (buf[p] & 0x01) === 0;
}

/**
 * VP9 (RFC 9628 §4.2, formerly draft-ietf-payload-vp9): not inter-picture predicted (P=0) and
 * the start of a frame (B=1), on the base spatial layer when layer indices are present.
 *
 *   I|P|L|F|B|E|V|Z    then PictureID (if I, 1–2 bytes), TID|U|SID|D (if L) ...
 */
export function isVp9KeyFrame(buf: Uint8Array, offset: number, length: number): boolean {
  const end = offset + length;
  if (length < 1 || end > buf.length) return false;
  const b0 = buf[offset];
  const predicted = b0 & 0x40;
  const begin = b0 & 0x08;
  if (predicted || !begin) return false;
  if (!(b0 & 0x20)) return true; // no layer indices: a single spatial layer
  let p = offset + 1;
  if (b0 & 0x80) {
    if (p >= end) return false;
    p += buf[p] & 0x80 ? 2 : 1;
  }
  if (p >= end) return false;
  const sid = (buf[p] >> 1) & 0x07;
  return sid === 0;
}

const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_STAP_A = 24;
const NAL_FU_A = 28;
const NAL_FU_B = 29;

function isH264KeyNal(type: number): boolean {
  return type === NAL_IDR || type === NAL_SPS;
}

/**
 * H.264 (RFC 6184 §5.6–5.8): an IDR slice (NAL type 5) or an SPS (7) as a single NAL unit,
 * inside a STAP-A (§5.7.1: 16-bit size before each NAL unit), or starting an FU-A/FU-B
 * (§5.8: S bit set in the FU header).
 */
export function isH264KeyFrame(buf: Uint8Array, offset: number, length: number): boolean {
  const end = offset + length;
  if (length < 1 || end > buf.length) return false;
  const type = buf[offset] & 0x1f;
  if (type >= 1 && type <= 23) return isH264KeyNal(type);
  if (type === NAL_STAP_A) {
    let p = offset + 1;
    while (p + 2 < end) {
      const size = (buf[p] << 8) | buf[p + 1];
      p += 2;
      if (size === 0 || p + size > end) return false;
      if (isH264KeyNal(buf[p] & 0x1f)) return true;
      p += size;
    }
    return false;
  }
  if (type === NAL_FU_A || type === NAL_FU_B) {
    if (length < 2) return false;
    const fu = buf[offset + 1];
    return (fu & 0x80) !== 0 && isH264KeyNal(fu & 0x1f);
  }
  return false;
}

/**
 * AV1 (AOMedia "RTP Payload Format for AV1" §4.4 aggregation header Z|Y|W|N): N=1 marks the
 * first packet of a coded video sequence, which starts with a key frame. Layered AV1 (the
 * dependency descriptor) is not read: it is forwarded whole.
 */
export function isAv1KeyFrame(buf: Uint8Array, offset: number, length: number): boolean {
  if (length < 1 || offset < 0 || offset + length > buf.length) return false;
  return (buf[offset] & 0x08) !== 0;
}

/** Opus (RFC 7587) has no key frames. */
export function isOpusKeyFrame(): boolean {
  return false;
}

export type KeyFrameDetector = (buf: Uint8Array, offset: number, length: number) => boolean;

/** The detector for a mime type ('video/VP8', ...), or undefined (audio, unknown codecs). */
export function keyFrameDetectorFor(mimeType: string): KeyFrameDetector | undefined {
  switch (mimeType.toLowerCase()) {
    case 'video/vp8':
      return isVp8KeyFrame;
    case 'video/vp9':
      return isVp9KeyFrame;
    case 'video/h264':
    case 'video/h264-svc':
      return isH264KeyFrame;
    case 'video/av1':
      return isAv1KeyFrame;
    default:
      return undefined;
  }
}

/** Key frame test on a wrapped packet with a detector from `keyFrameDetectorFor`. */
export function isKeyFrame(view: RtpPacketView, detector: KeyFrameDetector | undefined): boolean {
  if (detector === undefined) return false;
  return detector(view.buffer, view.payloadOffset, view.payloadLength);
}
