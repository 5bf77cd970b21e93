/**
 * The client-to-mixer audio level header extension (RFC 6464 §3,
 * urn:ietf:params:rtp-hdrext:ssrc-audio-level): one byte, carried as an RFC 8285 element.
 *
 *   0 1 2 3 4 5 6 7
 *  +-+-+-+-+-+-+-+-+
 *  |V|    level    |   V: the sender thinks the packet has voice (optional, §3)
 *  +-+-+-+-+-+-+-+-+   level: 0..127, the level in −dBov (0 loudest, 127 silence)
 */
import type { RtpPacketView } from './packet-view.js';

/** What the reads return when the packet carries no (well-formed) audio level. */
export const NO_AUDIO_LEVEL = -1;

/**
 * The audio level byte at `buf[offset, offset + length)`: the raw byte (V bit included,
 * 0..255), or NO_AUDIO_LEVEL unless the value is exactly one byte inside `buf` (§3: the
 * element's data is one octet; mediasoup refuses other lengths too).
 */
export function parseAudioLevel(buf: Uint8Array, offset: number, length: number): number {
  if (length !== 1 || offset < 0 || offset >= buf.length) return NO_AUDIO_LEVEL;
  return buf[offset];
}

/**
 * The raw audio level byte of a wrapped packet whose element `id` is the audio level
 * extension, or NO_AUDIO_LEVEL (id 0: not negotiated). No allocation.
 */
export function readAudioLevel(view: RtpPacketView, id: number): number {
  if (id <= 0 || !view.hasExtension) return NO_AUDIO_LEVEL;
  const at = view.findExtension(id);
  if (at < 0) return NO_AUDIO_LEVEL;
  return parseAudioLevel(view.buffer, at, view.foundExtensionLength);
}

/** The level (0..127, in −dBov) of a raw byte from the reads above. */
export function audioLevelOf(raw: number): number {
  return raw & 0x7f;
}

/** The V (voice activity) bit of a raw byte from the reads above. */
export function voiceActivityOf(raw: number): boolean {
  return (raw & 0x80) !== 0;
}

/** The raw byte for `level` (clamped to 0..127) and `voice`, for writers and tests. */
export function encodeAudioLevel(level: number, voice: boolean): number {
  const l = Math.min(127, Math.max(0, Math.round(level)));
  return (voice ? 0x80 : 0) | l;
}
