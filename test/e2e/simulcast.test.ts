/**
 * Simulcast through Skein between two real mediasoup-client peers in headless
 * Chromium: page A publishes the fake camera (640×480) as three rid-only VP8
 * encodings (160, 320 and 640 wide, RFC 8853 / RFC 8852); Skein learns their
 * SSRCs from the rid extension; page B consumes one layer at a time. Lowering
 * the preferred spatial layer must lower what B decodes, raising it must raise
 * it again, and `currentLayers` / 'layerschange' must say so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type Producer,
  type Router,
  type RouterRtpCodecCapability,
  type Worker,
  type WorkerMode,
} from '../../src/index.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser } from './browser.js';
import { layersReach, serverTransport, subscribe, transportParams } from './sfu.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

const skip = SKIP_WITHOUT_CHROMIUM;

const MODES: WorkerMode[] = ['thread', 'process'];

for (const mode of MODES) {
  describe(`simulcast through Skein (${mode} mode)`, { skip }, () => {
    let worker: Worker;
    let router: Router;
    let browser: E2EBrowser;

    before(async () => {
      worker = await createWorker({ mode, logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
      router = await worker.createRouter({ mediaCodecs });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      worker?.close();
    });

    test('three rid-only VP8 layers; setPreferredLayers switches what the subscriber decodes', async () => {
      const a = await browser.newPeerPage();
      const b = await browser.newPeerPage();
      try {
        // transport-cc is negotiated, as mediasoup-client does by default: Skein's feedback lets
        // Chrome's send-side estimate ramp up.
        await a.loadDevice(router.rtpCapabilities);
        const sendTransport = await serverTransport(router);
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
        const [producer] = producers;
        assert.equal(producer.type, 'simulcast');
        assert.ok(
          producer.rtpParameters.encodings!.every((e) => e.ssrc === undefined && e.rid),
          'mediasoup-client signals rid-only encodings',
        );

        const { consumers } = await subscribe(b, router, [producer]);
        const [consumer] = consumers;
        assert.equal(consumer.type, 'simulcast');
        assert.equal(consumer.rtpParameters.encodings![0].scalabilityMode, 'L3T3');
        assert.deepEqual(consumer.preferredLayers, { spatialLayer: 2, temporalLayer: 2 });

        await b.waitForInboundStats('video', (s) => s.framesDecoded >= 10, 20_000);
        // Every layer's SSRC was learned from its rid (the transport counts no unknown SSRCs then).
        const producerStats = (await producer.getStats()) as { rid: string; ssrc: number }[];
        assert.ok(producerStats.length >= 1, 'at least one layer has media');
        // Chrome turns on upper layers as its bandwidth estimate ramps. It sends at most two
        // layers of a 640×480 source (libwebrtc limits simulcast layers by resolution), so the
        // 640-wide rid stays off whatever the estimate: wait for a layer above 0.
        await layersReach(consumer, (l) => (l?.spatialLayer ?? 0) >= 1, 25_000).catch(
          async (error: Error) => {
            const layers = (await producer.getStats()) as {
              rid: string;
              packetCount: number;
              bitrate: number;
            }[];
            const sent = await a.getOutboundStats('video');
            throw new Error(
              `${error.message}; producer layers ${JSON.stringify(layers.map((l) => [l.rid, l.packetCount, l.bitrate]))}; browser sends ${JSON.stringify(sent)}`,
            );
          },
        );
        const top = consumer.currentLayers!.spatialLayer;
        const high = await b.waitForInboundStats('video', (s) => s.frameWidth >= 320, 20_000);
        assert.ok(high.frameWidth >= 320, `layer ${top} width ${high.frameWidth}`);

        await consumer.setPreferredLayers({ spatialLayer: 0 });
        assert.equal(consumer.preferredLayers?.spatialLayer, 0);
        await layersReach(consumer, (l) => l?.spatialLayer === 0, 10_000);
        assert.equal(consumer.currentLayers?.spatialLayer, 0);
        const low = await b.waitForInboundStats(
          'video',
          (s) => s.frameWidth < high.frameWidth && s.frameWidth <= 320,
          20_000,
        );
        assert.ok(low.frameWidth <= 160, `low layer width ${low.frameWidth}`);
        const decodedLow = low.framesDecoded;
        await b.waitForInboundStats('video', (s) => s.framesDecoded >= decodedLow + 10, 10_000);

        await consumer.setPreferredLayers({ spatialLayer: 2 });
        await layersReach(consumer, (l) => (l?.spatialLayer ?? 0) >= top, 10_000);
        const back = await b.waitForInboundStats(
          'video',
          (s) => s.frameWidth >= high.frameWidth,
          20_000,
        );
        assert.ok(back.frameWidth > low.frameWidth, `width back up: ${back.frameWidth}`);
        const decodedBack = back.framesDecoded;
        await b.waitForInboundStats('video', (s) => s.framesDecoded >= decodedBack + 10, 10_000);

        const dump = (await consumer.dump()) as { type: string; currentSpatialLayer: number };
        assert.equal(dump.type, 'simulcast');
        assert.equal(dump.currentSpatialLayer, consumer.currentLayers?.spatialLayer);
        sendTransport.close();
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
