import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtpPacketView, writeRtpHeader } from '../../../src/protocols/rtp/index.js';
import {
  NO_VIDEO_ORIENTATION,
  orientationCamera,
  orientationFlip,
  orientationRotation,
  readVideoOrientation,
} from '../../../src/protocols/rtp/video-orientation.js';

void describe('3GPP TS 26.114 §7.4.5 video orientation (CVO) extension', () => {
  void it('reads C, F and R1 R0 (counter-clockwise, 90 degree steps)', () => {
    const cases: [number, boolean, boolean, number][] = [
      [0b0000, false, false, 0],
      [0b0001, false, false, 90],
      [0b0010, false, false, 180],
      [0b0011, false, false, 270],
      [0b0100, false, true, 0],
      [0b1000, true, false, 0],
      [0b1111, true, true, 270],
    ];
    for (const [byte, camera, flip, rotation] of cases) {
      // The four high bits are reserved: ignored.
      const bits = readVideoOrientation(Uint8Array.of(0xf0 | byte), 0, 1);
      assert.equal(bits, byte);
      assert.equal(orientationCamera(bits), camera);
      assert.equal(orientationFlip(bits), flip);
      assert.equal(orientationRotation(bits), rotation);
    }
  });

  void it('refuses a value that is not one byte, or lies outside the buffer', () => {
    assert.equal(readVideoOrientation(Uint8Array.of(1, 2), 0, 2), NO_VIDEO_ORIENTATION);
    assert.equal(readVideoOrientation(Uint8Array.of(1), 0, 0), NO_VIDEO_ORIENTATION);
    assert.equal(readVideoOrientation(Uint8Array.of(1), 1, 1), NO_VIDEO_ORIENTATION);
    assert.equal(readVideoOrientation(Uint8Array.of(1), -1, 1), NO_VIDEO_ORIENTATION);
  });

  void it('reads the element a packet carries (one-byte form, RFC 8285 §4.2)', () => {
    const buf = Buffer.alloc(64);
    const n = writeRtpHeader(buf, {
      payloadType: 96,
      sequenceNumber: 1,
      timestamp: 0,
      ssrc: 1,
      marker: false,
      extensions: [
        { id: 4, value: Buffer.from('0') },
        { id: 13, value: Uint8Array.of(0b1001) },
      ],
    });
    const view = new RtpPacketView();
    assert.equal(view.wrap(buf, n + 4), 'ok');
    const at = view.findExtension(13);
    const bits = readVideoOrientation(view.buffer, at, view.foundExtensionLength);
    assert.equal(orientationCamera(bits), true);
    assert.equal(orientationRotation(bits), 90);
  });
});
