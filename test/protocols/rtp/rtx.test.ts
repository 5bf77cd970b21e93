import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  RtpPacketView,
  decapsulateRtx,
  encapsulateRtx,
  rtxOriginalSequenceNumber,
  rtxPacketSize,
  writeRtpHeader,
} from '../../../src/protocols/rtp/index.js';

function original(): Buffer {
  const h = {
    payloadType: 96,
    sequenceNumber: 0xabcd,
    timestamp: 90000,
    ssrc: 0x11111111,
    marker: true,
    extensions: [{ id: 3, value: Buffer.from([1, 2, 3]) }],
  };
  const buf = Buffer.alloc(20 + 8 + 5);
  const n = writeRtpHeader(buf, h);
  buf.set([0xde, 0xad, 0xbe, 0xef, 0x42], n);
  return buf;
}

void describe('RFC 4588 §4 RTX payload format', () => {
  void it('encapsulates into a caller buffer and decapsulates in place', () => {
    const orig = new RtpPacketView();
    const src = original();
    assert.equal(orig.wrap(src), 'ok');
    const out = Buffer.alloc(1500);
    const n = encapsulateRtx(orig, out, 97, 0x22222222, 7);
    assert.equal(n, rtxPacketSize(orig));
    assert.equal(n, src.length + 2);

    const rtx = new RtpPacketView();
    assert.equal(rtx.wrap(out, n), 'ok');
    assert.equal(rtx.payloadType, 97);
    assert.equal(rtx.ssrc, 0x22222222);
    assert.equal(rtx.sequenceNumber, 7);
    assert.equal(rtx.marker, true);
    assert.equal(rtxOriginalSequenceNumber(rtx), 0xabcd);
    assert.deepEqual(Buffer.from(rtx.getExtension(3)!), Buffer.from([1, 2, 3]));

    assert.equal(decapsulateRtx(rtx, 96, 0x11111111), true);
    assert.equal(rtx.length, src.length);
    assert.deepEqual(out.subarray(0, rtx.length), src);
  });

  void it('drops the original padding and keeps the RTX packet unpadded', () => {
    const src = Buffer.from('a0600005000000010000000199880002', 'hex'); // payload 99 88, 2 pad
    const v = new RtpPacketView();
    assert.equal(v.wrap(src), 'ok');
    const out = Buffer.alloc(rtxPacketSize(v));
    assert.equal(encapsulateRtx(v, out, 97, 2, 3), 16);
    assert.deepEqual(out, Buffer.from('806100030000000100000002' + '00059988', 'hex'));
  });

  void it('decapsulation keeps RTX padding at the end', () => {
    const buf = Buffer.from('a061000300000001000000020005998800000004', 'hex');
    const v = new RtpPacketView();
    assert.equal(v.wrap(buf), 'ok');
    assert.equal(decapsulateRtx(v, 96, 1), true);
    assert.equal(v.sequenceNumber, 5);
    assert.equal(v.paddingLength, 4);
    assert.deepEqual(Buffer.from(v.payload()), Buffer.from('9988', 'hex'));
  });

  void it('a padding-only RTX packet has no OSN', () => {
    const buf = Buffer.from('a06100030000000100000002000003', 'hex');
    const v = new RtpPacketView();
    assert.equal(v.wrap(buf), 'ok');
    assert.equal(rtxOriginalSequenceNumber(v), -1);
    assert.equal(decapsulateRtx(v, 96, 1), false);
    assert.equal(v.sequenceNumber, 3);
  });

  void it('refuses a small or overlapping output buffer', () => {
    const v = new RtpPacketView();
    const src = original();
    assert.equal(v.wrap(src), 'ok');
    assert.equal(encapsulateRtx(v, Buffer.alloc(rtxPacketSize(v) - 1), 97, 1, 1), -1);
    assert.equal(encapsulateRtx(v, src, 97, 1, 1), -1);
  });
});
