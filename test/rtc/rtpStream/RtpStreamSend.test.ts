import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RtpPacketView } from '../../../src/protocols/rtp/index.js';
import { nackItemsFromSequenceNumbers } from '../../../src/protocols/rtcp/index.js';
import {
  RtpStreamSend,
  ntpFromUnixMs,
  type RtpStreamSendOptions,
} from '../../../src/rtc/rtpStream/index.js';
import { hex, packet, packetBytes } from './helpers.js';

const SSRC = 0xaabbccdd;

function stream(extra: Partial<RtpStreamSendOptions> = {}): {
  s: RtpStreamSend;
  sent: string[];
} {
  const sent: string[] = [];
  const s = new RtpStreamSend({
    ssrc: SSRC,
    payloadType: 96,
    clockRate: 90000,
    mimeType: 'video/VP8',
    useNack: true,
    onRetransmit: (p: RtpPacketView) => sent.push(hex(p.buffer.subarray(0, p.length))),
    ...extra,
  });
  return { s, sent };
}

function send(s: RtpStreamSend, seq: number, nowMs: number, size = 10): void {
  s.storePacket(packet({ seq, ts: seq * 3000, ssrc: SSRC, size }), nowMs);
}

void describe('RtpStreamSend: NACK answers (RFC 4585 §6.2.1)', () => {
  void it('resends stored packets as they were sent', () => {
    const { s, sent } = stream();
    for (let seq = 100; seq < 110; seq++) send(s, seq, seq);
    assert.equal(s.receiveNack([103, 105, 200], 200), 2);
    assert.deepEqual(sent, [
      hex(packetBytes({ seq: 103, ts: 103 * 3000, ssrc: SSRC })),
      hex(packetBytes({ seq: 105, ts: 105 * 3000, ssrc: SSRC })),
    ]);
    const st = s.getStats(200);
    assert.equal(st.nackCount, 1);
    assert.equal(st.nackPacketCount, 3);
    assert.equal(st.packetsRetransmitted, 2);
    assert.equal(st.packetsRepaired, 2);
  });

  void it('resends a packet at most once per RTT', () => {
    const { s, sent } = stream();
    send(s, 1, 0);
    assert.equal(s.receiveNack([1], 10), 1);
    assert.equal(s.receiveNack([1], 60), 0); // within the default 100 ms
    assert.equal(s.receiveNack([1], 110), 0);
    assert.equal(s.receiveNack([1], 111), 1);
    assert.equal(sent.length, 2);
    const st = s.getStats(200);
    assert.equal(st.packetsRetransmitted, 2);
    assert.equal(st.packetsRepaired, 1); // only the first resend repairs
  });

  void it('does not resend packets older than the maximum age', () => {
    const { s } = stream();
    send(s, 1, 0);
    assert.equal(s.receiveNack([1], 2001), 0);
    const audio = stream({ mimeType: 'audio/opus' }).s;
    send(audio, 1, 0);
    assert.equal(audio.receiveNack([1], 1001), 0);
  });

  void it('takes parsed PID/BLP items', () => {
    const { s, sent } = stream();
    for (let seq = 65530; seq < 65540; seq++) send(s, seq & 0xffff, 0);
    const items = nackItemsFromSequenceNumbers([65533, 65535, 1, 3]);
    assert.equal(s.receiveNackItems(items, 5), 4);
    assert.equal(sent.length, 4);
    assert.equal(s.getStats(5).nackPacketCount, 4);
  });

  void it('keeps nothing without NACK', () => {
    const { s, sent } = stream({ useNack: false });
    send(s, 1, 0);
    assert.equal(s.buffer.capacity, 0);
    assert.equal(s.receiveNack([1], 5), 0);
    assert.equal(sent.length, 0);
  });

  void it('encapsulates as RTX (RFC 4588 §4): OSN, RTX SSRC/PT, own sequence', () => {
    const { s, sent } = stream({
      rtxSsrc: 0x55667788,
      rtxPayloadType: 97,
      rtxInitialSequenceNumber: 0xffff,
    });
    const bytes = new Uint8Array([
      0x80, 0xe0, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xaa, 0xbb, 0xcc, 0xdd, 0xde, 0xad, 0xbe,
      0xef,
    ]); // M=1, PT 96, seq 0x1234, ts 0x01020304
    const v = packet({ seq: 0 });
    assert.equal(v.wrap(bytes), 'ok');
    s.storePacket(v, 0);
    v.wrap(packetBytes({ seq: 0x1235, ssrc: SSRC, payload: [9] }));
    s.storePacket(v, 0);
    assert.equal(s.receiveNack([0x1234, 0x1235], 10), 2);
    assert.deepEqual(sent, [
      // header with RTX PT (M kept), RTX seq 0xffff, RTX SSRC, then OSN 0x1234 and payload
      '80e1ffff' + '01020304' + '55667788' + '1234' + 'deadbeef',
      '8061' + '0000' + '00000000' + '55667788' + '1235' + '09', // RTX seq wrapped to 0
    ]);
    assert.equal(s.rtxSequenceNumber, 1);
  });
});

void describe('RtpStreamSend: sender and receiver reports (RFC 3550 §6.4.1)', () => {
  void it('builds an SR with the RTP timestamp extrapolated at the clock rate', () => {
    const { s } = stream();
    assert.equal(s.getSenderReport(0, ntpFromUnixMs(0)), undefined);
    s.storePacket(packet({ seq: 1, ts: 1000, ssrc: SSRC, size: 100 }), 100);
    s.storePacket(packet({ seq: 2, ts: 500, ssrc: SSRC, size: 50 }), 120); // older timestamp
    const ntp = { seconds: 0xe8a1b2c3, fraction: 0x40000000 };
    const sr = s.getSenderReport(150, ntp)!;
    assert.equal(sr.ssrc, SSRC);
    assert.equal(sr.ntpSeconds, 0xe8a1b2c3);
    assert.equal(sr.ntpFraction, 0x40000000);
    assert.equal(sr.rtpTimestamp, 1000 + 50 * 90); // 50 ms since the newest timestamp
    assert.equal(sr.packetCount, 2);
    assert.equal(sr.octetCount, 150); // payload octets only
    assert.equal(s.byteCount, 150 + 24);
  });

  void it('wraps the extrapolated RTP timestamp at 32 bits', () => {
    const { s } = stream();
    s.storePacket(packet({ seq: 1, ts: 0xffffff00, ssrc: SSRC }), 0);
    assert.equal(s.getSenderReport(10, ntpFromUnixMs(0))!.rtpTimestamp, 900 - 256);
  });

  void it('computes RTT = A − LSR − DLSR', () => {
    const { s } = stream();
    send(s, 1, 0);
    const ntp = { seconds: 0xaabb0005, fraction: 0x40000000 };
    s.getSenderReport(1000, ntp); // LSR the peer will echo: 0x00054000
    // The RR comes back 300 ms later, the peer having held the SR for 200 ms.
    const dlsr = Math.round(0.2 * 65536);
    s.receiveReceiverReport(rr({ lastSr: 0x00054000, delaySinceLastSr: dlsr }), 1300);
    assert.ok(Math.abs(s.rttMs! - 100) < 0.05, `rtt ${s.rttMs}`);
    assert.equal(s.getStats(1300).roundTripTime, s.rttMs);
  });

  void it('ignores RRs without LSR, and uses the RTT to space resends', () => {
    const { s } = stream();
    send(s, 1, 0);
    s.receiveReceiverReport(rr({ lastSr: 0, delaySinceLastSr: 0 }), 10);
    assert.equal(s.rttMs, undefined);
    s.getSenderReport(0, { seconds: 0, fraction: 0 });
    s.receiveReceiverReport(rr({ lastSr: 0, delaySinceLastSr: 0 }), 0);
    assert.equal(s.rttMs, undefined);
    // An RR echoing our SR 30 ms later with no hold time: RTT 30 ms.
    const s2 = stream().s;
    send(s2, 1, 0);
    s2.getSenderReport(0, { seconds: 1, fraction: 0 }); // compact 0x00010000
    s2.receiveReceiverReport(rr({ lastSr: 0x00010000, delaySinceLastSr: 0 }), 30);
    assert.ok(Math.abs(s2.rttMs! - 30) < 0.05);
    assert.equal(s2.receiveNack([1], 31), 1);
    assert.equal(s2.receiveNack([1], 60), 0);
    assert.equal(s2.receiveNack([1], 62), 1);
  });

  void it('scores from RR loss like mediasoup', () => {
    const scores: number[] = [];
    const { s } = stream({ onScore: (score) => scores.push(score) });
    assert.equal(s.score, 10);
    for (let seq = 0; seq < 100; seq++) send(s, seq, seq);
    s.receiveReceiverReport(rr({ packetsLost: 0 }), 100);
    assert.equal(s.score, 10);
    for (let seq = 100; seq < 200; seq++) send(s, seq, seq);
    s.receiveReceiverReport(rr({ packetsLost: 50, fractionLost: 128 }), 200);
    // Sample round(0.5^4 × 10) = 1; history [10, 1] weighted 1, 2 → 4.
    assert.equal(s.score, 4);
    assert.deepEqual(scores, [4]);
    const st = s.getStats(200);
    assert.equal(st.packetsLost, 50);
    assert.equal(st.fractionLost, 128);
  });
});

function rr(b: Partial<Parameters<RtpStreamSend['receiveReceiverReport']>[0]>) {
  return {
    ssrc: SSRC,
    fractionLost: 0,
    packetsLost: 0,
    highestSequence: 0,
    jitter: 0,
    lastSr: 0,
    delaySinceLastSr: 0,
    ...b,
  };
}
