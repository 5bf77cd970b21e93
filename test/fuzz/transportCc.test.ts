/**
 * Fuzz: transport-wide CC feedback (src/protocols/rtcp/transportCc.ts). Parsing mutated Chrome
 * feedback reads only its view and never throws; the writer stays in its buffer and
 * parse(write(x)) equals x; the bounded parser (caller-owned arrays) agrees with the
 * allocating one on the packets it stores, and a hostile 65535-packet feedback costs it only
 * its capacity.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  RtcpIterator,
  createTransportCcPackets,
  parseRtcpHeader,
  parseTransportCc,
  parseTransportCcInto,
  transportCcSize,
  writeTransportCc,
  type TransportCcFeedback,
} from '../../src/protocols/rtcp/index.js';
import { bytesFrom, canonical, fuzz, loadCorpus, parseInViews, writeInRange } from './kit.js';

const corpus = loadCorpus('transport-cc').concat(
  loadCorpus('rtcp').filter((b) => b.length >= 2 && b[1] === 205 && (b[0] & 0x1f) === 15),
);

const bounded = createTransportCcPackets(64);

/** The bounded parse as plain values: the error, or the fixed fields and the stored packets. */
function parseBounded(buf: Uint8Array, h: Parameters<typeof parseTransportCc>[1]): unknown {
  const error = parseTransportCcInto(buf, h, bounded);
  if (error !== undefined) return error;
  const deltas: (number | null)[] = [];
  for (let i = 0; i < bounded.count; i++) {
    deltas.push(bounded.status[i] === 0 ? null : bounded.delta[i]);
  }
  const { senderSsrc, mediaSsrc, baseSequenceNumber, referenceTime, statusCount } = bounded;
  return { senderSsrc, mediaSsrc, baseSequenceNumber, referenceTime, statusCount, deltas };
}

/** Whether the bounded parse agrees with the full one on what it stores. */
function agrees(full: ReturnType<typeof parseTransportCc>, part: unknown): boolean {
  if (typeof full === 'string') {
    // Beyond the capacity the bounded parser does not read deltas: it may accept more.
    return part === full || (full === 'truncated-deltas' && typeof part !== 'string');
  }
  if (typeof part === 'string') return false;
  const p = part as { statusCount: number; deltas: (number | null)[] };
  return (
    p.statusCount === full.deltas.length &&
    canonical(p.deltas) === canonical(full.deltas.slice(0, bounded.status.length))
  );
}

function parseAll(buf: Uint8Array): unknown {
  const it = new RtcpIterator().reset(buf);
  const out: unknown[] = [];
  while (it.next()) {
    const full = parseTransportCc(buf, it);
    const part = parseBounded(buf, it);
    assert.ok(agrees(full, part), `bounded ${canonical(part)} vs ${canonical(full)}`);
    out.push(full, part);
  }
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

  void it('a hostile feedback describing 65535 packets: bounded work, capacity packets stored', () => {
    // 65535 packets, mostly runs (a few bytes), some received: all the parser may be asked.
    const deltas: (number | null)[] = Array<number | null>(0xffff).fill(null);
    for (let i = 0; i < 0xffff; i += 997) deltas[i] = 4;
    const fb: TransportCcFeedback = {
      kind: 'transport-cc',
      senderSsrc: 1,
      mediaSsrc: 2,
      baseSequenceNumber: 65000,
      referenceTime: 7,
      feedbackPacketCount: 1,
      deltas,
    };
    const bytes = Buffer.alloc(transportCcSize(fb));
    assert.equal(writeTransportCc(fb, bytes), bytes.length);
    const h = parseRtcpHeader(bytes);
    assert.ok(typeof h !== 'string');
    const out = createTransportCcPackets(1024);
    for (let round = 0; round < 100; round++) {
      assert.equal(parseTransportCcInto(bytes, h, out), undefined);
    }
    assert.equal(out.statusCount, 0xffff);
    assert.equal(out.count, 1024);
    assert.equal(out.status[0], 1);
    assert.equal(out.delta[0], 4);
    assert.equal(out.status[997], 1);
    assert.equal(out.status[998], 0);
    // The same packet cut anywhere after the fixed part fails cleanly or parses a prefix.
    for (let cut = 20; cut < bytes.length; cut += 7) {
      const part = bytes.subarray(0, cut);
      const r = parseTransportCcInto(part, { ...h, end: cut }, out);
      assert.ok(r === undefined || r === 'truncated-chunks' || r === 'truncated-deltas');
    }
  });
});
