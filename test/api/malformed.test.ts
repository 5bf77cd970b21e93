import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnThread } from '../../src/channel/hosts/threadHost.js';
import { spawnProcess } from '../../src/channel/hosts/processHost.js';
import type { WorkerHost } from '../../src/channel/hosts/WorkerHost.js';
import { encodeMessage } from '../../src/channel/codec.js';
import { InvalidStateError } from '../../src/common/errors.js';
import { MODES } from './modes.js';

const settings = { logLevel: 'none', logTags: [], rtcMinPort: 10000, rtcMaxPort: 59999 };

async function start(mode: string): Promise<WorkerHost> {
  const host = mode === 'thread' ? spawnThread({ settings }) : spawnProcess({ settings });
  await new Promise<void>((resolve) => {
    host.channel.onNotification('worker', (event) => {
      if (event === 'running') resolve();
    });
  });
  return host;
}

for (const mode of MODES) {
  describe(`worker runtime input validation (${mode} mode)`, () => {
    test('malformed requests get typed errors and never kill the worker', async () => {
      const host = await start(mode);
      let exited = false;
      host.onExit(() => {
        exited = true;
      });
      try {
        const { channel } = host;
        await assert.rejects(channel.request('worker.nope'), TypeError);
        await assert.rejects(channel.request('worker.createRouter'), TypeError);
        await assert.rejects(channel.request('worker.createRouter', undefined, 'x'), TypeError);
        await assert.rejects(
          channel.request('worker.createRouter', undefined, { routerId: 42 }),
          TypeError,
        );
        await assert.rejects(
          channel.request('worker.updateSettings', undefined, { logLevel: 7 }),
          TypeError,
        );
        await assert.rejects(
          channel.request('worker.closeRouter', undefined, { routerId: 'missing' }),
          InvalidStateError,
        );
        await assert.rejects(channel.request('router.dump', 'missing'), InvalidStateError);
        await channel.request('worker.createRouter', undefined, { routerId: 'r1' });
        await assert.rejects(
          channel.request('worker.createRouter', undefined, { routerId: 'r1' }),
          TypeError,
        );
        await assert.rejects(channel.request('router.nope', 'r1'), TypeError);
        // Raw garbage straight onto the carrier: dropped, not fatal.
        host.carrier.send(Buffer.from('{{{ not json'));
        host.carrier.send(Buffer.alloc(0));
        host.carrier.send(encodeMessage({ t: 'n', handlerId: 'x', event: 'y' }));
        host.carrier.send(Buffer.from(JSON.stringify({ t: 'q', id: 'one', method: 7 })));
        const dump = (await channel.request('worker.dump')) as { routerIds: string[] };
        assert.deepEqual(dump.routerIds, ['r1']);
        assert.equal(exited, false);
      } finally {
        host.channel.close();
        host.terminate();
      }
    });
  });
}
