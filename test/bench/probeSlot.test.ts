import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isProbeSlot } from '../../bench/forwarding.js';

const slots = (n: number, plannedN: number, probes: number): number[] =>
  Array.from({ length: n }, (_, i) => i).filter((i) => isProbeSlot(i, plannedN, probes));

test('the latency probe gets one consumer in the middle of every stretch of ⌈N/probes⌉', () => {
  assert.deepEqual(slots(200, 200, 8), [12, 37, 62, 87, 112, 137, 162, 187]);
  // Half the planned N: half the probes, still evenly spread.
  assert.deepEqual(slots(100, 200, 8), [12, 37, 62, 87]);
  // Beyond the planned N the spacing continues.
  assert.equal(slots(400, 200, 8).length, 16);
  assert.deepEqual(slots(50, 50, 8), [3, 10, 17, 24, 31, 38, 45]);
});

test('no probe: no slot; as many probes as consumers: every slot', () => {
  assert.deepEqual(slots(10, 10, 0), []);
  assert.deepEqual(slots(4, 4, 8), [0, 1, 2, 3]);
});
