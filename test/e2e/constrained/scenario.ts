/**
 * What the constrained-link proof measures and how it judges it: the HD fake
 * camera, the capability probes that switch the proof on, second-by-second
 * samples of subscribers (Chromium getStats) and of Skein (consumer layers and
 * send bitrate, the transport's estimate), and the figures computed from them.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type {
  Consumer,
  ConsumerLayers,
  RouterRtpCodecCapability,
  RtpParameters,
  WebRtcTransport,
  Worker,
} from '../../../src/index.js';
import type { PeerPage } from '../browser.js';

const run = promisify(execFile);

/** Every line the proof prints starts with this, so figures can be quoted (grep it). */
export const LOG_PREFIX = '[constrained]';

export function log(line: string): void {
  console.log(`${LOG_PREFIX} ${line}`);
}

export const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
];

// ---------------------------------------------------------------------------
// The HD camera: Chromium loops a Y4M file, so one second of it is enough.

const CAMERA_FRAMES = 30;
const CAMERA_BYTES = CAMERA_FRAMES * (1280 * 720 * 1.5 + 6);
let camera: Promise<string> | undefined;

export function ffmpegSkipReason(): false | string {
  return existsSync('/usr/bin/ffmpeg') || existsSync('/usr/local/bin/ffmpeg')
    ? false
    : 'ffmpeg not found (it makes the 1280×720 camera): run scripts/install-test-deps.sh';
}

/** A 1280×720 30 fps Y4M file under os.tmpdir(), made once per test process. */
export function hdCamera(): Promise<string> {
  camera ??= (async () => {
    const path = join(tmpdir(), `skein-hd-camera-${process.pid}.y4m`);
    if (existsSync(path) && (await stat(path)).size >= CAMERA_BYTES) return path;
    const partial = `${path}.partial`;
    await run(
      'ffmpeg',
      [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=1280x720:rate=30',
        '-frames:v',
        String(CAMERA_FRAMES),
        '-pix_fmt',
        'yuv420p',
        '-y',
        '-f',
        'yuv4mpegpipe',
        partial,
      ],
      { timeout: 30_000 },
    );
    await rename(partial, path);
    return path;
  })();
  return camera;
}

export async function removeHdCamera(): Promise<void> {
  if (!camera) return;
  const path = await camera.catch(() => undefined);
  camera = undefined;
  if (path) await rm(path, { force: true });
}

// ---------------------------------------------------------------------------
// Capabilities: the proof turns itself on when Skein has what it proves.

export interface Capabilities {
  /** WebRtcTransport.getStats() reports availableOutgoingBitrate (send-side BWE is there). */
  bwe: boolean;
  /** A VP9 L3T3 producer gets an 'svc' consumer (the SvcConsumer is there). */
  svc: boolean;
}

const VP9_PROBE: RtpParameters = {
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP9',
      payloadType: 98,
      clockRate: 90000,
      parameters: { 'profile-id': 0 },
      rtcpFeedback: [
        { type: 'nack' },
        { type: 'nack', parameter: 'pli' },
        { type: 'transport-cc' },
      ],
    },
  ],
  headerExtensions: [
    {
      uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      id: 5,
      encrypt: false,
      parameters: {},
    },
  ],
  encodings: [{ ssrc: 11111111, scalabilityMode: 'L3T3' }],
  rtcp: { cname: 'probe', reducedSize: true },
};

/**
 * Asks a throwaway router of `worker` what Skein can do today (no media flows).
 * Estimation starts, as in mediasoup, once the transport has a consumer that
 * negotiated transport-cc or REMB: the probe consumes before it asks.
 */
export async function probeCapabilities(worker: Worker): Promise<Capabilities> {
  const router = await worker.createRouter({ mediaCodecs });
  try {
    const transport = await router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
    });
    let svc = false;
    try {
      const producer = await transport.produce({ kind: 'video', rtpParameters: VP9_PROBE });
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
        paused: true,
      });
      svc = consumer.type === 'svc';
    } catch {
      svc = false;
    }
    const [stats] = (await transport.getStats()) as { availableOutgoingBitrate?: unknown }[];
    const bwe = typeof stats?.availableOutgoingBitrate === 'number';
    return { bwe, svc };
  } finally {
    router.close();
  }
}

// ---------------------------------------------------------------------------
// Samples

/** One subscriber stream as Chromium and Skein see it. */
export interface Watched {
  label: string;
  page: PeerPage;
  consumer: Consumer;
  transport: WebRtcTransport;
}

export interface Sample {
  /** ms since the phase began. */
  t: number;
  frameWidth: number;
  framesDecoded: number;
  freezeCount: number;
  bytesReceived: number;
  /** What the subscriber received since the previous sample, bits/s. */
  recvBps: number;
  /** What Skein's consumer sends (its outbound-rtp bitrate), bits/s. */
  sendBps: number;
  layers: ConsumerLayers | undefined;
  /** The transport's send-side estimate (undefined while Skein has none). */
  availableOutgoingBitrate: number | undefined;
}

export async function sample(watched: Watched, t: number, previous?: Sample): Promise<Sample> {
  const [inbound, consumerStats, transportStats] = await Promise.all([
    watched.page.getInboundStats('video', watched.consumer.id),
    watched.consumer.getStats() as Promise<{ type: string; bitrate?: number }[]>,
    watched.transport.getStats() as Promise<{ availableOutgoingBitrate?: number }[]>,
  ]);
  const outbound = consumerStats.find((s) => s.type === 'outbound-rtp');
  const elapsed = previous ? (t - previous.t) / 1000 : 0;
  return {
    t,
    frameWidth: inbound.frameWidth,
    framesDecoded: inbound.framesDecoded,
    freezeCount: inbound.freezeCount,
    bytesReceived: inbound.bytesReceived,
    recvBps:
      previous && elapsed > 0
        ? ((inbound.bytesReceived - previous.bytesReceived) * 8) / elapsed
        : 0,
    sendBps: outbound?.bitrate ?? 0,
    layers: watched.consumer.currentLayers,
    availableOutgoingBitrate: transportStats[0]?.availableOutgoingBitrate,
  };
}

export function formatSample(label: string, s: Sample): string {
  const layers = s.layers ? `${s.layers.spatialLayer}/${s.layers.temporalLayer ?? '-'}` : 'none';
  const estimate =
    s.availableOutgoingBitrate === undefined ? '-' : `${kbps(s.availableOutgoingBitrate)}`;
  return (
    `${label} t=${(s.t / 1000).toFixed(1)}s width=${s.frameWidth} decoded=${s.framesDecoded} ` +
    `freezes=${s.freezeCount} recv=${kbps(s.recvBps)}k sent=${kbps(s.sendBps)}k ` +
    `layers=${layers} estimate=${estimate}k`
  );
}

export function kbps(bps: number): number {
  return Math.round(bps / 1000);
}

/** Records every 'layerschange' of a consumer with its time (for the log). */
export function recordLayerChanges(
  consumer: Consumer,
  label: string,
  since: () => number,
): () => void {
  const onChange = (layers: ConsumerLayers | undefined): void => {
    const at = ((Date.now() - since()) / 1000).toFixed(1);
    log(
      `${label} layerschange t=${at}s ${layers ? `${layers.spatialLayer}/${layers.temporalLayer ?? '-'}` : 'none'}`,
    );
  };
  consumer.on('layerschange', onChange);
  return () => consumer.off('layerschange', onChange);
}

/**
 * Samples every watched stream once a second until `done(samples)` holds or
 * `maxMs` passes; logs each sample. Returns the samples per stream.
 */
export async function sampleEverySecond(
  watched: readonly Watched[],
  phase: string,
  maxMs: number,
  done: (samples: readonly Sample[][]) => boolean,
): Promise<Sample[][]> {
  const start = Date.now();
  const samples: Sample[][] = watched.map(() => []);
  for (let i = 0; Date.now() - start <= maxMs && i < Math.ceil(maxMs / 1000) + 2; i++) {
    const due = start + i * 1000;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const t = Date.now() - start;
    const taken = await Promise.all(
      watched.map((w, j) => sample(w, t, samples[j][samples[j].length - 1])),
    );
    taken.forEach((s, j) => {
      samples[j].push(s);
      log(formatSample(`${phase} ${watched[j].label}`, s));
    });
    if (done(samples)) break;
  }
  return samples;
}

// ---------------------------------------------------------------------------
// Judging

/** The longest time (ms) framesDecoded did not rise, over the samples. */
export function longestStallMs(samples: readonly Sample[]): number {
  let longest = 0;
  let lastRise = samples[0]?.t ?? 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i].framesDecoded > samples[i - 1].framesDecoded) lastRise = samples[i].t;
    longest = Math.max(longest, samples[i].t - lastRise);
  }
  return longest;
}

/**
 * The first sample time from which, over `windowMs`, the stream decodes every
 * second and Skein sends it no more than `maxSendBps`: when it converged.
 * undefined when it never did.
 */
export function convergedAt(
  samples: readonly Sample[],
  maxSendBps: number,
  windowMs: number,
): number | undefined {
  for (let i = 1; i < samples.length; i++) {
    const end = samples[i].t + windowMs;
    const window = samples.slice(i).filter((s) => s.t <= end);
    // Samples come about once a second but drift late under load: a window is complete
    // when its samples span the window less one sampling period.
    if (window.length < 2 || window[window.length - 1].t - samples[i].t < windowMs - 1200) {
      return undefined;
    }
    const fits = window.every((s) => s.sendBps <= maxSendBps);
    const decoding = window.every(
      (s, j) => s.framesDecoded > (j === 0 ? samples[i - 1] : window[j - 1]).framesDecoded,
    );
    if (fits && decoding) return samples[i].t;
  }
  return undefined;
}

/** Spatial then temporal layer as one comparable number (-1 = none). */
export function layerRank(layers: ConsumerLayers | undefined): number {
  if (!layers) return -1;
  return layers.spatialLayer * 10 + (layers.temporalLayer ?? 0);
}

export function summary(samples: readonly Sample[]): string {
  if (samples.length === 0) return 'no samples';
  const first = samples[0];
  const last = samples[samples.length - 1];
  const recv = samples.slice(1).map((s) => s.recvBps);
  const meanRecv = recv.length ? recv.reduce((a, b) => a + b, 0) / recv.length : 0;
  return (
    `${((last.t - first.t) / 1000).toFixed(1)}s: decoded +${last.framesDecoded - first.framesDecoded}, ` +
    `freezes +${last.freezeCount - first.freezeCount}, longest stall ${longestStallMs(samples)} ms, ` +
    `mean recv ${kbps(meanRecv)}k, width ${first.frameWidth}→${last.frameWidth}`
  );
}
