/**
 * Fuzz: RTCP of every type (src/protocols/rtcp): compound parsing (SR, RR, SDES, BYE, APP,
 * NACK, PLI, FIR, REMB, transport-cc, XR) of mutated Chromium and ffmpeg captures reads only
 * its view and never throws; the writers stay in their buffers, report failure when out of
 * room, and parse(write(x)) equals x for generated packets of every type.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  RtcpIterator,
  RtcpPacketType,
  RtpfbFmt,
  nackItemsFromSequenceNumbers,
  nackSequenceNumbers,
  parseRtcpCompound,
  parseRtcpHeader,
  parseRtcpPacket,
  parseTransportCc,
  rtcpCompoundSize,
  sdesCname,
  writeRtcpCompound,
  type RtcpPacket,
} from '../../src/protocols/rtcp/index.js';
import {
  bytesFrom,
  canonical,
  embed,
  fuzz,
  loadCorpus,
  parseInViews,
  writeInRange,
} from './kit.js';

const corpus = loadCorpus('rtcp', 'transport-cc');
const it32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });
/** Text without lone surrogates, so UTF-8 round-trips; at most 255 bytes when encoded. */
const text = fc
  .string({ unit: 'grapheme', maxLength: 60 })
  .filter((s) => Buffer.byteLength(s) <= 255);

/** Every read a receiver makes: the compound parse, the iterator and each packet's parser. */
function parseAll(buf: Uint8Array, length?: number): unknown {
  const compound = parseRtcpCompound(buf, length);
  const it = new RtcpIterator().reset(buf, length);
  const each: unknown[] = [];
  for (let n = 0; it.next(); n++) {
    assert.ok(n < buf.length / 4, 'iterator does not end');
    assert.ok(it.offset + it.length <= (length ?? buf.length) && it.end <= it.offset + it.length);
    const p = parseRtcpPacket(buf, it);
    each.push(p, it.header());
    if (it.packetType === RtcpPacketType.RTPFB && it.count === RtpfbFmt.TWCC) {
      each.push(parseTransportCc(buf, it));
    }
    if (p?.kind === 'sdes') each.push(sdesCname(p));
    if (p?.kind === 'nack') each.push(nackSequenceNumbers(p.items).length);
    if (p?.kind === 'xr') {
      // Each DLRR sub-block is 12 bytes of the packet: no more than it can hold.
      assert.ok(p.dlrr.length * 12 <= it.end - it.offset, 'more DLRR sub-blocks than bytes');
    }
  }
  return { compound, each, error: it.error, first: parseRtcpHeader(buf, 0, length) };
}

const reportBlock = fc.record({
  ssrc: it32,
  fractionLost: u8,
  packetsLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  highestSequence: it32,
  jitter: it32,
  lastSr: it32,
  delaySinceLastSr: it32,
});

/** One packet of every kind the writer knows, in the form the parser gives back. */
const packet: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({
    kind: fc.constant('sr' as const),
    ssrc: it32,
    ntpSeconds: it32,
    ntpFraction: it32,
    rtpTimestamp: it32,
    packetCount: it32,
    octetCount: it32,
    reports: fc.array(reportBlock, { maxLength: 31 }),
  }),
  fc.record({
    kind: fc.constant('rr' as const),
    ssrc: it32,
    reports: fc.array(reportBlock, { maxLength: 31 }),
  }),
  fc.record({
    kind: fc.constant('sdes' as const),
    chunks: fc.array(
      fc.record({
        ssrc: it32,
        items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 255 }), value: text }), {
          maxLength: 4,
        }),
      }),
      { maxLength: 31 },
    ),
  }),
  fc.record(
    { kind: fc.constant('bye' as const), ssrcs: fc.array(it32, { maxLength: 31 }), reason: text },
    { requiredKeys: ['kind', 'ssrcs'] },
  ),
  fc.record({
    kind: fc.constant('nack' as const),
    senderSsrc: it32,
    mediaSsrc: it32,
    items: fc.array(fc.record({ pid: u16, blp: u16 }), { maxLength: 40 }),
  }),
  fc.record({ kind: fc.constant('pli' as const), senderSsrc: it32, mediaSsrc: it32 }),
  fc.record({
    kind: fc.constant('fir' as const),
    senderSsrc: it32,
    mediaSsrc: it32,
    entries: fc.array(fc.record({ ssrc: it32, sequenceNumber: u8 }), { maxLength: 10 }),
  }),
  fc.record({
    kind: fc.constant('remb' as const),
    senderSsrc: it32,
    mediaSsrc: it32,
    // Exactly representable: an 18-bit mantissa times 2^exp (draft-alvestrand-rmcat-remb §2.2).
    bitrate: fc
      .tuple(fc.integer({ min: 0, max: 0x3ffff }), fc.integer({ min: 0, max: 30 }))
      .map(([m, e]) => m * 2 ** e)
      .filter((b) => b < 0x40000 || b % 2 === 0),
    ssrcs: fc.array(it32, { maxLength: 20 }),
  }),
  // RFC 3611: an RRT block and a DLRR block, either or both absent.
  fc.record(
    {
      kind: fc.constant('xr' as const),
      ssrc: it32,
      rrt: fc.record({ ntpSeconds: it32, ntpFraction: it32 }),
      dlrr: fc.array(fc.record({ ssrc: it32, lastRr: it32, delaySinceLastRr: it32 }), {
        maxLength: 8,
      }),
    },
    { requiredKeys: ['kind', 'ssrc', 'dlrr'] },
  ),
  // Types and FMTs not decoded: APP, TMMBR/TMMBN, SLI/RPSI carried as bodies.
  fc.record({
    kind: fc.constant('unknown' as const),
    packetType: fc.constantFrom(RtcpPacketType.APP, 195, 210),
    count: fc.integer({ min: 0, max: 31 }),
    body: fc.uint8Array({ maxLength: 64 }).map((b) => b.subarray(0, b.length & ~3)),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    packetType: fc.constant(RtcpPacketType.RTPFB),
    count: fc.constantFrom(3, 4),
    body: fc.uint8Array({ maxLength: 64 }).map((b) => b.subarray(0, b.length & ~3)),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    packetType: fc.constant(RtcpPacketType.PSFB),
    count: fc.constantFrom(2, 3),
    body: fc.uint8Array({ maxLength: 64 }).map((b) => b.subarray(0, b.length & ~3)),
  }),
);

/** What the parser gives back for a written packet (REMB rounding is exact by construction). */
function normalize(p: RtcpPacket): unknown {
  if (p.kind === 'unknown') return { ...p, body: Buffer.from(p.body).toString('hex') };
  if (p.kind === 'remb') {
    let exp = 0;
    while (p.bitrate / 2 ** exp >= 0x40000) exp++;
    return { ...p, bitrate: Math.floor(p.bitrate / 2 ** exp) * 2 ** exp };
  }
  return p;
}

void describe('fuzz: RTCP', () => {
  void it('parses mutated compound captures without throwing or reading outside the view', () => {
    fuzz(
      'rtcp-parse',
      [bytesFrom(corpus)],
      (bytes) => {
        parseInViews(bytes, (v) => parseAll(v));
      },
      { base: 3000 },
    );
  });

  void it('reads the same through a length as through a view of that length', () => {
    fuzz(
      'rtcp-length',
      [bytesFrom(corpus), fc.double({ min: 0, max: 1, noNaN: true })],
      (bytes, cut) => {
        const length = Math.floor(cut * bytes.length);
        const { whole, view } = embed(bytes, 0x80);
        const tail = whole.subarray(view.byteOffset - whole.byteOffset);
        const a = JSON.stringify(parseAll(tail, length), (_k, v: unknown) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
        );
        const b = JSON.stringify(
          parseAll(Buffer.from(bytes.subarray(0, length))),
          (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v),
        );
        // Offsets are relative to the buffer in both calls, so the two agree byte for byte.
        return a === b;
      },
      { base: 1500 },
    );
  });

  void it('writes compounds of every type within the buffer, and they parse back', () => {
    fuzz(
      'rtcp-write',
      [
        fc.array(packet, { minLength: 1, maxLength: 5 }),
        fc.double({ min: 0, max: 1.2, noNaN: true }),
      ],
      (packets, fraction) => {
        const size = rtcpCompoundSize(packets);
        const room = Math.floor(size * fraction);
        const { length, bytes } = writeInRange(room, (out, offset) =>
          writeRtcpCompound(packets, out, offset),
        );
        if (room < size) return length === -1;
        assert.equal(length, size);
        const parsed = parseRtcpCompound(bytes!);
        assert.ok(Array.isArray(parsed), `wrote an unparseable compound: ${parsed as string}`);
        assert.equal(canonical(parsed.map(normalize)), canonical(packets.map(normalize)));
        return true;
      },
      { base: 1500 },
    );
  });

  void it('refuses packets too long for the 16-bit length field (RFC 3550 §6.4.1)', () => {
    // The length field counts 32-bit words minus one: at most 65536 words, 262144 bytes.
    const words = fc.integer({ min: 65530, max: 65540 });
    const big = fc.oneof(
      words.map((w): RtcpPacket => ({
        kind: 'unknown',
        packetType: RtcpPacketType.APP,
        count: 0,
        body: new Uint8Array((w - 1) * 4),
      })),
      words.map((w): RtcpPacket => ({
        kind: 'xr',
        ssrc: 1,
        dlrr: Array.from({ length: Math.floor(((w - 3) * 4) / 12) }, (_, i) => ({
          ssrc: i,
          lastRr: i,
          delaySinceLastRr: i,
        })),
      })),
      words.map((w): RtcpPacket => ({
        kind: 'nack',
        senderSsrc: 1,
        mediaSsrc: 2,
        items: Array.from({ length: w - 3 }, (_, i) => ({ pid: i & 0xffff, blp: 0 })),
      })),
    );
    fuzz(
      'rtcp-write-oversize',
      [big],
      (p) => {
        const size = rtcpCompoundSize([p]);
        const out = new Uint8Array(size + 8);
        const n = writeRtcpCompound([p], out);
        if (size > 0x40000) return n === -1;
        const parsed = parseRtcpCompound(out.subarray(0, n));
        return Array.isArray(parsed) && parsed.length === 1 && rtcpCompoundSize(parsed) === size;
      },
      { base: 30 },
    );
  });

  void it('packs NACK sequence numbers losslessly', () => {
    fuzz(
      'rtcp-nack-pack',
      [u16, fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 100 })],
      (base, offsets) => {
        const seqs = [...new Set(offsets)].sort((a, b) => a - b).map((o) => (base + o) & 0xffff);
        return (
          JSON.stringify(nackSequenceNumbers(nackItemsFromSequenceNumbers(seqs))) ===
          JSON.stringify(seqs)
        );
      },
      { base: 1000 },
    );
  });
});
