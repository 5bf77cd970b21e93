import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExtensionForm, RtpPacketView } from '../../../src/protocols/rtp/index.js';

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** V=2 X=1 CC=0, PT 111, seq 0x1234, ts 12345, SSRC 0xdeadbeef, one-byte extensions. */
const ONE_BYTE = hex(`
  90 6f 12 34  00 00 30 39  de ad be ef
  be de 00 02  10 ff 00 32  01 02 03 00
  aa bb cc`);

/** V=2 P=1 X=1 CC=2 M=1 PT 96, two-byte extensions (profile 0x1000), 3 padding bytes. */
const TWO_BYTE = hex(`
  b2 e0 ff ff  ff ff ff fe  00 00 00 01
  00 00 00 0a  00 00 00 0b
  10 00 00 02  05 00 00 2c  03 61 62 63
  01 02 00 03`);

function view(buf: Uint8Array): RtpPacketView {
  const v = new RtpPacketView();
  assert.equal(v.wrap(buf), 'ok');
  return v;
}

void describe('RFC 3550 §5.1 RTP fixed header', () => {
  void it('reads the fields of a one-byte-extension packet', () => {
    const v = view(ONE_BYTE);
    assert.equal(v.version, 2);
    assert.equal(v.hasPadding, false);
    assert.equal(v.hasExtension, true);
    assert.equal(v.csrcCount, 0);
    assert.equal(v.marker, false);
    assert.equal(v.payloadType, 111);
    assert.equal(v.sequenceNumber, 0x1234);
    assert.equal(v.timestamp, 12345);
    assert.equal(v.ssrc, 0xdeadbeef);
    assert.equal(v.headerLength, 24);
    assert.equal(v.payloadLength, 3);
    assert.deepEqual(Buffer.from(v.payload()), hex('aa bb cc'));
  });

  void it('reads CSRCs, marker, padding and 32-bit values with the top bit set', () => {
    const v = view(TWO_BYTE);
    assert.equal(v.marker, true);
    assert.equal(v.payloadType, 96);
    assert.equal(v.sequenceNumber, 0xffff);
    assert.equal(v.timestamp, 0xfffffffe);
    assert.equal(v.csrcCount, 2);
    assert.equal(v.csrc(0), 10);
    assert.equal(v.csrc(1), 11);
    assert.equal(v.csrc(2), undefined);
    assert.equal(v.paddingLength, 3);
    assert.equal(v.headerLength, 32);
    assert.equal(v.payloadLength, 1);
  });

  void it('sets fields in place without touching neighbours', () => {
    const buf = Buffer.from(ONE_BYTE);
    const v = view(buf);
    v.marker = true;
    v.payloadType = 100;
    v.sequenceNumber = 0xfffe;
    v.timestamp = 0x80000001;
    v.ssrc = 0x01020304;
    assert.deepEqual(buf.subarray(0, 12), hex('90 e4 ff fe 80 00 00 01 01 02 03 04'));
    v.marker = false;
    assert.equal(v.payloadType, 100);
    assert.equal(buf[1], 100);
    assert.deepEqual(buf.subarray(12), ONE_BYTE.subarray(12));
  });

  void it('a view is reusable across packets', () => {
    const v = new RtpPacketView();
    assert.equal(v.wrap(ONE_BYTE), 'ok');
    assert.equal(v.wrap(TWO_BYTE), 'ok');
    assert.equal(v.ssrc, 1);
    assert.equal(v.wrap(ONE_BYTE, 15), 'extension-overflow');
    assert.equal(v.length, 0);
  });
});

void describe('RFC 3550 §5.1 / A.1 validity checks on malformed packets', () => {
  const v = new RtpPacketView();
  void it('too short', () => {
    assert.equal(v.wrap(Buffer.alloc(0)), 'too-short');
    assert.equal(v.wrap(ONE_BYTE.subarray(0, 11)), 'too-short');
    assert.equal(v.wrap(ONE_BYTE, ONE_BYTE.length + 1), 'too-short');
  });
  void it('version other than 2', () => {
    const b = Buffer.from(ONE_BYTE);
    b[0] = 0x50;
    assert.equal(v.wrap(b), 'bad-version');
  });
  void it('CSRC list past the end', () => {
    assert.equal(v.wrap(hex('8f 60 00 01 00 00 00 01 00 00 00 01 00 00 00 02')), 'csrc-overflow');
  });
  void it('extension header or length past the end', () => {
    assert.equal(v.wrap(hex('90 60 00 01 00 00 00 01 00 00 00 01 be de')), 'extension-overflow');
    assert.equal(
      v.wrap(hex('90 60 00 01 00 00 00 01 00 00 00 01 be de 00 02 10 ff 00 00')),
      'extension-overflow',
    );
  });
  void it('padding count of zero or larger than the packet', () => {
    assert.equal(v.wrap(hex('a0 60 00 01 00 00 00 01 00 00 00 01 aa 00')), 'bad-padding');
    assert.equal(v.wrap(hex('a0 60 00 01 00 00 00 01 00 00 00 01 aa 03')), 'bad-padding');
    assert.equal(v.wrap(hex('a0 60 00 01 00 00 00 01 00 00 00 01 aa 02')), 'ok');
    assert.equal(v.payloadLength, 0);
  });
  void it('random mutations never throw', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.from(i % 2 ? ONE_BYTE : TWO_BYTE);
      for (let k = 0; k < 3; k++) b[rnd() % b.length] = rnd();
      if (v.wrap(b, rnd() % (b.length + 1)) !== 'ok') continue;
      for (let id = 0; id < 16; id++) v.getExtension(id);
      v.rewriteExtensionIds([0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13]);
      assert.ok(v.payloadLength >= 0);
    }
  });
});

void describe('RFC 8285 §4.2 one-byte header extensions', () => {
  void it('finds values by id and skips padding bytes', () => {
    const v = view(ONE_BYTE);
    assert.equal(v.extensionProfile, 0xbede);
    assert.equal(v.extensionForm, ExtensionForm.OneByte);
    assert.deepEqual(Buffer.from(v.getExtension(1)!), hex('ff'));
    assert.deepEqual(Buffer.from(v.getExtension(3)!), hex('01 02 03'));
    assert.equal(v.getExtension(2), undefined);
    assert.equal(v.findExtension(3), 20);
    assert.equal(v.foundExtensionLength, 3);
  });

  void it('stops at the reserved id 15', () => {
    const v = view(hex('90 60 00 01 00 00 00 01 00 00 00 01 be de 00 01 f0 10 aa 00'));
    assert.equal(v.getExtension(1), undefined);
  });

  void it('sets a value in place only when it exists with the same length', () => {
    const buf = Buffer.from(ONE_BYTE);
    const v = view(buf);
    assert.equal(v.setExtensionValue(1, hex('7f')), true);
    assert.equal(buf[17], 0x7f);
    assert.equal(v.setExtensionValue(1, hex('7f 7f')), false);
    assert.equal(v.setExtensionValue(9, hex('7f')), false);
  });

  void it('rewrites ids through a map and drops unmapped elements as padding', () => {
    const buf = Buffer.from(ONE_BYTE);
    const v = view(buf);
    const map = new Uint8Array(256);
    map[1] = 5;
    assert.equal(v.rewriteExtensionIds(map), true);
    assert.deepEqual(buf.subarray(12, 24), hex('be de 00 02 50 ff 00 00 00 00 00 00'));
    assert.deepEqual(Buffer.from(v.getExtension(5)!), hex('ff'));
    assert.equal(v.getExtension(3), undefined);
  });

  void it('refuses ids that do not fit the one-byte form, changing nothing', () => {
    const buf = Buffer.from(ONE_BYTE);
    const v = view(buf);
    const map = new Uint8Array(256);
    map[1] = 2;
    map[3] = 15;
    assert.equal(v.rewriteExtensionIds(map), false);
    assert.deepEqual(buf, ONE_BYTE);
  });
});

void describe('RFC 8285 §4.3 two-byte header extensions', () => {
  void it('finds values, including a zero-length one', () => {
    const v = view(TWO_BYTE);
    assert.equal(v.extensionForm, ExtensionForm.TwoByte);
    assert.deepEqual(Buffer.from(v.getExtension(5)!), Buffer.alloc(0));
    assert.deepEqual(Buffer.from(v.getExtension(0x2c)!), hex('61 62 63'));
  });

  void it('rewrites ids above 14', () => {
    const buf = Buffer.from(TWO_BYTE);
    const v = view(buf);
    const map = new Uint8Array(256);
    map[5] = 200;
    map[0x2c] = 1;
    assert.equal(v.rewriteExtensionIds(map), true);
    assert.deepEqual(Buffer.from(v.getExtension(1)!), hex('61 62 63'));
    assert.equal(v.findExtension(200), 26);
  });

  void it('an unknown profile has no elements', () => {
    const v = view(hex('90 60 00 01 00 00 00 01 00 00 00 01 00 01 00 01 10 ff 00 00'));
    assert.equal(v.extensionForm, ExtensionForm.None);
    assert.equal(v.getExtension(1), undefined);
    assert.equal(v.rewriteExtensionIds(new Uint8Array(256)), false);
  });
});
