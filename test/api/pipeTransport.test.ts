/**
 * router.createPipeTransport() and router.pipeToRouter(), in both worker modes, against
 * mediasoup v3's semantics: options and errors, dump/getStats shapes, connect and tuple, and
 * media through the pipe (synthetic VP8 in by a PlainTransport on one router, out by a
 * PlainTransport on the other) between routers of one worker and of two workers.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import {
  InvalidStateError,
  PipeTransport as PipeTransportClass,
  createWorker,
  type PipeTransport,
  type Router,
  type Worker,
} from '../../src/index.js';
import { MODES } from './modes.js';
import { eventually, mediaCodecs, once } from './mediaFixtures.js';
import { RtpSink, RtpSource, egress, ingest, vp8Parameters } from './pipeFixtures.js';

process.env.SKEIN_ENABLE_CRASH_REQUESTS = '1';

const LISTEN = { protocol: 'udp', ip: '127.0.0.1' } as const;

let nextSsrc = 300_000_000;
function ssrcs(n: number): number[] {
  nextSsrc += 100;
  return Array.from({ length: n }, (_, i) => nextSsrc + i);
}

async function statsOf(transport: PipeTransport): Promise<Record<string, unknown>> {
  return (await transport.getStats())[0];
}

for (const mode of MODES) {
  describe(`PipeTransport (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;

    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker.close());

    test('options are validated with mediasoup errors', async () => {
      await assert.rejects(router.createPipeTransport({}), TypeError);
      await assert.rejects(
        router.createPipeTransport({ listenInfo: LISTEN, listenIp: '127.0.0.1' }),
        TypeError,
      );
      await assert.rejects(
        router.createPipeTransport({ listenInfo: { protocol: 'tcp', ip: '127.0.0.1' } }),
        TypeError,
      );
      await assert.rejects(
        router.createPipeTransport({ listenInfo: { protocol: 'udp', ip: 'localhost' } }),
        TypeError,
      );
      await assert.rejects(
        router.createPipeTransport({ listenInfo: LISTEN, enableRtx: 'yes' as unknown as boolean }),
        TypeError,
      );
      await assert.rejects(
        router.createPipeTransport({ listenInfo: LISTEN, numSctpStreams: { OS: 0, MIS: 1 } }),
        TypeError,
      );
      await assert.rejects(
        router.createPipeTransport({ listenInfo: LISTEN, appData: 3 as never }),
        TypeError,
      );
      await assert.rejects(
        router.createPipeTransport({ listenInfo: LISTEN, enableSctp: true, maxSctpMessageSize: 0 }),
        TypeError,
      );
      const dump = await router.dump();
      assert.equal(dump.transportIds.length, 0, 'no transport left behind by a refused call');
    });

    test('tuple, dump() and getStats() have mediasoup shapes', async () => {
      const transport = await router.createPipeTransport({
        listenIp: '127.0.0.1',
        appData: { foo: 1 },
      });
      assert.deepEqual(transport.appData, { foo: 1 });
      assert.equal(transport.tuple.localAddress, '127.0.0.1');
      assert.equal(transport.tuple.localIp, '127.0.0.1', "mediasoup's deprecated alias");
      assert.ok(transport.tuple.localPort > 0);
      assert.equal(transport.tuple.protocol, 'udp');
      assert.equal(transport.tuple.remoteIp, undefined);
      assert.equal(transport.srtpParameters, undefined);
      assert.equal(transport.sctpParameters, undefined);
      const dump = (await transport.dump()) as Record<string, unknown>;
      assert.equal(dump.id, transport.id);
      assert.equal(dump.rtx, false);
      assert.deepEqual(dump.tuple, transport.tuple);
      assert.deepEqual(dump.producerIds, []);
      const stats = await statsOf(transport);
      assert.equal(stats.type, 'pipe-transport');
      assert.equal(stats.transportId, transport.id);
      assert.deepEqual(stats.tuple, transport.tuple);
      for (const field of ['bytesReceived', 'bytesSent', 'rtpBytesSent', 'rtxBytesSent']) {
        assert.equal(typeof stats[field], 'number', field);
      }
      transport.close();
      assert.ok(transport.closed);
    });

    test('connect() validates, sets the remote tuple, and refuses a second call', async () => {
      const a = await router.createPipeTransport({ listenInfo: LISTEN });
      const b = await router.createPipeTransport({ listenInfo: LISTEN, enableSrtp: true });
      await assert.rejects(a.connect({ port: 4000 } as never), TypeError);
      await assert.rejects(a.connect({ ip: '127.0.0.1' } as never), TypeError);
      await assert.rejects(a.connect({ ip: 'nope', port: 4000 }), TypeError);
      await assert.rejects(a.connect({ ip: '127.0.0.1', port: 70000 }), TypeError);
      await assert.rejects(
        a.connect({ ip: '127.0.0.1', port: 4000, srtpParameters: b.srtpParameters }),
        TypeError,
        'SRTP parameters without enableSrtp',
      );
      assert.equal(b.srtpParameters?.cryptoSuite, 'AEAD_AES_256_GCM');
      assert.equal(Buffer.from(b.srtpParameters?.keyBase64 ?? '', 'base64').length, 44);
      await assert.rejects(
        b.connect({ ip: '127.0.0.1', port: 4000 }),
        TypeError,
        'SRTP needs keys',
      );
      await assert.rejects(
        b.connect({
          ip: '127.0.0.1',
          port: 4000,
          srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: 'AAAA' },
        }),
        TypeError,
        'pipes use AEAD_AES_256_GCM only',
      );
      await a.connect({ ip: '127.0.0.1', port: b.tuple.localPort });
      assert.equal(a.tuple.remoteIp, '127.0.0.1');
      assert.equal(a.tuple.remotePort, b.tuple.localPort);
      assert.deepEqual(((await a.dump()) as { tuple: unknown }).tuple, a.tuple);
      await assert.rejects(a.connect({ ip: '127.0.0.1', port: 4001 }), InvalidStateError);
      a.close();
      b.close();
    });

    test('pipe producers: produce() on a PipeTransport, keyFrameRequestDelay validated', async () => {
      const transport = await router.createPipeTransport({ listenInfo: LISTEN });
      const [ssrc] = ssrcs(1);
      await assert.rejects(
        transport.produce({
          kind: 'video',
          rtpParameters: vp8Parameters([ssrc]),
          keyFrameRequestDelay: -1,
        }),
        TypeError,
      );
      const producer = await transport.produce({
        id: 'far-producer-id',
        kind: 'video',
        rtpParameters: vp8Parameters([ssrc]),
        keyFrameRequestDelay: 500,
        paused: true,
      });
      assert.equal(producer.id, 'far-producer-id');
      assert.ok(producer.paused);
      // A pipe keeps each producer's CNAME (mediasoup's semantics).
      assert.equal(producer.rtpParameters.rtcp?.cname, 'pipe-test');
      assert.deepEqual(((await transport.dump()) as { producerIds: string[] }).producerIds, [
        producer.id,
      ]);
      transport.close();
      assert.ok(producer.closed);
    });

    test('pipeToRouter() checks its options', async () => {
      const other = await worker.createRouter({ mediaCodecs });
      await assert.rejects(router.pipeToRouter({ router: other }), TypeError);
      await assert.rejects(
        router.pipeToRouter({ producerId: 'x', dataProducerId: 'y', router: other }),
        TypeError,
      );
      await assert.rejects(router.pipeToRouter({ producerId: 'x', router }), TypeError);
      await assert.rejects(router.pipeToRouter({ producerId: 'nope', router: other }), TypeError);
      await assert.rejects(router.pipeToRouter({ dataProducerId: 'x', router: other }), TypeError);
      other.close();
    });
  });

  // Media through the pipe: same worker, and a second worker of each mode.
  for (const farMode of [undefined, 'thread', 'process'] as const) {
    const label = farMode
      ? `${mode} worker → ${farMode} worker`
      : `two routers of one ${mode} worker`;
    describe(`pipeToRouter(): ${label}`, () => {
      let workers: Worker[];
      let routerA: Router;
      let routerB: Router;
      let source: RtpSource;
      const sinks: RtpSink[] = [];

      before(async () => {
        const first = await createWorker({ mode });
        workers = [first];
        if (farMode) workers.push(await createWorker({ mode: farMode }));
        routerA = await first.createRouter({ mediaCodecs });
        routerB = await workers.at(-1)!.createRouter({ mediaCodecs });
        watchPipes(routerA);
        watchPipes(routerB);
        routersOf.set(first, [routerA]);
        const last = workers.at(-1)!;
        routersOf.set(last, [...(routersOf.get(last) ?? []), routerB]);
        source = await RtpSource.open();
      });
      after(async () => {
        source.close();
        for (const sink of sinks) sink.close();
        // Sockets closed before any thread is terminated: Node 20 can abort the process when a
        // worker thread is terminated while datagrams (here, the other worker's pipe) arrive.
        await closeGracefully(workers);
      });

      test('a far consumer receives the producer; pause, resume and close propagate', async () => {
        const [ssrc] = ssrcs(1);
        const { producer } = await ingest(routerA, source, [ssrc]);
        const { pipeConsumer, pipeProducer } = await routerA.pipeToRouter({
          producerId: producer.id,
          router: routerB,
        });
        assert.ok(pipeConsumer && pipeProducer);
        assert.equal(pipeProducer.id, producer.id);
        assert.equal(pipeConsumer.type, 'pipe');
        assert.equal(pipeConsumer.kind, 'video');
        assert.equal(pipeConsumer.rtpParameters.encodings?.length, 1);
        const sink = await RtpSink.open();
        sinks.push(sink);
        const { consumer } = await egress(routerB, sink, producer.id);
        assert.ok(await eventually(() => sink.total > 20, 5000), 'media reached the far consumer');
        // A key frame request of the far consumer crosses the pipe (a PLI on the pipe
        // consumer's stream) and reaches the original source.
        const plis = source.keyFrameRequests.get(ssrc) ?? 0;
        const pipePlis = async (): Promise<number> =>
          ((await pipeConsumer.getStats())[0] as { pliCount: number }).pliCount;
        const pipePlisBefore = await pipePlis();
        await consumer.requestKeyFrame();
        assert.ok(
          await eventually(() => (source.keyFrameRequests.get(ssrc) ?? 0) > plis),
          'PLI reached the source',
        );
        assert.ok((await pipePlis()) > pipePlisBefore, 'through the pipe');

        const paused = once(consumer, 'producerpause');
        await producer.pause();
        await paused;
        assert.ok(consumer.producerPaused);
        assert.ok(await eventually(() => pipeProducer.paused));
        const atPause = sink.total;
        await new Promise((r) => setTimeout(r, 200));
        assert.ok(sink.total - atPause < 5, 'nothing flows while the producer is paused');

        const resumed = once(consumer, 'producerresume');
        await producer.resume();
        await resumed;
        const atResume = sink.total;
        assert.ok(await eventually(() => sink.total > atResume + 20, 5000), 'media again');

        const closed = once(consumer, 'producerclose');
        producer.close();
        await closed;
        assert.ok(consumer.closed);
        assert.ok(await eventually(() => pipeProducer.closed && pipeConsumer.closed));
      });

      test('simulcast: every encoding travels; the far router selects the layer', async () => {
        const layers = ssrcs(3);
        const { producer } = await ingest(routerA, source, layers);
        const { pipeConsumer, pipeProducer } = await routerA.pipeToRouter({
          producerId: producer.id,
          router: routerB,
        });
        assert.equal(pipeConsumer!.rtpParameters.encodings?.length, 3);
        assert.equal(pipeProducer!.type, 'simulcast');
        const sink = await RtpSink.open();
        sinks.push(sink);
        const { consumer } = await egress(routerB, sink, producer.id);
        assert.equal(consumer.type, 'simulcast');
        // Every layer arrives at the far pipe producer (its stats list one stream per layer).
        assert.ok(
          await eventually(async () => (await pipeProducer!.getStats()).length === 3, 5000),
          'three streams through the pipe',
        );
        assert.ok(await eventually(() => sink.total > 20, 5000));
        const stats = (await pipeConsumer!.getStats()) as { type: string; packetCount: number }[];
        const sent = stats.filter((s) => s.type === 'outbound-rtp');
        assert.equal(sent.length, 3, 'one outbound stream per encoding');
        assert.ok(sent.every((s) => s.packetCount > 0));
        producer.close();
      });

      test('a second producer reuses the transport pair; garbage at the pipe is dropped', async () => {
        const before = (await routerA.dump()).transportIds.length;
        const [s1] = ssrcs(1);
        const [s2] = ssrcs(1);
        const first = await ingest(routerA, source, [s1]);
        const second = await ingest(routerA, source, [s2]);
        await routerA.pipeToRouter({ producerId: first.producer.id, router: routerB });
        const afterFirst = (await routerA.dump()).transportIds.length;
        await routerA.pipeToRouter({ producerId: second.producer.id, router: routerB });
        assert.equal((await routerA.dump()).transportIds.length, afterFirst, 'pair reused');
        assert.ok(afterFirst <= before + 3, 'one pipe transport (plus two ingest transports)');
        // Piping the same producer again to the same router: its id exists there.
        await assert.rejects(
          routerA.pipeToRouter({ producerId: first.producer.id, router: routerB }),
          TypeError,
        );
        // From the other side, the same pair serves too.
        const back = await ingest(routerB, source, ssrcs(1));
        const countB = (await routerB.dump()).transportIds.length;
        await routerB.pipeToRouter({ producerId: back.producer.id, router: routerA });
        assert.equal((await routerB.dump()).transportIds.length, countB);

        const sink = await RtpSink.open();
        sinks.push(sink);
        await egress(routerB, sink, second.producer.id);
        assert.ok(await eventually(() => sink.total > 10, 5000));
        // Garbage and foreign RTP at the far pipe port while media flows.
        const pipeB = findPipe(routerB, routerA);
        const junk = createSocket('udp4');
        const rtpLike = Buffer.alloc(100);
        rtpLike[0] = 0x80;
        rtpLike[1] = 101;
        for (let i = 0; i < 50; i++) {
          junk.send(Buffer.from([0xff, i, 0, 1, 2, 3]), pipeB.port, '127.0.0.1');
          junk.send(rtpLike, pipeB.port, '127.0.0.1');
        }
        const dropped = async (): Promise<Record<string, number>> =>
          ((await statsOf(pipeB.transport)).packetsDropped as Record<string, number>) ?? {};
        assert.ok(
          await eventually(async () => {
            const d = await dropped();
            return d.notRtp >= 50 && d.unknownTuple >= 50;
          }, 3000),
          'garbage and foreign RTP counted',
        );
        const atJunk = sink.total;
        assert.ok(await eventually(() => sink.total > atJunk + 20, 5000), 'media keeps flowing');
        junk.close();
        for (const p of [first.producer, second.producer, back.producer]) p.close();
      });

      test('enableRtx: losses on the pipe are repaired by RTX; enableSrtp encrypts it', async () => {
        const other = await workers.at(-1)!.createRouter({ mediaCodecs });
        routersOf.get(workers.at(-1)!)?.push(other);
        watchPipes(other);
        const [ssrc] = ssrcs(1);
        const { producer } = await ingest(routerA, source, [ssrc]);
        const { pipeConsumer, pipeProducer } = await routerA.pipeToRouter({
          producerId: producer.id,
          router: other,
          enableRtx: true,
          enableSrtp: true,
        });
        assert.ok(pipeConsumer!.rtpParameters.codecs.some((c) => c.mimeType === 'video/rtx'));
        assert.ok(pipeConsumer!.rtpParameters.encodings![0].rtx?.ssrc);
        const sink = await RtpSink.open();
        sinks.push(sink);
        await egress(other, sink, producer.id);
        const pipeA = findPipe(routerA, other);
        assert.ok(pipeA.transport.srtpParameters, 'SRTP on');
        await pipeA.transport.setPacketLossForTesting({ outgoingEvery: 10 });
        assert.ok(
          await eventually(
            async () => ((await statsOf(pipeA.transport)).rtxBytesSent as number) > 0,
            5000,
          ),
          'retransmissions over the pipe',
        );
        // The far pipe producer got the lost packets back (RTX, RFC 4588).
        assert.ok(
          await eventually(async () => {
            const stats = (await pipeProducer!.getStats()) as { packetsRetransmitted: number }[];
            return (stats[0]?.packetsRetransmitted ?? 0) > 0;
          }, 5000),
          'repaired at the far end',
        );
        assert.ok(await eventually(() => sink.total > 50, 5000));
        // Without enableRtx (the pair to routerB) the same loss is never retransmitted.
        const plainPipe = findPipe(routerA, routerB);
        await plainPipe.transport.setPacketLossForTesting({ outgoingEvery: 10 });
        const [s2] = ssrcs(1);
        const second = await ingest(routerA, source, [s2]);
        await routerA.pipeToRouter({ producerId: second.producer.id, router: routerB });
        const sink2 = await RtpSink.open();
        sinks.push(sink2);
        await egress(routerB, sink2, second.producer.id);
        assert.ok(await eventually(() => sink2.total > 50, 5000));
        assert.equal((await statsOf(plainPipe.transport)).rtxBytesSent, 0);
        await plainPipe.transport.setPacketLossForTesting({});
        second.producer.close();
        producer.close();
        other.close();
      });

      test('closing one end closes the other; the next pipeToRouter() makes a new pair', async () => {
        const pipeA = findPipe(routerA, routerB).transport;
        const pipeB = findPipe(routerB, routerA).transport;
        const closed = new Promise<void>((resolve) => pipeB.observer.once('close', resolve));
        pipeA.close();
        await closed;
        assert.ok(pipeB.closed);
        const { producer } = await ingest(routerA, source, ssrcs(1));
        const { pipeProducer } = await routerA.pipeToRouter({
          producerId: producer.id,
          router: routerB,
        });
        const fresh = findPipe(routerA, routerB).transport;
        assert.notEqual(fresh, pipeA, 'a new pair');
        const sink = await RtpSink.open();
        sinks.push(sink);
        await egress(routerB, sink, pipeProducer!.id);
        assert.ok(await eventually(() => sink.total > 10, 5000), 'media through the new pair');
        producer.close();
      });
    });
  }
}

/** Closes the workers' routers (their sockets), waits until each worker did, then the workers. */
async function closeGracefully(workers: Worker[]): Promise<void> {
  for (const w of workers) {
    for (const r of routersOf.get(w) ?? []) r.close();
  }
  // A request answered after the closeRouter requests: they are done.
  await Promise.all(workers.map((w) => w.dump().catch(() => undefined)));
  for (const w of workers) w.close();
}

const routersOf = new Map<Worker, Router[]>();

const pipes = new Map<Router, PipeTransport[]>();

/** Remembers the pipe transports `router` creates (pipeToRouter() makes them). */
function watchPipes(router: Router): void {
  const list: PipeTransport[] = [];
  pipes.set(router, list);
  router.observer.on('newtransport', (t) => {
    if (t instanceof PipeTransportClass) list.push(t as PipeTransport);
  });
}

/** The open PipeTransport of `router` (toward `to`, when given: the one connected to its pipe). */
function findPipe(router: Router, to?: Router): { transport: PipeTransport; port: number } {
  const open = (r: Router): PipeTransport[] => (pipes.get(r) ?? []).filter((p) => !p.closed);
  const farPorts = to ? open(to).map((p) => p.tuple.localPort) : undefined;
  const transport = open(router).find(
    (p) => !farPorts || farPorts.includes(p.tuple.remotePort ?? -1),
  );
  if (!transport) throw new Error('no pipe transport');
  return { transport, port: transport.tuple.localPort };
}
