import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExtensionForm,
  RtpPacketView,
  rtpHeaderSize,
  writeRtpHeader,
} from '../../../src/protocols/rtp/index.js';

void describe('RFC 3550 §5.1 + RFC 8285 §4 header serialization', () => {
  void it('writes a plain 12-byte header', () => {
    const h = { payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3, marker: true };
    const out = Buffer.alloc(rtpHeaderSize(h));
    assert.equal(writeRtpHeader(out, h), 12);
    assert.deepEqual(out, Buffer.from('80e00001000000020000000' + '3', 'hex'));
  });

  void it('round-trips CSRCs and one-byte extensions through the view', () => {
    const h = {
      payloadType: 111,
      sequenceNumber: 65535,
      timestamp: 0xffffffff,
      ssrc: 0x12345678,
      csrcs: [7, 8],
      extensions: [
        { id: 1, value: Buffer.from([0x85]) },
        { id: 14, value: Buffer.alloc(16, 9) },
      ],
    };
    const size = rtpHeaderSize(h);
    assert.equal(size, 12 + 8 + 4 + 20);
    const out = Buffer.alloc(size + 4, 0xee);
    assert.equal(writeRtpHeader(out, h), size);
    const v = new RtpPacketView();
    assert.equal(v.wrap(out), 'ok');
    assert.equal(v.extensionForm, ExtensionForm.OneByte);
    assert.equal(v.csrc(1), 8);
    assert.equal(v.timestamp, 0xffffffff);
    assert.deepEqual(Buffer.from(v.getExtension(1)!), Buffer.from([0x85]));
    assert.deepEqual(Buffer.from(v.getExtension(14)!), Buffer.alloc(16, 9));
    assert.equal(v.payloadLength, 4);
  });

  void it('falls back to the two-byte form for ids above 14 or empty values', () => {
    const h = {
      payloadType: 96,
      sequenceNumber: 0,
      timestamp: 0,
      ssrc: 0,
      extensions: [
        { id: 20, value: Buffer.from('mid') },
        { id: 2, value: Buffer.alloc(0) },
      ],
    };
    const out = Buffer.alloc(rtpHeaderSize(h));
    assert.equal(writeRtpHeader(out, h), out.length);
    const v = new RtpPacketView();
    assert.equal(v.wrap(out), 'ok');
    assert.equal(v.extensionProfile, 0x1000);
    assert.equal(Buffer.from(v.getExtension(20)!).toString(), 'mid');
    assert.equal(v.getExtension(2)!.length, 0);
  });

  void it('refuses invalid headers and small buffers', () => {
    const base = { payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 0 };
    assert.equal(rtpHeaderSize({ ...base, csrcs: new Array<number>(16).fill(1) }), 0);
    assert.equal(rtpHeaderSize({ ...base, extensions: [{ id: 0, value: Buffer.alloc(1) }] }), 0);
    assert.equal(writeRtpHeader(Buffer.alloc(11), base), -1);
  });
});
