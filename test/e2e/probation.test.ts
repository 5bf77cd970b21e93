/**
 * Probation packets reach a real Chromium consumer: mediasoup-client gives the recv transport a
 * 'probator' m-section (SSRC 1234, payload type 127, the video consumer's header extensions),
 * and Skein's probe clusters on it must arrive there — Chromium's inbound-rtp for SSRC 1234
 * counts them — and feed the estimate, which climbs from a low initialAvailableOutgoingBitrate
 * while the consumer wants more than it. Without probation packets that match the m-section
 * Chromium drops them before counting, and its inbound-rtp for 1234 never appears.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type Router,
  type RouterRtpCodecCapability,
  type Worker,
} from '../../src/index.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser } from './browser.js';
import { publish, transportParams } from './sfu.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];
/** Below what the fake camera sends (~300–500 kbit/s), so the consumer wants more. */
const INITIAL_BPS = 150_000;
const PROBATOR_SSRC = 1234;

interface TransportBitrates {
  availableOutgoingBitrate?: number;
  probationBytesSent?: number;
}

void describe('probation packets to a Chromium consumer', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let worker: Worker;
  let router: Router;
  let browser: E2EBrowser;

  before(async () => {
    worker = await createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
    router = await worker.createRouter({ mediaCodecs });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    worker?.close();
  });

  void test('arrive on the probator stream (SSRC 1234) and raise the estimate', async () => {
    const a = await browser.newPeerPage();
    const b = await browser.newPeerPage();
    try {
      const { producers } = await publish(a, router, { audio: false });
      const device = await b.loadDevice(router.rtpCapabilities);
      const transport = await router.createWebRtcTransport({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
        initialAvailableOutgoingBitrate: INITIAL_BPS,
      });
      await b.createRecvTransport(transportParams(transport), {
        connect: (dtlsParameters) => transport.connect({ dtlsParameters: dtlsParameters as never }),
      });
      const consumer = await transport.consume({
        producerId: producers[0].id,
        rtpCapabilities: device.rtpCapabilities,
        paused: true,
      });
      await b.consume({
        id: consumer.id,
        producerId: producers[0].id,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
      });
      await consumer.resume();
      await b.waitForInboundStats('video', (s) => s.framesDecoded >= 5, 20_000);

      const samples: string[] = [];
      const start = Date.now();
      let stats: TransportBitrates = {};
      let probator = await b.getInboundRtpBySsrc(PROBATOR_SSRC);
      // Clusters go every 2 s while the consumer wants more than the estimate.
      while (Date.now() - start < 20_000) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        stats = ((await transport.getStats()) as TransportBitrates[])[0];
        probator = await b.getInboundRtpBySsrc(PROBATOR_SSRC);
        samples.push(
          `${Date.now() - start} ms: estimate ${stats.availableOutgoingBitrate}, ` +
            `probation sent ${stats.probationBytesSent} B, Chromium got ${probator.packetsReceived} on 1234`,
        );
        if (
          probator.packetsReceived >= 10 &&
          (stats.availableOutgoingBitrate ?? 0) > 2 * INITIAL_BPS
        ) {
          break;
        }
      }
      if (process.env.SKEIN_E2E_DEBUG === '1') console.log(samples.join('\n'));
      const detail = samples.join('; ');
      assert.ok((stats.probationBytesSent ?? 0) > 0, `no probation sent: ${detail}`);
      assert.ok(probator.found, `Chromium has no inbound-rtp for SSRC 1234: ${detail}`);
      assert.ok(probator.packetsReceived >= 10, `probation packets at Chromium: ${detail}`);
      assert.ok((stats.availableOutgoingBitrate ?? 0) > 2 * INITIAL_BPS, `estimate: ${detail}`);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
