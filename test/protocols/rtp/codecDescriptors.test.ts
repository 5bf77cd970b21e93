import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Vp8Descriptor,
  Vp9Descriptor,
  parseVp8Descriptor,
  parseVp9Descriptor,
  rewriteVp8Descriptor,
} from '../../../src/protocols/rtp/index.js';

void describe('VP8 payload descriptor (RFC 7741 §4.2)', () => {
  test('the full extended form: 15-bit PictureID, TL0PICIDX, TID/Y/KEYIDX, key frame', () => {
    // X=1 S=1 PID=0 | I L T K | M=1 PictureID 0x1234 | TL0PICIDX 7 | TID=2 Y=1 KEYIDX=5 | P=0
    const buf = Buffer.from([0x90, 0xf0, 0x80 | 0x12, 0x34, 0x07, 0xa5, 0x00, 0xaa]);
    const d = new Vp8Descriptor();
    assert.ok(parseVp8Descriptor(buf, 0, buf.length, d));
    assert.equal(d.pictureId, 0x1234);
    assert.equal(d.pictureIdLength, 2);
    assert.equal(d.tl0PicIdx, 7);
    assert.ok(d.hasTid && d.layerSync);
    assert.equal(d.tid, 2);
    assert.equal(d.keyIdx, 5);
    assert.equal(d.length, 6);
    assert.ok(d.keyFrame);
    buf[6] = 0x01; // P=1: an inter frame
    assert.ok(parseVp8Descriptor(buf, 0, buf.length, d));
    assert.ok(!d.keyFrame);
  });

  test('7-bit PictureID, no layer fields; the minimal form', () => {
    const d = new Vp8Descriptor();
    assert.ok(parseVp8Descriptor(Buffer.from([0x80, 0x80, 0x15, 0x01]), 0, 4, d));
    assert.equal(d.pictureId, 0x15);
    assert.equal(d.pictureIdLength, 1);
    assert.ok(!d.hasTl0PicIdx && !d.hasTid && d.tid === 0);
    assert.ok(parseVp8Descriptor(Buffer.from([0x10, 0x00]), 0, 2, d));
    assert.ok(d.keyFrame && !d.hasPictureId && d.length === 1);
  });

  test('truncated descriptors are refused', () => {
    const full = Buffer.from([0x90, 0xf0, 0x92, 0x34, 0x07, 0xa5, 0x00]);
    const d = new Vp8Descriptor();
    for (let n = 0; n < full.length; n++) assert.ok(!parseVp8Descriptor(full, 0, n, d), `${n}`);
    assert.ok(!parseVp8Descriptor(full, 2, full.length, d), 'range past the buffer');
  });

  test('rewrites PictureID (in its width) and TL0PICIDX in place, nothing else', () => {
    const buf = Buffer.from([0x90, 0xe0, 0x92, 0x34, 0x07, 0x40, 0x00, 0xaa]);
    assert.ok(rewriteVp8Descriptor(buf, 0, buf.length, 0x7ffe, 0x1ff));
    const d = new Vp8Descriptor();
    assert.ok(parseVp8Descriptor(buf, 0, buf.length, d));
    assert.equal(d.pictureId, 0x7ffe);
    assert.equal(d.tl0PicIdx, 0xff);
    assert.equal(d.tid, 1);
    assert.deepEqual([...buf.subarray(6)], [0x00, 0xaa]);
    const short = Buffer.from([0x80, 0x80, 0x15, 0x01]);
    assert.ok(rewriteVp8Descriptor(short, 0, 4, 0x1234, 9));
    assert.equal(short[2], 0x34);
    assert.ok(!rewriteVp8Descriptor(Buffer.from([0x80, 0x80]), 0, 2, 1, 1));
  });
});

void describe('VP9 payload descriptor (RFC 9628 §4.2)', () => {
  test('non-flexible mode with layer indices, TL0PICIDX and a scalability structure', () => {
    // I=1 P=0 L=1 F=0 B=1 E=0 V=1 | M=1 PictureID 0x0102 | TID=0 U=0 SID=0 D=0 | TL0PICIDX 9
    // SS: N_S=2 Y=1 G=0 | 3 × (width, height)
    const buf = Buffer.from([
      0xaa, 0x81, 0x02, 0x00, 0x09, 0x50, 0x01, 0x40, 0x00, 0xb4, 0x02, 0x80, 0x01, 0x68, 0x05,
      0x00, 0x02, 0xd0, 0xff,
    ]);
    const d = new Vp9Descriptor();
    assert.ok(parseVp9Descriptor(buf, 0, buf.length, d));
    assert.equal(d.pictureId, 0x0102);
    assert.ok(d.hasLayerIndices && d.hasTl0PicIdx && d.tl0PicIdx === 9);
    assert.equal(d.ssSpatialLayers, 3);
    assert.deepEqual([...d.ssWidths.subarray(0, 3)], [320, 640, 1280]);
    assert.deepEqual([...d.ssHeights.subarray(0, 3)], [180, 360, 720]);
    assert.ok(d.keyFrame && d.beginOfFrame && !d.endOfFrame);
    assert.equal(d.length, buf.length - 1);
  });

  test('flexible mode: layer indices without TL0PICIDX, P_DIFF references', () => {
    // I=1 P=1 L=1 F=1 B=0 E=1 | PictureID 5 | TID=2 U=1 SID=1 D=1 | P_DIFF 1 N=1, P_DIFF 2 N=0
    const buf = Buffer.from([0xf4, 0x05, (2 << 5) | 0x10 | (1 << 1) | 1, 0x03, 0x04, 0xee]);
    const d = new Vp9Descriptor();
    assert.ok(parseVp9Descriptor(buf, 0, buf.length, d));
    assert.ok(d.flexible && d.predicted && d.endOfFrame && !d.hasTl0PicIdx);
    assert.equal(d.tid, 2);
    assert.equal(d.sid, 1);
    assert.ok(d.switchingUp && d.interLayerDependency);
    assert.deepEqual([...d.refs.subarray(0, d.refCount)], [1, 2]);
    assert.ok(!d.keyFrame);
    assert.equal(d.length, 5);
  });

  test('truncations and a fourth P_DIFF are refused', () => {
    const d = new Vp9Descriptor();
    const buf = Buffer.from([0xaa, 0x81, 0x02, 0x00, 0x09, 0x50, 0x01, 0x40, 0x00, 0xb4]);
    for (let n = 0; n < 9; n++) assert.ok(!parseVp9Descriptor(buf, 0, n, d), `${n}`);
    assert.ok(!parseVp9Descriptor(Buffer.from([0x50, 0x03, 0x03, 0x03, 0x03]), 0, 5, d));
  });
});
