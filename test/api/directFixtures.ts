/**
 * What the DirectTransport suites feed a direct producer: VP8 RTP packets built in Node, and
 * the RTP parameters a Node application signals for them (no header extensions, no RTX).
 */
import type { RtpParameters } from '../../src/index.js';

export function directVp8Parameters(ssrc: number, payloadType = 96): RtpParameters {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType,
        clockRate: 90000,
        rtcpFeedback: [
          { type: 'nack' },
          { type: 'nack', parameter: 'pli' },
          { type: 'ccm', parameter: 'fir' },
        ],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: 'direct', reducedSize: true },
  };
}

export interface Vp8PacketShape {
  ssrc: number;
  seq: number;
  timestamp: number;
  /** The first packet of a frame (S=1 and a VP8 payload header). */
  first: boolean;
  /** A key frame (P=0 in the payload header); meaningful with `first`. */
  key: boolean;
  size: number;
  payloadType?: number;
}

/**
 * One VP8 RTP packet (RFC 3550 §5.1 header, RFC 7741 §4.2 descriptor with a 15-bit
 * PictureID, §4.3 payload header), the rest of the payload a pattern of the sequence number.
 */
export function vp8Packet(shape: Vp8PacketShape): Buffer {
  const p = Buffer.alloc(Math.max(shape.size, 26));
  p[0] = 0x80;
  p[1] = shape.payloadType ?? 96;
  p.writeUInt16BE(shape.seq & 0xffff, 2);
  p.writeUInt32BE(shape.timestamp >>> 0, 4);
  p.writeUInt32BE(shape.ssrc >>> 0, 8);
  for (let i = 16; i < p.length; i++) p[i] = (i + shape.seq) & 0xff;
  p[12] = shape.first ? 0x90 : 0x80; // X=1, S
  p[13] = 0x80; // I=1
  const pictureId = (shape.timestamp / 3000) & 0x7fff;
  p[14] = 0x80 | (pictureId >> 8);
  p[15] = pictureId & 0xff;
  if (shape.first) {
    p[16] = shape.key ? 0x10 : 0x11; // P=0 on a key frame, show_frame=1
    if (shape.key) {
      p[19] = 0x9d; // the key frame start code (RFC 6386 §9.1)
      p[20] = 0x01;
      p[21] = 0x2a;
      p.writeUInt16LE(320, 22);
      p.writeUInt16LE(240, 24);
    }
  }
  return p;
}
