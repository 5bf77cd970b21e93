/**
 * router.pipeToRouter({ dataProducerId }): a direct data producer on one router reaches a
 * direct data consumer on a router of another worker (or of the same one) over SCTP on a pair of PipeTransports
 * (both ends send INIT). Messages arrive whole and in order (strings, binary, 200 KB); the
 * pair is reused; closing the source closes the far data consumer, and either pipe half
 * closes the other. Both worker modes, one worker or two, and thread ↔ process.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createWorker,
  type PipeTransport,
  type Router,
  type Transport,
  type Worker,
  type WorkerMode,
} from '../../src/index.js';
import { MODES } from './modes.js';
import { eventually, mediaCodecs } from './mediaFixtures.js';

const PPID_STRING = 51;
const PPID_BINARY = 53;

/** The pipe transports a router gets, with the SCTP states each announced. */
function watchPipes(router: Router): { transports: PipeTransport[]; states: string[][] } {
  const watched = { transports: [] as PipeTransport[], states: [] as string[][] };
  router.observer.on('newtransport', (transport: Transport) => {
    const pipe = transport as PipeTransport;
    if (typeof pipe.connect !== 'function' || !('srtpParameters' in pipe)) return;
    const states: string[] = [];
    watched.transports.push(pipe);
    watched.states.push(states);
    pipe.on('sctpstatechange', (state) => states.push(state));
  });
  return watched;
}

/** `modeB` 'same': both routers in one worker. */
function pipeSuite(label: string, modeA: WorkerMode, modeB: WorkerMode | 'same'): void {
  void describe(`pipeToRouter() with a DataProducer (${label})`, () => {
    let workerA: Worker;
    let workerB: Worker;
    let routerA: Router;
    let routerB: Router;

    before(async () => {
      workerA = await createWorker({ mode: modeA, logLevel: 'none' });
      workerB = modeB === 'same' ? workerA : await createWorker({ mode: modeB, logLevel: 'none' });
      routerA = await workerA.createRouter({ mediaCodecs });
      routerB = await workerB.createRouter({ mediaCodecs });
    });

    after(() => {
      workerA.close();
      workerB.close();
    });

    test('createPipeTransport({ enableSctp }) gives sctpParameters and sctpState', async () => {
      const plain = await routerA.createPipeTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      });
      assert.equal(plain.sctpParameters, undefined);
      assert.equal(plain.sctpState, undefined);
      const transport = await routerA.createPipeTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        enableSctp: true,
        numSctpStreams: { OS: 100, MIS: 200 },
        maxSctpMessageSize: 100000,
        sctpSendBufferSize: 300000,
      });
      const params = transport.sctpParameters as unknown as Record<string, unknown>;
      assert.equal(params.port, 5000);
      assert.equal(params.OS, 100);
      assert.equal(params.MIS, 200);
      assert.equal(params.maxMessageSize, 100000);
      assert.equal(params.sendBufferSize, 300000);
      assert.equal(transport.sctpState, 'new');
      const dump = (await transport.dump()) as { sctpState?: string; sctpParameters?: unknown };
      assert.equal(dump.sctpState, 'new');
      assert.deepEqual(dump.sctpParameters, transport.sctpParameters);
      plain.close();
      transport.close();
    });

    test('messages reach the far direct data consumer whole and in order; closes propagate', async () => {
      const pipesA = watchPipes(routerA);
      const pipesB = watchPipes(routerB);
      const source = await routerA.createDirectTransport();
      const sink = await routerB.createDirectTransport();
      const dp = await source.produceData({ label: 'chat', protocol: 'p1', appData: { a: 1 } });
      const { pipeDataConsumer, pipeDataProducer } = await routerA.pipeToRouter({
        dataProducerId: dp.id,
        router: routerB,
      });
      assert.ok(pipeDataConsumer && pipeDataProducer);
      assert.equal(pipeDataProducer.id, dp.id);
      assert.equal(pipeDataProducer.type, 'sctp');
      assert.equal(pipeDataProducer.label, 'chat');
      assert.equal(pipeDataProducer.protocol, 'p1');
      assert.deepEqual(pipeDataProducer.appData, { a: 1 });
      assert.equal(pipeDataConsumer.type, 'sctp');
      assert.deepEqual(
        pipeDataProducer.sctpStreamParameters,
        pipeDataConsumer.sctpStreamParameters,
      );
      assert.equal(pipeDataConsumer.sctpStreamParameters?.ordered, true);

      assert.equal(pipesA.transports.length, 1);
      assert.equal(pipesB.transports.length, 1);
      const [pipeA] = pipesA.transports;
      const [pipeB] = pipesB.transports;
      assert.equal(pipeA.sctpParameters?.port, 5000);
      assert.equal(pipeA.sctpParameters?.OS, 1024);
      assert.ok(
        await eventually(() => pipeA.sctpState === 'connected' && pipeB.sctpState === 'connected'),
        `sctpState ${pipeA.sctpState} / ${pipeB.sctpState}`,
      );
      assert.ok(pipesA.states[0].includes('connected'), `A: ${pipesA.states[0].join()}`);
      assert.ok(pipesB.states[0].includes('connected'), `B: ${pipesB.states[0].join()}`);

      const dc = await sink.consumeData({ dataProducerId: dp.id });
      const received: { data: Buffer; ppid: number }[] = [];
      dc.on('message', (data, ppid) => received.push({ data: Buffer.from(data), ppid }));
      const sent: { data: Buffer; ppid: number }[] = [];
      const big = Buffer.alloc(200 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 10)) & 0xff;
      for (let i = 0; i < 300; i++) {
        if (i === 150) {
          dp.send(big);
          sent.push({ data: big, ppid: PPID_BINARY });
        } else if (i % 2) {
          const data = Buffer.from([i & 0xff, i >> 8, 0, 0xff]);
          dp.send(data);
          sent.push({ data, ppid: PPID_BINARY });
        } else {
          const text = `message ${i} ✓`;
          dp.send(text);
          sent.push({ data: Buffer.from(text), ppid: PPID_STRING });
        }
      }
      assert.ok(
        await eventually(() => received.length >= sent.length, 10_000),
        `received ${received.length} of ${sent.length}`,
      );
      assert.equal(received.length, sent.length);
      for (let i = 0; i < sent.length; i++) {
        assert.equal(received[i].ppid, sent[i].ppid, `ppid of message ${i}`);
        assert.ok(received[i].data.equals(sent[i].data), `message ${i} differs`);
      }

      // A second data producer reuses the pair.
      const dp2 = await source.produceData({ label: 'second' });
      const second = await routerA.pipeToRouter({ dataProducerId: dp2.id, router: routerB });
      assert.equal(pipesA.transports.length, 1);
      assert.equal(pipesB.transports.length, 1);
      assert.notEqual(
        second.pipeDataConsumer?.sctpStreamParameters?.streamId,
        pipeDataConsumer.sctpStreamParameters?.streamId,
      );

      // Closing the source closes the pipe halves and the far data consumer.
      let farClosed = false;
      dc.on('dataproducerclose', () => (farClosed = true));
      dp.close();
      assert.ok(await eventually(() => farClosed), 'far data consumer got dataproducerclose');
      assert.ok(pipeDataConsumer.closed && pipeDataProducer.closed);

      // The far pipe data producer closed closes the pipe data consumer.
      second.pipeDataProducer!.close();
      assert.ok(await eventually(() => second.pipeDataConsumer!.closed));
      assert.equal(dp2.closed, false);
      source.close();
      sink.close();
    });
  });
}

for (const mode of MODES) {
  pipeSuite(`${mode} mode, two workers`, mode, mode);
  pipeSuite(`${mode} mode, one worker`, mode, 'same');
}
pipeSuite('thread ↔ process', 'thread', 'process');
