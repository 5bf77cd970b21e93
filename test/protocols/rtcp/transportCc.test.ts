/**
 * Transport-wide CC feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
 * Vectors: a Chrome packet as decoded by Wireshark, packets captured from Chrome (used as
 * test data by webrtc-rs), the draft's §3.1.3/§3.1.4 chunk examples, and hand-built packets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseRtcpHeader,
  parseTransportCc,
  transportCcSize,
  writeTransportCc,
  type RtcpHeader,
  type TransportCcFeedback,
} from '../../../src/protocols/rtcp/index.js';
import { hex } from './vectors.js';

function header(buf: Uint8Array): RtcpHeader {
  const h = parseRtcpHeader(buf);
  assert.ok(typeof h === 'object', `bad header: ${h as string}`);
  return h;
}

function parse(buf: Uint8Array): TransportCcFeedback {
  const r = parseTransportCc(buf, header(buf));
  assert.ok(typeof r === 'object', `parse failed: ${r as string}`);
  return r;
}

function write(feedback: TransportCcFeedback): Buffer {
  const size = transportCcSize(feedback);
  const out = Buffer.alloc(size);
  assert.equal(writeTransportCc(feedback, out), size);
  return out;
}

function feedback(base: number, deltas: (number | null)[]): TransportCcFeedback {
  return {
    kind: 'transport-cc',
    senderSsrc: 0x11223344,
    mediaSsrc: 0x55667788,
    baseSequenceNumber: base,
    referenceTime: 0x123456,
    feedbackPacketCount: 7,
    deltas,
  };
}

/** The packet chunks of a written packet (`n` of them). */
function chunks(buf: Buffer, n: number): number[] {
  return Array.from({ length: n }, (_, i) => buf.readUInt16BE(20 + i * 2));
}

// Chrome's feedback as Wireshark decodes it: 9 packets from seq 1, one run-length chunk of
// small deltas (7, 3, 11, 14, 0, 1, 0, 2, 6 ms), one byte of padding (P bit, count 1).
const WIRESHARK = hex(`af cd 00 07 00 00 00 01 dd 58 6e b6 00 01 00 09
                       5e 91 10 00 20 09 1c 0c 2c 38 00 04 00 08 18 01`);
// Captured from Chrome: one packet (seq 153), delta 37 ms, reference time 4057090.
const CAPTURE_ONE = hex(`af cd 00 05 fa 17 fa 17 43 03 2f a0 00 99 00 01
                         3d e8 02 17 20 01 94 01`);
// Captured: 6 packets from seq 372; two large deltas then four small ones, chunked as a
// run of 2 large and a run of 4 small (no padding).
const CAPTURE_RUNS = hex(`8f cd 00 07 fa 17 fa 17 19 3d d8 bb 01 74 00 06
                          45 b1 5a 40 40 02 20 04 1f fe 1f 9a d0 00 d0 00`);
// Hand-built around the draft's §3.1.4 one-bit status vector example 0x9f1c: 14 packets from
// seq 16, received 2–6 and 10–12 (deltas 1..8), two bytes of padding.
const VECTOR_1BIT = hex(`af cd 00 07 00 00 00 01 00 00 00 02 00 10 00 0e
                         00 00 01 05 9f 1c 01 02 03 04 05 06 07 08 00 02`);

void describe('draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1 feedback', () => {
  void it('parses a Chrome packet as Wireshark decodes it and writes it back byte for byte', () => {
    const fb = parse(WIRESHARK);
    assert.deepEqual(fb, {
      kind: 'transport-cc',
      senderSsrc: 1,
      mediaSsrc: 0xdd586eb6,
      baseSequenceNumber: 1,
      referenceTime: 6197520,
      feedbackPacketCount: 0,
      deltas: [28, 12, 44, 56, 0, 4, 0, 8, 24],
    });
    assert.deepEqual(write(fb), WIRESHARK);
  });

  void it('parses captured packets (padding, large deltas, two run-length chunks)', () => {
    const one = parse(CAPTURE_ONE);
    assert.equal(one.senderSsrc, 4195875351);
    assert.equal(one.mediaSsrc, 1124282272);
    assert.equal(one.baseSequenceNumber, 153);
    assert.equal(one.referenceTime, 4057090);
    assert.equal(one.feedbackPacketCount, 23);
    assert.deepEqual(one.deltas, [148]);
    assert.deepEqual(write(one), CAPTURE_ONE);

    const runs = parse(CAPTURE_RUNS);
    assert.equal(runs.baseSequenceNumber, 372);
    assert.equal(runs.referenceTime, 4567386);
    assert.equal(runs.feedbackPacketCount, 64);
    assert.deepEqual(runs.deltas, [8190, 8090, 208, 0, 208, 0]);
    // Our writer packs those six symbols in one two-bit vector chunk instead of two runs.
    const out = write(runs);
    assert.equal(out.length, 32);
    assert.deepEqual(chunks(out, 1), [0xe954]);
    assert.deepEqual(parse(out), runs);
  });

  void it('§3.1.4 one-bit status vector: lost packets carry no delta', () => {
    const fb = parse(VECTOR_1BIT);
    assert.deepEqual(fb.deltas, [null, 1, 2, 3, 4, 5, null, null, null, 6, 7, 8, null, null]);
    assert.equal(fb.baseSequenceNumber, 16);
    assert.deepEqual(write(fb), VECTOR_1BIT);
  });

  void it('§3.1.3 run-length example: 221 packets not received', () => {
    const buf = hex(`8f cd 00 05 00 00 00 01 00 00 00 02 00 10 00 dd 00 00 01 05 00 dd 00 00`);
    const fb = parse(buf);
    assert.equal(fb.deltas.length, 221);
    assert.ok(fb.deltas.every((d) => d === null));
  });

  void it('rejects the reserved symbol 11 (the draft-00 examples 0x6018, 0xcd50 use it)', () => {
    for (const chunk of ['60 18', 'cd 50']) {
      const buf = hex(`8f cd 00 05 00 00 00 01 00 00 00 02 00 10 00 02 00 00 01 05 ${chunk} 00 00`);
      assert.equal(parseTransportCc(buf, header(buf)), 'reserved-symbol');
    }
  });

  void it('round-trips the 16-bit sequence wrap, large and negative deltas (reordering)', () => {
    const fb = feedback(0xfffe, [4, -4, null, 300, 0x7fff, -0x8000, 255, 0, null, 256]);
    const out = write(fb);
    assert.deepEqual(parse(out), fb);
    assert.equal(out.length % 4, 0);
  });

  void it('chooses chunks efficiently', () => {
    // 1000 small deltas: one run-length chunk.
    const small = write(feedback(0, Array<number>(1000).fill(1)));
    assert.equal(small.length, 20 + 2 + 1000 + 2);
    assert.deepEqual(chunks(small, 1), [0x2000 | 1000]);
    // Alternating received/lost: one-bit vectors of 14.
    const alt = Array.from({ length: 28 }, (_, i) => (i % 2 ? null : 3));
    const altOut = write(feedback(0, alt));
    assert.deepEqual(chunks(altOut, 2), [0xaaaa, 0xaaaa]);
    // A run longer than 13 bits: two run-length chunks (8191 + 9).
    const long = write(feedback(0, Array<null>(8200).fill(null)));
    assert.equal(long.length, 24);
    assert.deepEqual(chunks(long, 2), [8191, 9]);
    // Lost packets between received ones: a vector (7 received, 7 lost), a run of the other
    // 93 lost, a run of 1.
    const gap = [1, 2, 3, 4, 5, 6, 7, ...Array<null>(100).fill(null), 8];
    const gapOut = write(feedback(0, gap));
    assert.deepEqual(chunks(gapOut, 3), [0xbf80, 93, 0x2001]);
    assert.equal(gapOut.length, 20 + 3 * 2 + 8 + 2);
    assert.deepEqual(parse(gapOut).deltas, gap);
  });

  void it('round-trips random feedback', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const n = 1 + rand(round < 200 ? 40 : 400);
      const deltas = Array.from({ length: n }, () => {
        const r = rand(10);
        if (r < 3) return null;
        if (r < 8) return rand(256);
        return rand(65536) - 32768;
      });
      const fb = feedback(rand(65536), deltas);
      assert.deepEqual(parse(write(fb)), fb);
    }
  });

  void it('returns an error, never throws, on truncated or malformed input', () => {
    for (const v of [WIRESHARK, CAPTURE_ONE, CAPTURE_RUNS, VECTOR_1BIT]) {
      const h = header(v);
      const content = h.end;
      for (let end = 0; end < content; end++) {
        const r = parseTransportCc(v, { ...h, end });
        // Cutting zero padding off the end changes nothing; anything else is an error.
        if (typeof r === 'object') assert.ok(end >= content - 2 && v[end] === 0);
      }
      // Limits beyond the buffer are clamped to it.
      assert.equal(typeof parseTransportCc(v.subarray(0, 8), { ...h }), 'string');
    }
    const empty = hex(`8f cd 00 04 00 00 00 01 00 00 00 02 00 10 00 00 00 00 01 05`);
    assert.equal(parseTransportCc(empty, header(empty)), 'empty');
    const nack = hex(`81 cd 00 03 00 00 00 01 00 00 00 02 00 10 00 00`);
    assert.equal(parseTransportCc(nack, header(nack)), 'not-transport-cc');
  });

  void it('the writer refuses empty feedback, out-of-range deltas and a short buffer', () => {
    assert.equal(writeTransportCc(feedback(0, []), Buffer.alloc(64)), -1);
    assert.equal(writeTransportCc(feedback(0, [0x8000]), Buffer.alloc(64)), -1);
    assert.equal(writeTransportCc(feedback(0, [1.5]), Buffer.alloc(64)), -1);
    assert.equal(writeTransportCc(feedback(0, [1, 2]), Buffer.alloc(23)), -1);
    assert.equal(writeTransportCc(feedback(0, [1, 2]), Buffer.alloc(30), 8), -1);
    assert.equal(writeTransportCc(feedback(0, [1, 2]), Buffer.alloc(32), 8), 24);
  });
});
