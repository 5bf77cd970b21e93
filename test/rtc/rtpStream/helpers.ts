import { RtpPacketView, writeRtpHeader } from '../../../src/protocols/rtp/index.js';

export interface PacketInit {
  seq: number;
  ts?: number;
  ssrc?: number;
  pt?: number;
  marker?: boolean;
  payload?: ArrayLike<number>;
  /** Payload length when `payload` is not given (bytes 0, 1, 2, ...). */
  size?: number;
}

/** A fresh buffer holding one RTP packet. */
export function packetBytes(p: PacketInit): Uint8Array {
  const payload = p.payload ?? Array.from({ length: p.size ?? 10 }, (_, i) => i & 0xff);
  const buf = new Uint8Array(12 + payload.length);
  writeRtpHeader(buf, {
    payloadType: p.pt ?? 96,
    sequenceNumber: p.seq & 0xffff,
    timestamp: (p.ts ?? 0) >>> 0,
    ssrc: p.ssrc ?? 0x11111111,
    marker: p.marker ?? false,
  });
  buf.set(payload, 12);
  return buf;
}

/** A view over a fresh packet. */
export function packet(p: PacketInit): RtpPacketView {
  const v = new RtpPacketView();
  if (v.wrap(packetBytes(p)) !== 'ok') throw new Error('bad test packet');
  return v;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
