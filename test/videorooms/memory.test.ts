/**
 * Bounded memory under abuse: rounds of clients that join, flood and drop
 * their sockets leave the server's heap where the first round left it, and
 * its rooms and participants at zero.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startServer, type RunningServer } from '../../examples/videorooms/server.js';
import { eventually } from '../api/mediaFixtures.js';
import { Client, health } from './client.js';
import { testConfig } from './config.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROUNDS = 6;
const CLIENTS = 30;

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

describe('videorooms memory under abuse', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(testConfig({ messageRate: 100, messageBurst: 50 }), {
      log: () => {},
    });
  });
  after(async () => {
    await server.close();
  });

  test(`${ROUNDS} rounds of ${CLIENTS} abusive clients: heap back to the first round's`, async () => {
    const heaps: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const clients = await Promise.all(
        Array.from({ length: CLIENTS }, () => Client.connect(server.url)),
      );
      await Promise.all(
        clients.map((c, i) => c.request('join', { roomId: `mem${i % 5}`, displayName: 'm' })),
      );
      const junk = JSON.stringify({ id: 1, type: 'fly', pad: 'x'.repeat(30_000) });
      for (const client of clients) for (let i = 0; i < 60; i++) client.send(junk);
      // Half leave politely, half just vanish.
      clients.forEach((c, i) => (i % 2 ? c.close() : c.socket.terminate()));
      assert.ok(
        await eventually(async () => {
          const h = await health(server);
          return h.participants === 0 && h.rooms === 0;
        }, 10_000),
        'every participant and room is gone',
      );
      heaps.push(await heapAfterGc());
    }
    const growth = heaps[ROUNDS - 1] - heaps[1];
    console.log(
      `heap after each round (MiB): ${heaps.map((h) => (h / 2 ** 20).toFixed(1)).join(' ')}`,
    );
    // One round creates about 2 MiB of messages and 60 transports; a leak of any of it per
    // round would add up over five rounds.
    assert.ok(growth < 4 * 2 ** 20, `heap grew ${(growth / 2 ** 20).toFixed(1)} MiB`);
  });
});
