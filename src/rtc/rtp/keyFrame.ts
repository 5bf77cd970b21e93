/**
 * Key frame detection on the first packet of a frame, per payload format.
 * Consumers wait for a key frame before forwarding video (a decoder cannot
 * start elsewhere), and key frames satisfy pending key frame requests.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';

export function isKeyFrame(mimeType: string, packet: RtpPacketView): boolean {
  const payload = packet.buffer;
  const start = packet.payloadOffset;
  const length = packet.payloadLength;
  switch (mimeType.toLowerCase()) {
    case 'video/vp8':
      return isVp8KeyFrame(payload, start, length);
    case 'video/h264':
      return isH264KeyFrame(payload, start, length);
    case 'video/vp9':
      return isVp9KeyFrame(payload, start, length);
    default:
      return false;
  }
}

/** RFC 7741 §4.2 payload descriptor, then the VP8 payload header's P bit (§4.3). */
function isVp8KeyFrame(b: Uint8Array, start: number, length: number): boolean {
  if (length < 1) return false;
  let i = start;
  const end = start + length;
  const x = (b[i] & 0x80) !== 0;
  const s = (b[i] & 0x10) !== 0;
  const pid = b[i] & 0x07;
  i++;
  if (x) {
    if (i >= end) return false;
    const ext = b[i];
    i++;
    if (ext & 0x80) {
      if (i >= end) return false;
      i += b[i] & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    }
    if (ext & 0x40) i++; // TL0PICIDX
    if (ext & 0x30) i++; // TID/Y/KEYIDX
  }
  // Only the first partition's start carries the payload header.
  if (!s || pid !== 0 || i >= end) return false;
  return (b[i] & 0x01) === 0;
}

/** RFC 6184: an IDR slice (5) or SPS (7), alone, in a STAP-A (24) or starting an FU-A (28). */
function isH264KeyFrame(b: Uint8Array, start: number, length: number): boolean {
  if (length < 1) return false;
  const type = b[start] & 0x1f;
  if (type === 5 || type === 7) return true;
  if (type === 24) {
    let i = start + 1;
    const end = start + length;
    while (i + 2 < end) {
      const size = (b[i] << 8) | b[i + 1];
      const nal = b[i + 2] & 0x1f;
      if (nal === 5 || nal === 7) return true;
      i += 2 + size;
    }
    return false;
  }
  if (type === 28 && length >= 2) {
    const startBit = (b[start + 1] & 0x80) !== 0;
    const nal = b[start + 1] & 0x1f;
    return startBit && (nal === 5 || nal === 7);
  }
  return false;
}

/** VP9 payload descriptor (RFC 9628 §4.2): P (inter-picture predicted) clear on a frame start. */
function isVp9KeyFrame(b: Uint8Array, start: number, length: number): boolean {
  if (length < 1) return false;
  const first = b[start];
  const p = (first & 0x40) !== 0;
  const beginning = (first & 0x08) !== 0;
  return !p && beginning;
}
