/**
 * DirectTransport with real peers, in both worker modes:
 * (1) ffmpeg encodes a 320×240 VP8 test pattern as RTP to a Node UDP socket; the test reads
 *     each packet and calls producer.send() on a direct producer; a Chromium page
 *     (mediasoup-client) consumes it and its getStats() shows frames decoded at width 320
 *     (the fake camera is 640×480, so these frames are ffmpeg's);
 * (2) a direct consumer of a Chromium producer receives its packets in Node: a count,
 *     continuous sequence numbers, and a key frame after consumer.requestKeyFrame().
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type Consumer,
  type Router,
  type RouterRtpCodecCapability,
  type Worker,
  type WorkerMode,
} from '../../src/index.js';
import { isVp8KeyFrame } from '../../src/rtc/rtpStream/keyFrame.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser, type PeerPage } from './browser.js';
import { publish, subscribe } from './sfu.js';
import { directVp8Parameters } from '../api/directFixtures.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

const MODES: WorkerMode[] = ['thread', 'process'];
const FFMPEG_SSRC = 1111;

const ffmpegAvailable = spawnSync('ffmpeg', ['-version']).status === 0;
const skip = SKIP_WITHOUT_CHROMIUM || (ffmpegAvailable ? false : 'ffmpeg not installed');

/** Where an RTP packet's payload starts (RFC 3550 §5.1, §5.3.1), or -1. */
function payloadOffset(packet: Buffer): number {
  if (packet.length < 12) return -1;
  let offset = 12 + 4 * (packet[0] & 0x0f);
  if (packet[0] & 0x10) {
    if (offset + 4 > packet.length) return -1;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  return offset <= packet.length ? offset : -1;
}

/** ffmpeg's VP8 test pattern as RTP to 127.0.0.1:port (RTCP muxed on it), for `seconds`. */
function startFfmpeg(port: number, seconds: number): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-re', '-t', String(seconds)],
      ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30'],
      ...['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '500k', '-g', '30'],
      ...['-ssrc', String(FFMPEG_SSRC), '-payload_type', '96', '-f', 'rtp'],
      `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function withPage(browser: E2EBrowser, body: (page: PeerPage) => Promise<void>) {
  const page = await browser.newPeerPage();
  try {
    await body(page);
  } finally {
    await page.close();
  }
}

for (const mode of MODES) {
  void describe(`DirectTransport with real peers (${mode} mode)`, { skip }, () => {
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

    test('ffmpeg VP8 RTP fed through producer.send() is decoded by Chromium at 320×240', async () => {
      const transport = await router.createDirectTransport();
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: directVp8Parameters(FFMPEG_SSRC),
      });
      const socket: Socket = createSocket('udp4');
      let rtpSent = 0;
      let rtcpSent = 0;
      socket.on('message', (packet) => {
        const type = packet[1];
        // RTCP packet types 200-204 share the port (RFC 5761 §4).
        if (type >= 200 && type <= 204) {
          transport.sendRtcp(packet);
          rtcpSent++;
        } else if ((type & 0x7f) === 96) {
          producer.send(packet);
          rtpSent++;
        }
      });
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      let ffmpeg: ChildProcess | undefined;
      try {
        await withPage(browser, async (page) => {
          await subscribe(page, router, [producer]);
          ffmpeg = startFfmpeg(socket.address().port, 6);
          const video = await page.waitForInboundStats(
            'video',
            (s) => s.framesDecoded >= 30 && s.frameWidth > 0,
            20_000,
          );
          assert.equal(video.frameWidth, 320, 'ffmpeg frames, not the fake camera');
          assert.ok(video.framesDecoded >= 30, `frames decoded: ${video.framesDecoded}`);
          assert.ok(rtpSent > 30, `RTP packets sent: ${rtpSent}`);
          const [stats] = (await producer.getStats()) as { packetCount: number }[];
          assert.ok(stats.packetCount > 0, 'the direct producer counted its packets');
          assert.ok(rtcpSent > 0, "ffmpeg's sender report went in through sendRtcp()");
        });
      } finally {
        ffmpeg?.kill('SIGKILL');
        socket.close();
        transport.close();
      }
    });

    test('a direct consumer of a Chromium producer gets its packets and a key frame on request', async () => {
      await withPage(browser, async (page) => {
        const publisher = await publish(page, router, { audio: false });
        const transport = await router.createDirectTransport();
        const consumer: Consumer = await transport.consume({
          producerId: publisher.producers[0].id,
          rtpCapabilities: router.rtpCapabilities,
        });
        const seqs: number[] = [];
        const keyFrameAt: number[] = [];
        const ssrc = consumer.rtpParameters.encodings![0].ssrc!;
        let otherSsrc = 0;
        consumer.on('rtp', (packet) => {
          if (packet.readUInt32BE(8) !== ssrc) {
            otherSsrc++;
            return;
          }
          seqs.push(packet.readUInt16BE(2));
          const at = payloadOffset(packet);
          if (at > 0 && isVp8KeyFrame(packet, at, packet.length - at)) keyFrameAt.push(seqs.length);
        });
        try {
          // 300 packets is several seconds of the fake camera.
          await waitFor(
            () => seqs.length >= 300,
            20_000,
            () => `packets: ${seqs.length}`,
          );
          assert.ok(keyFrameAt.length > 0, 'the consumer started on a key frame');
          assert.equal(otherSsrc, 0);
          const plisBefore = (await page.getOutboundStats('video')).pliCount;
          const requestedAt = seqs.length;
          await consumer.requestKeyFrame();
          await waitFor(
            () => keyFrameAt.some((i) => i > requestedAt),
            10_000,
            () => `key frames at ${keyFrameAt.join(',')}, requested at ${requestedAt}`,
          );
          // The request reached the browser as a PLI (its own count), not by chance.
          let plisAfter = plisBefore;
          const deadline = Date.now() + 5000;
          while (plisAfter <= plisBefore && Date.now() < deadline) {
            plisAfter = (await page.getOutboundStats('video')).pliCount;
            if (plisAfter <= plisBefore) await new Promise((resolve) => setTimeout(resolve, 100));
          }
          assert.ok(plisAfter > plisBefore, `browser PLIs ${plisBefore} → ${plisAfter}`);
          // Every number from the first to the last, once (a packet lost on the way and
          // repaired over RTX by the producer may arrive out of order, never missing).
          const unwrapped = unwrap(seqs);
          const unique = new Set(unwrapped);
          const span = Math.max(...unwrapped) - Math.min(...unwrapped) + 1;
          assert.equal(unique.size, span, 'continuous sequence numbers, none missing');
          assert.ok(unique.size >= seqs.length - 5, 'hardly any duplicates');
          const [stats] = (await transport.getStats()) as { bytesSent: number }[];
          assert.ok(stats.bytesSent > 0);
        } finally {
          transport.close();
          publisher.transport.close();
        }
      });
    });
  });
}

/** 16-bit sequence numbers as a growing count (RFC 3550 §A.1), for a run shorter than 2^15. */
function unwrap(seqs: number[]): number[] {
  let cycles = 0;
  return seqs.map((s, i) => {
    if (i > 0 && s < 0x4000 && seqs[i - 1] > 0xc000) cycles += 0x10000;
    return s + cycles;
  });
}

async function waitFor(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
