import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  NO_AUDIO_LEVEL,
  RtpPacketView,
  audioLevelOf,
  encodeAudioLevel,
  parseAudioLevel,
  readAudioLevel,
  voiceActivityOf,
  writeRtpHeader,
  type RtpExtensionElement,
} from '../../../src/protocols/rtp/index.js';

function packet(extensions: RtpExtensionElement[]): Buffer {
  const out = Buffer.alloc(200);
  const size = writeRtpHeader(out, {
    payloadType: 111,
    sequenceNumber: 1,
    timestamp: 960,
    ssrc: 0x1234,
    extensions,
  });
  assert.ok(size > 0);
  return Buffer.concat([out.subarray(0, size), Buffer.from([0xfc, 0xff, 0xfe])]);
}

void describe('ssrc-audio-level (RFC 6464 §3)', () => {
  const view = new RtpPacketView();

  test('reads V and the level from a one-byte element among others', () => {
    const p = packet([
      { id: 3, value: Buffer.from([1, 2, 3]) },
      { id: 1, value: Buffer.from([0x80 | 30]) },
    ]);
    assert.equal(view.wrap(p), 'ok');
    const raw = readAudioLevel(view, 1);
    assert.equal(audioLevelOf(raw), 30);
    assert.equal(voiceActivityOf(raw), true);
  });

  test('V=0, the extremes 0 (loudest) and 127 (silence)', () => {
    for (const level of [0, 127, 64]) {
      assert.equal(view.wrap(packet([{ id: 10, value: Buffer.from([level]) }])), 'ok');
      const raw = readAudioLevel(view, 10);
      assert.equal(audioLevelOf(raw), level);
      assert.equal(voiceActivityOf(raw), false);
    }
  });

  test('the two-byte form (RFC 8285 §4.3) carries it too', () => {
    const p = packet([
      { id: 200, value: Buffer.alloc(20) },
      { id: 10, value: Buffer.from([0x80 | 5]) },
    ]);
    assert.equal(view.wrap(p), 'ok');
    assert.equal(readAudioLevel(view, 10), 0x80 | 5);
  });

  test('absent, not negotiated (id 0), no extension block, or a value not one byte: none', () => {
    const p = packet([{ id: 1, value: Buffer.from([0x80 | 30]) }]);
    assert.equal(view.wrap(p), 'ok');
    assert.equal(readAudioLevel(view, 2), NO_AUDIO_LEVEL);
    assert.equal(readAudioLevel(view, 0), NO_AUDIO_LEVEL);
    assert.equal(view.wrap(packet([])), 'ok');
    assert.equal(readAudioLevel(view, 1), NO_AUDIO_LEVEL);
    assert.equal(view.wrap(packet([{ id: 1, value: Buffer.from([30, 0]) }])), 'ok');
    assert.equal(readAudioLevel(view, 1), NO_AUDIO_LEVEL);
  });

  test('the byte parser checks its bounds', () => {
    const b = Buffer.from([0x85]);
    assert.equal(parseAudioLevel(b, 0, 1), 0x85);
    assert.equal(parseAudioLevel(b, 1, 1), NO_AUDIO_LEVEL);
    assert.equal(parseAudioLevel(b, -1, 1), NO_AUDIO_LEVEL);
    assert.equal(parseAudioLevel(b, 0, 0), NO_AUDIO_LEVEL);
    assert.equal(parseAudioLevel(b, 0, 2), NO_AUDIO_LEVEL);
  });

  test('encodes levels clamped to 0..127', () => {
    assert.equal(encodeAudioLevel(30, true), 0x80 | 30);
    assert.equal(encodeAudioLevel(200, false), 127);
    assert.equal(encodeAudioLevel(-3, false), 0);
  });
});
