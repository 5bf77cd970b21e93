/**
 * Temporal and spatial layers through Skein between real mediasoup-client peers in headless
 * Chromium fed a 1280×720 fake camera (a Y4M file made by ffmpeg, TESTING.md):
 *
 * - VP8 simulcast, three encodings with three temporal layers each (scalabilityMode 'L1T3'):
 *   the subscriber's decoded frame rate at temporal layer 0 is half of layer 1's (TID 0 and TID 1
 *   are each every fourth picture of L1T3) and below layer 2's, and it keeps decoding (PictureID /
 *   TL0PICIDX rewritten by the SimulcastConsumer), then recovers.
 * - VP9 SVC (one encoding, 'L3T3_KEY' and 'L3T3'): the subscriber decodes the top layer's
 *   width, then a quarter of it at spatial layer 0, and 'layerschange' says so.
 * - AV1 (Chromium, 'L1T3' asked): forwarded whole as a simple stream (no dependency descriptor).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type ConsumerLayers,
  type Producer,
  type Router,
  type RouterRtpCodecCapability,
  type Worker,
} from '../../src/index.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser, type PeerPage } from './browser.js';
import { layersReach, serverTransport, subscribe, transportParams } from './sfu.js';
import type { types } from '../../src/index.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
  { kind: 'video', mimeType: 'video/AV1', clockRate: 90000 },
];

const skip = SKIP_WITHOUT_CHROMIUM || (hasFfmpeg() ? false : 'ffmpeg not installed');

function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Frames decoded per second over `ms`, from two framesDecoded samples. */
async function decodeRate(page: PeerPage, ms: number): Promise<number> {
  const a = await page.getInboundStats('video');
  const t0 = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = await page.getInboundStats('video');
  return ((b.framesDecoded - a.framesDecoded) * 1000) / (Date.now() - t0);
}

async function publishVideo(
  page: PeerPage,
  router: Router,
  produce: Parameters<PeerPage['produce']>[0],
): Promise<Producer> {
  await page.loadDevice(router.rtpCapabilities);
  const transport = await serverTransport(router);
  const producers: Producer[] = [];
  await page.createSendTransport(transportParams(transport), {
    connect: (dtlsParameters) => transport.connect({ dtlsParameters: dtlsParameters as never }),
    produce: async ({ kind, rtpParameters }) => {
      const producer = await transport.produce({ kind, rtpParameters });
      producers.push(producer);
      return producer.id;
    },
  });
  await page.produce(produce);
  return producers[0];
}

describe('temporal and spatial layers through Skein (Chromium, 1280×720 camera)', { skip }, () => {
  let worker: Worker;
  let router: Router;
  let browser: E2EBrowser;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skein-layers-'));
    const y4m = join(dir, 'hd.y4m');
    execFileSync('ffmpeg', [
      ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30'],
      ...['-t', '1', '-pix_fmt', 'yuv420p', '-y', y4m],
    ]);
    worker = await createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
    router = await worker.createRouter({ mediaCodecs });
    browser = await launchBrowser({ extraArgs: [`--use-file-for-fake-video-capture=${y4m}`] });
  });
  after(async () => {
    await browser?.close();
    worker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('VP8 simulcast L1T3: temporal layer 0 decodes at half the rate of layer 1, below the rate of layer 2', async () => {
    const a = await browser.newPeerPage();
    const b = await browser.newPeerPage();
    try {
      const producer = await publishVideo(a, router, {
        kind: 'video',
        codecMimeType: 'video/VP8',
        videoSize: { width: 1280, height: 720 },
        encodings: [
          { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
          { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
          { scaleResolutionDownBy: 1, maxBitrate: 1_500_000, scalabilityMode: 'L1T3' },
        ],
        codecOptions: { videoGoogleStartBitrate: 1000 },
      });
      assert.equal(producer.type, 'simulcast');
      const { consumers } = await subscribe(b, router, [producer]);
      const [consumer] = consumers;
      assert.equal(consumer.rtpParameters.encodings![0].scalabilityMode, 'L3T3');
      await layersReach(
        consumer,
        (l) => (l?.spatialLayer ?? 0) >= 1 && l!.temporalLayer === 2,
        15_000,
      );
      const spatialLayer = consumer.currentLayers!.spatialLayer;
      await b.waitForInboundStats('video', (s) => s.framesDecoded >= 30, 10_000);
      const full = await decodeRate(b, 2000);
      // T1 too: TID 0 and TID 1 are each every fourth picture of L1T3, so T1 decodes twice T0
      // whether or not the encoder sends TID 2 (a loaded machine's encoder drops it first).
      await consumer.setPreferredLayers({ spatialLayer, temporalLayer: 1 });
      await layersReach(consumer, (l) => l?.temporalLayer === 1, 5000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const middle = await decodeRate(b, 2000);
      const startedAt = Date.now();
      await consumer.setPreferredLayers({ spatialLayer, temporalLayer: 0 });
      await layersReach(consumer, (l) => l?.temporalLayer === 0, 5000);
      const switchMs = Date.now() - startedAt;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const base = await decodeRate(b, 3000);
      const dump = (await consumer.dump()) as types.SimulcastConsumerDump;
      assert.equal(dump.targetTemporalLayer, 0);
      assert.equal(dump.currentTemporalLayer, 0);
      console.log(
        `VP8 L1T3 spatial ${spatialLayer}: ${full.toFixed(1)} fps at T2, ${middle.toFixed(1)} at T1, ${base.toFixed(1)} at T0 (switch ${switchMs} ms)`,
      );
      assert.ok(full >= 10, `full rate ${full}`);
      assert.ok(base > 0.35 * middle && base < 0.65 * middle, `T0 ${base} fps vs T1 ${middle} fps`);
      // And below T2 (a quarter of it when the encoder sends TID 2).
      assert.ok(
        base < 0.65 * full && middle <= 1.15 * full,
        `T0 ${base}, T1 ${middle}, T2 ${full}`,
      );
      await consumer.setPreferredLayers({ spatialLayer, temporalLayer: 2 });
      await layersReach(consumer, (l) => l?.temporalLayer === 2, 5000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const back = await decodeRate(b, 2000);
      assert.ok(back >= 0.75 * full, `back to ${back} fps`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  for (const scalabilityMode of ['L3T3_KEY', 'L3T3']) {
    test(`VP9 SVC ${scalabilityMode}: top width, then spatial layer 0`, async () => {
      const a = await browser.newPeerPage();
      const b = await browser.newPeerPage();
      try {
        const producer = await publishVideo(a, router, {
          kind: 'video',
          codecMimeType: 'video/VP9',
          videoSize: { width: 1280, height: 720 },
          encodings: [{ scalabilityMode, maxBitrate: 2_000_000 }],
          codecOptions: { videoGoogleStartBitrate: 1500 },
        });
        assert.equal(producer.type, 'svc');
        const { consumers } = await subscribe(b, router, [producer]);
        const [consumer] = consumers;
        assert.equal(consumer.type, 'svc');
        const changes: (ConsumerLayers | undefined)[] = [];
        consumer.on('layerschange', (l) => changes.push(l));
        const t0 = Date.now();
        const top = await b.waitForInboundStats('video', (s) => s.frameWidth >= 1280, 20_000);
        const topMs = Date.now() - t0;
        // The allocator may hold a lower layer for a moment while the estimate climbs: wait for
        // the top one (the decoder's last width says it was forwarded).
        await layersReach(consumer, (l) => l?.spatialLayer === 2, 10_000);
        await consumer.setPreferredLayers({ spatialLayer: 0, temporalLayer: 2 });
        const t1 = Date.now();
        await layersReach(consumer, (l) => l?.spatialLayer === 0, 5000);
        const low = await b.waitForInboundStats('video', (s) => s.frameWidth <= 320, 10_000);
        const lowMs = Date.now() - t1;
        const decoded = low.framesDecoded;
        const rate = await decodeRate(b, 2000);
        const after = await b.getInboundStats('video');
        console.log(
          `VP9 ${scalabilityMode}: ${top.frameWidth} wide after ${topMs} ms; ${low.frameWidth} wide ${lowMs} ms after setPreferredLayers; ${rate.toFixed(1)} fps; layerschange ${JSON.stringify(changes)}`,
        );
        assert.ok(after.framesDecoded > decoded + 10, 'keeps decoding at spatial layer 0');
        assert.ok(changes.some((l) => l?.spatialLayer === 0));
      } finally {
        await a.close();
        await b.close();
      }
    });
  }

  test('AV1 (L1T3 asked): forwarded whole as a simple stream', async () => {
    const a = await browser.newPeerPage();
    const b = await browser.newPeerPage();
    try {
      const producer = await publishVideo(a, router, {
        kind: 'video',
        codecMimeType: 'video/AV1',
        videoSize: { width: 1280, height: 720 },
        encodings: [{ scalabilityMode: 'L1T3' }],
      });
      // Skein reads no AV1 dependency descriptor: no layers, every packet forwarded.
      assert.equal(producer.type, 'simple');
      const { consumers } = await subscribe(b, router, [producer]);
      assert.equal(consumers[0].type, 'simple');
      const stats = await b.waitForInboundStats('video', (s) => s.framesDecoded >= 30, 20_000);
      const rate = await decodeRate(b, 2000);
      console.log(`AV1: ${stats.frameWidth} wide, ${rate.toFixed(1)} fps`);
      assert.ok(rate >= 15, `AV1 decodes at ${rate} fps`);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
