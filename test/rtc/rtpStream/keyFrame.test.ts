import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isH264KeyFrame,
  isKeyFrame,
  isOpusKeyFrame,
  isVp8KeyFrame,
  isVp9KeyFrame,
  keyFrameDetectorFor,
} from '../../../src/rtc/rtpStream/index.js';
import { packet } from './helpers.js';

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

function test(fn: (b: Uint8Array, o: number, l: number) => boolean, hex: string): boolean {
  const b = bytes(hex);
  return fn(b, 0, b.length);
}

void describe('VP8 key frames (RFC 7741 §4.2–4.3)', () => {
  void it('reads the P bit after a descriptor with extensions', () => {
    // X=1 S=1 PID=0 | I L T | PictureID 15-bit (M) | TL0PICIDX | TID | frame tag P=0, start code
    const key = '90 e0 8a 4b 05 20 | 50 42 00 9d 01 2a 80 02 e0 01';
    assert.equal(test(isVp8KeyFrame, key.replace(/\|/g, '')), true);
    // Same descriptor, frame tag with P=1 (inter frame).
    assert.equal(test(isVp8KeyFrame, '90e08a4b0520 31 42 00'), false);
  });

  void it('reads the P bit after a minimal descriptor', () => {
    assert.equal(test(isVp8KeyFrame, '10 50 42 00 9d 01 2a'), true); // S=1, no X
    assert.equal(test(isVp8KeyFrame, '10 51 42 00'), false);
    assert.equal(test(isVp8KeyFrame, '80 80 05 50'), false); // S=0: not a partition start
    assert.equal(test(isVp8KeyFrame, '11 50 42'), false); // PID=1
  });

  void it('is false on truncated payloads', () => {
    assert.equal(test(isVp8KeyFrame, ''), false);
    assert.equal(test(isVp8KeyFrame, '90'), false);
    assert.equal(test(isVp8KeyFrame, '90 80 8a'), false);
    assert.equal(test(isVp8KeyFrame, '90 80 8a 4b'), false);
  });
});

void describe('H.264 key frames (RFC 6184)', () => {
  void it('single NAL units: IDR (5) and SPS (7)', () => {
    assert.equal(test(isH264KeyFrame, '65 88 84 00 33'), true);
    assert.equal(test(isH264KeyFrame, '67 42 c0 1f'), true);
    assert.equal(test(isH264KeyFrame, '41 9a 02 03'), false); // non-IDR slice
    assert.equal(test(isH264KeyFrame, '68 ce 3c 80'), false); // PPS alone
  });

  void it('STAP-A carrying SPS/PPS (§5.7.1)', () => {
    const stap = '78' + '000a 6742c01fda0141f5d4 04' + '0004 68ce3c80' + '0005 6588840033';
    assert.equal(test(isH264KeyFrame, stap), true);
    assert.equal(test(isH264KeyFrame, '78 0004 68ce3c80 0003 419a02'), false);
    assert.equal(test(isH264KeyFrame, '78 00ff 67'), false); // size overruns the packet
  });

  void it('FU-A start of an IDR slice (§5.8)', () => {
    assert.equal(test(isH264KeyFrame, '7c 85 88 84 00'), true); // S=1, type 5
    assert.equal(test(isH264KeyFrame, '7c 05 11 22'), false); // middle fragment
    assert.equal(test(isH264KeyFrame, '7c 45 11 22'), false); // end fragment
    assert.equal(test(isH264KeyFrame, '7c 81 9a 02'), false); // start of a non-IDR slice
    assert.equal(test(isH264KeyFrame, '7c'), false);
  });
});

void describe('VP9 key frames (RFC 9628 §4.2)', () => {
  void it('P=0 and B=1, base spatial layer', () => {
    assert.equal(test(isVp9KeyFrame, '88 80 01 aa'), true); // I, B; 15-bit picture id
    assert.equal(test(isVp9KeyFrame, 'c8 80 01 aa'), false); // P=1
    assert.equal(test(isVp9KeyFrame, '80 80 01 aa'), false); // B=0: not a frame start
    assert.equal(test(isVp9KeyFrame, 'a8 05 00 aa'), true); // L: SID 0
    assert.equal(test(isVp9KeyFrame, 'a8 05 02 aa'), false); // L: SID 1
    assert.equal(test(isVp9KeyFrame, 'a8 85'), false); // truncated
  });
});

void describe('key frame detection by mime type', () => {
  void it('picks the detector and reads a wrapped packet', () => {
    const vp8 = keyFrameDetectorFor('video/VP8');
    assert.equal(isKeyFrame(packet({ seq: 1, payload: bytes('10 50 42 00') }), vp8), true);
    assert.equal(isKeyFrame(packet({ seq: 1, payload: bytes('10 51 42 00') }), vp8), false);
    const h264 = keyFrameDetectorFor('video/H264');
    assert.equal(isKeyFrame(packet({ seq: 1, payload: bytes('65 88') }), h264), true);
    assert.equal(keyFrameDetectorFor('audio/opus'), undefined);
    assert.equal(isKeyFrame(packet({ seq: 1, payload: bytes('fc ff fe') }), undefined), false);
    assert.equal(isOpusKeyFrame(), false);
  });
});
