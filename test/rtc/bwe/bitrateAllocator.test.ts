/** The allocator with fake consumers: mediasoup's round-by-round, priority-ordered distribution. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BitrateAllocator } from '../../../src/rtc/bwe/BitrateAllocator.js';

/** A consumer with layer steps of the given bitrates (cumulative cost per step). */
class FakeConsumer {
  layer = -1;
  applied = -1;
  #provisional = -1;
  constructor(
    readonly bitratePriority: number,
    readonly steps: number[],
  ) {}
  increaseLayer(bitrate: number): number {
    const next = this.#provisional + 1;
    if (next >= this.steps.length) return 0;
    const cost = this.steps[next] - (this.#provisional >= 0 ? this.steps[this.#provisional] : 0);
    if (cost > bitrate) return 0;
    this.#provisional = next;
    return cost;
  }
  applyLayers(): void {
    this.applied = this.#provisional;
    this.#provisional = -1;
  }
}

describe('BitrateAllocator', () => {
  const steps = [150_000, 500_000, 1_500_000];

  it('every consumer gets a base layer before anyone gets a second; higher priority first', () => {
    const low = new FakeConsumer(1, steps);
    const high = new FakeConsumer(2, steps);
    const left = new BitrateAllocator().distribute([low, high], 700_000, false, 0);
    // Round 1: 150k each (400k left); round 2: high +350k (50k left), low cannot.
    assert.equal(high.applied, 1);
    assert.equal(low.applied, 0);
    assert.equal(left, 50_000);
  });

  it('a consumer of priority 0 (audio) takes no part; enough for all: every top layer', () => {
    const audio = new FakeConsumer(0, steps);
    const a = new FakeConsumer(1, steps);
    const b = new FakeConsumer(1, steps);
    new BitrateAllocator().distribute([audio, a, b], 10_000_000, false, 0);
    assert.equal(audio.applied, -1);
    assert.equal(a.applied, 2);
    assert.equal(b.applied, 2);
  });

  it('too little for any base layer: none, and layers are still applied', () => {
    const a = new FakeConsumer(1, steps);
    a.applied = 2;
    new BitrateAllocator().distribute([a], 100_000, false, 0);
    assert.equal(a.applied, -1);
  });
});
