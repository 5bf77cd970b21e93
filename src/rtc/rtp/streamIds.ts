/**
 * Reading the stream identification header extensions of an RTP packet:
 * MID (RFC 8843 §15), RtpStreamId "rid" and RepairedRtpStreamId (RFC 8852
 * §3.1, §3.2). Both are SDES items carried as RFC 8285 header extensions
 * whose value is the identifier's bytes (no terminator). Used only for
 * packets whose SSRC is not known yet, so the string forms may allocate;
 * the comparison form does not.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';

/** Whether extension `id` of `packet` holds exactly `value` (no allocation). */
export function extensionEquals(packet: RtpPacketView, id: number, value: Uint8Array): boolean {
  if (id <= 0) return false;
  const at = packet.findExtension(id);
  if (at < 0) return false;
  const length = packet.foundExtensionLength;
  if (length !== value.length) return false;
  const buf = packet.buffer;
  for (let i = 0; i < length; i++) if (buf[at + i] !== value[i]) return false;
  return true;
}

/** The value of extension `id` as a string (MID and rid are ASCII, RFC 8852 §3.1), if present. */
export function extensionString(packet: RtpPacketView, id: number): string | undefined {
  if (id <= 0) return undefined;
  const at = packet.findExtension(id);
  if (at < 0) return undefined;
  const length = packet.foundExtensionLength;
  if (length === 0) return undefined;
  const buf = packet.buffer;
  return Buffer.from(buf.buffer, buf.byteOffset + at, length).toString('latin1');
}
