/**
 * A Chromium producer's roundTripTime (mediasoup 3.19.3 semantics): Skein's RR compounds end
 * with an XR RRT block (RFC 3611 §4.4), Chromium answers with DLRR (§4.5), and the producer's
 * getStats() shows the RTT. Thread mode only: the worker-mode paths are the same as in
 * test/api/producerRtt.test.ts, which runs both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWorker, type Router, type Worker } from '../../src/index.js';
import { eventually, mediaCodecs } from '../api/mediaFixtures.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser } from './browser.js';
import { publish } from './sfu.js';

void describe(
  'Chromium producer roundTripTime from XR DLRR',
  { skip: SKIP_WITHOUT_CHROMIUM },
  () => {
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

    test('roundTripTime > 0 within seconds of publishing', async () => {
      const page = await browser.newPeerPage();
      const { producers, transport } = await publish(page, router, { audio: false });
      try {
        const [producer] = producers;
        let stats: { roundTripTime: number; packetCount: number }[] = [];
        const measured = await eventually(async () => {
          stats = (await producer.getStats()) as typeof stats;
          return stats.length > 0 && stats.every((s) => s.roundTripTime > 0);
        }, 15_000);
        assert.ok(measured, `roundTripTime: ${JSON.stringify(stats)}`);
        assert.ok(stats[0].packetCount > 0, 'media reached the producer');
        // Loopback: a few ms (Chromium's DLRR is in 1/65536 s); never seconds.
        for (const s of stats)
          assert.ok(s.roundTripTime < 1000, `roundTripTime ${s.roundTripTime}`);
      } finally {
        transport.close();
      }
    });
  },
);
