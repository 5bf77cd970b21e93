import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorker } from '../../src/index.js';

// mediasoup's worker ignores these: a terminal hang-up or a stray signal must not end the media plane.
const IGNORED = ['SIGPIPE', 'SIGHUP', 'SIGALRM', 'SIGUSR1', 'SIGUSR2'] as const;

test('a process-mode worker ignores SIGPIPE, SIGHUP, SIGALRM, SIGUSR1 and SIGUSR2', async () => {
  const worker = await createWorker({ mode: 'process', logLevel: 'none' });
  try {
    await worker.createRouter();
    for (const signal of IGNORED) {
      process.kill(worker.pid, signal);
      // Answered after the signal was handled: a request is queued behind it.
      const dump = await worker.dump();
      assert.equal(dump.routerIds.length, 1, signal);
      assert.equal(worker.died, false, signal);
    }
    // One more round trip once every signal has surely been delivered.
    await worker.getResourceUsage();
    assert.equal(worker.died, false);
  } finally {
    worker.close();
  }
});
