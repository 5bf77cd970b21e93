/**
 * The videorooms signaling server without a browser: protocol validation,
 * room membership and isolation, health/metrics, and worker death.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../examples/videorooms/server.js';
import { Client, health } from './client.js';
import { testConfig } from './config.js';

process.env.SKEIN_QUIET = '1';
process.env.SKEIN_ENABLE_CRASH_REQUESTS = '1';

const config = testConfig({}, 2);

describe('videorooms signaling', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(config);
  });
  after(async () => {
    await server.close();
  });

  test('malformed, unknown, oversized and premature messages get error replies', async () => {
    const client = await Client.connect(server.url);
    try {
      const badJson = await client.raw('{not json', null);
      assert.equal(badJson.ok, false);
      assert.equal(badJson.error?.code, 'bad-json');
      const noId = await client.raw(JSON.stringify({ type: 'join' }), null);
      assert.equal(noId.error?.code, 'bad-request');
      const unknown = await client.request('fly');
      assert.equal(unknown.error?.code, 'not-joined');
      const badJoin = await client.request('join', { roomId: 'bad room!', displayName: 'x' });
      assert.equal(badJoin.error?.code, 'bad-request');
      const noName = await client.request('join', { roomId: 'r1' });
      assert.equal(noName.error?.code, 'bad-request');
      const early = await client.request('produce', { transportId: 'x', kind: 'video' });
      assert.equal(early.error?.code, 'not-joined');
      const big = await client.raw(
        JSON.stringify({ id: 99, type: 'join', pad: 'x'.repeat(70_000) }),
        null,
      );
      assert.equal(big.error?.code, 'too-large');
      assert.equal(await client.closed, 1009);
      // The server is unharmed.
      assert.equal((await health(server)).status, 'ok');
    } finally {
      client.close();
    }
  });

  test('rooms: joins are announced in the room only, wrong ids are refused, leaving is announced', async () => {
    const a = await Client.connect(server.url);
    const b = await Client.connect(server.url);
    const c = await Client.connect(server.url);
    try {
      const joinA = await a.request('join', { roomId: 'alpha', displayName: 'Ann' });
      assert.equal(joinA.ok, true, JSON.stringify(joinA.error));
      const dataA = joinA.data!;
      assert.ok((dataA.routerRtpCapabilities as { codecs: unknown[] }).codecs.length > 0);
      assert.deepEqual(dataA.peers, []);
      for (const key of ['sendTransport', 'recvTransport']) {
        const t = dataA[key] as Record<string, unknown>;
        assert.equal(typeof t.id, 'string');
        assert.ok(Array.isArray(t.iceCandidates));
      }
      assert.equal(
        (await a.request('join', { roomId: 'alpha', displayName: 'Ann' })).error?.code,
        'already-joined',
      );
      const joinB = await b.request('join', { roomId: 'alpha', displayName: 'Bob' });
      const peersOfB = joinB.data!.peers as { displayName: string }[];
      assert.deepEqual(
        peersOfB.map((p) => p.displayName),
        ['Ann'],
      );
      const joined = await a.waitFor('participantJoined');
      assert.equal((joined.data as { displayName: string }).displayName, 'Bob');
      await c.request('join', { roomId: 'beta', displayName: 'Cid' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(a.notifications.filter((n) => n.event === 'participantJoined').length, 1);
      assert.deepEqual(c.notifications, []);
      const h = await health(server);
      assert.equal(h.rooms, 2);
      assert.equal(h.participants, 3);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^videorooms_participants 3$/m);
      assert.match(metrics, /^videorooms_rooms 2$/m);
      // Someone else's transport and unknown producers are refused.
      const otherTransport = (joinB.data!.sendTransport as { id: string }).id;
      const wrong = await a.request('connectTransport', {
        transportId: otherTransport,
        dtlsParameters: { role: 'client', fingerprints: [] },
      });
      assert.equal(wrong.error?.code, 'not-found');
      const unknownProducer = await a.request('consume', {
        producerId: 'nope',
        rtpCapabilities: dataA.routerRtpCapabilities,
      });
      assert.equal(unknownProducer.error?.code, 'not-found');
      const badDtls = await a.request('connectTransport', {
        transportId: (dataA.sendTransport as { id: string }).id,
        dtlsParameters: { role: 'client', fingerprints: [] },
      });
      assert.equal(badDtls.error?.code, 'bad-request');
      b.close();
      const left = await a.waitFor('participantLeft');
      assert.equal(
        (left.data as { participantId: string }).participantId,
        joinB.data!.participantId,
      );
      await a.request('leave');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const after = await health(server);
      assert.equal(after.rooms, 1, 'alpha closed with its last participant');
    } finally {
      a.close();
      b.close();
      c.close();
    }
  });

  test('a worker dying moves its rooms: participants are told to reconnect and can rejoin', async () => {
    const a = await Client.connect(server.url);
    try {
      await a.request('join', { roomId: 'gamma', displayName: 'Ann' });
      const before = await health(server);
      const workers = before.workers as { rooms: string[] }[];
      const index = workers.findIndex((w) => w.rooms.includes('gamma'));
      const victim = server.workers.workers[index].worker;
      await victim.crashForTesting('exit');
      const reconnect = await a.waitFor('reconnect');
      assert.match(String((reconnect.data as { reason: string }).reason), /restarted/);
      const rejoin = await a.request('join', { roomId: 'gamma', displayName: 'Ann' });
      assert.equal(rejoin.ok, true);
      // A replacement worker takes the dead one's place; the server keeps serving.
      for (let i = 0; i < 50 && server.workers.workers.length < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const h = await health(server);
      assert.equal((h.workers as unknown[]).length, 2);
      assert.equal(h.workerDeaths, 1);
    } finally {
      a.close();
    }
  });
});
