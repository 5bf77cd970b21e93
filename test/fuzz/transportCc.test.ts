/**
 * Fuzz: transport-wide CC feedback (src/protocols/rtcp/transportCc.ts). Parsing mutated Chrome
 * feedback reads only its view and never throws; the writer stays in its buffer and
 * parse(write(x)) equals x.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  RtcpIterator,
  parseRtcpHeader,
  parseTransportCc,
  transportCcSize,
  writeTransportCc,
  type TransportCcFeedback,
} from '../../src/protocols/rtcp/index.js';
import { bytesFrom, canonical, fuzz, loadCorpus, parseInViews, writeInRange } from './kit.js';

const corpus = loadCorpus('transport-cc').concat(
  loadCorpus('rtcp').filter((b) => b.length >= 2 && b[1] === 205 && (b[0] & 0x1f) === 15),
);

function parseAll(buf: Uint8Array): unknown {
  const it = new RtcpIterator().reset(buf);
  const out: unknown[] = [];
  while (it.next()) out.push(parseTransportCc(buf, it));
  // The header alone, without the iterator's checks, as a caller with its own framing does.
  const h = parseRtcpHeader(buf);
  if (typeof h !== 'string') out.push(parseTransportCc(buf, h));
  return out;
}

/** Runs of one kind, as real feedback has, mixed with arbitrary symbols. */
const deltas = fc
  .array(
    fc.oneof(
      fc
        .tuple(
          fc.constantFrom(null, 0, 4, 255, 256, -1, 32767, -32768),
          fc.integer({ min: 1, max: 300 }),
        )
        .map(([d, n]) => Array<number | null>(n).fill(d)),
      fc.array(
        fc.oneof(
          fc.constant(null),
          fc.integer({ min: 0, max: 255 }),
          fc.integer({ min: -0x8000, max: 0x7fff }),
        ),
        { maxLength: 30 },
      ),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.flat())
  .filter((d) => d.length > 0 && d.length <= 0xffff);

const feedback: fc.Arbitrary<TransportCcFeedback> = fc.record({
  kind: fc.constant('transport-cc' as const),
  senderSsrc: fc.integer({ min: 0, max: 0xffffffff }),
  mediaSsrc: fc.integer({ min: 0, max: 0xffffffff }),
  baseSequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  referenceTime: fc.integer({ min: 0, max: 0xffffff }),
  feedbackPacketCount: fc.integer({ min: 0, max: 0xff }),
  deltas,
});

void describe('fuzz: transport-cc feedback', () => {
  void it('parses mutated Chrome feedback without throwing or reading outside the view', () => {
    fuzz(
      'transport-cc-parse',
      [bytesFrom(corpus, 400)],
      (bytes) => {
        parseInViews(bytes, parseAll);
      },
      { base: 3000 },
    );
  });

  void it('writes within the buffer, and what it writes parses back', () => {
    fuzz(
      'transport-cc-write',
      [feedback, fc.double({ min: 0, max: 1.2, noNaN: true })],
      (fb, fraction) => {
        const size = transportCcSize(fb);
        const room = Math.floor(size * fraction);
        const { length, bytes } = writeInRange(room, (out, offset) =>
          writeTransportCc(fb, out, offset),
        );
        if (room < size) return length === -1;
        assert.equal(length, size);
        const h = parseRtcpHeader(bytes!);
        assert.ok(typeof h !== 'string' && h.length === size);
        return canonical(parseTransportCc(bytes!, h)) === canonical(fb);
      },
      { base: 1500 },
    );
  });
});
