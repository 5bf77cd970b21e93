/**
 * Media through Skein between two real mediasoup-client peers in headless
 * Chromium: page A publishes the fake camera and microphone, page B consumes
 * both; B's getStats() must show decoded video frames and received audio.
 * Runs in both worker modes, over UDP, TCP and a WebRtcServer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type Router,
  type RouterRtpCodecCapability,
  type Worker,
  type WorkerMode,
} from '../../src/index.js';
import { CHROMIUM_PATH, chromiumAvailable, launchBrowser, type E2EBrowser } from './browser.js';
import { publish, subscribe, type TransportChoice } from './sfu.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
];

const skip = chromiumAvailable()
  ? false
  : `${CHROMIUM_PATH} not found: run scripts/install-test-deps.sh`;

const MODES: WorkerMode[] = ['thread', 'process'];

for (const mode of MODES) {
  describe(`media through Skein (${mode} mode)`, { skip }, () => {
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

    const scenarios: { name: string; choice: () => Promise<TransportChoice> }[] = [
      { name: 'UDP', choice: () => Promise.resolve({ protocol: 'udp' }) },
      { name: 'TCP', choice: () => Promise.resolve({ protocol: 'tcp' }) },
    ];
    for (const { name, choice } of scenarios) {
      test(`VP8 video and opus audio flow from one page to another over ${name}`, async () => {
        const a = await browser.newPeerPage();
        const b = await browser.newPeerPage();
        try {
          const options = await choice();
          const publisher = await publish(a, router, options);
          assert.equal(publisher.producers.length, 2);
          const subscriber = await subscribe(b, router, publisher.producers, options);
          const video = await b.waitForInboundStats('video', (s) => s.framesDecoded >= 20, 20_000);
          assert.ok(video.framesDecoded >= 20, `frames decoded: ${video.framesDecoded}`);
          assert.ok(video.frameWidth > 0);
          assert.ok((await b.videoWidth()) > 0);
          const audio = await b.waitForInboundStats(
            'audio',
            (s) => s.packetsReceived >= 50,
            20_000,
          );
          assert.ok(audio.packetsReceived >= 50, `audio packets: ${audio.packetsReceived}`);
          assert.equal(publisher.transport.iceSelectedTuple?.protocol, options.protocol);
          assert.equal(subscriber.transport.dtlsState, 'connected');
          const stats = (await subscriber.consumers[0].getStats()) as { packetCount: number }[];
          assert.ok(stats[0].packetCount > 0);
          publisher.transport.close();
          subscriber.transport.close();
        } finally {
          await a.close();
          await b.close();
        }
      });
    }
  });
}
