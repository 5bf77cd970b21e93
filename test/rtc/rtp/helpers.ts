/**
 * Synthetic simulcast media for the worker-side RTP classes: a rid-only VP8
 * producer as Chrome + mediasoup-client signal it, and packets carrying the
 * MID / rid / repaired-rid header extensions (RFC 8285 one-byte form).
 */
import {
  RtpPacketView,
  writeRtpHeader,
  type RtpExtensionElement,
} from '../../../src/protocols/rtp/index.js';
import { Producer, type ProducerListener } from '../../../src/rtc/rtp/Producer.js';
import type { RtpParameters } from '../../../src/ortc/index.js';

export const EXT = { mid: 1, rid: 10, rrid: 11 } as const;
export const VP8_PT = 101;
export const RTX_PT = 102;
/** The router's SSRCs for the three encodings (what ortc's mapping would give). */
export const MAPPED = [1000, 2000, 3000];

export function ridOnlyParameters(mid = '0', rids = ['r0', 'r1', 'r2']): RtpParameters {
  return {
    mid,
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: VP8_PT,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
      },
      { mimeType: 'video/rtx', payloadType: RTX_PT, clockRate: 90000, parameters: { apt: VP8_PT } },
    ],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: EXT.mid },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', id: EXT.rid },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', id: EXT.rrid },
    ],
    encodings: rids.map((rid) => ({ rid, scalabilityMode: 'L1T3' })),
    rtcp: { cname: 'test' },
  };
}

export interface Recorded {
  rtp: { ssrc: number; seq: number; ts: number; keyFrame: boolean }[];
  keyFrameRequests: number[];
}

export function ridOnlyProducer(mid = '0'): { producer: Producer; recorded: Recorded } {
  const recorded: Recorded = { rtp: [], keyFrameRequests: [] };
  const listener: ProducerListener = {
    onRtp: (_p, packet, keyFrame) =>
      recorded.rtp.push({
        ssrc: packet.ssrc,
        seq: packet.sequenceNumber,
        ts: packet.timestamp,
        keyFrame,
      }),
    onNack: () => undefined,
    onKeyFrameRequest: (ssrc) => recorded.keyFrameRequests.push(ssrc),
    onScore: () => undefined,
    onTrace: () => undefined,
    onVideoOrientationChange: () => undefined,
  };
  const rtpParameters = ridOnlyParameters(mid);
  const producer = new Producer(
    {
      id: 'p-' + mid,
      kind: 'video',
      rtpParameters,
      rtpMapping: {
        codecs: [
          { payloadType: VP8_PT, mappedPayloadType: 100 },
          { payloadType: RTX_PT, mappedPayloadType: 101 },
        ],
        encodings: MAPPED.map((mappedSsrc, i) => ({ rid: `r${i}`, mappedSsrc })),
      },
      paused: false,
      keyFrameRequestDelay: 0,
      routerIdForUri: () => undefined,
    },
    listener,
  );
  return { producer, recorded };
}

export interface SynthPacket {
  ssrc: number;
  seq: number;
  ts?: number;
  pt?: number;
  keyFrame?: boolean;
  mid?: string;
  rid?: string;
  rrid?: string;
  /** RTX: the original sequence number (RFC 4588 §4 OSN) precedes the payload. */
  osn?: number;
  /** A VP8 descriptor with 15-bit PictureID, TL0PICIDX and TID/Y (RFC 7741 §4.2). */
  vp8?: { pictureId: number; tl0PicIdx: number; tid: number; layerSync?: boolean };
}

/** A fresh packet: VP8 payload (RFC 7741 §4.2/§4.3: key frame when P = 0). */
export function synthPacket(p: SynthPacket): RtpPacketView {
  const extensions: RtpExtensionElement[] = [];
  const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
  if (p.mid !== undefined) extensions.push({ id: EXT.mid, value: text(p.mid) });
  if (p.rid !== undefined) extensions.push({ id: EXT.rid, value: text(p.rid) });
  if (p.rrid !== undefined) extensions.push({ id: EXT.rrid, value: text(p.rrid) });
  const d = p.vp8;
  const vp8 = d
    ? [
        0x90,
        0xe0,
        0x80 | ((d.pictureId >> 8) & 0x7f),
        d.pictureId & 0xff,
        d.tl0PicIdx & 0xff,
        (d.tid << 6) | (d.layerSync ? 0x20 : 0),
        p.keyFrame ? 0x00 : 0x01,
        0x42,
        1,
        2,
      ]
    : [0x10, p.keyFrame ? 0x00 : 0x01, 0x42, 0x00, 1, 2, 3, 4];
  const payload = p.osn === undefined ? vp8 : [p.osn >> 8, p.osn & 0xff, ...vp8];
  const buf = Buffer.alloc(1500);
  const header = writeRtpHeader(buf, {
    payloadType: p.pt ?? VP8_PT,
    sequenceNumber: p.seq & 0xffff,
    timestamp: (p.ts ?? p.seq * 3000) >>> 0,
    ssrc: p.ssrc,
    extensions,
  });
  buf.set(payload, header);
  const view = new RtpPacketView();
  if (view.wrap(buf, header + payload.length) !== 'ok') throw new Error('bad test packet');
  return view;
}
