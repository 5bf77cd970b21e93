/**
 * pipeToRouter() between two workers with real mediasoup-client peers in headless Chromium:
 * page A publishes the fake camera as three VP8 simulcast encodings plus opus on a router of
 * worker 1 (thread mode); both producers are piped to a router of worker 2 (process mode);
 * page B consumes them there and decodes. Every layer crosses the pipe, so B's layer
 * preference on the far router changes the width it decodes; closing A's producer closes B's
 * consumer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type Producer,
  type Router,
  type RouterRtpCodecCapability,
  type Worker,
} from '../../src/index.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser } from './browser.js';
import { layersReach, serverTransport, subscribe, transportParams } from './sfu.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

describe(
  'pipeToRouter() between a thread worker and a process worker',
  {
    skip: SKIP_WITHOUT_CHROMIUM,
  },
  () => {
    let workers: Worker[] = [];
    let router1: Router;
    let router2: Router;
    let browser: E2EBrowser;

    before(async () => {
      workers = [
        await createWorker({
          mode: 'thread',
          logLevel: 'warn',
          rtcMinPort: 40000,
          rtcMaxPort: 44999,
        }),
        await createWorker({
          mode: 'process',
          logLevel: 'warn',
          rtcMinPort: 45000,
          rtcMaxPort: 49999,
        }),
      ];
      router1 = await workers[0].createRouter({ mediaCodecs });
      router2 = await workers[1].createRouter({ mediaCodecs });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      // Sockets first: a thread terminated while the other worker's pipe still sends can abort
      // Node 20 (UDPWrap::OnRecv during termination).
      router1?.close();
      router2?.close();
      await Promise.all(workers.map((w) => w.dump().catch(() => undefined)));
      for (const worker of workers) worker.close();
    });

    test('B decodes A through the pipe; its layer preference works far away; close propagates', async (t) => {
      const a = await browser.newPeerPage();
      const b = await browser.newPeerPage();
      try {
        await a.loadDevice(router1.rtpCapabilities);
        const sendTransport = await serverTransport(router1);
        const producers: Producer[] = [];
        await a.createSendTransport(transportParams(sendTransport), {
          connect: (dtlsParameters) =>
            sendTransport.connect({ dtlsParameters: dtlsParameters as never }),
          produce: async ({ kind, rtpParameters }) => {
            const producer = await sendTransport.produce({ kind, rtpParameters });
            producers.push(producer);
            return producer.id;
          },
        });
        await a.produce({
          kind: 'video',
          codecMimeType: 'video/VP8',
          encodings: [
            { scaleResolutionDownBy: 4, maxBitrate: 100_000 },
            { scaleResolutionDownBy: 2, maxBitrate: 300_000 },
            { scaleResolutionDownBy: 1, maxBitrate: 900_000 },
          ],
        });
        await a.produce({ kind: 'audio' });
        const [video, audio] = producers;
        assert.equal(video.type, 'simulcast');

        const piped: Producer[] = [];
        for (const producer of [video, audio]) {
          const { pipeConsumer, pipeProducer } = await router1.pipeToRouter({
            producerId: producer.id,
            router: router2,
          });
          assert.equal(pipeConsumer?.type, 'pipe');
          assert.equal(pipeProducer?.id, producer.id);
          piped.push(pipeProducer);
        }
        assert.equal(piped[0].type, 'simulcast', 'every encoding travels through the pipe');
        assert.equal((await router2.dump()).transportIds.length, 1, 'one pipe transport pair');

        const { consumers } = await subscribe(b, router2, piped);
        const [farVideo, farAudio] = consumers;
        assert.equal(farVideo.type, 'simulcast');
        await b.waitForInboundStats('video', (s) => s.framesDecoded >= 10, 20_000);
        await b.waitForInboundStats('audio', (s) => s.packetsReceived >= 50, 10_000);

        // Chrome enables an upper layer as its estimate ramps (at most two of a 640×480 source).
        await layersReach(farVideo, (l) => (l?.spatialLayer ?? 0) >= 1, 25_000);
        const high = await b.waitForInboundStats('video', (s) => s.frameWidth >= 320, 15_000);
        await farVideo.setPreferredLayers({ spatialLayer: 0 });
        await layersReach(farVideo, (l) => l?.spatialLayer === 0, 10_000);
        const low = await b.waitForInboundStats('video', (s) => s.frameWidth <= 160, 15_000);
        assert.ok(low.frameWidth < high.frameWidth, `${low.frameWidth} < ${high.frameWidth}`);
        t.diagnostic(`decoded widths through the pipe: ${high.frameWidth} then ${low.frameWidth}`);
        const decoded = low.framesDecoded;
        await b.waitForInboundStats('video', (s) => s.framesDecoded >= decoded + 10, 10_000);

        const closed = new Promise<void>((resolve) => farVideo.once('producerclose', resolve));
        video.close();
        await closed;
        assert.ok(farVideo.closed);
        assert.ok(!farAudio.closed, 'the other consumer is unaffected');
        sendTransport.close();
      } finally {
        await a.close();
        await b.close();
      }
    });
  },
);
