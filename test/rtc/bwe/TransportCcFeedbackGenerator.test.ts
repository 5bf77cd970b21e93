import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseRtcpHeader,
  parseTransportCc,
  transportCcSize,
  writeTransportCc,
  type TransportCcFeedback,
} from '../../../src/protocols/rtcp/index.js';
import { TransportCcFeedbackGenerator } from '../../../src/rtc/bwe/TransportCcFeedbackGenerator.js';

const SSRC = 0xaabbccdd;

function generator(
  options: Partial<ConstructorParameters<typeof TransportCcFeedbackGenerator>[0]> = {},
): TransportCcFeedbackGenerator {
  return new TransportCcFeedbackGenerator({ senderSsrc: 1, ...options });
}

/** Arrival times (µs) the feedback says, from the reference time and the deltas. */
function arrivals(fb: TransportCcFeedback): Map<number, number> {
  const map = new Map<number, number>();
  let t = fb.referenceTime * 64_000;
  fb.deltas.forEach((d, i) => {
    if (d === null) return;
    t += d * 250;
    map.set((fb.baseSequenceNumber + i) & 0xffff, t);
  });
  return map;
}

/** Each feedback survives writing and parsing. */
function wire(fb: TransportCcFeedback): TransportCcFeedback {
  const out = Buffer.alloc(transportCcSize(fb));
  assert.equal(writeTransportCc(fb, out), out.length);
  const h = parseRtcpHeader(out);
  assert.ok(typeof h === 'object');
  const parsed = parseTransportCc(out, h);
  assert.ok(typeof parsed === 'object');
  return parsed;
}

void describe('TransportCcFeedbackGenerator', () => {
  void it('reports every packet with its arrival time to 250 µs', () => {
    const g = generator();
    const sent = new Map<number, number>();
    for (let i = 0; i < 20; i++) {
      const t = 1000 + i * 3.3;
      sent.set(100 + i, t * 1000);
      assert.equal(g.record(100 + i, t, SSRC), false);
    }
    assert.equal(g.pending, 20);
    const [fb, ...rest] = g.takeFeedback(2000);
    assert.equal(rest.length, 0);
    assert.equal(fb.senderSsrc, 1);
    assert.equal(fb.mediaSsrc, SSRC);
    assert.equal(fb.baseSequenceNumber, 100);
    assert.equal(fb.deltas.length, 20);
    assert.equal(fb.feedbackPacketCount, 0);
    for (const [seq, t] of arrivals(wire(fb))) {
      // Quantized in one accumulating clock: never more than half a unit off.
      assert.ok(Math.abs(t - sent.get(seq)!) <= 125, `seq ${seq}`);
    }
    assert.equal(g.pending, 0);
    assert.deepEqual(g.takeFeedback(2100), []);
  });

  void it('goes out every interval on tick, and at once when 100 packets wait', () => {
    const g = generator();
    g.record(1, 0, SSRC);
    assert.equal(g.tick(0).length, 1);
    g.record(2, 10, SSRC);
    assert.equal(g.tick(50).length, 0, 'interval not over');
    const [fb] = g.tick(100);
    assert.equal(fb.baseSequenceNumber, 2);
    assert.equal(fb.feedbackPacketCount, 1);
    let due = false;
    for (let i = 0; i < 100; i++) due = g.record(3 + i, 110 + i, SSRC);
    assert.equal(due, true);
    const [full] = g.takeFeedback(150);
    assert.equal(full.deltas.length, 100);
    assert.equal(full.feedbackPacketCount, 2);
  });

  void it('reports missing sequence numbers as not received', () => {
    const g = generator();
    for (const seq of [10, 11, 14, 15, 20]) g.record(seq, seq, SSRC);
    const [fb] = g.takeFeedback(100);
    assert.equal(fb.baseSequenceNumber, 10);
    assert.deepEqual(
      fb.deltas.map((d) => d !== null),
      [true, true, false, false, true, true, false, false, false, false, true],
    );
    // The next feedback starts after the last one: the gap is not reported twice.
    g.record(22, 22, SSRC);
    const [next] = g.takeFeedback(200);
    assert.equal(next.baseSequenceNumber, 21);
    assert.deepEqual(
      next.deltas.map((d) => d !== null),
      [false, true],
    );
  });

  void it('handles the 16-bit wrap-around', () => {
    const g = generator();
    for (let i = 0; i < 10; i++) g.record((65530 + i) & 0xffff, i, SSRC);
    const [fb] = g.takeFeedback(100);
    assert.equal(fb.baseSequenceNumber, 65530);
    assert.equal(fb.deltas.length, 10);
    assert.deepEqual(
      [...arrivals(fb).keys()],
      [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3],
    );
  });

  void it('reorders packets into sequence order with negative deltas', () => {
    const g = generator();
    g.record(1, 100, SSRC);
    g.record(3, 101, SSRC);
    g.record(2, 102, SSRC);
    g.record(2, 150, SSRC); // duplicate: the first arrival counts
    const [fb] = g.takeFeedback(200);
    const t = arrivals(wire(fb));
    assert.deepEqual([...t.keys()], [1, 2, 3]);
    assert.equal(t.get(2)! - t.get(1)!, 2000);
    assert.equal(t.get(3)! - t.get(2)!, -1000);
    assert.ok(fb.deltas[2]! < 0);
  });

  void it('drops packets that arrive after their feedback was sent', () => {
    const g = generator();
    g.record(5, 0, SSRC);
    g.record(7, 1, SSRC);
    g.takeFeedback(10);
    assert.equal(g.record(6, 11, SSRC), false);
    assert.equal(g.lateDrops, 1);
    assert.equal(g.pending, 0);
    assert.deepEqual(g.takeFeedback(20), []);
  });

  void it('splits feedback when a delta does not fit 16 bits or the packet is full', () => {
    const g = generator({ maxPacketsPerFeedback: 50 });
    g.record(1, 0, SSRC);
    g.record(2, 10_000, SSRC); // 10 s later: more than 8191.75 ms
    const [a, b] = g.takeFeedback(10_001);
    assert.equal(a.baseSequenceNumber, 1);
    assert.deepEqual(a.deltas.length, 1);
    assert.equal(b.baseSequenceNumber, 2);
    assert.equal(arrivals(b).get(2), 10_000_000);

    for (let i = 0; i < 120; i++) g.record(3 + i, 20_000 + i, SSRC);
    const parts = g.takeFeedback(20_200);
    assert.deepEqual(
      parts.map((p) => p.deltas.length),
      [50, 50, 20],
    );
    assert.deepEqual(
      parts.map((p) => p.baseSequenceNumber),
      [3, 53, 103],
    );
    assert.deepEqual(
      parts.map((p) => p.feedbackPacketCount),
      [2, 3, 4],
    );
  });

  void it('keeps bounded memory across a long gap and a sender restart', () => {
    const g = generator({ capacity: 64, maxPacketsPerFeedback: 1000 });
    g.record(0, 0, SSRC);
    g.record(1000, 1, SSRC); // 999 lost: only the last 64 fit the ring
    const [fb] = g.takeFeedback(10);
    assert.equal(fb.deltas.length, 64);
    assert.equal(fb.baseSequenceNumber, 1000 - 63);
    // A jump far behind what was reported: a restarted sequence, taken as a new start.
    g.record(200, 20, SSRC);
    g.record(201, 21, SSRC);
    const [restart] = g.takeFeedback(30);
    assert.equal(restart.baseSequenceNumber, 200);
    assert.equal(restart.deltas.length, 2);
  });

  void it('reference time is the 24-bit count of 64 ms', () => {
    const g = generator();
    g.record(1, 64 * 0x1000005 + 3, SSRC);
    const [fb] = g.takeFeedback(0);
    assert.equal(fb.referenceTime, 5);
    assert.equal(fb.deltas[0], 12);
  });
});
