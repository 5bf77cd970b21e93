/**
 * A VP8-like RTP stream: frames at a fixed rate, each frame's packets sent back to back (as a
 * camera's packetizer does), packet sizes drawn from a range, one SSRC. The first packet of
 * every frame carries an RFC 7741 payload descriptor with S=1, PID=0 and a VP8 payload header
 * whose P bit says key frame (0) or not (1): Skein's key frame detection reads exactly that.
 * A key frame every `keyFrameInterval` frames, and at the next frame after a PLI/FIR.
 */
import { randomFillSync } from 'node:crypto';

import type { RtpParameters } from '../../src/index.js';
import { SEND_TIME_OFFSET, epochMs } from './Connection.js';
import type { StreamSettings } from './messages.js';

/** Frames more than this late are skipped, not sent in one burst (the client cannot keep up). */
const MAX_BEHIND_MS = 500;
const VP8_CLOCK_RATE = 90000;

/** The RTP parameters a producer of this stream signals (VP8 with NACK, PLI and FIR). */
export function vp8RtpParameters(payloadType: number, ssrc: number, cname: string): RtpParameters {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType,
        clockRate: VP8_CLOCK_RATE,
        rtcpFeedback: [
          { type: 'nack' },
          { type: 'nack', parameter: 'pli' },
          { type: 'ccm', parameter: 'fir' },
        ],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname, reducedSize: true },
  };
}

export class VideoSource {
  readonly #send: (packet: Uint8Array) => boolean;
  readonly #packet = Buffer.alloc(1500);
  #settings: StreamSettings;
  #startMs = 0;
  #framesSent = 0;
  #packetsBefore = 0;
  #seq = Math.floor(Math.random() * 0x10000);
  #timestamp = Math.floor(Math.random() * 0x100000000);
  #pictureId = Math.floor(Math.random() * 0x8000);
  #frameIndex = 0;
  #keyFrameRequested = true;
  /** Cumulative packets sent, and packets that should have been sent by now. */
  sent = 0;
  due = 0;
  keyFramesSent = 0;
  keyFrameRequestsReceived = 0;

  constructor(settings: StreamSettings, send: (packet: Uint8Array) => boolean) {
    this.#send = send;
    this.#settings = settings;
    randomFillSync(this.#packet);
    this.setSettings(settings);
  }

  /** Starts over at the new rate (sequence numbers and timestamps continue). */
  setSettings(settings: StreamSettings): void {
    this.#settings = settings;
    this.#startMs = performance.now();
    this.#framesSent = 0;
    this.#packetsBefore = this.due;
  }

  requestKeyFrame(): void {
    this.keyFrameRequestsReceived++;
    this.#keyFrameRequested = true;
  }

  /** Sends every frame that is due at `nowMs`. */
  tick(nowMs: number): void {
    const { packetRate, fps } = this.#settings;
    if (packetRate <= 0) return;
    const elapsed = nowMs - this.#startMs;
    this.due = this.#packetsBefore + Math.floor((elapsed * packetRate) / 1000);
    const framesDue = Math.floor((elapsed * fps) / 1000) + 1;
    if (framesDue - this.#framesSent > (MAX_BEHIND_MS * fps) / 1000) {
      this.#framesSent = framesDue - 1; // fell behind: drop the backlog
    }
    while (this.#framesSent < framesDue) {
      const f = this.#framesSent++;
      const packets = Math.floor(((f + 1) * packetRate) / fps) - Math.floor((f * packetRate) / fps);
      if (packets > 0) this.#sendFrame(packets);
      this.#timestamp = (this.#timestamp + Math.round(VP8_CLOCK_RATE / fps)) >>> 0;
    }
  }

  #sendFrame(packets: number): void {
    const s = this.#settings;
    const key = this.#keyFrameRequested || this.#frameIndex % s.keyFrameInterval === 0;
    this.#keyFrameRequested = false;
    this.#frameIndex++;
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    if (key) this.keyFramesSent++;
    const p = this.#packet;
    for (let i = 0; i < packets; i++) {
      const size =
        s.minPacketSize + Math.floor(Math.random() * (s.maxPacketSize - s.minPacketSize + 1));
      const last = i === packets - 1;
      // RTP fixed header (RFC 3550 §5.1), no CSRC, no extension.
      p[0] = 0x80;
      p[1] = (last ? 0x80 : 0) | s.payloadType;
      p.writeUInt16BE(this.#seq, 2);
      p.writeUInt32BE(this.#timestamp, 4);
      p.writeUInt32BE(s.ssrc >>> 0, 8);
      // VP8 payload descriptor (RFC 7741 §4.2): X=1, S on the first packet, PID=0;
      // I=1 with a 15-bit PictureID.
      p[12] = i === 0 ? 0x90 : 0x80;
      p[13] = 0x80;
      p[14] = 0x80 | (this.#pictureId >> 8);
      p[15] = this.#pictureId & 0xff;
      if (i === 0) {
        // VP8 payload header (RFC 7741 §4.3 / RFC 6386 §9.1): P=0 on a key frame, show_frame=1.
        p[16] = key ? 0x10 : 0x11;
        if (key) {
          p[19] = 0x9d; // start code
          p[20] = 0x01;
          p[21] = 0x2a;
          p.writeUInt16LE(640, 22);
          p.writeUInt16LE(480, 24);
        }
      }
      p.writeDoubleLE(epochMs(), 12 + SEND_TIME_OFFSET);
      this.#seq = (this.#seq + 1) & 0xffff;
      if (this.#send(p.subarray(0, size))) this.sent++;
    }
  }
}
