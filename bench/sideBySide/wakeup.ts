/**
 * The floor under any thread channel: a bare cross-thread wake-up round trip, no codec, no
 * work. The host bumps a counter and calls Atomics.notify; a worker thread waiting in
 * Atomics.waitAsync (inside its event loop, as the channel's reader does) answers the same
 * way; the host's waitAsync resolves. Nothing is copied or decoded.
 */
import { Worker as Thread } from 'node:worker_threads';

const THREAD = `
const { workerData } = require('node:worker_threads');
const h = new Int32Array(workerData);
// A pending waitAsync does not keep an event loop alive; this timer does, until the end.
const alive = setInterval(() => {}, 1 << 30);
let seen = 0; // the host starts at 0: a bump before this thread runs is still seen
function wait() {
  const r = Atomics.waitAsync(h, 0, seen);
  const go = () => {
    seen = Atomics.load(h, 0);
    if (seen < 0) return clearInterval(alive);
    Atomics.add(h, 1, 1);
    Atomics.notify(h, 1);
    wait();
  };
  if (r.async) r.value.then(go); else go();
}
wait();
`;

/** Round trips in µs (after a warm-up), one per sample. */
export async function wakeupRoundTrips(count: number): Promise<number[]> {
  const shared = new SharedArrayBuffer(8);
  const h = new Int32Array(shared);
  const thread = new Thread(THREAD, { eval: true, workerData: shared });
  await new Promise<void>((resolve) => thread.once('online', () => resolve()));
  const samples: number[] = [];
  try {
    for (let i = 0; i < count + 300; i++) {
      const before = Atomics.load(h, 1);
      const start = performance.now();
      Atomics.add(h, 0, 1);
      Atomics.notify(h, 0);
      const r = Atomics.waitAsync(h, 1, before, 1000);
      if (r.async) await r.value;
      if (i >= 300) samples.push((performance.now() - start) * 1000);
    }
  } finally {
    Atomics.store(h, 0, -1);
    Atomics.notify(h, 0);
    await thread.terminate();
  }
  return samples;
}
