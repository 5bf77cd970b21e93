/**
 * Fuzz: RTP (src/protocols/rtp). The packet view, its header-extension cursor (both forms),
 * CSRCs, padding and RTX on mutated Chromium and ffmpeg captures read only their view and never
 * throw; the RFC 6464 audio level read agrees with the element it finds; in-place rewrites stay inside the extension block; the header writer and the RTX
 * writer stay in their buffers and what they write parses back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ExtensionCursor,
  ExtensionForm,
  NO_AUDIO_LEVEL,
  RtpPacketView,
  readAudioLevel,
  decapsulateRtx,
  encapsulateRtx,
  rtpHeaderSize,
  rtxOriginalSequenceNumber,
  rtxPacketSize,
  writeRtpHeader,
  type RtpHeaderInit,
} from '../../src/protocols/rtp/index.js';
import { rtpHeaderLength } from '../../src/protocols/srtp/index.js';
import { bytesFrom, embed, fuzz, loadCorpus, parseInViews, writeInRange } from './kit.js';

const corpus = loadCorpus('rtp');
const view = new RtpPacketView();

function elements(v: RtpPacketView): number[][] {
  const out: number[][] = [];
  const c = v.extensions();
  // A cursor yields at most one element per byte of the block.
  for (let guard = 0; c.next(); guard++) {
    assert.ok(guard <= v.length, 'extension cursor does not end');
    assert.ok(c.valueOffset + c.valueLength <= v.headerLength, 'element past the extension block');
    out.push([c.id, c.at, c.valueOffset, c.valueLength]);
  }
  return out;
}

/** Every read a forwarding path makes of a packet. */
function readAll(buf: Uint8Array, length?: number): unknown {
  const result = view.wrap(buf, length);
  if (result !== 'ok') return result;
  const csrcs = [];
  for (let i = -1; i <= view.csrcCount; i++) csrcs.push(view.csrc(i));
  assert.ok(view.payloadLength >= 0 && view.payloadOffset + view.payloadLength <= view.length);
  return {
    fields: [view.version, view.hasPadding, view.hasExtension, view.marker, view.payloadType],
    ids: [view.sequenceNumber, view.timestamp, view.ssrc],
    csrcs,
    lengths: [view.length, view.headerLength, view.payloadLength, view.paddingLength],
    payload: view.payload(),
    profile: view.extensionProfile,
    form: view.extensionForm,
    elements: elements(view),
    found: [1, 2, 3, 14, 15, 255].map((id) => [view.findExtension(id), view.foundExtensionLength]),
    osn: rtxOriginalSequenceNumber(view),
    audioLevels: [0, 1, 10, 14, 255].map((id) => readAudioLevel(view, id)),
  };
}

const ssrc = fc.integer({ min: 0, max: 0xffffffff });

const headerInit: fc.Arbitrary<RtpHeaderInit> = fc.record({
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: ssrc,
  ssrc,
  marker: fc.boolean(),
  csrcs: fc.array(ssrc, { maxLength: 15 }),
  extensions: fc.oneof(
    // Fits the one-byte form (RFC 8285 §4.2) ...
    fc.array(
      fc.record({
        id: fc.integer({ min: 1, max: 14 }),
        value: fc.uint8Array({ minLength: 1, maxLength: 16 }),
      }),
      { maxLength: 8 },
    ),
    // ... or needs the two-byte form (§4.3).
    fc.array(
      fc.record({ id: fc.integer({ min: 1, max: 255 }), value: fc.uint8Array({ maxLength: 255 }) }),
      { maxLength: 6 },
    ),
  ),
});

void describe('fuzz: RTP', () => {
  void it('wraps mutated captures without throwing or reading outside the view', () => {
    fuzz(
      'rtp-parse',
      [bytesFrom(corpus)],
      (bytes) => {
        parseInViews(bytes, (v) => readAll(v));
      },
      { base: 3000 },
    );
  });

  void it('agrees with the SRTP header parser on where the payload starts', () => {
    // SRTP encrypts from rtpHeaderLength(); forwarding reads from the view's headerLength.
    fuzz(
      'rtp-header-agreement',
      [bytesFrom(corpus)],
      (bytes) => {
        const result = view.wrap(bytes);
        const srtp = rtpHeaderLength(bytes, bytes.length);
        if (result === 'ok') return srtp === view.headerLength;
        // The SRTP parser does not look at padding; every other refusal is shared.
        if (result === 'bad-padding') return srtp >= 12;
        return srtp === -1;
      },
      { base: 2000 },
    );
  });

  void it('reads the same through a length as through a view of that length', () => {
    fuzz(
      'rtp-length',
      [bytesFrom(corpus), fc.double({ min: 0, max: 1, noNaN: true })],
      (bytes, cut) => {
        const length = Math.floor(cut * bytes.length);
        const { whole, view: v } = embed(bytes, 0xff);
        const viaLength = JSON.stringify(
          readAll(whole.subarray(v.byteOffset - whole.byteOffset), length),
        );
        return viaLength === JSON.stringify(readAll(Buffer.from(bytes.subarray(0, length))));
      },
      { base: 1500 },
    );
  });

  void it('reads the audio level (RFC 6464) only from a one-byte element of that id', () => {
    fuzz(
      'rtp-audio-level',
      [bytesFrom(corpus), fc.integer({ min: -1, max: 256 })],
      (bytes, id) => {
        if (view.wrap(bytes) !== 'ok') return true;
        const level = readAudioLevel(view, id);
        const at = id > 0 ? view.findExtension(id) : -1;
        if (at < 0 || view.foundExtensionLength !== 1) return level === NO_AUDIO_LEVEL;
        return level === bytes[at] && at < view.headerLength;
      },
      { base: 2000 },
    );
  });

  void it('runs the extension cursor over arbitrary bytes and bounds', () => {
    const cursor = new ExtensionCursor();
    const form = fc.constantFrom(ExtensionForm.None, ExtensionForm.OneByte, ExtensionForm.TwoByte);
    fuzz(
      'rtp-extension-cursor',
      [fc.uint8Array({ maxLength: 300 }), fc.nat(320), fc.nat(320), form],
      (bytes, start, end, f) => {
        cursor.reset(bytes, start, end, f);
        for (let n = 0; cursor.next(); n++) {
          if (n > bytes.length) return false;
          if (
            cursor.at < start ||
            cursor.valueOffset + cursor.valueLength > Math.min(end, bytes.length)
          ) {
            return false;
          }
        }
        return true;
      },
      { base: 2000 },
    );
  });

  void it('rewrites extension ids and values only inside the extension block', () => {
    const map = fc.array(fc.integer({ min: -1, max: 256 }), { maxLength: 256 });
    fuzz(
      'rtp-extension-rewrite',
      [bytesFrom(corpus), map, fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 4 })],
      (bytes, idMap, id, value) => {
        const { whole, view: v } = embed(bytes, 0x5a);
        if (view.wrap(v) !== 'ok') return true;
        const before = Buffer.from(whole);
        const extStart =
          64 +
          (view.extensionForm === ExtensionForm.None
            ? view.headerLength
            : 12 + view.csrcCount * 4 + 4);
        view.setExtensionValue(id, value);
        view.rewriteExtensionIds(idMap);
        const after = view.wrap(v);
        // Header before the elements, payload and padding, and the bytes around are unchanged.
        return (
          after === 'ok' &&
          before.subarray(0, extStart).equals(whole.subarray(0, extStart)) &&
          before.subarray(64 + view.headerLength).equals(whole.subarray(64 + view.headerLength))
        );
      },
      { base: 1500 },
    );
  });

  void it('writes headers within the buffer, and they parse back', () => {
    fuzz(
      'rtp-header-write',
      [headerInit, fc.nat(1200), fc.uint8Array({ maxLength: 40 })],
      (h, room, payload) => {
        const size = rtpHeaderSize(h);
        const { length, bytes } = writeInRange(room, (out, offset) =>
          writeRtpHeader(out, h, offset),
        );
        if (size === 0 || room < size) return length === -1;
        assert.equal(length, size);
        const packet = Buffer.concat([bytes!, payload]);
        assert.equal(view.wrap(packet), 'ok');
        assert.deepEqual(
          [view.payloadType, view.sequenceNumber, view.timestamp, view.ssrc, view.marker],
          [h.payloadType, h.sequenceNumber, h.timestamp, h.ssrc, h.marker],
        );
        assert.deepEqual(
          Array.from({ length: view.csrcCount }, (_, i) => view.csrc(i)),
          h.csrcs,
        );
        const got: [number, Buffer][] = [];
        const c = view.extensions();
        while (c.next())
          got.push([
            c.id,
            Buffer.from(packet.subarray(c.valueOffset, c.valueOffset + c.valueLength)),
          ]);
        // Zero-length two-byte elements are legal and come back; nothing else is added.
        assert.deepEqual(
          got,
          (h.extensions ?? []).map((e) => [e.id, Buffer.from(e.value)]),
        );
        return Buffer.from(view.payload()).equals(payload);
      },
      { base: 1500 },
    );
  });

  void it('decodes RTX (short OSN included) in place within the packet, and round-trips', () => {
    fuzz(
      'rtp-rtx',
      [bytesFrom(corpus), fc.integer({ min: 0, max: 127 }), ssrc, fc.nat(1600)],
      (bytes, pt, newSsrc, room) => {
        const { whole, view: v } = embed(bytes, 0x33);
        if (view.wrap(v) !== 'ok') return true;
        const original = Buffer.from(view.payload());
        const header = [view.headerLength, view.marker, view.timestamp];
        const osn = rtxOriginalSequenceNumber(view);
        // Encapsulating into a separate buffer, then decoding it, gives the packet back.
        const size = rtxPacketSize(view);
        const seq = view.sequenceNumber;
        const { length, bytes: rtx } = writeInRange(room, (out, offset) =>
          encapsulateRtx(view, out, 97, 0x1234, 7, offset),
        );
        if (room < size) assert.equal(length, -1);
        else {
          assert.equal(view.wrap(rtx!), 'ok');
          assert.equal(rtxOriginalSequenceNumber(view), seq);
          assert.ok(decapsulateRtx(view, pt, newSsrc));
          assert.deepEqual(Buffer.from(view.payload()), original);
          assert.equal(view.sequenceNumber, seq);
        }
        // Decoding the captured packet itself as RTX: false with a payload under 2 bytes.
        const before = Buffer.from(whole);
        assert.equal(view.wrap(v), 'ok');
        const ok = decapsulateRtx(view, pt, newSsrc);
        assert.equal(ok, osn >= 0);
        for (let i = 0; i < 64; i++) {
          assert.equal(whole[i], before[i]);
          assert.equal(whole[whole.length - 1 - i], before[before.length - 1 - i]);
        }
        if (!ok) return whole.equals(before);
        return (
          view.length === bytes.length - 2 &&
          view.sequenceNumber === osn &&
          view.payloadType === pt &&
          view.ssrc === newSsrc &&
          view.headerLength === header[0] &&
          view.marker === header[1] &&
          view.timestamp === header[2] &&
          Buffer.from(view.payload()).equals(original.subarray(2))
        );
      },
      { base: 1500 },
    );
  });
});
