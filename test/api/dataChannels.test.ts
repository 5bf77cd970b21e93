/**
 * DataProducer / DataConsumer over SCTP on WebRtcTransports (Node SCTP peers over real ICE +
 * DTLS on loopback) and over a DirectTransport, in both worker modes: options and shapes,
 * ordered delivery through the SFU, direct messages with subchannels, pause, close
 * cascades, router.dump's data maps, and hostile SCTP from an authenticated peer (dropped,
 * counted, other channels keep flowing).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorker, type Router, type WebRtcTransport, type Worker } from '../../src/index.js';
import { InvalidStateError, UnsupportedError } from '../../src/common/errors.js';
import { sctpChecksum } from '../../src/protocols/sctp/crc32c.js';
import { createDtlsCertificate, type DtlsCertificate } from '../../src/rtc/dtls/index.js';
import { remoteTransportOf } from '../peer/SrtpPeer.js';
import { SctpPeer } from '../peer/SctpPeer.js';
import { MODES } from './modes.js';
import { eventually, mediaCodecs } from './mediaFixtures.js';
import { entryOf } from './dumpEntries.js';

const LISTEN = [{ protocol: 'udp' as const, ip: '127.0.0.1' }];

async function sctpTransport(router: Router): Promise<WebRtcTransport> {
  return router.createWebRtcTransport({ listenInfos: LISTEN, enableSctp: true });
}

async function connectPeer(
  transport: WebRtcTransport,
  cert: DtlsCertificate,
  id: string,
): Promise<SctpPeer> {
  await transport.connect({
    dtlsParameters: { role: 'client', fingerprints: [...cert.fingerprints] },
  });
  const peer = await SctpPeer.open(id, remoteTransportOf(transport), cert);
  assert.ok(await eventually(() => peer.connected && transport.sctpState === 'connected', 5000));
  return peer;
}

function packet(tag: number, ...chunks: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(5000, 0);
  header.writeUInt16BE(5000, 2);
  header.writeUInt32BE(tag >>> 0, 4);
  const p = Buffer.concat([header, ...chunks]);
  p.writeUInt32LE(sctpChecksum(p), 8);
  return p;
}

function chunk(type: number, body: Buffer, length = body.length + 4): Buffer {
  const head = Buffer.from([type, 0, length >> 8, length & 0xff]);
  return Buffer.concat([head, body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
}

type Drops = Record<string, number>;

async function sctpDrops(transport: WebRtcTransport): Promise<Drops> {
  const [stats] = (await transport.getStats()) as { sctpDropped: Drops }[];
  return stats.sctpDropped;
}

for (const mode of MODES) {
  void describe(`DataChannels (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    let cert: DtlsCertificate;

    before(async () => {
      worker = await createWorker({ mode, logLevel: 'none' });
      router = await worker.createRouter({ mediaCodecs });
      cert = await createDtlsCertificate();
    });
    after(() => worker?.close());

    test('enableSctp gives sctpParameters and sctpState; without it produceData fails', async () => {
      const plain = await router.createWebRtcTransport({ listenInfos: LISTEN });
      assert.equal(plain.sctpParameters, undefined);
      assert.equal(plain.sctpState, undefined);
      await assert.rejects(
        plain.produceData({ sctpStreamParameters: { streamId: 1 } }),
        InvalidStateError,
      );
      await assert.rejects(plain.consumeData({ dataProducerId: 'x' }), TypeError);
      const transport = await router.createWebRtcTransport({
        listenInfos: LISTEN,
        enableSctp: true,
        numSctpStreams: { OS: 300, MIS: 200 },
        maxSctpMessageSize: 100000,
      });
      assert.deepEqual(
        {
          port: transport.sctpParameters?.port,
          OS: transport.sctpParameters?.OS,
          MIS: transport.sctpParameters?.MIS,
          maxMessageSize: transport.sctpParameters?.maxMessageSize,
        },
        { port: 5000, OS: 300, MIS: 200, maxMessageSize: 100000 },
      );
      assert.equal(transport.sctpState, 'new');
      await assert.rejects(transport.produceData({}), TypeError);
      await assert.rejects(
        transport.produceData({ sctpStreamParameters: { streamId: 200 } }),
        TypeError,
        'streamId >= MIS',
      );
      await assert.rejects(
        router.createWebRtcTransport({
          listenInfos: LISTEN,
          enableSctp: true,
          numSctpStreams: { OS: 0, MIS: 1 },
        }),
        TypeError,
      );
      const dp = await transport.produceData({
        sctpStreamParameters: { streamId: 3, maxRetransmits: 0 },
        label: 'chat',
        protocol: 'p',
      });
      assert.equal(dp.type, 'sctp');
      assert.deepEqual(dp.sctpStreamParameters, { streamId: 3, maxRetransmits: 0, ordered: false });
      await assert.rejects(
        transport.produceData({ sctpStreamParameters: { streamId: 3 } }),
        TypeError,
        'stream in use',
      );
      assert.throws(() => dp.send('x'), UnsupportedError);
      const dump = await transport.dump();
      assert.deepEqual(dump.dataProducerIds, [dp.id]);
      assert.deepEqual(dump.sctpListener, { streamIdTable: [{ key: 3, value: dp.id }] });
      assert.equal(dump.sctpState, 'new');
      assert.deepEqual(await dp.dump(), {
        id: dp.id,
        type: 'sctp',
        sctpStreamParameters: { streamId: 3, maxRetransmits: 0, ordered: false },
        label: 'chat',
        protocol: 'p',
        paused: false,
      });
      const [stats] = (await dp.getStats()) as Record<string, unknown>[];
      assert.equal(stats.type, 'data-producer');
      assert.equal(stats.messagesReceived, 0);
      plain.close();
      transport.close();
    });

    test('peer A → SFU → peer B: 1,000 ordered messages (strings and binary) in order, 200 KB whole', async () => {
      const ta = await sctpTransport(router);
      const tb = await sctpTransport(router);
      const states: string[] = [];
      ta.on('sctpstatechange', (s) => states.push(s));
      const a = await connectPeer(ta, cert, 'A');
      const b = await connectPeer(tb, cert, 'B');
      assert.deepEqual(states, ['connecting', 'connected']);
      const dp = await ta.produceData({ sctpStreamParameters: { streamId: 1 }, label: 'l' });
      const dc = await tb.consumeData({ dataProducerId: dp.id });
      assert.equal(dc.type, 'sctp');
      assert.equal(dc.label, 'l');
      const streamId = dc.sctpStreamParameters!.streamId;
      const routerDump = await router.dump();
      assert.deepEqual(entryOf(routerDump.mapDataProducerIdDataConsumerIds, dp.id), [dc.id]);
      assert.equal(entryOf(routerDump.mapDataConsumerIdDataProducerId, dc.id), dp.id);
      for (let i = 0; i < 1000; i++) {
        if (i % 2) a.send(1, 53, Buffer.from([i & 0xff, i >> 8]));
        else a.send(1, 51, Buffer.from(`m${i}`));
      }
      const big = Buffer.alloc(200 * 1024, 7);
      big.writeUInt32BE(0xdeadbeef, 1000);
      a.send(1, 53, big);
      assert.ok(await eventually(() => b.received.length === 1001, 20000), `${b.received.length}`);
      for (let i = 0; i < 1000; i++) {
        const m = b.received[i];
        assert.equal(m.streamId, streamId);
        if (i % 2) assert.deepEqual([m.ppid, ...m.data], [53, i & 0xff, i >> 8]);
        else assert.deepEqual([m.ppid, m.data.toString()], [51, `m${i}`]);
      }
      assert.ok(b.received[1000].data.equals(big), '200 KB message whole');
      const [pstats] = await dp.getStats();
      assert.equal(pstats.messagesReceived, 1001);
      const [cstats] = await dc.getStats();
      assert.equal(cstats.messagesSent, 1001);
      assert.equal(typeof cstats.bufferedAmount, 'number');
      // Closing the producer closes its consumer (dataproducerclose).
      const closed = new Promise<void>((resolve) => dc.once('dataproducerclose', resolve));
      dp.close();
      await closed;
      assert.ok(dc.closed);
      a.close();
      b.close();
      ta.close();
      tb.close();
    });

    test('DirectTransport: dataProducer.send() → direct and SCTP data consumers, subchannels, pause, and back', async () => {
      const direct = await router.createDirectTransport();
      const tb = await sctpTransport(router);
      const b = await connectPeer(tb, cert, 'B');
      const dp = await direct.produceData({ label: 'd' });
      assert.equal(dp.type, 'direct');
      const all = await direct.consumeData({ dataProducerId: dp.id });
      const only7 = await direct.consumeData({ dataProducerId: dp.id, subchannels: [7] });
      assert.equal(all.type, 'direct');
      assert.deepEqual(only7.subchannels, [7]);
      const toPeer = await tb.consumeData({ dataProducerId: dp.id });
      const got: { to: string; text: string; ppid: number }[] = [];
      all.on('message', (m, ppid) => got.push({ to: 'all', text: m.toString(), ppid }));
      only7.on('message', (m, ppid) => got.push({ to: '7', text: m.toString(), ppid }));
      dp.send('hello');
      dp.send(Buffer.from('bin'));
      dp.send('');
      dp.send('sub', undefined, [7]);
      dp.send('need8', undefined, [7], 8);
      // No subchannels on a message: every consumer. With them: consumers sharing one (and
      // having the required one).
      // A last message to everyone: once both have it, the filtered ones are known not to come.
      dp.send('end');
      assert.ok(await eventually(() => got.filter((g) => g.text === 'end').length === 2));
      assert.ok(await eventually(() => b.received.length === 4));
      assert.deepEqual(got.splice(0), [
        { to: 'all', text: 'hello', ppid: 51 },
        { to: '7', text: 'hello', ppid: 51 },
        { to: 'all', text: 'bin', ppid: 53 },
        { to: '7', text: 'bin', ppid: 53 },
        { to: 'all', text: ' ', ppid: 56 },
        { to: '7', text: ' ', ppid: 56 },
        { to: '7', text: 'sub', ppid: 51 },
        { to: 'all', text: 'end', ppid: 51 },
        { to: '7', text: 'end', ppid: 51 },
      ]);
      await only7.addSubchannel(8);
      assert.deepEqual(only7.subchannels, [7, 8]);
      await only7.removeSubchannel(7);
      await only7.setSubchannels([8, 9]);
      assert.deepEqual(only7.subchannels, [8, 9]);
      assert.deepEqual(
        b.received.map((m) => [m.ppid, m.data.toString()]),
        [
          [51, 'hello'],
          [53, 'bin'],
          [56, ' '],
          [51, 'end'],
        ],
      );
      assert.equal(toPeer.sctpStreamParameters!.ordered, true);

      // Pause: nothing reaches the consumers; they hear dataproducerpause / resume.
      const paused = new Promise<void>((resolve) => all.once('dataproducerpause', resolve));
      await dp.pause();
      await paused;
      assert.equal(all.dataProducerPaused, true);
      dp.send('while paused');
      await dp.resume();
      dp.send('resumed');
      assert.ok(await eventually(() => got.some((g) => g.text === 'resumed')));
      assert.ok(!got.some((g) => g.text === 'while paused'));

      // And back: the peer's data producer reaches a direct data consumer in Node.
      const fromPeer = await tb.produceData({ sctpStreamParameters: { streamId: 9 } });
      const inNode = await direct.consumeData({ dataProducerId: fromPeer.id });
      const back: string[] = [];
      inNode.on('message', (m) => back.push(m.toString()));
      b.send(9, 51, Buffer.from('from the peer'));
      assert.ok(await eventually(() => back.length === 1));
      assert.deepEqual(back, ['from the peer']);
      // dataConsumer.send(): Node straight to the peer's stream.
      toPeer.send('straight');
      assert.ok(await eventually(() => b.received.some((m) => m.data.toString() === 'straight')));

      const dump = (await all.dump()) as Record<string, unknown>;
      assert.equal(dump.dataProducerId, dp.id);
      assert.equal(dump.type, 'direct');
      const closed = new Promise<void>((resolve) => all.once('transportclose', resolve));
      direct.close();
      await closed;
      assert.ok(dp.closed);
      b.close();
      tb.close();
    });

    test('hostile SCTP from an authenticated peer is dropped and counted; other channels flow', async () => {
      const ta = await sctpTransport(router);
      const tb = await sctpTransport(router);
      const th = await sctpTransport(router);
      const a = await connectPeer(ta, cert, 'A');
      const b = await connectPeer(tb, cert, 'B');
      const h = await connectPeer(th, cert, 'H');
      const dp = await ta.produceData({ sctpStreamParameters: { streamId: 1 } });
      await tb.consumeData({ dataProducerId: dp.id });
      const hp = await th.produceData({ sctpStreamParameters: { streamId: 1 } });
      await tb.consumeData({ dataProducerId: hp.id });
      const tag = h.sfuTag;
      const data = Buffer.alloc(13);
      data.writeUInt16BE(1, 4);
      data.writeUInt32BE(51, 8);
      const init = Buffer.alloc(16);
      init.writeUInt32BE(77, 0);
      init.writeUInt32BE(65536, 4);
      init.writeUInt16BE(10, 8);
      init.writeUInt16BE(10, 10);
      for (let i = 0; i < 20; i++) {
        h.sendRaw(packet(tag, chunk(3, Buffer.alloc(12), 0))); // chunk length 0
        h.sendRaw(packet(tag ^ 0x1234, chunk(0, data))); // forged verification tag
        h.sendRaw(packet(0, chunk(1, init))); // INIT once established
        h.sendRaw(packet(tag, chunk(4, Buffer.from([0, 1, 0, 0])))); // parameter length 0
      }
      a.send(1, 51, Buffer.from('still flowing'));
      assert.ok(
        await eventually(() => b.received.some((m) => m.data.toString() === 'still flowing'), 5000),
      );
      const drops = await sctpDrops(th);
      assert.ok(
        await eventually(async () => (await sctpDrops(th)).initAfterEstablished === 20, 3000),
      );
      assert.ok(drops.badChunkLength >= 20 || (await sctpDrops(th)).badChunkLength === 20);
      const final = await sctpDrops(th);
      assert.equal(final.badChunkLength, 20);
      assert.equal(final.badVerificationTag, 20);
      assert.equal(final.badParameterLength, 20);
      const [stats] = (await th.getStats()) as { faults: Drops; sctpState: string }[];
      assert.deepEqual(stats.faults, { datagram: 0, tcpFrame: 0, timer: 0, dtls: 0 });
      assert.equal(stats.sctpState, 'connected');
      // The hostile peer's own association still works too.
      h.send(1, 51, Buffer.from('h ok'));
      assert.ok(await eventually(() => b.received.some((m) => m.data.toString() === 'h ok')));
      assert.ok(!worker.closed);
      for (const p of [a, b, h]) p.close();
      for (const t of [ta, tb, th]) t.close();
    });
  });
}
