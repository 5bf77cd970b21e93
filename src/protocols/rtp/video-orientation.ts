/**
 * Coordination of Video Orientation, the `urn:3gpp:video-orientation` RTP header extension
 * (3GPP TS 26.114 §7.4.5): a one-byte value
 *
 *    7 6 5 4 3 2 1 0
 *   +-+-+-+-+-+-+-+-+
 *   |0 0 0 0|C|F|R R|   C: camera (0 front, 1 back), F: horizontal flip,
 *   +-+-+-+-+-+-+-+-+   R1 R0: rotation, counter-clockwise, in steps of 90 degrees.
 *
 * Read on the hot path: no allocation, the result is a small integer (the low four bits).
 */

/** No (valid) orientation element. */
export const NO_VIDEO_ORIENTATION = -1;

/**
 * The C F R1 R0 bits of an orientation element whose value is buf[offset, offset + length),
 * or NO_VIDEO_ORIENTATION when it is not one byte long or lies outside `buf`.
 */
export function readVideoOrientation(buf: Uint8Array, offset: number, length: number): number {
  if (length !== 1 || offset < 0 || offset >= buf.length) return NO_VIDEO_ORIENTATION;
  return buf[offset] & 0x0f;
}

/** C: the back-facing camera (TS 26.114 §7.4.5). */
export function orientationCamera(bits: number): boolean {
  return (bits & 0x08) !== 0;
}

/** F: horizontally flipped. */
export function orientationFlip(bits: number): boolean {
  return (bits & 0x04) !== 0;
}

/** R1 R0 as degrees: 0, 90, 180 or 270. */
export function orientationRotation(bits: number): number {
  return (bits & 0x03) * 90;
}
