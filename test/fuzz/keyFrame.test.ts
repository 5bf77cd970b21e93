/**
 * Fuzz: key-frame detection (src/rtc/rtpStream/keyFrame.ts) for VP8 (RFC 7741), VP9
 * (RFC 9628) and H.264 (RFC 6184) on mutated payloads from Chromium and ffmpeg captures:
 * never throws, reads only `buf[offset, offset + length)`; captured key frames are found.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RtpPacketView } from '../../src/protocols/rtp/index.js';
import {
  isAv1KeyFrame,
  isH264KeyFrame,
  isVp8KeyFrame,
  isVp9KeyFrame,
  isKeyFrame,
  keyFrameDetectorFor,
} from '../../src/rtc/rtpStream/keyFrame.js';
import { bytesFrom, embed, fuzz, loadCorpus } from './kit.js';

const view = new RtpPacketView();

/** Payloads of the captured packets with the given payload types (as the capture negotiated). */
function payloads(name: string, pts: number[]): Buffer[] {
  return loadCorpus(name).flatMap((b) =>
    view.wrap(b) === 'ok' && pts.includes(view.payloadType) ? [Buffer.from(view.payload())] : [],
  );
}

// ffmpeg: VP8 on PT 96, H264 on PT 102 (scripts/capture-corpus.mjs); Chromium: VP8 96, H264 108
// (mediasoup-client's offer; RTX and opus excluded).
const vp8 = payloads('ffmpeg-vp8-opus-rtp', [96]).concat(payloads('rtp', [96]));
const h264 = payloads('ffmpeg-h264-rtp', [102]).concat(payloads('rtp', [108]));
const detectors = [isVp8KeyFrame, isVp9KeyFrame, isH264KeyFrame, isAv1KeyFrame];

void describe('fuzz: key-frame detection', () => {
  void it('finds the key frames in the captures', () => {
    assert.ok(
      vp8.some((p) => isVp8KeyFrame(p, 0, p.length)),
      'no VP8 key frame found',
    );
    assert.ok(
      h264.some((p) => isH264KeyFrame(p, 0, p.length)),
      'no H264 key frame found',
    );
    assert.ok(
      vp8.some((p) => !isVp8KeyFrame(p, 0, p.length)),
      'every VP8 packet a key frame',
    );
    assert.equal(keyFrameDetectorFor('video/VP8'), isVp8KeyFrame);
  });

  void it('reads only its range of mutated payloads, through any offset and length', () => {
    fuzz(
      'keyframe',
      [
        bytesFrom([...vp8, ...h264], 1200),
        fc.nat(3),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
      ],
      (bytes, which, from, cut) => {
        const detect = detectors[which];
        const offset = Math.floor(from * bytes.length);
        const length = Math.floor(cut * (bytes.length - offset));
        const alone = detect(Buffer.from(bytes.subarray(offset, offset + length)), 0, length);
        for (const sentinel of [0x00, 0xff, 0x10]) {
          const { whole, view: v } = embed(bytes, sentinel);
          const base = v.byteOffset - whole.byteOffset;
          if (detect(whole, base + offset, length) !== alone) return false;
        }
        // Out-of-range requests are refused rather than read.
        return !detect(bytes, offset, bytes.length - offset + 1) && !detect(bytes, offset, -1);
      },
      { base: 4000 },
    );
  });

  void it('detects on wrapped RTP packets without throwing', () => {
    const packets = loadCorpus('rtp');
    fuzz(
      'keyframe-packet',
      [bytesFrom(packets)],
      (bytes) => {
        if (view.wrap(bytes) !== 'ok') return true;
        for (const mime of ['video/VP8', 'video/VP9', 'video/H264', 'video/AV1', 'audio/opus'])
          isKeyFrame(view, keyFrameDetectorFor(mime));
        return true;
      },
      { base: 2000 },
    );
  });
});
