import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createWorker, type Worker } from '../../src/index.js';
import { MODES } from './modes.js';

process.env.SKEIN_ENABLE_CRASH_REQUESTS = '1';

const crashes = [
  { how: 'throw', label: 'throws an uncaught exception' },
  { how: 'exit', label: 'exits on its own' },
  { how: 'oom', label: 'exceeds its memory limit' },
] as const;

async function expectDied(worker: Worker): Promise<Error> {
  const [error] = (await once(worker, 'died')) as [Error];
  return error;
}

for (const mode of MODES) {
  describe(`Worker isolation (${mode} mode)`, () => {
    for (const { how, label } of crashes) {
      test(`a worker that ${label} dies alone while another keeps answering`, async () => {
        const victim = await createWorker({ mode, memoryLimitMb: 64 });
        const survivor = await createWorker({ mode });
        try {
          const victimRouter = await victim.createRouter();
          const survivorRouter = await survivor.createRouter();
          const events: string[] = [];
          victimRouter.on('workerclose', () => events.push('router workerclose'));
          victimRouter.observer.on('close', () => events.push('router observer close'));
          victim.observer.on('close', () => events.push('worker observer close'));
          const died = expectDied(victim);
          // The survivor answers requests all along.
          const answers: Promise<unknown>[] = [];
          const timer = setInterval(() => answers.push(survivor.dump()), 5);
          while (answers.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
          await victim.crashForTesting(how);
          const error = await died;
          clearInterval(timer);
          assert.ok(error instanceof Error);
          assert.match(error.message, /died unexpectedly/);
          assert.equal(victim.died, true);
          assert.equal(victim.closed, true);
          assert.equal(victimRouter.closed, true);
          assert.deepEqual(events, [
            'router workerclose',
            'router observer close',
            'worker observer close',
          ]);
          await assert.rejects(victim.dump());
          const dumps = (await Promise.all(answers)) as { routerIds: string[] }[];
          assert.ok(dumps.length > 0);
          for (const dump of dumps) assert.deepEqual(dump.routerIds, [survivorRouter.id]);
          assert.deepEqual((await survivor.dump()).routerIds, [survivorRouter.id]);
        } finally {
          victim.close();
          survivor.close();
        }
      });
    }
  });
}

test('a worker process killed by a signal dies alone', async () => {
  const victim = await createWorker({ mode: 'process' });
  const survivor = await createWorker({ mode: 'thread' });
  try {
    const died = expectDied(victim);
    process.kill(victim.pid, 'SIGKILL');
    const error = await died;
    assert.match(error.message, /signal:SIGKILL/);
    await survivor.createRouter();
    assert.equal((await survivor.dump()).routerIds.length, 1);
  } finally {
    victim.close();
    survivor.close();
  }
});

test('crash requests are refused unless enabled', async () => {
  process.env.SKEIN_ENABLE_CRASH_REQUESTS = '0';
  const worker = await createWorker({ mode: 'process' });
  try {
    await assert.rejects(worker.crashForTesting('exit'), /disabled/);
    assert.equal(worker.died, false);
  } finally {
    worker.close();
    process.env.SKEIN_ENABLE_CRASH_REQUESTS = '1';
  }
});
