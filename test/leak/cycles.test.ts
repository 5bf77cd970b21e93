/**
 * 10,000 create/connect/close cycles of WebRtcTransports, producers and
 * consumers leave the worker's heap (and the host's) where 1,000 warm-up
 * cycles left it: the growth per cycle must stay far below what one cycle
 * holds while it is open (measured in the same run), and below 1 KiB. The
 * worker's dump and the host's channel must hold no trace of closed entities,
 * and sampled api objects must have been collected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorker, type WorkerMode } from '../../src/index.js';
import { workerChannelForTesting } from '../../src/api/Worker.js';
import { mediaCodecs } from '../api/mediaFixtures.js';
import '../api/modes.js';
import { Sample, assertNothingLeft, countListeners, heaps, kib, mib, perCycle } from './heap.js';
import { closeCycle, openCycle, runCycles } from './cycles.js';

const TOTAL = 10_000;
const WARM_UP = 1_000;
/** Cycles held open at once to measure what one open cycle costs. */
const HELD = 200;
const LANES = 8;
const MAX_GROWTH_PER_CYCLE = 1024;
/** A leak of a fraction of a cycle's state bigger than this fails. */
const MAX_FRACTION_OF_OPEN_CYCLE = 1 / 16;

async function leakCycles(mode: WorkerMode): Promise<void> {
  const worker = await createWorker({ mode, logLevel: 'none' });
  try {
    const router = await worker.createRouter({ mediaCodecs });
    const caps = structuredClone(router.rtpCapabilities);
    const listeners = countListeners(workerChannelForTesting(worker));
    const sample = new Sample();
    const started = Date.now();

    await runCycles(router, caps, WARM_UP, { lanes: LANES });
    const baseline = await heaps(worker);

    const held = await Promise.all(Array.from({ length: HELD }, () => openCycle(router, caps)));
    const open = await heaps(worker);
    held.forEach((cycle, i) => closeCycle(cycle, i));
    held.length = 0;
    const perOpenCycle = {
      worker: (open.worker - baseline.worker) / HELD,
      host: (open.host - baseline.host) / HELD,
    };

    const measured = TOTAL - WARM_UP;
    await runCycles(router, caps, measured - HELD, { lanes: LANES, sample, sampleEvery: 250 });
    const end = await heaps(worker);
    const growth = {
      worker: (end.worker - baseline.worker) / measured,
      host: (end.host - baseline.host) / measured,
    };
    console.log(
      `leak cycles (${mode}): ${TOTAL} cycles in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `worker heap (no code)+external ${mib(baseline.worker)} after ${WARM_UP} → ${mib(end.worker)} after ${TOTAL} ` +
        `(${perCycle(growth.worker)}; one open cycle holds ${kib(perOpenCycle.worker)}); ` +
        `host heap (no code) ${mib(baseline.host)} → ${mib(end.host)} ` +
        `(${perCycle(growth.host)}; one open cycle holds ${kib(perOpenCycle.host)})`,
    );

    await assertNothingLeft(worker, router, listeners.live());
    assert.ok(sample.size > 0);
    assert.deepEqual(sample.alive(), [], 'closed api objects still reachable');
    for (const side of ['worker', 'host'] as const) {
      const bound = Math.min(MAX_GROWTH_PER_CYCLE, perOpenCycle[side] * MAX_FRACTION_OF_OPEN_CYCLE);
      assert.ok(
        growth[side] < bound,
        `${side} heap grows ${perCycle(growth[side])} (bound ${perCycle(bound)})`,
      );
    }
  } finally {
    worker.close();
  }
}

test('10,000 transport/producer/consumer cycles: thread worker heap back to baseline', () =>
  leakCycles('thread'));

test('10,000 transport/producer/consumer cycles: process worker heap back to baseline', () =>
  leakCycles('process'));
