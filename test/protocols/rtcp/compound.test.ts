import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  RtcpIterator,
  parseRtcpCompound,
  parseRtcpHeader,
  rtcpCompoundSize,
  sdesCname,
  writeRtcpCompound,
  type RtcpPacket,
} from '../../../src/protocols/rtcp/index.js';
import { BYE, FIR, NACK, PLI, REMB, RR, SDES, SR, hex } from './vectors.js';

function parse(buf: Uint8Array): RtcpPacket[] {
  const r = parseRtcpCompound(buf);
  assert.ok(Array.isArray(r), `parse failed: ${r as string}`);
  return r;
}

function roundTrip(buf: Buffer): void {
  const packets = parse(buf);
  const size = rtcpCompoundSize(packets);
  assert.equal(size, buf.length);
  const out = Buffer.alloc(size);
  assert.equal(writeRtcpCompound(packets, out), size);
  assert.deepEqual(out, buf);
}

void describe('RFC 3550 §6.1 compound packets', () => {
  void it('parses a compound SR + SDES as a browser sends it', () => {
    const [sr, sdes] = parse(Buffer.concat([SR, SDES]));
    assert.deepEqual(sr, {
      kind: 'sr',
      ssrc: 0x12345678,
      ntpSeconds: 0xe73c5a10,
      ntpFraction: 0x80000000,
      rtpTimestamp: 90000,
      packetCount: 100,
      octetCount: 100000,
      reports: [],
    });
    assert.ok(sdes.kind === 'sdes');
    assert.equal(sdesCname(sdes, 0x12345678), 'user@host.example');
    assert.equal(sdesCname(sdes, 1), undefined);
  });

  void it('round-trips every supported packet type byte for byte', () => {
    for (const v of [SR, SDES, RR, NACK, PLI, FIR, REMB, BYE]) roundTrip(v);
    roundTrip(Buffer.concat([RR, SDES, REMB, NACK, PLI, FIR, BYE]));
  });

  void it('keeps unknown packet types (e.g. TWCC, APP) as raw bodies', () => {
    const twcc = hex('8f cd 00 03 00 00 00 01 12 34 56 78 00 01 00 02');
    const app = hex('80 cc 00 02 12 34 56 78 6e 61 6d 65');
    const [a, b] = parse(Buffer.concat([twcc, app]));
    assert.equal(a.kind, 'unknown');
    assert.equal(b.kind, 'unknown');
    roundTrip(Buffer.concat([RR, twcc, app]));
  });

  void it('iterates without allocating per packet', () => {
    const buf = Buffer.concat([RR, SDES, PLI]);
    const it = new RtcpIterator().reset(buf);
    const seen: number[] = [];
    while (it.next()) seen.push(it.packetType, it.offset, it.length);
    assert.equal(it.error, undefined);
    assert.deepEqual(seen, [201, 0, 32, 202, 32, 28, 206, 60, 12]);
  });

  void it('honours padding on the last packet (RFC 3550 §6.4.1)', () => {
    const padded = hex('a1 ce 00 03  00 00 00 01  12 34 56 78  00 00 00 04');
    const packets = parse(Buffer.concat([SR, padded]));
    assert.equal(packets[1].kind, 'pli');
    const h = parseRtcpHeader(padded);
    assert.ok(typeof h !== 'string');
    assert.equal(h.padding, 4);
    assert.equal(h.end, 12);
  });
});

void describe('RFC 3550 A.2 validity checks on malformed compounds', () => {
  void it('too short / truncated', () => {
    assert.equal(parseRtcpCompound(Buffer.alloc(0)), 'too-short');
    assert.equal(parseRtcpCompound(SR.subarray(0, 3)), 'too-short');
    assert.equal(parseRtcpCompound(SR.subarray(0, 27)), 'length-overflow');
    assert.equal(parseRtcpCompound(Buffer.concat([SR, SDES.subarray(0, 2)])), 'too-short');
  });

  void it('wrong version', () => {
    const b = Buffer.from(SR);
    b[0] = 0x40;
    assert.equal(parseRtcpCompound(b), 'bad-version');
  });

  void it('length field past the end', () => {
    const b = Buffer.from(PLI);
    b[3] = 9;
    assert.equal(parseRtcpCompound(b), 'length-overflow');
  });

  void it('padding on a packet that is not last, or a bad padding count', () => {
    const padded = hex('a1 ce 00 03  00 00 00 01  12 34 56 78  00 00 00 04');
    assert.equal(parseRtcpCompound(Buffer.concat([padded, SR])), 'padding-not-last');
    const zero = hex('a1 ce 00 03  00 00 00 01  12 34 56 78  00 00 00 00');
    assert.equal(parseRtcpCompound(zero), 'bad-padding');
    const big = hex('a1 ce 00 03  00 00 00 01  12 34 56 78  00 00 00 20');
    assert.equal(parseRtcpCompound(big), 'bad-padding');
  });

  void it('a count that does not fit the length', () => {
    const b = Buffer.from(SR);
    b[0] = 0x81; // RC=1 but no report block
    assert.equal(parseRtcpCompound(b), 'malformed-packet');
    const s = Buffer.from(SDES);
    s[0] = 0x82; // SC=2, one chunk
    assert.equal(parseRtcpCompound(s), 'malformed-packet');
    const p = hex('81 ce 00 01 00 00 00 01'); // PLI without media SSRC
    assert.equal(parseRtcpCompound(p), 'malformed-packet');
  });

  void it('random mutations never throw', () => {
    const base = Buffer.concat([SR, SDES, RR, NACK, PLI, FIR, REMB, BYE]);
    let seed = 3;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.from(base);
      for (let k = 0; k < 3; k++) b[((rnd() << 8) | rnd()) % b.length] = rnd();
      const r = parseRtcpCompound(b, ((rnd() << 8) | rnd()) % (b.length + 1));
      if (Array.isArray(r)) {
        const size = rtcpCompoundSize(r);
        if (size > 0) writeRtcpCompound(r, Buffer.alloc(size));
      }
    }
  });

  // Found by fuzzing (test/fuzz/rtcp.test.ts): a packet over 65536 words was written with its
  // 16-bit length field wrapped (65534 NACK items: 262148 bytes, length field 0x0000), so the
  // receiver read a 4-byte packet and misframed everything after it.
  void it('refuses to write a packet longer than the length field can carry (RFC 3550 §6.4.1)', () => {
    const items = Array.from({ length: 65534 }, (_, i) => ({ pid: i & 0xffff, blp: 0 }));
    const nack: RtcpPacket = { kind: 'nack', senderSsrc: 1, mediaSsrc: 2, items };
    assert.equal(rtcpCompoundSize([nack]), 262148);
    assert.equal(writeRtcpCompound([nack], Buffer.alloc(262148)), -1);
    const app: RtcpPacket = {
      kind: 'unknown',
      packetType: 204,
      count: 0,
      body: new Uint8Array(262144),
    };
    assert.equal(writeRtcpCompound([app], Buffer.alloc(262148)), -1);
    // The largest legal packet, 65536 words, is written and parses back whole.
    const largest: RtcpPacket = { ...nack, items: items.slice(0, 65533) };
    const out = Buffer.alloc(262144);
    assert.equal(writeRtcpCompound([largest], out), 262144);
    const parsed = parse(out);
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0].kind === 'nack' && parsed[0].items.length, 65533);
  });
});
