/**
 * PlainTransport between real plain-RTP tools and real browsers, in both worker modes:
 * ffmpeg (comedia; connect() with rtcpMux: false and H264; SRTP) and GStreamer into Skein,
 * decoded by headless Chromium with mediasoup-client (its getStats() shows the tool's own
 * frame size, not the fake camera's); and Chromium's camera and microphone out of Skein into
 * ffmpeg, recorded and counted by ffprobe. One Chromium for the whole file.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  createWorker,
  type PlainTransport,
  type Producer,
  type Router,
  type Worker,
} from '../../src/index.js';
import { mediaCodecs } from '../api/mediaFixtures.js';
import { MODES } from '../api/modes.js';
import { describeExit, type BoundedProcess } from '../peer/boundedProcess.js';
import { probeMedia, startFfmpegRecorder, startFfmpegSender } from '../peer/ffmpeg.js';
import { startGstSender } from '../peer/gstreamer.js';
import { plainAudioParameters, plainVideoParameters } from '../peer/plainRtpParameters.js';
import { freeUdpPortPair } from '../peer/udpPorts.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser, type PeerPage } from './browser.js';
import { publish, subscribe } from './sfu.js';

const LOCAL = { protocol: 'udp', ip: '127.0.0.1' } as const;
const skip = SKIP_WITHOUT_CHROMIUM;

let browser: E2EBrowser | undefined;
let dir: string;
before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), 'skein-plain-e2e-'));
});
after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function withPage(body: (page: PeerPage) => Promise<void>): Promise<void> {
  const page = await browser!.newPeerPage();
  try {
    await body(page);
  } finally {
    await page.close();
  }
}

/** The page consumes `producers` and decodes video of `width` (and receives audio, if any). */
async function assertDecoded(
  page: PeerPage,
  router: Router,
  producers: Producer[],
  width: number,
): Promise<void> {
  await subscribe(page, router, producers);
  const video = await page.waitForInboundStats(
    'video',
    (s) => s.framesDecoded >= 20 && s.frameWidth === width,
    15_000,
  );
  assert.equal(video.frameWidth, width, `the tool's ${width}-wide frames, decoded`);
  if (producers.some((p) => p.kind === 'audio')) {
    const audio = await page.waitForInboundStats('audio', (s) => s.packetsReceived >= 50, 10_000);
    assert.ok(audio.packetsReceived >= 50, `audio packets ${audio.packetsReceived}`);
  }
}

async function stopSender(sender: BoundedProcess, name: string): Promise<void> {
  const exit = await sender.stop();
  // Killed at the end of the test is fine; an early failure is not.
  assert.ok(exit.killed || exit.code === 0, describeExit(name, exit));
}

for (const mode of MODES) {
  describe(`PlainTransport with ffmpeg, GStreamer and Chromium (${mode} mode)`, { skip }, () => {
    let worker: Worker;
    let router: Router;
    before(async () => {
      worker = await createWorker({ mode, logLevel: 'warn' });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker?.close());

    async function produceVp8AndOpus(transport: PlainTransport): Promise<Producer[]> {
      return [
        await transport.produce({
          kind: 'video',
          rtpParameters: plainVideoParameters('vp8', 96, 1111),
        }),
        await transport.produce({ kind: 'audio', rtpParameters: plainAudioParameters(111, 2222) }),
      ];
    }

    test('ffmpeg → comedia PlainTransport → Chromium decodes 320×240 and receives opus', async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, comedia: true });
      const producers = await produceVp8AndOpus(transport);
      const output = {
        via: 'udp',
        port: transport.tuple.localPort,
        localPort: await freeUdpPortPair(),
      } as const;
      const sender = startFfmpegSender({
        durationSec: 8,
        video: { codec: 'vp8', payloadType: 96, ssrc: 1111, output },
        audio: { payloadType: 111, ssrc: 2222, output },
      });
      try {
        await withPage((page) => assertDecoded(page, router, producers, 320));
        assert.equal(transport.tuple.remotePort, output.localPort, 'comedia learned ffmpeg');
      } finally {
        await stopSender(sender, 'ffmpeg');
        transport.close();
      }
    });

    test('ffmpeg H264 → connect() with rtcpMux: false → Chromium decodes 320×240', async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, rtcpMux: false });
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: plainVideoParameters('h264', 102, 3333),
      });
      const localPort = await freeUdpPortPair();
      await transport.connect({ ip: '127.0.0.1', port: localPort, rtcpPort: localPort + 1 });
      const sender = startFfmpegSender({
        durationSec: 8,
        video: {
          codec: 'h264',
          payloadType: 102,
          ssrc: 3333,
          output: {
            via: 'rtp',
            port: transport.tuple.localPort,
            rtcpPort: transport.rtcpTuple!.localPort,
            localPort,
            localRtcpPort: localPort + 1,
          },
        },
      });
      try {
        await withPage((page) => assertDecoded(page, router, [producer], 320));
        const [stats] = (await transport.getStats()) as Record<string, unknown>[];
        const drops = stats.packetsDropped as Record<string, number>;
        assert.equal(drops.unknownTuple + drops.notConnected, 0, 'every packet from the tuples');
        assert.equal((stats.rtcpTuple as { remotePort: number }).remotePort, localPort + 1);
      } finally {
        await stopSender(sender, 'ffmpeg');
        transport.close();
      }
    });

    test('ffmpeg srtp:// (AES_CM_128_HMAC_SHA1_80) → SRTP PlainTransport → Chromium decodes', async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, enableSrtp: true });
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: plainVideoParameters('vp8', 96, 1111),
      });
      const keyBase64 = randomBytes(30).toString('base64');
      const localPort = await freeUdpPortPair();
      await transport.connect({
        ip: '127.0.0.1',
        port: localPort,
        srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64 },
      });
      // ffmpeg's srtp:// sends each stream from a socket of its own: one stream per transport.
      const sender = startFfmpegSender({
        durationSec: 8,
        srtp: { suite: 'AES_CM_128_HMAC_SHA1_80', keyBase64 },
        video: {
          codec: 'vp8',
          payloadType: 96,
          ssrc: 1111,
          output: {
            via: 'rtp',
            port: transport.tuple.localPort,
            localPort,
            localRtcpPort: localPort + 1,
          },
        },
      });
      try {
        await withPage((page) => assertDecoded(page, router, [producer], 320));
        const [stats] = (await transport.getStats()) as Record<string, unknown>[];
        const drops = stats.packetsDropped as Record<string, number>;
        assert.equal(drops.srtpAuthFailed, 0);
        assert.ok(
          (stats.rtpBytesReceived as number) > 10_000,
          `${String(stats.rtpBytesReceived)} B`,
        );
      } finally {
        await stopSender(sender, 'ffmpeg');
        transport.close();
      }
    });

    test('GStreamer → comedia PlainTransport → Chromium decodes 352×288', async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, comedia: true });
      const producers = [
        await transport.produce({
          kind: 'video',
          rtpParameters: plainVideoParameters('vp8', 97, 1234),
        }),
        await transport.produce({ kind: 'audio', rtpParameters: plainAudioParameters(98, 5678) }),
      ];
      const destination = { port: transport.tuple.localPort };
      const sender = startGstSender({
        durationSec: 8,
        video: { payloadType: 97, ssrc: 1234, destination },
        audio: { payloadType: 98, ssrc: 5678, destination },
      });
      try {
        await withPage((page) => assertDecoded(page, router, producers, 352));
      } finally {
        await stopSender(sender, 'gst-launch-1.0');
        transport.close();
      }
    });

    test('Chromium → PlainTransport consumers → ffmpeg records 640×480 VP8 and opus', async () => {
      await withPage(async (page) => {
        const publisher = await publish(page, router);
        const videoPort = await freeUdpPortPair();
        let audioPort = await freeUdpPortPair();
        while (Math.abs(audioPort - videoPort) < 2) audioPort = await freeUdpPortPair();
        const legs = [];
        for (const producer of publisher.producers) {
          const transport = await router.createPlainTransport({
            listenInfo: LOCAL,
            rtcpMux: false,
          });
          const consumer = await transport.consume({
            producerId: producer.id,
            rtpCapabilities: router.rtpCapabilities,
          });
          const port = producer.kind === 'video' ? videoPort : audioPort;
          legs.push({ transport, consumer, port });
        }
        const outPath = join(dir, `chromium-${mode}.webm`);
        const recorder = await startFfmpegRecorder({
          outPath,
          durationSec: 3,
          streams: legs.map(({ consumer, port }) => {
            const codec = consumer.rtpParameters.codecs[0];
            return {
              kind: consumer.kind,
              port,
              payloadType: codec.payloadType,
              codecName: consumer.kind === 'video' ? 'VP8' : 'opus',
              clockRate: codec.clockRate,
              channels: codec.channels,
            };
          }),
        });
        await recorder.ready;
        for (const { transport, port } of legs) {
          await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
        }
        const recorded = await recorder.done;
        assert.equal(recorded.code, 0, describeExit('ffmpeg recorder', recorded));
        const streams = await probeMedia(outPath);
        const video = streams.find((s) => s.codecType === 'video');
        const audio = streams.find((s) => s.codecType === 'audio');
        assert.ok(video && audio, JSON.stringify(streams));
        assert.equal(video.codecName, 'vp8');
        assert.equal(`${video.width}x${video.height}`, '640x480', "the browser's camera");
        assert.ok(video.frames >= 30, `${video.frames} video frames in 3 s`);
        assert.equal(audio.codecName, 'opus');
        assert.ok(audio.frames >= 100, `${audio.frames} opus frames in 3 s`);
        // Skein sent RTCP (SRs) on the plain transports' RTCP tuples.
        const [stats] = (await legs[0].transport.getStats()) as Record<string, unknown>[];
        assert.ok((stats.rtpBytesSent as number) > 0);
        for (const { transport } of legs) transport.close();
        publisher.transport.close();
      });
    });
  });
}
