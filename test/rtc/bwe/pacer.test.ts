/** The pacer with a recording output: bursts spread at the pacing rate, bounds, probe clusters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_QUEUE_MS,
  MAX_QUEUE_PACKETS,
  PACER_INTERVAL_MS,
  PACING_FACTOR,
  Pacer,
  type PacedOutput,
} from '../../../src/rtc/bwe/Pacer.js';

class Recorder implements PacedOutput {
  readonly paced: { atMs: number; length: number; twccAt: number; first: number }[] = [];
  readonly probes: { atMs: number; cluster: number }[] = [];
  sendPaced(buffer: Buffer, length: number, twccAt: number, nowMs: number): number {
    this.paced.push({ atMs: nowMs, length, twccAt, first: buffer[0] });
    return length;
  }
  sendProbe(cluster: number, nowMs: number): number {
    this.probes.push({ atMs: nowMs, cluster });
    return 275;
  }
}

const PACKET = 1200;
const packet = Buffer.alloc(PACKET);

/** Offers `count` video packets at `nowMs`; returns how many went at once (the rest queued). */
function offer(pacer: Pacer, count: number, nowMs: number, tag = 0): number {
  let now = 0;
  for (let i = 0; i < count; i++) {
    packet[0] = (tag + i) & 0xff;
    if (pacer.admit(PACKET, nowMs)) now++;
    else pacer.enqueue(packet, PACKET, 20, nowMs);
  }
  return now;
}

void describe('Pacer', () => {
  void it('never paces below what is offered: 1 Mbit/s over a 150 kbit/s estimate keeps no standing queue', () => {
    const out = new Recorder();
    const pacer = new Pacer(out, 150_000, 1600);
    let maxQueued = 0;
    // 10 s of ~1 Mbit/s (4 packets every 33 ms), drained every 5 ms as the transport does.
    for (let t = 0; t < 10_000; t += PACER_INTERVAL_MS) {
      if (Math.floor(t / 33.3) !== Math.floor((t - PACER_INTERVAL_MS) / 33.3)) offer(pacer, 4, t);
      pacer.drain(t);
      // The first second's backlog (the offered rate not yet measured) is gone by 3 s.
      if (t > 3000) maxQueued = Math.max(maxQueued, pacer.queued);
    }
    assert.ok(
      maxQueued <= 8,
      `after the first second the queue holds at most a frame or two: ${maxQueued}`,
    );
    assert.equal(pacer.counts.dropped, 0);
  });

  void it('sends steady video at once: 1 Mbit/s in 30 fps frames never waits', () => {
    const out = new Recorder();
    const pacer = new Pacer(out, 1_000_000, 1600);
    let immediate = 0;
    // 10 s of frames of ~4 packets (1 Mbit/s), 33 ms apart.
    for (let f = 0; f < 300; f++) {
      immediate += offer(pacer, 4, 1000 + f * 33.3);
      pacer.drain(1000 + f * 33.3);
    }
    assert.equal(immediate, 1200);
    assert.equal(pacer.counts.queued, 0);
  });

  it('spreads a burst at the pacing factor × the estimate, in order, every tick', () => {
    const out = new Recorder();
    const bitrate = 2_000_000; // at least a packet per tick at the pacing rate
    const pacer = new Pacer(out, bitrate, 1600);
    const burst = 100; // 120 kB: a key frame of many consumers
    const immediate = offer(pacer, burst, 0);
    assert.ok(immediate > 0 && immediate < 15, `${immediate} sent at once`);
    let t = 0;
    while (pacer.busy && t < 2000) {
      t += PACER_INTERVAL_MS;
      pacer.drain(t);
    }
    assert.equal(out.paced.length, burst - immediate);
    assert.equal(pacer.counts.dropped, 0);
    // In order, with the twcc offset kept.
    for (let i = 0; i < out.paced.length; i++) {
      assert.equal(out.paced[i].first, (immediate + i) & 0xff);
      assert.equal(out.paced[i].twccAt, 20);
    }
    // The drain rate: no more than the pacing rate (plus one packet per tick of debt).
    const spanMs = out.paced[out.paced.length - 1].atMs - out.paced[0].atMs;
    const rate = ((out.paced.length - 1) * PACKET * 8 * 1000) / spanMs;
    assert.ok(rate <= PACING_FACTOR * bitrate * 1.15, `drained at ${rate}`);
    assert.ok(rate >= PACING_FACTOR * bitrate * 0.8, `drained at ${rate}`);
    // At most about one tick's worth per tick.
    const perTick = new Map<number, number>();
    for (const p of out.paced) perTick.set(p.atMs, (perTick.get(p.atMs) ?? 0) + 1);
    const tickBytes = (PACING_FACTOR * bitrate * PACER_INTERVAL_MS) / 8000;
    for (const n of perTick.values()) assert.ok(n <= Math.ceil(tickBytes / PACKET) + 1);
  });

  it('queues video behind video, while charged audio never waits but slows video', () => {
    const out = new Recorder();
    const pacer = new Pacer(out, 300_000, 1600);
    offer(pacer, 40, 0);
    assert.ok(pacer.queued > 0);
    // Once something waits, new video waits behind it even with budget back.
    assert.equal(pacer.admit(PACKET, 100), false);
    const before = out.paced.length;
    for (let i = 0; i < 20; i++) pacer.charge(PACKET, 100);
    pacer.drain(105);
    assert.equal(out.paced.length, before, 'audio took the budget');
  });

  it('bounds the queue in packets (counting what it drops) and in time (late ones go)', () => {
    const out = new Recorder();
    const pacer = new Pacer(out, 100_000, 1600);
    const immediate = offer(pacer, MAX_QUEUE_PACKETS + 50, 0);
    assert.equal(pacer.queued, MAX_QUEUE_PACKETS);
    assert.equal(pacer.counts.dropped, 50 - immediate);
    // Before the limit only the budget goes; at it, everything that waited goes, none dropped.
    pacer.drain(MAX_QUEUE_MS - 1);
    const early = out.paced.length;
    assert.ok(early < MAX_QUEUE_PACKETS && pacer.queued > 0, `${early} sent before the limit`);
    pacer.drain(MAX_QUEUE_MS);
    assert.equal(pacer.queued, 0);
    assert.equal(out.paced.length, MAX_QUEUE_PACKETS);
    assert.equal(pacer.counts.dropped + out.paced.length + immediate, MAX_QUEUE_PACKETS + 50);
    // Oversized packets are refused, never copied past the pool's buffers.
    assert.equal(pacer.enqueue(Buffer.alloc(2000), 2000, -1, 0), false);
  });

  it('sends a probe cluster over about its duration, not in one burst', () => {
    const out = new Recorder();
    const pacer = new Pacer(out, 600_000, 1600);
    // 15 ms at 1.2 Mbit/s ≈ 2250 B ≈ 9 packets of 275 B.
    pacer.startProbe(7, 9, 1_200_000, 0);
    assert.equal(out.probes.length, 1);
    let t = 0;
    while (pacer.busy && t < 100) {
      t += PACER_INTERVAL_MS;
      pacer.drain(t);
    }
    assert.equal(out.probes.length, 9);
    assert.ok(out.probes.every((p) => p.cluster === 7));
    const span = out.probes[8].atMs - out.probes[0].atMs;
    assert.ok(span >= 10 && span <= 25, `cluster took ${span} ms`);
  });
});
