/* global process, URL, console, setTimeout, clearTimeout */
/**
 * Captures fuzz corpora from real peers (test/fuzz/corpus/*.hex): headless Chromium publishing
 * VP8, H264 and opus through mediasoup-client into a process-mode Skein worker and consuming
 * them back (so it also sends receiver RTCP: RR, NACK, PLI, transport-cc, REMB), recorded by
 * scripts/corpus-tap.mjs; then ffmpeg sending VP8 + opus and H264 as RTP to a local socket.
 * Usage: npm run build && node scripts/capture-corpus.mjs [outDir]. Loopback only; bounded.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = resolve(process.argv[2] ?? join(here, '../test/fuzz/corpus/captured'));
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const SECONDS = Number(process.env.CAPTURE_SECONDS ?? 8);

async function captureChromium() {
  process.env.SKEIN_ENABLE_CRASH_REQUESTS = '1'; // for setPacketLossForTesting
  process.env.SKEIN_CAPTURE_DIR = outDir;
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${join(here, 'corpus-tap.mjs')}`;
  const { tapChannel } = await import('./corpus-tap.mjs');
  await tapChannel();
  const dist = new URL('../dist/', import.meta.url);
  const { createWorker } = await import(new URL('src/index.js', dist).href);
  const { launchBrowser } = await import(new URL('test/e2e/browser.js', dist).href);
  const { publish, subscribe } = await import(new URL('test/e2e/sfu.js', dist).href);
  const worker = await createWorker({ mode: 'process', logLevel: 'warn' });
  const browser = await launchBrowser();
  try {
    const router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
        {
          kind: 'video',
          mimeType: 'video/H264',
          clockRate: 90000,
          parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
        },
      ],
    });
    for (const videoCodec of ['video/VP8', 'video/H264']) {
      const a = await browser.newPeerPage();
      const b = await browser.newPeerPage();
      const pub = await publish(a, router, { videoCodec });
      const sub = await subscribe(b, router, pub.producers);
      await new Promise((r) => setTimeout(r, SECONDS * 500));
      // A key frame request and injected loss make the browsers send PLI/FIR and NACK.
      for (const c of sub.consumers) await c.requestKeyFrame();
      await sub.transport.setPacketLossForTesting({ outgoingEvery: 10 });
      await pub.transport.setPacketLossForTesting({ incomingEvery: 10 });
      await new Promise((r) => setTimeout(r, SECONDS * 500));
      sub.transport.close();
      pub.transport.close();
      await a.close();
      await b.close();
    }
  } finally {
    await browser.close();
    worker.close();
  }
}

function captureFfmpeg(name, args, ports) {
  return new Promise((done, fail) => {
    const perShape = new Map();
    const sockets = ports.map((port) => {
      const s = createSocket('udp4');
      s.on('message', (msg) => {
        const kind = msg[1] >= 192 && msg[1] <= 223 ? 'rtcp' : 'rtp';
        // The first packets (key frame, parameter sets) and a sample after them.
        const shape = `${kind}/${msg[1] & 0x7f}`;
        const n = (perShape.get(shape) ?? 0) + 1;
        perShape.set(shape, n);
        if (n > 30 && n % 10 !== 0) return;
        appendFileSync(join(outDir, `ffmpeg-${name}-${kind}.hex`), msg.toString('hex') + '\n');
      });
      s.bind(port, '127.0.0.1');
      return s;
    });
    const ff = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], {
      stdio: 'inherit',
    });
    const timer = setTimeout(() => ff.kill('SIGKILL'), 20_000);
    ff.on('error', fail);
    ff.on('exit', () => {
      clearTimeout(timer);
      setTimeout(() => {
        for (const s of sockets) s.close();
        done();
      }, 200);
    });
  });
}

const lavfi = (src, t = 2) => ['-re', '-t', String(t), '-f', 'lavfi', '-i', src];
const rtp = (port) => ['-f', 'rtp', `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`];

if (!process.env.SKIP_CHROMIUM) await captureChromium();
await captureFfmpeg(
  'vp8-opus',
  [
    ...lavfi('testsrc=size=320x240:rate=30'),
    ...lavfi('sine=frequency=440:sample_rate=48000'),
    ...['-map', '0:v', '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '500k', '-g', '30'],
    ...['-ssrc', '1111', '-payload_type', '96', ...rtp(5004)],
    ...['-map', '1:a', '-c:a', 'libopus', '-ac', '2', '-b:a', '64k'],
    ...['-ssrc', '2222', '-payload_type', '111', ...rtp(5006)],
  ],
  [5004, 5006],
);
await captureFfmpeg(
  'h264',
  [
    ...lavfi('testsrc=size=320x240:rate=30'),
    ...['-c:v', 'libx264', '-profile:v', 'baseline', '-level:v', '3.1', '-preset', 'ultrafast'],
    ...['-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '30', '-bf', '0'],
    ...['-ssrc', '3333', '-payload_type', '102', ...rtp(5008)],
  ],
  [5008],
);
console.log(`corpus written to ${outDir}`);
