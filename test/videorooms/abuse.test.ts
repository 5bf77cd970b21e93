/**
 * Signaling abuse over `ws`: deep and oversized messages, list sizes and
 * per-participant caps, garbage capabilities, other participants' ids, join
 * floods, joins racing leaves, message floods and dead sockets. Each is
 * answered with an error or a closed socket, and a participant of another
 * room still works afterwards.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../examples/videorooms/server.js';
import { Bystander, Client, health, portOf, vp8Parameters, type Message } from './client.js';
import { testConfig } from './config.js';

const LIMITS = {
  maxProducers: 3,
  maxConsumers: 2,
  maxTransports: 6,
  maxRoomParticipants: 4,
  messageRate: 10_000,
  messageBurst: 10_000,
  heartbeatMs: 300,
};

interface Joined {
  client: Client;
  participantId: string;
  sendTransportId: string;
  recvTransportId: string;
  caps: unknown;
}

async function join(server: RunningServer, roomId: string, name = 'x'): Promise<Joined> {
  const client = await Client.connect(server.url);
  const joined = await client.request('join', { roomId, displayName: name });
  assert.equal(joined.ok, true, JSON.stringify(joined.error));
  const data = joined.data!;
  return {
    client,
    participantId: data.participantId as string,
    sendTransportId: (data.sendTransport as { id: string }).id,
    recvTransportId: (data.recvTransport as { id: string }).id,
    caps: data.routerRtpCapabilities,
  };
}

function deepText(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describe('videorooms signaling abuse', () => {
  let server: RunningServer;
  let bystander: Bystander;
  const logLines: string[] = [];
  before(async () => {
    server = await startServer(testConfig(LIMITS), { log: (line) => logLines.push(line) });
    bystander = await Bystander.join(server);
  });
  after(async () => {
    bystander.client.close();
    await server.close();
  });

  test('deeply nested valid JSON is a bad-request, never internal', async () => {
    const a = await join(server, 'deep');
    const fresh = await Client.connect(server.url);
    try {
      const depths = [64, 1000, 20_000];
      for (const depth of depths) {
        const inJoin = await fresh.raw(
          `{"id":1,"type":"join","roomId":"r","displayName":"x","x":${deepText(depth)}}`,
          1,
        );
        assert.equal(inJoin.error?.code, 'bad-request', `join at depth ${depth}`);
        const produce = await a.client.raw(
          `{"id":2,"type":"produce","transportId":"${a.sendTransportId}","kind":"video",` +
            `"rtpParameters":{"codecs":${deepText(depth)},"encodings":[{"ssrc":1}]}}`,
          2,
        );
        assert.equal(produce.error?.code, 'bad-request', `produce at depth ${depth}`);
        const connect = await a.client.raw(
          `{"id":3,"type":"connectTransport","transportId":"${a.sendTransportId}",` +
            `"dtlsParameters":{"role":"client","fingerprints":[${deepText(depth)}]}}`,
          3,
        );
        assert.equal(connect.error?.code, 'bad-request', `connect at depth ${depth}`);
        // Objects nest as well as arrays, and strings full of brackets are not nesting.
        const objects = await a.client.raw(
          `{"id":4,"type":"produce","transportId":"${a.sendTransportId}","kind":"video",` +
            `"appData":${'{"a":'.repeat(Math.min(depth, 5000))}1${'}'.repeat(Math.min(depth, 5000))}}`,
          4,
        );
        assert.equal(objects.error?.code, 'bad-request', `appData at depth ${depth}`);
      }
      const valid = await a.client.request('produce', {
        transportId: a.sendTransportId,
        kind: 'video',
        rtpParameters: vp8Parameters(100),
        appData: { brackets: '[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{\\"[[[[[[[[[[[[[[[[[[' },
      });
      assert.equal(valid.ok, true, 'ordinary nesting still passes');
    } finally {
      fresh.close();
      a.client.close();
    }
    await bystander.assertWorks();
  });

  test('fuzz finding: a second connectTransport is bad-request, not internal', async () => {
    const a = await join(server, 'reconnect');
    try {
      const connect = (): Promise<Message> =>
        a.client.request('connectTransport', {
          transportId: a.sendTransportId,
          dtlsParameters: {
            role: 'client',
            fingerprints: [{ algorithm: 'sha-256', value: Array(32).fill('AB').join(':') }],
          },
        });
      const first = await connect();
      assert.equal(first.ok, true, JSON.stringify(first.error));
      assert.equal((await connect()).error?.code, 'bad-request');
    } finally {
      a.client.close();
    }
    await bystander.assertWorks();
  });

  test('oversized messages close the socket; binary frames are bad-json', async () => {
    const a = await Client.connect(server.url);
    const binary = await a.raw(Buffer.from([1, 2, 3]), null);
    assert.equal(binary.error?.code, 'bad-json');
    a.send('x'.repeat(2 * 1024 * 1024));
    assert.equal(await a.closed, 1009);
    await bystander.assertWorks();
  });

  test('produce: list sizes are capped (the 62 KiB produce with 3,700 encodings)', async () => {
    const a = await join(server, 'lists');
    try {
      const produce = (rtpParameters: unknown): Promise<Message> =>
        a.client.request('produce', {
          transportId: a.sendTransportId,
          kind: 'video',
          rtpParameters,
        });
      const huge = await produce(vp8Parameters(1000, 3700));
      assert.equal(huge.error?.code, 'bad-request');
      assert.match(huge.error.message, /encodings/);
      assert.equal((await produce(vp8Parameters(1000, 5))).error?.code, 'bad-request');
      const codecs = vp8Parameters(1000);
      codecs.codecs = Array.from({ length: 33 }, (_, i) => ({
        mimeType: 'video/VP8',
        payloadType: 96 + i,
        clockRate: 90000,
      }));
      assert.equal((await produce(codecs)).error?.code, 'bad-request');
      const extensions = vp8Parameters(1000);
      extensions.headerExtensions = Array.from({ length: 33 }, (_, i) => ({
        uri: 'urn:ietf:params:rtp-hdrext:sdes:mid',
        id: 1 + (i % 14),
      }));
      assert.equal((await produce(extensions)).error?.code, 'bad-request');
      for (const field of ['codecs', 'encodings', 'headerExtensions']) {
        const params = vp8Parameters(1000);
        params[field] = { length: 1e9 };
        assert.equal((await produce(params)).error?.code, 'bad-request', field);
      }
      const four = await produce(vp8Parameters(2000, 4));
      assert.equal(four.ok, true, JSON.stringify(four.error));
    } finally {
      a.client.close();
    }
    await bystander.assertWorks();
  });

  test('per-participant caps: producers and consumers', async () => {
    const a = await join(server, 'caps', 'Ann');
    const b = await join(server, 'caps', 'Bob');
    try {
      const ids: string[] = [];
      for (let i = 0; i < LIMITS.maxProducers; i++) {
        const produced = await a.client.request('produce', {
          transportId: a.sendTransportId,
          kind: 'video',
          rtpParameters: vp8Parameters(3000 + i * 10),
        });
        assert.equal(produced.ok, true, JSON.stringify(produced.error));
        ids.push(produced.data!.producerId as string);
      }
      const over = await a.client.request('produce', {
        transportId: a.sendTransportId,
        kind: 'video',
        rtpParameters: vp8Parameters(3900),
      });
      assert.equal(over.error?.code, 'limit');
      await a.client.request('closeProducer', { producerId: ids.pop() });
      const again = await a.client.request('produce', {
        transportId: a.sendTransportId,
        kind: 'video',
        rtpParameters: vp8Parameters(3950),
      });
      assert.equal(again.ok, true, 'a closed producer frees its place');
      for (let i = 0; i < LIMITS.maxConsumers; i++) {
        const consumed = await b.client.request('consume', {
          producerId: ids[0],
          rtpCapabilities: b.caps,
        });
        assert.equal(consumed.ok, true, JSON.stringify(consumed.error));
      }
      const tooMany = await b.client.request('consume', {
        producerId: ids[0],
        rtpCapabilities: b.caps,
      });
      assert.equal(tooMany.error?.code, 'limit');
    } finally {
      a.client.close();
      b.client.close();
    }
    await bystander.assertWorks();
  });

  test('garbage capabilities in consume are bad-request and do not flood the log', async () => {
    const a = await join(server, 'garbage', 'Ann');
    const b = await join(server, 'garbage', 'Bob');
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    try {
      const produced = await a.client.request('produce', {
        transportId: a.sendTransportId,
        kind: 'video',
        rtpParameters: vp8Parameters(5000),
      });
      const producerId = produced.data!.producerId;
      const garbage = [
        { codecs: {} },
        { codecs: 5 },
        { codecs: [null] },
        { codecs: [{ mimeType: 7 }] },
        { codecs: [{ mimeType: 'video/VP8', clockRate: 'x' }] },
        { headerExtensions: 'x' },
        { headerExtensions: [{ uri: 1, preferredId: {} }] },
        { codecs: Array.from({ length: 1000 }, () => ({})) },
      ];
      logLines.length = 0;
      process.stderr.write = (chunk: string | Uint8Array): boolean => {
        written.push(chunk.toString());
        return true;
      };
      for (let round = 0; round < 25; round++) {
        for (const rtpCapabilities of garbage) {
          const reply = await b.client.request('consume', { producerId, rtpCapabilities });
          assert.equal(reply.error?.code, 'bad-request', JSON.stringify(rtpCapabilities));
        }
      }
      process.stderr.write = write;
      assert.ok(
        logLines.length + written.length <= 12,
        `200 bad requests wrote ${logLines.length + written.length} log lines`,
      );
    } finally {
      process.stderr.write = write;
      a.client.close();
      b.client.close();
    }
    await bystander.assertWorks();
  });

  test("other participants' and other rooms' ids are not-found and untouched", async () => {
    const a = await join(server, 'ids', 'Ann');
    const b = await join(server, 'ids', 'Bob');
    const c = await join(server, 'ids-elsewhere', 'Cid');
    try {
      const produced = await a.client.request('produce', {
        transportId: a.sendTransportId,
        kind: 'video',
        rtpParameters: vp8Parameters(6000),
      });
      const producerId = produced.data!.producerId as string;
      const consumed = await b.client.request('consume', { producerId, rtpCapabilities: b.caps });
      const consumerId = consumed.data!.consumerId as string;
      const attempts: [Client, string, Record<string, unknown>][] = [
        [b.client, 'pauseProducer', { producerId }],
        [b.client, 'closeProducer', { producerId }],
        [b.client, 'resumeProducer', { producerId }],
        [a.client, 'resumeConsumer', { consumerId }],
        [c.client, 'resumeConsumer', { consumerId }],
        [a.client, 'consume', { producerId, rtpCapabilities: a.caps }],
        [c.client, 'consume', { producerId, rtpCapabilities: c.caps }],
        [c.client, 'closeProducer', { producerId }],
        [b.client, 'connectTransport', { transportId: a.sendTransportId, dtlsParameters: {} }],
        [c.client, 'connectTransport', { transportId: a.recvTransportId, dtlsParameters: {} }],
        [
          b.client,
          'produce',
          { transportId: a.sendTransportId, kind: 'video', rtpParameters: vp8Parameters(6100) },
        ],
        [c.client, 'consume', { producerId: consumerId, rtpCapabilities: c.caps }],
        [b.client, 'closeProducer', { producerId: consumerId }],
        [b.client, 'resumeConsumer', { consumerId: producerId }],
      ];
      for (const [client, type, fields] of attempts) {
        const reply = await client.request(type, fields);
        assert.equal(reply.error?.code, 'not-found', `${type} ${JSON.stringify(fields)}`);
      }
      const h = await health(server);
      assert.ok((h.producers as number) >= 1);
      assert.ok(!b.client.notifications.some((n) => n.event === 'producerClosed'));
      assert.ok(!b.client.notifications.some((n) => n.event === 'producerPaused'));
      const resumed = await b.client.request('resumeConsumer', { consumerId });
      assert.equal(resumed.ok, true, 'the owner still acts on its own consumer');
    } finally {
      a.client.close();
      b.client.close();
      c.client.close();
    }
    await bystander.assertWorks();
  });

  test('join floods: one join per connection at a time, joins per connection capped', async () => {
    const a = await Client.connect(server.url);
    try {
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          a.request('join', { roomId: `flood${i % 5}`, displayName: 'x' }),
        ),
      );
      assert.equal(replies.filter((r) => r.ok).length, 1);
      assert.equal(replies.filter((r) => r.error?.code === 'already-joined').length, 29);
      await a.request('leave');
      // maxTransports 6: three joins in all (two transports each), then `limit`.
      for (let i = 1; i < LIMITS.maxTransports / 2; i++) {
        const joined = await a.request('join', { roomId: 'flood', displayName: 'x' });
        assert.equal(joined.ok, true, JSON.stringify(joined.error));
        await a.request('leave');
      }
      const over = await a.request('join', { roomId: 'flood', displayName: 'x' });
      assert.equal(over.error?.code, 'limit');
      const h = await health(server);
      assert.deepEqual(
        (h.workers as { rooms: string[] }[])
          .flatMap((w) => w.rooms)
          .filter((r) => r.startsWith('flood')),
        [],
        'left rooms are closed',
      );
    } finally {
      a.close();
    }
    await bystander.assertWorks();
  });

  test('a full room refuses joins, even concurrent ones, and takes them again once left', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => Client.connect(server.url)));
    try {
      const replies = await Promise.all(
        clients.map((c) => c.request('join', { roomId: 'full', displayName: 'x' })),
      );
      assert.equal(replies.filter((r) => r.ok).length, LIMITS.maxRoomParticipants);
      assert.ok(replies.every((r) => r.ok || r.error?.code === 'limit'));
      const h = await health(server);
      const full = (h.workers as { rooms: string[]; participants: number }[]).find((w) =>
        w.rooms.includes('full'),
      );
      assert.ok(full);
      const inside = clients.filter((_, i) => replies[i].ok);
      const outside = clients.filter((_, i) => !replies[i].ok);
      await inside[0].request('leave');
      const again = await outside[0].request('join', { roomId: 'full', displayName: 'x' });
      assert.equal(again.ok, true, JSON.stringify(again.error));
    } finally {
      for (const client of clients) client.close();
    }
    await bystander.assertWorks();
  });

  test('a join racing the last leave lands in a live room (20 of 20)', async () => {
    for (let i = 0; i < 20; i++) {
      const a = await join(server, `race${i}`, 'Ann');
      const b = await Client.connect(server.url);
      try {
        const [joined, left] = await Promise.all([
          b.request('join', { roomId: `race${i}`, displayName: 'Bob' }),
          a.client.request('leave'),
        ]);
        assert.equal(left.ok, true);
        assert.equal(joined.ok, true, `try ${i}: ${JSON.stringify(joined.error)}`);
        const produced = await b.request('produce', {
          transportId: (joined.data!.sendTransport as { id: string }).id,
          kind: 'video',
          rtpParameters: vp8Parameters(7000 + i * 10),
        });
        assert.equal(produced.ok, true, `try ${i}: the room is live`);
      } finally {
        a.client.close();
        b.close();
      }
    }
    await bystander.assertWorks();
  });

  test('a half-open WebSocket (never answers pings) is terminated', async () => {
    const socket = connect(portOf(server), '127.0.0.1');
    socket.on('error', () => {});
    let received = '';
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const started = Date.now();
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), LIMITS.heartbeatMs * 10),
    );
    const outcome = await Promise.race([closed, timeout]);
    socket.destroy();
    assert.match(received, /^HTTP\/1\.1 101/);
    assert.notEqual(outcome, 'timeout', 'the dead socket is still open');
    assert.ok(Date.now() - started >= LIMITS.heartbeatMs, 'closed by the heartbeat, not at once');
    // A live client (which answers pings) outlasts several heartbeats.
    assert.ok(bystander.client.isOpen);
    await bystander.assertWorks();
  });
});

describe('videorooms message rate', () => {
  let server: RunningServer;
  let bystander: Bystander;
  before(async () => {
    server = await startServer(testConfig({ messageRate: 20, messageBurst: 20 }), {
      log: () => {},
    });
    bystander = await Bystander.join(server);
  });
  after(async () => {
    bystander.client.close();
    await server.close();
  });

  test('a client within its burst is served; a flood is refused, then closed', async () => {
    const polite = await Client.connect(server.url);
    const flooder = await Client.connect(server.url);
    try {
      const replies = await Promise.all(Array.from({ length: 15 }, () => polite.request('fly')));
      assert.ok(replies.every((r) => r.error?.code === 'not-joined'));
      const limited: Message[] = [];
      flooder.socket.on('message', (raw: Buffer) => {
        const m = JSON.parse(raw.toString()) as Message;
        if (m.error?.code === 'rate-limited') limited.push(m);
      });
      for (let i = 0; i < 500 && flooder.isOpen; i++) flooder.send('{"id":1,"type":"fly"}');
      assert.equal(await flooder.closed, 1008);
      assert.ok(limited.length >= 1, 'over-rate messages get a rate-limited reply first');
      assert.equal((await polite.request('fly')).error?.code, 'not-joined');
    } finally {
      polite.close();
      flooder.close();
    }
    await bystander.assertWorks();
  });
});
