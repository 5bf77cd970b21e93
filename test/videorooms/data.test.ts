/**
 * The videorooms data channel requests over `ws` (no browser): SCTP
 * parameters in the join reply, produceData/consumeData/closeDataProducer
 * validation and caps, late joiners told of existing data producers, and the
 * cleanup when a participant leaves (dataConsumerClosed, /health counts).
 * The chat messages themselves are proven in Chromium (test/e2e/videoroomsChat).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../examples/videorooms/server.js';
import { Bystander, Client, health } from './client.js';
import { testConfig } from './config.js';

const LIMITS = {
  maxDataProducers: 2,
  maxDataConsumers: 2,
  maxDataMessageBytes: 16 * 1024,
  messageRate: 10_000,
  messageBurst: 10_000,
};

interface Joined {
  client: Client;
  participantId: string;
  sendTransport: { id: string; sctpParameters?: Record<string, number> };
  recvTransport: { id: string; sctpParameters?: Record<string, number> };
  peers: { participantId: string; dataProducers: { dataProducerId: string; label: string }[] }[];
}

async function join(server: RunningServer, roomId: string, name: string): Promise<Joined> {
  const client = await Client.connect(server.url);
  const joined = await client.request('join', { roomId, displayName: name });
  assert.equal(joined.ok, true, JSON.stringify(joined.error));
  return { client, ...(joined.data as unknown as Omit<Joined, 'client'>) };
}

function produceData(who: Joined, streamId: number, label = 'chat'): ReturnType<Client['request']> {
  return who.client.request('produceData', {
    transportId: who.sendTransport.id,
    sctpStreamParameters: { streamId, ordered: true },
    label,
    protocol: '',
  });
}

describe('videorooms data channels (signaling)', () => {
  let server: RunningServer;
  let bystander: Bystander;
  before(async () => {
    process.env.SKEIN_QUIET = '1';
    server = await startServer(testConfig(LIMITS));
    bystander = await Bystander.join(server);
  });
  after(async () => {
    bystander.client.close();
    await server.close();
  });

  test('produceData and consumeData: validation, caps, late joiners, cleanup on leave', async () => {
    const a = await join(server, 'data', 'Ann');
    const b = await join(server, 'data', 'Bob');
    let c: Joined | undefined;
    try {
      // Both transports carry SCTP; the message size is the configured limit.
      for (const t of [a.sendTransport, a.recvTransport]) {
        const { port, OS, MIS, maxMessageSize } = t.sctpParameters ?? {};
        assert.deepEqual(
          { port, OS, MIS, maxMessageSize },
          { port: 5000, OS: 1024, MIS: 1024, maxMessageSize: LIMITS.maxDataMessageBytes },
        );
      }

      // Malformed requests are bad-request, never internal.
      const bad: Record<string, unknown>[] = [
        { transportId: a.sendTransport.id },
        { transportId: a.sendTransport.id, sctpStreamParameters: 'x' },
        { transportId: a.sendTransport.id, sctpStreamParameters: { streamId: 'x' } },
        { transportId: a.sendTransport.id, sctpStreamParameters: { streamId: -1 } },
        { transportId: a.sendTransport.id, sctpStreamParameters: { streamId: 70_000 } },
        {
          transportId: a.sendTransport.id,
          sctpStreamParameters: { streamId: 1, ordered: true, maxRetransmits: 1 },
        },
        { transportId: a.sendTransport.id, sctpStreamParameters: { streamId: 1 }, label: 7 },
        {
          transportId: a.sendTransport.id,
          sctpStreamParameters: { streamId: 1 },
          label: 'x'.repeat(65),
        },
        { transportId: a.recvTransport.id, sctpStreamParameters: { streamId: 1 } },
      ];
      for (const fields of bad) {
        const reply = await a.client.request('produceData', fields);
        assert.equal(reply.error?.code, 'bad-request', JSON.stringify(fields));
      }
      const wrongTransport = await a.client.request('produceData', {
        transportId: b.sendTransport.id,
        sctpStreamParameters: { streamId: 1 },
      });
      assert.equal(wrongTransport.error?.code, 'not-found');

      // The cap on data producers; closing one frees its place.
      const ids: string[] = [];
      for (let i = 0; i < LIMITS.maxDataProducers; i++) {
        const produced = await produceData(a, i);
        assert.equal(produced.ok, true, JSON.stringify(produced.error));
        ids.push(produced.data!.dataProducerId as string);
      }
      assert.equal((await produceData(a, 9)).error?.code, 'limit');
      assert.equal(
        (await a.client.request('closeDataProducer', { dataProducerId: 'nope' })).error?.code,
        'not-found',
      );
      const closed = await a.client.request('closeDataProducer', { dataProducerId: ids.pop() });
      assert.equal(closed.ok, true);
      const again = await produceData(a, 3);
      assert.equal(again.ok, true, 'a closed data producer frees its place');
      ids.push(again.data!.dataProducerId as string);

      // Bob is told of each, and consumes them (not his own, not twice, not unknown ones).
      const announced = await b.client.waitFor('newDataProducer');
      assert.equal((announced.data as { participantId: string }).participantId, a.participantId);
      assert.equal((announced.data as { label: string }).label, 'chat');
      const consumed: Record<string, unknown>[] = [];
      for (const dataProducerId of ids) {
        const reply = await b.client.request('consumeData', { dataProducerId });
        assert.equal(reply.ok, true, JSON.stringify(reply.error));
        consumed.push(reply.data!);
      }
      assert.equal(consumed[0].participantId, a.participantId);
      assert.equal(consumed[0].label, 'chat');
      const streams = consumed.map(
        (d) => (d.sctpStreamParameters as { streamId: number }).streamId,
      );
      assert.equal(new Set(streams).size, 2, `distinct stream ids ${streams.join()}`);
      assert.equal(
        (await b.client.request('consumeData', { dataProducerId: ids[0] })).error?.code,
        'bad-request',
      );
      assert.equal(
        (await b.client.request('consumeData', { dataProducerId: 'nope' })).error?.code,
        'not-found',
      );
      const own = await b.client.request('produceData', {
        transportId: b.sendTransport.id,
        sctpStreamParameters: { streamId: 0 },
        label: 'chat',
      });
      assert.equal(own.ok, true);
      const ownId = own.data!.dataProducerId as string;
      assert.equal(
        (await b.client.request('consumeData', { dataProducerId: ownId })).error?.code,
        'not-found',
      );

      // A late joiner learns the existing data producers; the consumer cap holds.
      c = await join(server, 'data', 'Cid');
      const fromA = c.peers.find((p) => p.participantId === a.participantId);
      assert.deepEqual(fromA?.dataProducers.map((d) => d.dataProducerId).sort(), [...ids].sort());
      for (const dataProducerId of [ids[0], ownId]) {
        const reply = await c.client.request('consumeData', { dataProducerId });
        assert.equal(reply.ok, true, JSON.stringify(reply.error));
      }
      const over = await c.client.request('consumeData', { dataProducerId: ids[1] });
      assert.equal(over.error?.code, 'limit');
      let h = await health(server);
      assert.equal(h.dataProducers, 3);
      assert.equal(h.dataConsumers, 4);

      // Ann leaves: the consumers of her channels are closed and the others told.
      a.client.close();
      await b.client.waitFor('participantLeft');
      const deadline = Date.now() + 5000;
      const closedAt = (who: Joined): string[] =>
        who.client.notifications
          .filter((n) => n.event === 'dataConsumerClosed')
          .map((n) => (n.data as { dataProducerId: string }).dataProducerId);
      while (closedAt(b).length < 2 || closedAt(c).length < 1) {
        assert.ok(
          Date.now() < deadline,
          `dataConsumerClosed: ${closedAt(b).join()} / ${closedAt(c).join()}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(closedAt(b).sort(), [...ids].sort());
      assert.deepEqual(closedAt(c), [ids[0]]);
      h = await health(server);
      assert.equal(h.dataProducers, 1);
      assert.equal(h.dataConsumers, 1);
    } finally {
      a.client.close();
      b.client.close();
      c?.client.close();
    }
    await bystander.assertWorks();
  });
});
