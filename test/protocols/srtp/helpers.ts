/** Test helpers for the SRTP tests. */

/** Bytes from hex, ignoring whitespace. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** A version 2 RTP packet with optional CSRCs and a one-byte-header extension. */
export function rtpPacket(
  seq: number,
  ssrc: number,
  payloadLength: number,
  options: { csrcs?: number; extensionWords?: number; fill?: number } = {},
): Buffer {
  const csrcs = options.csrcs ?? 0;
  const extensionWords = options.extensionWords;
  const headerLength = 12 + csrcs * 4 + (extensionWords === undefined ? 0 : 4 + extensionWords * 4);
  const packet = Buffer.alloc(headerLength + payloadLength);
  packet[0] = 0x80 | (extensionWords === undefined ? 0 : 0x10) | csrcs;
  packet[1] = 96;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(0x01020304, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  for (let i = 0; i < csrcs; i++) packet.writeUInt32BE(0xc0000000 + i, 12 + i * 4);
  if (extensionWords !== undefined) {
    const at = 12 + csrcs * 4;
    packet.writeUInt16BE(0xbede, at);
    packet.writeUInt16BE(extensionWords, at + 2);
    for (let i = 0; i < extensionWords * 4; i++) packet[at + 4 + i] = 0x10 + i;
  }
  for (let i = 0; i < payloadLength; i++) packet[headerLength + i] = (options.fill ?? i) & 0xff;
  return packet;
}

/** A sender report with one report block (52 bytes). */
export function rtcpPacket(ssrc: number): Buffer {
  const packet = Buffer.alloc(52);
  packet[0] = 0x81;
  packet[1] = 200;
  packet.writeUInt16BE(52 / 4 - 1, 2);
  packet.writeUInt32BE(ssrc >>> 0, 4);
  for (let i = 8; i < 52; i++) packet[i] = i;
  return packet;
}
