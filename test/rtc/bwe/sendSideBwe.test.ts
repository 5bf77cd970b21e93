/**
 * The send-side estimator on simulated links (test/rtc/bwe/linkSim.ts: a drop-tail bottleneck,
 * Skein's own transport-cc receiver, feedback through the wire format): it settles within a
 * band of the capacity and within bounded simulated time after steps, loss bursts, jitter and
 * reordered feedback, sequence-number and reference-time wraps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkSim } from './linkSim.js';
import { SendSideBwe, MIN_OUTGOING_BITRATE } from '../../../src/rtc/bwe/SendSideBwe.js';

const kbps = (b: number): string => `${Math.round(b / 1000)} kbit/s`;

function assertBand(sim: LinkSim, from: number, to: number, capacity: number): void {
  const mean = sim.mean(from, to);
  assert.ok(
    mean > 0.7 * capacity && mean < 1.1 * capacity,
    `mean ${kbps(mean)} over ${from}..${to} ms, capacity ${kbps(capacity)}`,
  );
  for (const s of sim.samples) {
    if (s.t < from || s.t >= to) continue;
    assert.ok(
      s.bitrate < 1.25 * capacity && s.bitrate > 0.5 * capacity,
      `${kbps(s.bitrate)} at ${s.t} ms, capacity ${kbps(capacity)}`,
    );
  }
}

describe('send-side bandwidth estimation (simulated link)', () => {
  it('steady 1 Mbit/s link: climbs from 600 kbit/s and holds within a band of it', () => {
    const sim = new LinkSim({ capacity: () => 1_000_000 });
    sim.run(30_000);
    const first = sim.samples.find((s) => s.bitrate >= 900_000);
    assert.ok(first && first.t < 12_000, `reached 900 kbit/s at ${first?.t} ms`);
    assertBand(sim, 12_000, 30_000, 1_000_000);
    assert.ok(sim.bwe.delay.rate.decreases >= 1, 'the delay-based controller found the limit');
  });

  it('step down 2.5 Mbit/s → 300 kbit/s: within 3 s it is below the new capacity, then holds', () => {
    const sim = new LinkSim({ capacity: (t) => (t < 20_000 ? 2_500_000 : 300_000) });
    sim.run(40_000);
    const down = sim.samples.find((s) => s.t >= 20_000 && s.bitrate <= 330_000);
    assert.ok(
      down && down.t - 20_000 < 3000,
      `below 330 kbit/s ${down && down.t - 20_000} ms after`,
    );
    assertBand(sim, 25_000, 40_000, 300_000);
  });

  it('step up 1 → 2.5 Mbit/s: follows within 25 s', () => {
    const sim = new LinkSim({ capacity: (t) => (t < 15_000 ? 1_000_000 : 2_500_000) });
    sim.run(45_000);
    const up = sim.samples.find((s) => s.t >= 15_000 && s.bitrate >= 2_000_000);
    assert.ok(up && up.t - 15_000 < 25_000, `2 Mbit/s ${up && up.t - 15_000} ms after the step`);
    assert.ok(sim.mean(40_000, 45_000) < 2_500_000 * 1.1);
  });

  it('a 20 % loss burst: the loss-based controller backs off, and it recovers afterwards', () => {
    const sim = new LinkSim({
      capacity: () => 1_000_000,
      loss: (t) => (t >= 10_000 && t < 15_000 ? 0.2 : 0),
    });
    sim.run(40_000);
    const before = sim.mean(8_000, 10_000);
    const during = sim.samples.find((s) => s.t === 15_000)!.bitrate;
    assert.ok(during < 0.7 * before, `${kbps(during)} after the burst, ${kbps(before)} before`);
    assert.ok(sim.bwe.loss.lossFraction < 0.02, 'loss measured back to zero');
    assert.ok(sim.mean(35_000, 40_000) > 750_000, `recovered: ${kbps(sim.mean(35_000, 40_000))}`);
  });

  it('light loss (1 %) does not bring the estimate down', () => {
    const sim = new LinkSim({ capacity: () => 1_000_000, loss: () => 0.01 });
    sim.run(30_000);
    assertBand(sim, 15_000, 30_000, 1_000_000);
  });

  it('reordered packets (jitter) and reordered feedback every 50 ms: still within the band', () => {
    const sim = new LinkSim({
      capacity: () => 1_500_000,
      jitterMs: 3,
      feedbackIntervalMs: 50,
      reorderFeedback: 0.2,
    });
    sim.run(35_000);
    assertBand(sim, 15_000, 35_000, 1_500_000);
  });

  it('transport-wide sequence numbers and the 24-bit reference time wrap mid-run', () => {
    // Reference time wraps at 2^24 × 64 ms; the receiver's clock crosses it 5 s in.
    const sim = new LinkSim({
      capacity: () => 800_000,
      firstSeq: 65_000,
      receiverClockOffsetMs: 2 ** 24 * 64 - 5000,
    });
    sim.run(30_000);
    assert.ok(sim.bwe.history.recorded > 2000);
    assert.equal(sim.bwe.feedback.totals.unknown, 0, 'every reported packet matched its send');
    assertBand(sim, 12_000, 30_000, 800_000);
  });

  it('bounds: max follows 1.35 × desired (initial while none), max/min outgoing cap it', () => {
    const bwe = new SendSideBwe({ type: 'transport-cc', initialAvailableBitrate: 600_000 });
    assert.equal(bwe.maxBitrate, 600_000);
    assert.equal(bwe.minBitrate, MIN_OUTGOING_BITRATE);
    bwe.setDesiredBitrate(2_000_000);
    assert.equal(bwe.maxBitrate, 2_700_000);
    assert.equal(bwe.maxPaddingBitrate, Math.round(2_700_000 * 0.85));
    // Within 10 % of the current max: unchanged (no churn for noise).
    bwe.setDesiredBitrate(2_050_000);
    assert.equal(bwe.maxBitrate, 2_700_000);
    bwe.setMaxOutgoingBitrate(1_000_000);
    assert.equal(bwe.maxBitrate, 1_000_000);
    bwe.setMinOutgoingBitrate(700_000);
    assert.equal(bwe.minBitrate, 700_000);
    assert.ok(bwe.availableBitrate >= 700_000 && bwe.availableBitrate <= 1_000_000);
    const info = bwe.info;
    assert.deepEqual(Object.keys(info).sort(), [
      'availableBitrate',
      'bweType',
      'desiredBitrate',
      'effectiveDesiredBitrate',
      'maxBitrate',
      'maxPaddingBitrate',
      'minBitrate',
      'startBitrate',
    ]);
  });

  it('effectiveDesiredBitrate rises at once and falls by 5 % of the peak per second (forced: at once)', () => {
    const bwe = new SendSideBwe({ type: 'transport-cc', initialAvailableBitrate: 600_000 });
    bwe.setDesiredBitrate(2_000_000, 0);
    assert.equal(bwe.effectiveDesiredBitrate, 2_000_000);
    bwe.setDesiredBitrate(500_000, 1000);
    assert.equal(bwe.desiredBitrate, 500_000);
    assert.equal(bwe.effectiveDesiredBitrate, 1_900_000);
    // The bounds follow the smoothed value, not the dip.
    assert.equal(bwe.maxBitrate, 2_700_000);
    bwe.setDesiredBitrate(500_000, 10_000);
    assert.equal(bwe.effectiveDesiredBitrate, 1_000_000);
    bwe.setDesiredBitrate(500_000, 40_000);
    assert.equal(bwe.effectiveDesiredBitrate, 500_000, 'never below the desired value');
    bwe.setDesiredBitrate(3_000_000, 40_001);
    assert.equal(bwe.effectiveDesiredBitrate, 3_000_000);
    bwe.setDesiredBitrate(0, 40_002, true);
    assert.equal(bwe.effectiveDesiredBitrate, 0);
    assert.equal(bwe.maxBitrate, 600_000, 'nothing desired: the initial bitrate bounds it');
  });

  it('REMB: the estimate of a goog-remb receiver, within bounds', () => {
    const bwe = new SendSideBwe({ type: 'remb', initialAvailableBitrate: 600_000 });
    bwe.setDesiredBitrate(3_000_000);
    assert.equal(bwe.onRemb(1_234_000, 0), 1_234_000);
    assert.equal(bwe.onRemb(10, 1), MIN_OUTGOING_BITRATE);
    assert.equal(bwe.onRemb(100_000_000, 2), bwe.maxBitrate);
  });
});
