import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtpPacketView, encapsulateRtx } from '../../../src/protocols/rtp/index.js';
import {
  RtpStreamRecv,
  compactNtp,
  type KeyFrameRequestKind,
  type RtpStreamRecvOptions,
} from '../../../src/rtc/rtpStream/index.js';
import { packet } from './helpers.js';

const SSRC = 0x11111111;
const RTX_SSRC = 0x22222222;

function stream(extra: Partial<RtpStreamRecvOptions> = {}): RtpStreamRecv {
  return new RtpStreamRecv({
    ssrc: SSRC,
    payloadType: 96,
    clockRate: 90000,
    mimeType: 'video/VP8',
    ...extra,
  });
}

/** Feeds seqs (wrapped to 16 bits) one ms apart; returns the results. */
function feed(s: RtpStreamRecv, seqs: number[], t0 = 0): string[] {
  return seqs.map((seq, i) => s.receivePacket(packet({ seq, ts: seq * 3000 }), t0 + i));
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/** The RTX packet (RFC 4588 §4) carrying the media packet with this seq. */
function rtxOf(seq: number, rtxSeq: number, pt = 97): RtpPacketView {
  const orig = packet({ seq, ts: seq * 3000 });
  const out = new Uint8Array(1500);
  const n = encapsulateRtx(orig, out, pt, RTX_SSRC, rtxSeq);
  const v = new RtpPacketView();
  assert.equal(v.wrap(out, n), 'ok');
  return v;
}

void describe('RtpStreamRecv: RFC 3550 A.1 sequence validation', () => {
  void it('accepts in-order packets and reports no loss', () => {
    const s = stream();
    assert.deepEqual(feed(s, range(100, 110)), Array(10).fill('accepted'));
    const rb = s.getReceiverReportBlock(20)!;
    assert.equal(rb.ssrc, SSRC);
    assert.equal(rb.highestSequence, 109);
    assert.equal(rb.packetsLost, 0);
    assert.equal(rb.fractionLost, 0);
    assert.equal(rb.lastSr, 0);
    assert.equal(rb.delaySinceLastSr, 0);
  });

  void it('has no report block before a valid packet', () => {
    assert.equal(stream().getReceiverReportBlock(0), undefined);
  });

  void it('tells duplicates and late packets apart', () => {
    const s = stream();
    feed(s, [1, 2, 4, 5]);
    assert.equal(s.receivePacket(packet({ seq: 5 }), 10), 'duplicate'); // newest again
    assert.equal(s.receivePacket(packet({ seq: 3 }), 11), 'accepted'); // late, fills the gap
    assert.equal(s.receivePacket(packet({ seq: 3 }), 12), 'duplicate');
    assert.equal(s.receivePacket(packet({ seq: 2 }), 13), 'duplicate');
    assert.equal(s.receivePacket(packet({ seq: 0 }), 14), 'too-old'); // before the first packet
    assert.equal(s.packetsLost, 0);
    assert.equal(s.getStats(20).packetsDiscarded, 4);
  });

  void it('extends the sequence across the 65535 → 0 wrap', () => {
    const s = stream();
    assert.deepEqual(feed(s, [65533, 65534, 65535, 0, 1, 2]), Array(6).fill('accepted'));
    assert.equal(s.extendedHighestSequenceNumber, 65538);
    // A straggler from before the wrap is still placed in the previous cycle.
    feed(s, [4, 5]); // 3 missing
    assert.equal(s.receivePacket(packet({ seq: 65535 }), 50), 'duplicate');
    assert.equal(s.receivePacket(packet({ seq: 3 }), 51), 'accepted');
    const rb = s.getReceiverReportBlock(60)!;
    assert.equal(rb.highestSequence, 0x10005);
    assert.equal(rb.packetsLost, 0);
  });

  void it('probation: MIN_SEQUENTIAL packets in sequence validate the source', () => {
    const s = stream({ minSequential: 2 });
    assert.equal(s.receivePacket(packet({ seq: 500 }), 0), 'probation');
    assert.equal(s.receivePacket(packet({ seq: 700 }), 1), 'probation'); // not in sequence
    assert.equal(s.receivePacket(packet({ seq: 701 }), 2), 'accepted');
    assert.equal(s.expectedPackets, 1);
    assert.equal(s.receivePacket(packet({ seq: 702 }), 3), 'accepted');
    assert.equal(s.getReceiverReportBlock(4)!.highestSequence, 702);
  });

  void it('a large jump is refused once, then resyncs when the next follows it', () => {
    const s = stream();
    feed(s, range(1000, 1010));
    assert.equal(s.receivePacket(packet({ seq: 30000 }), 20), 'bad-sequence');
    assert.equal(s.receivePacket(packet({ seq: 40000 }), 21), 'bad-sequence');
    assert.equal(s.receivePacket(packet({ seq: 40001 }), 22), 'accepted');
    assert.equal(s.extendedHighestSequenceNumber, 40001);
    assert.equal(s.expectedPackets, 1); // counters restart (A.1 init_seq)
    assert.equal(s.receivePacket(packet({ seq: 40002 }), 23), 'accepted');
    assert.equal(s.packetsLost, 0);
  });

  void it('a jump below MAX_DROPOUT counts as loss', () => {
    const s = stream({ useNack: false });
    feed(s, [10, 11]);
    assert.equal(s.receivePacket(packet({ seq: 2011 }), 5), 'accepted');
    assert.equal(s.packetsLost, 1999);
  });
});

void describe('RtpStreamRecv: RFC 3550 A.3 loss and §6.4.1 report block', () => {
  void it('computes fraction lost per interval and cumulative loss', () => {
    const s = stream();
    // 100..109 with 103 and 105 missing: expected 10, received 8.
    feed(s, [100, 101, 102, 104, 106, 107, 108, 109]);
    let rb = s.getReceiverReportBlock(100)!;
    assert.equal(rb.packetsLost, 2);
    assert.equal(rb.fractionLost, Math.floor((2 * 256) / 10)); // 51
    assert.equal(rb.highestSequence, 109);

    // Next interval: 110..119 all arrive, plus 103 late → more received than expected.
    feed(s, [...range(110, 120), 103], 200);
    rb = s.getReceiverReportBlock(300)!;
    assert.equal(rb.fractionLost, 0);
    assert.equal(rb.packetsLost, 1);

    // Next: 120..123 of which 121, 122 lost: 2 of 4 → 128.
    feed(s, [120, 123], 400);
    rb = s.getReceiverReportBlock(500)!;
    assert.equal(rb.fractionLost, 128);
    assert.equal(rb.packetsLost, 3);
    assert.equal(s.fractionLost, 128);
  });

  void it('clamps the cumulative loss to 24 signed bits', () => {
    const s = stream();
    let seq = 0;
    for (let i = 0; i < 3000; i++) {
      s.receivePacket(packet({ seq }), i);
      seq = (seq + 2999) & 0xffff; // 2998 lost each step
    }
    assert.equal(s.packetsLost, 2999 * 2998);
    const rb = s.getReceiverReportBlock(5000)!;
    assert.equal(rb.packetsLost, 0x7fffff);
    assert.equal(rb.fractionLost, 255); // 2998/2999 of 256, floored
    assert.equal(rb.highestSequence, 2999 * 2999);
  });

  void it('echoes LSR (middle 32 bits of the NTP time) and DLSR in 1/65536 s', () => {
    const s = stream();
    feed(s, [1, 2, 3]);
    const sr = { ntpSeconds: 0xe8a1b2c3, ntpFraction: 0x80000000, rtpTimestamp: 12345 };
    s.receiveSenderReport(sr, 1000);
    const rb = s.getReceiverReportBlock(2500)!;
    assert.equal(rb.lastSr, 0xb2c38000);
    assert.equal(rb.lastSr, compactNtp(sr.ntpSeconds, sr.ntpFraction));
    assert.equal(rb.delaySinceLastSr, 98304); // 1.5 s × 65536
    assert.equal(s.getReceiverReportBlock(1001)!.delaySinceLastSr, 65); // 1 ms = 65.536
  });
});

void describe("RtpStreamRecv: RTT from the sender's XR DLRR (RFC 3611 §4.5, as mediasoup)", () => {
  // Our RRT went out at NTP 0xe8a1b2c3.40000000: LRR is its middle 32 bits, 0xb2c34000.
  const lrr = compactNtp(0xe8a1b2c3, 0x40000000);

  void it('reports 0 before any DLRR', () => {
    assert.equal(stream().getStats(0).roundTripTime, 0);
  });

  void it('computes now − LRR − DLRR in ms', () => {
    const s = stream({ useNack: true });
    // The sender held the RRT 0.25 s (DLRR 16384/65536 s); it is now 0.3125 s after the RRT.
    const now = (lrr + 0x5000) >>> 0;
    s.receiveXrDlrr(lrr, 0x4000, now);
    assert.equal(s.getStats(0).roundTripTime, 62.5);
    assert.equal(s.roundTripTimeMs, 62.5);
    // mediasoup gives the NACK generator the RTT in whole ms.
    assert.equal(s.nackGenerator!.rttMs, 62);
    // Sub-ms precision: 1/65536 s units.
    s.receiveXrDlrr(lrr, 0x4000, (lrr + 0x4000 + 13) >>> 0);
    assert.equal(s.getStats(0).roundTripTime, (13 * 1000) / 65536);
  });

  void it('in 32-bit arithmetic across the 16-bit seconds wrap of compact NTP', () => {
    const s = stream();
    // LRR just before the wrap, now just after it: LRR + DLRR wraps too.
    s.receiveXrDlrr(0xffff8000, 0x8000 + 0x100, 0x00000200);
    assert.equal(s.getStats(0).roundTripTime, (0x100 * 1000) / 65536);
  });

  void it('resets to 0 when LRR or DLRR is 0, or now is not after LRR + DLRR', () => {
    const s = stream();
    const now = (lrr + 0x5000) >>> 0;
    for (const [lastRr, dlrr, at] of [
      [0, 0x4000, now], // no RRT reached the sender
      [lrr, 0, now], // none either (RFC 3611 §4.5: DLRR 0 with no RRT)
      [lrr, 0x5000, now], // zero RTT
      [lrr, 0x6000, now], // negative
    ]) {
      s.receiveXrDlrr(lrr, 0x4000, now);
      assert.equal(s.getStats(0).roundTripTime, 62.5);
      s.receiveXrDlrr(lastRr, dlrr, at);
      assert.equal(s.getStats(0).roundTripTime, 0, `LRR ${lastRr} DLRR ${dlrr}`);
    }
  });
});

void describe('RtpStreamRecv: RFC 3550 A.8 interarrival jitter', () => {
  void it('follows J += (|D| − J)/16 in timestamp units', () => {
    const s = stream();
    // 20 ms apart in RTP time (1800 ticks at 90 kHz); arrivals alternate 0 / +10 ms late.
    const delays = [0, 10, 0, 10];
    delays.forEach((d, i) => {
      assert.equal(s.receivePacket(packet({ seq: i, ts: i * 1800 }), i * 20 + d), 'accepted');
    });
    // |D| = 10 ms = 900 ticks each time after the first packet.
    let j = 0;
    for (let i = 0; i < 3; i++) j += (900 - j) / 16;
    assert.ok(Math.abs(s.jitter - j) < 1e-9);
    assert.equal(j, 158.4228515625);
    assert.equal(s.getReceiverReportBlock(100)!.jitter, 158);
  });

  void it('handles the 32-bit timestamp wrap', () => {
    const s = stream();
    s.receivePacket(packet({ seq: 1, ts: 0xffffff00 }), 1000);
    s.receivePacket(packet({ seq: 2, ts: (0xffffff00 + 1800) >>> 0 }), 1020);
    assert.equal(s.jitter, 0);
  });
});

void describe('RtpStreamRecv: RTX, NACK and key frame requests', () => {
  function withRtx(onNack?: (seqs: readonly number[]) => void): RtpStreamRecv {
    return stream({ rtxSsrc: RTX_SSRC, rtxPayloadType: 97, useNack: true, usePli: true, onNack });
  }

  void it('NACKs a gap at once and counts it', () => {
    const nacked: number[][] = [];
    const s = withRtx((seqs) => nacked.push([...seqs]));
    feed(s, [10, 11, 14]);
    assert.deepEqual(nacked, [[12, 13]]);
    const st = s.getStats(10);
    assert.equal(st.nackCount, 1);
    assert.equal(st.nackPacketCount, 2);
  });

  void it('repairs a loss from RTX: decapsulates, counts retransmitted and repaired', () => {
    const s = withRtx();
    feed(s, [10, 11, 13]);
    const rtx = rtxOf(12, 500);
    assert.equal(s.receiveRtxPacket(rtx, 20), 'accepted');
    assert.equal(rtx.ssrc, SSRC);
    assert.equal(rtx.payloadType, 96);
    assert.equal(rtx.sequenceNumber, 12);
    assert.equal(rtx.timestamp, 12 * 3000);
    assert.equal(s.nackGenerator!.size, 0);
    // The same retransmission again: counted as retransmitted, not repaired.
    assert.equal(s.receiveRtxPacket(rtxOf(12, 501), 21), 'duplicate');
    const st = s.getStats(30);
    assert.equal(st.packetsRetransmitted, 2);
    assert.equal(st.packetsRepaired, 1);
    assert.equal(st.packetsLost, 0);
    assert.equal(st.packetCount, 4);
  });

  void it('discards RTX whose own sequence number jumps (rtxPacketsDiscarded, as mediasoup)', () => {
    const s = withRtx();
    feed(s, [10, 11, 13, 15, 17]);
    assert.equal(s.receiveRtxPacket(rtxOf(12, 500), 20), 'accepted');
    // Absent while nothing was discarded (mediasoup's node layer turns 0 into undefined).
    assert.equal(s.getStats(20).rtxPacketsDiscarded, undefined);
    // A jump of MAX_DROPOUT (3000) or more on the RTX SSRC is refused before decoding...
    const jumped = rtxOf(14, 4000);
    assert.equal(s.receiveRtxPacket(jumped, 21), 'bad-sequence');
    assert.equal(jumped.ssrc, RTX_SSRC);
    // ...reordered RTX within MAX_MISORDER is not...
    assert.equal(s.receiveRtxPacket(rtxOf(14, 499), 22), 'accepted');
    // ...and the packet after the jump means the sender renumbered: accepted from there.
    assert.equal(s.receiveRtxPacket(rtxOf(16, 4001), 23), 'accepted');
    const st = s.getStats(30);
    assert.equal(st.rtxPacketsDiscarded, 1);
    assert.equal(st.packetsDiscarded, 0);
    assert.equal(st.packetsRepaired, 3);
    // A new RTX stream (learned RTX SSRC) counts afresh.
    s.setRtx(RTX_SSRC, 97);
    assert.equal(s.getStats(30).rtxPacketsDiscarded, undefined);
  });

  void it('refuses foreign or empty RTX packets', () => {
    const s = withRtx();
    feed(s, [10, 12]);
    assert.equal(s.receiveRtxPacket(rtxOf(11, 1, 98), 5), 'invalid-rtx'); // wrong PT
    assert.equal(s.receiveRtxPacket(packet({ seq: 11, ssrc: SSRC }), 5), 'invalid-rtx');
    const padding = packet({ seq: 7, ssrc: RTX_SSRC, pt: 97, size: 0 });
    assert.equal(s.receiveRtxPacket(padding, 5), 'invalid-rtx'); // no OSN
    assert.equal(stream().receiveRtxPacket(rtxOf(11, 1), 5), 'invalid-rtx'); // no RTX at all
  });

  void it('requests key frames with PLI, or FIR when only FIR is negotiated', () => {
    const kinds: KeyFrameRequestKind[] = [];
    const pli = stream({ usePli: true, useFir: true, onKeyFrameRequest: (k) => kinds.push(k) });
    assert.equal(pli.requestKeyFrame(), 'pli');
    const fir = stream({ useFir: true, onKeyFrameRequest: (k) => kinds.push(k) });
    assert.equal(fir.requestKeyFrame(), 'fir');
    assert.equal(fir.requestKeyFrame(), 'fir');
    assert.equal(fir.firSequenceNumber, 2);
    assert.equal(stream().requestKeyFrame(), undefined);
    assert.deepEqual(kinds, ['pli', 'fir', 'fir']);
    assert.equal(pli.getStats(0).pliCount, 1);
    assert.equal(fir.getStats(0).firCount, 2);
  });

  void it('asks for a key frame when the NACK list overflows', () => {
    const kinds: KeyFrameRequestKind[] = [];
    const s = stream({ useNack: true, usePli: true, onKeyFrameRequest: (k) => kinds.push(k) });
    feed(s, [1, 2500]); // 2498 missing > 1000
    assert.deepEqual(kinds, ['pli']);
    assert.equal(s.nackGenerator!.size, 0);
  });
});

void describe('RtpStreamRecv: stats and score', () => {
  void it('measures bitrate over 1 s and counts bytes', () => {
    const s = stream();
    for (let i = 0; i < 10; i++) s.receivePacket(packet({ seq: i, size: 88 }), i * 100);
    const st = s.getStats(950);
    assert.equal(st.packetCount, 10);
    assert.equal(st.byteCount, 1000);
    assert.equal(st.bitrate, 8000);
    assert.equal(s.getStats(5000).bitrate, 0);
  });

  void it('scores 10 when active, 0 when inactive, and follows loss at each SR', () => {
    const scores: [number, number][] = [];
    const s = stream({ onScore: (a, b) => scores.push([a, b]) });
    assert.equal(s.score, 0);
    feed(s, range(0, 100));
    assert.equal(s.score, 10);
    const sr = { ntpSeconds: 1, ntpFraction: 0, rtpTimestamp: 0 };
    s.receiveSenderReport(sr, 200);
    assert.equal(s.score, 10);
    // Next interval: every other packet lost (99 expected, 50 received). mediasoup rates the
    // losses against what was received: (50 − 49) / 50 → sample round(0.02^4 × 10) = 0.
    feed(
      s,
      range(100, 200).filter((n) => n % 2 === 0),
      300,
    );
    s.receiveSenderReport(sr, 500);
    // History [10, 0] weighted 1, 2: 10 / 3 → 3.
    assert.equal(s.score, 3);
    // The last packet arrived at 349.
    s.tick(349 + 1499);
    assert.equal(s.active, true);
    s.tick(349 + 1500);
    assert.equal(s.active, false);
    assert.equal(s.score, 0);
    assert.deepEqual(scores, [
      [10, 0],
      [3, 10],
      [0, 3],
    ]);
  });
});

void describe('RtpStreamRecv: score as mediasoup computes it', () => {
  const sr = { ntpSeconds: 1, ntpFraction: 0, rtpTimestamp: 0 };

  void it('rates a 10% loss against the packets received (mediasoup: 8/9 delivered → 6)', () => {
    const s = stream({});
    feed(s, range(0, 100));
    s.receiveSenderReport(sr, 200);
    // 100 expected, 90 received: (90 − 10) / 90 = 0.889, ^4 × 10 = 6.2 → 6 (not 0.9^4 → 7).
    for (let i = 0; i < 23; i++) {
      const base = 100 + i * 100;
      feed(
        s,
        range(base, base + 100).filter((n) => n % 10 !== 0),
        300 + i * 10,
      );
      s.receiveSenderReport(sr, 300 + i * 10 + 5);
    }
    // The 24-sample history is [10, 6 × 23]: (10 + 6 × (2 + … + 24)) / 300 = 6.
    assert.equal(s.score, 6);
  });

  void it('counts a NACKed packet that comes back without RTX as repaired', () => {
    const s = stream({ useNack: true });
    feed(s, range(0, 50));
    feed(s, range(51, 100), 150);
    assert.equal(s.getStats(200).packetsRepaired, 0);
    feed(s, [50], 160);
    const stats = s.getStats(200);
    assert.equal(stats.packetsRepaired, 1);
    assert.equal(stats.packetsRetransmitted, 1);
  });
});
