import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  nackItemsFromSequenceNumbers,
  nackSequenceNumbers,
  parseRtcpCompound,
  writeBye,
  writeFir,
  writeNack,
  writePli,
  writeRemb,
  writeSenderReport,
  writeSdes,
  type RtcpPacket,
} from '../../../src/protocols/rtcp/index.js';
import { FIR, NACK, PLI, REMB, RR } from './vectors.js';

function one(buf: Uint8Array): RtcpPacket {
  const r = parseRtcpCompound(buf);
  assert.ok(Array.isArray(r) && r.length === 1);
  return r[0];
}

void describe('RFC 3550 §6.4 reports', () => {
  void it('§6.4.2 RR report block with a negative cumulative loss', () => {
    const rr = one(RR);
    assert.equal(rr.kind, 'rr');
    if (rr.kind !== 'rr') return;
    assert.equal(rr.ssrc, 0x87654321);
    assert.deepEqual(rr.reports, [
      {
        ssrc: 0x12345678,
        fractionLost: 64,
        packetsLost: -1,
        highestSequence: 0x00010005,
        jitter: 32,
        lastSr: 0x5a108000,
        delaySinceLastSr: 0x10000,
      },
    ]);
  });

  void it('§6.4.1 SR with report blocks round-trips; loss is clamped to 24 bits', () => {
    const block = {
      ssrc: 1,
      fractionLost: 255,
      packetsLost: 0x7fffff,
      highestSequence: 0xffffffff,
      jitter: 0,
      lastSr: 0,
      delaySinceLastSr: 0,
    };
    const sr = {
      kind: 'sr' as const,
      ssrc: 9,
      ntpSeconds: 1,
      ntpFraction: 2,
      rtpTimestamp: 3,
      packetCount: 4,
      octetCount: 5,
      reports: [block, { ...block, ssrc: 2, packetsLost: -0x800000 }],
    };
    const out = Buffer.alloc(28 + 48);
    assert.equal(writeSenderReport(sr, out), out.length);
    assert.deepEqual(one(out), sr);
    assert.equal(writeSenderReport({ ...sr, reports: [{ ...block, packetsLost: 1e9 }] }, out), 52);
    const back = one(out.subarray(0, 52));
    assert.ok(back.kind === 'sr' && back.reports[0].packetsLost === 0x7fffff);
    assert.equal(writeSenderReport(sr, Buffer.alloc(75)), -1);
  });
});

void describe('RFC 3550 §6.5 SDES and §6.6 BYE', () => {
  void it('SDES chunks pad each to 32 bits', () => {
    const sdes = {
      kind: 'sdes' as const,
      chunks: [
        { ssrc: 1, items: [{ type: 1, value: 'a' }] },
        {
          ssrc: 2,
          items: [
            { type: 1, value: 'abc' },
            { type: 6, value: 'skein' },
          ],
        },
        { ssrc: 3, items: [] },
      ],
    };
    const out = Buffer.alloc(64);
    const n = writeSdes(sdes, out);
    assert.equal(n, 4 + 8 + 20 + 8);
    assert.deepEqual(one(out.subarray(0, n)), sdes);
  });

  void it('BYE without and with a reason', () => {
    const out = Buffer.alloc(32);
    let n = writeBye({ kind: 'bye', ssrcs: [1, 2] }, out);
    assert.equal(n, 12);
    assert.deepEqual(one(out.subarray(0, n)), { kind: 'bye', ssrcs: [1, 2] });
    n = writeBye({ kind: 'bye', ssrcs: [], reason: 'gone' }, out);
    assert.equal(n, 12);
    assert.deepEqual(one(out.subarray(0, n)), { kind: 'bye', ssrcs: [], reason: 'gone' });
  });
});

void describe('RFC 4585 §6.2.1 Generic NACK', () => {
  void it('parses PID/BLP and expands it', () => {
    const nack = one(NACK);
    assert.ok(nack.kind === 'nack');
    assert.equal(nack.mediaSsrc, 0x12345678);
    assert.deepEqual(nack.items, [{ pid: 100, blp: 0x8001 }]);
    assert.deepEqual(nackSequenceNumbers(nack.items), [100, 101, 116]);
  });

  void it('builds items from a list, across the 16-bit wrap', () => {
    assert.deepEqual(nackItemsFromSequenceNumbers([100, 101, 116, 117, 117]), [
      { pid: 100, blp: 0x8001 },
      { pid: 117, blp: 0 },
    ]);
    const seqs = [65534, 65535, 0, 5, 14, 40];
    const items = nackItemsFromSequenceNumbers(seqs);
    assert.deepEqual(items, [
      { pid: 65534, blp: 0x8043 },
      { pid: 40, blp: 0 },
    ]);
    assert.deepEqual(nackSequenceNumbers(items), seqs);
  });

  void it('writes what it parses', () => {
    const out = Buffer.alloc(NACK.length);
    const nack = one(NACK);
    assert.ok(nack.kind === 'nack');
    assert.equal(writeNack(nack, out), NACK.length);
    assert.deepEqual(out, NACK);
    assert.equal(writeNack(nack, Buffer.alloc(15)), -1);
  });
});

void describe('RFC 4585 §6.3.1 PLI and RFC 5104 §4.3.1 FIR', () => {
  void it('PLI', () => {
    assert.deepEqual(one(PLI), { kind: 'pli', senderSsrc: 1, mediaSsrc: 0x12345678 });
    const out = Buffer.alloc(12);
    assert.equal(writePli({ kind: 'pli', senderSsrc: 1, mediaSsrc: 0x12345678 }, out), 12);
    assert.deepEqual(out, PLI);
  });

  void it('FIR', () => {
    const fir = {
      kind: 'fir' as const,
      senderSsrc: 1,
      mediaSsrc: 0,
      entries: [{ ssrc: 0x12345678, sequenceNumber: 5 }],
    };
    assert.deepEqual(one(FIR), fir);
    const out = Buffer.alloc(FIR.length);
    assert.equal(writeFir(fir, out), FIR.length);
    assert.deepEqual(out, FIR);
  });
});

void describe('draft-alvestrand-rmcat-remb §2.2 REMB', () => {
  void it('decodes mantissa and exponent', () => {
    assert.deepEqual(one(REMB), {
      kind: 'remb',
      senderSsrc: 1,
      mediaSsrc: 0,
      bitrate: 8927168,
      ssrcs: [0x4874ed16],
    });
  });

  void it('encodes, rounding down to 18 bits of mantissa', () => {
    const out = Buffer.alloc(REMB.length);
    const remb = {
      kind: 'remb' as const,
      senderSsrc: 1,
      mediaSsrc: 0,
      bitrate: 8927168,
      ssrcs: [0x4874ed16],
    };
    assert.equal(writeRemb(remb, out), REMB.length);
    assert.deepEqual(out, REMB);
    writeRemb({ ...remb, bitrate: 1_000_001 }, out);
    const back = one(out);
    assert.ok(back.kind === 'remb' && back.bitrate <= 1_000_001 && back.bitrate > 999_990);
    assert.equal(writeRemb({ ...remb, bitrate: -1 }, out), -1);
    assert.equal(writeRemb({ ...remb, bitrate: 100 }, out), REMB.length);
    assert.equal((one(out) as { bitrate: number }).bitrate, 100);
  });
});
