/**
 * Issue 10's proof on a real constrained link. The test builds its network:
 * namespace A holds one Chromium with the publisher and the unconstrained
 * subscriber S1; namespace B holds a second Chromium with subscriber S2, whose
 * link from Skein (in the root namespace, listening on each veth's root side)
 * goes through a tc tbf. The publisher sends VP8 simulcast (3 spatial layers
 * of a 1280×720 camera, L1T3). S1 must decode 1280 wide; S2 behind 300 kbit/s
 * must converge within 10 s to what fits and keep decoding; raised to 3 Mbit/s
 * it must climb back to the top layer within 15 s. Then the same with VP9 SVC
 * (L3T3), and two consumers with different priorities on one constrained
 * transport: the higher priority keeps the better layer.
 *
 * It turns itself on when Skein has send-side bandwidth estimation (its
 * WebRtcTransport.getStats() reports availableOutgoingBitrate); the SVC case
 * also needs the SvcConsumer. SKEIN_CONSTRAINED_FORCE=1 runs it regardless (to
 * measure a baseline). Every figure is logged on lines starting with
 * "[constrained]".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type Consumer,
  type Producer,
  type Router,
  type RtpCapabilities,
  type WebRtcTransport,
  type Worker,
} from '../../../src/index.js';
import {
  SKIP_WITHOUT_CHROMIUM,
  launchBrowser,
  type E2EBrowser,
  type PeerPage,
} from '../browser.js';
import { transportParams } from '../sfu.js';
import { NetnsNetwork, netnsSkipReason, type Namespace, type TbfLimit } from './netns.js';
import {
  convergedAt,
  ffmpegSkipReason,
  hdCamera,
  kbps,
  layerRank,
  log,
  longestStallMs,
  mediaCodecs,
  probeCapabilities,
  recordLayerChanges,
  removeHdCamera,
  sampleEverySecond,
  summary,
  type Capabilities,
  type Sample,
  type Watched,
} from './scenario.js';

/** The constrained link: TESTING.md saw ~300 kbit/s through with a small bucket. */
const LOW: TbfLimit = { rate: '300kbit', burst: '4kb', latency: '100ms' };
const HIGH: TbfLimit = { rate: '3mbit', burst: '16kb', latency: '50ms' };
/** The priority case: room for the middle layer of one consumer and the bottom of the other. */
const MIDDLE: TbfLimit = { rate: '800kbit', burst: '8kb', latency: '100ms' };
const LOW_BPS = 300_000;
/** A layer "fits" when Skein sends no more than this into the 300 kbit/s link. */
const FITS_BPS = 1.15 * LOW_BPS;
/** Issue 10: S2 converges within 10 s, climbs back within 15 s. */
const CONVERGE_MS = 10_000;
const CLIMB_MS = 15_000;
/** How long S2 must keep fitting and decoding for convergence to count. */
const STEADY_MS = 4_000;
/** "No long stall". */
const MAX_STALL_MS = 2_000;
/** freezeCount after convergence: "small". */
const MAX_FREEZES = 2;

const FORCE = process.env.SKEIN_CONSTRAINED_FORCE === '1';

const environmentSkip = netnsSkipReason() || SKIP_WITHOUT_CHROMIUM || ffmpegSkipReason();

async function capabilitiesToday(): Promise<Capabilities> {
  if (environmentSkip) return { bwe: false, svc: false };
  const worker = await createWorker({ logLevel: 'warn' });
  try {
    return await probeCapabilities(worker);
  } finally {
    worker.close();
  }
}

const capabilities = await capabilitiesToday();

const skip: false | string =
  environmentSkip ||
  (!capabilities.bwe && !FORCE
    ? 'issue 10 not merged yet: WebRtcTransport.getStats() has no availableOutgoingBitrate ' +
      '(no send-side BWE); SKEIN_CONSTRAINED_FORCE=1 runs it anyway'
    : false);
const skipSvc: false | string =
  !capabilities.svc && !FORCE
    ? 'no SvcConsumer yet: a VP9 L3T3 producer gets no svc consumer; SKEIN_CONSTRAINED_FORCE=1 runs it anyway'
    : false;

interface Subscriber {
  label: string;
  page: PeerPage;
  transport: WebRtcTransport;
  rtpCapabilities: RtpCapabilities;
}

async function transportIn(router: Router, ns: Namespace): Promise<WebRtcTransport> {
  return router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: ns.hostIp }] });
}

async function launchIn(ns: Namespace, cameraPath: string): Promise<E2EBrowser> {
  return launchBrowser({
    executablePath: ns.chromiumWrapper,
    listenIp: ns.hostIp,
    extraArgs: [`--use-file-for-fake-video-capture=${cameraPath}`],
  });
}

async function subscriber(
  label: string,
  browser: E2EBrowser,
  router: Router,
  ns: Namespace,
): Promise<Subscriber> {
  const started = Date.now();
  const page = await browser.newPeerPage();
  const device = await page.loadDevice(router.rtpCapabilities);
  const transport = await transportIn(router, ns);
  await page.createRecvTransport(transportParams(transport), {
    connect: (dtlsParameters) => transport.connect({ dtlsParameters: dtlsParameters as never }),
  });
  log(`${label}: page and transport ready in ${Date.now() - started} ms`);
  return { label, page, transport, rtpCapabilities: device.rtpCapabilities };
}

async function closeSubscriber(sub: Subscriber): Promise<void> {
  const started = Date.now();
  await sub.page.close();
  sub.transport.close();
  log(`${sub.label}: closed in ${Date.now() - started} ms`);
}

/** Consumes `producer` on the subscriber (paused, priority set, then resumed as apps do). */
async function consume(
  sub: Subscriber,
  producer: Producer,
  label: string,
  priority?: number,
): Promise<Watched> {
  const started = Date.now();
  const consumer = await sub.transport.consume({
    producerId: producer.id,
    rtpCapabilities: sub.rtpCapabilities,
    paused: true,
  });
  await sub.page.consume({
    id: consumer.id,
    producerId: producer.id,
    kind: consumer.kind,
    rtpParameters: consumer.rtpParameters,
  });
  if (priority !== undefined) await consumer.setPriority(priority);
  await consumer.resume();
  log(`${label}: consuming in ${Date.now() - started} ms`);
  return { label, page: sub.page, consumer, transport: sub.transport };
}

/** Waits (bounded) until `count` of the producer's streams carry media; how long it took. */
async function layersFlowing(
  producer: Producer,
  count: number,
  timeoutMs: number,
): Promise<number> {
  const start = Date.now();
  let active = 0;
  while (Date.now() - start < timeoutMs) {
    const stats = (await producer.getStats()) as { bitrate?: number }[];
    active = stats.filter((s) => (s.bitrate ?? 0) > 0).length;
    if (active >= count) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`producer ${producer.id}: ${active} of ${count} layers after ${timeoutMs} ms`);
}

function last<T>(list: readonly T[]): T {
  return list[list.length - 1];
}

interface AdaptationFigures {
  converged: number | undefined;
  stallAfterConvergenceMs: number;
  freezesAfterConvergence: number;
  s1MaxWidth: number;
  climbedAt: number | undefined;
  stallWhileClimbingMs: number;
}

/**
 * The shared body of the VP8 and VP9 cases: S2 behind LOW, then HIGH.
 * Measures both phases first and asserts afterwards, so a failing run still
 * prints every figure.
 */
async function adaptation(
  name: string,
  network: NetnsNetwork,
  ns: Namespace,
  s1: Watched,
  s2: Watched,
  topSpatialLayer: number,
): Promise<AdaptationFigures> {
  let phaseStart = Date.now();
  const stopRecording = [
    recordLayerChanges(s1.consumer, `${name} S1`, () => phaseStart),
    recordLayerChanges(s2.consumer, `${name} S2`, () => phaseStart),
  ];
  try {
    const low = await sampleEverySecond(
      [s1, s2],
      `${name} 300k`,
      CONVERGE_MS + STEADY_MS + 1000,
      ([a, b]) => {
        return (
          Math.max(...a.map((s) => s.frameWidth)) >= 1280 &&
          convergedAt(b, FITS_BPS, STEADY_MS) !== undefined
        );
      },
    );
    const [s1Low, s2Low] = low;
    const converged = convergedAt(s2Low, FITS_BPS, STEADY_MS);
    const afterConvergence = s2Low.filter((s) => s.t >= (converged ?? 0));
    log(`${name} S2 at 300k: ${summary(s2Low)}; qdisc ${await network.qdiscStats(ns)}`);
    log(`${name} S1 unconstrained: ${summary(s1Low)}`);

    await network.limit(ns, HIGH);
    phaseStart = Date.now();
    let topSince: number | undefined;
    const high = await sampleEverySecond([s1, s2], `${name} 3m`, CLIMB_MS + 3000, ([a, b]) => {
      const s = last(b);
      // The top layer, as wide as S1 decodes it (a loaded encoder may scale the source down).
      const atTop =
        s.layers?.spatialLayer === topSpatialLayer &&
        s.frameWidth >= Math.min(1280, last(a).frameWidth);
      if (!atTop) topSince = undefined;
      else topSince ??= s.t;
      // At the top, and still decoding two seconds later.
      return topSince !== undefined && s.t - topSince >= 2000;
    });
    const [, s2High] = high;
    log(`${name} S2 at 3m: ${summary(s2High)}; qdisc ${await network.qdiscStats(ns)}`);

    const figures: AdaptationFigures = {
      converged,
      stallAfterConvergenceMs: longestStallMs(afterConvergence),
      freezesAfterConvergence:
        afterConvergence.length > 0
          ? last(afterConvergence).freezeCount - afterConvergence[0].freezeCount
          : 0,
      s1MaxWidth: Math.max(...s1Low.map((s) => s.frameWidth)),
      climbedAt: topSince,
      stallWhileClimbingMs: longestStallMs(s2High),
    };
    log(
      `${name} figures: S2 converged ${fmtMs(figures.converged)} (bound ${CONVERGE_MS} ms), ` +
        `stall after ${figures.stallAfterConvergenceMs} ms, freezes after +${figures.freezesAfterConvergence}, ` +
        `mean recv at 300k ${meanKbps(s2Low)}k; S1 max width ${figures.s1MaxWidth}; ` +
        `S2 back at the top ${fmtMs(figures.climbedAt)} after the raise (bound ${CLIMB_MS} ms), ` +
        `longest stall while climbing ${figures.stallWhileClimbingMs} ms, mean recv at 3m ${meanKbps(s2High)}k`,
    );
    return figures;
  } finally {
    for (const stop of stopRecording) stop();
  }
}

/**
 * A real shaped link varies from run to run (a key frame lost in the tbf queue, a probe
 * misjudged through its burst): an attempt whose assertions fail is logged with its figures
 * and run once more from a fresh subscriber; the second must pass.
 */
async function twoAttempts(name: string, attempt: () => Promise<void>): Promise<void> {
  try {
    await attempt();
  } catch (error) {
    if (!(error instanceof assert.AssertionError)) throw error;
    log(`${name}: attempt 1 failed (${error.message}); attempt 2`);
    await attempt();
  }
}

function assertAdaptation(figures: AdaptationFigures): void {
  assert.equal(figures.s1MaxWidth, 1280, 'S1 (unconstrained) decodes 1280 wide');
  assert.ok(
    figures.converged !== undefined && figures.converged <= CONVERGE_MS,
    `S2 converges to a layer that fits 300 kbit/s within ${CONVERGE_MS} ms: ${fmtMs(figures.converged)}`,
  );
  assert.ok(
    figures.stallAfterConvergenceMs <= MAX_STALL_MS,
    `S2 keeps decoding: longest stall ${figures.stallAfterConvergenceMs} ms`,
  );
  assert.ok(
    figures.freezesAfterConvergence <= MAX_FREEZES,
    `S2 freezes after convergence: ${figures.freezesAfterConvergence}`,
  );
  assert.ok(
    figures.climbedAt !== undefined && figures.climbedAt <= CLIMB_MS,
    `S2 back at the top layer within ${CLIMB_MS} ms of the raise: ${fmtMs(figures.climbedAt)}`,
  );
  assert.ok(
    figures.stallWhileClimbingMs <= MAX_STALL_MS,
    `S2 decodes while climbing: longest stall ${figures.stallWhileClimbingMs} ms`,
  );
}

/** The index of the first sample with a decoded frame (0 if none: all of it is a stall). */
function firstDecoded(samples: readonly Sample[]): number {
  return Math.max(
    0,
    samples.findIndex((s) => s.framesDecoded > 0),
  );
}

function fmtMs(ms: number | undefined): string {
  return ms === undefined ? 'never' : `${ms} ms`;
}

function meanKbps(samples: readonly Sample[]): number {
  const rates = samples.slice(1).map((s) => s.recvBps);
  return rates.length ? kbps(rates.reduce((a, b) => a + b, 0) / rates.length) : 0;
}

describe(
  'issue 10 on a real constrained link (tc tbf between network namespaces)',
  { skip },
  () => {
    let worker: Worker;
    let router: Router;
    let network: NetnsNetwork;
    let nsA: Namespace;
    let nsB: Namespace;
    let browserA: E2EBrowser;
    let browserB: E2EBrowser;
    let publisherPage: PeerPage;
    let vp8: Producer;
    let vp8PageId: string;
    let s1: Subscriber;
    let s1Vp8: Watched;
    const producersById = new Map<string, Producer>();

    before(async () => {
      const started = Date.now();
      log(`capabilities today: ${JSON.stringify(capabilities)}${FORCE ? ' (forced)' : ''}`);
      worker = await createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
      router = await worker.createRouter({ mediaCodecs });
      network = await NetnsNetwork.create(2);
      [nsA, nsB] = network.namespaces;
      const cameraPath = await hdCamera();
      // Both start at once; if one fails the other is still closed in after().
      const launched = await Promise.allSettled([
        launchIn(nsA, cameraPath),
        launchIn(nsB, cameraPath),
      ]);
      if (launched[0].status === 'fulfilled') browserA = launched[0].value;
      if (launched[1].status === 'fulfilled') browserB = launched[1].value;
      for (const result of launched) if (result.status === 'rejected') throw result.reason;

      publisherPage = await browserA.newPeerPage();
      await publisherPage.loadDevice(router.rtpCapabilities);
      const sendTransport = await transportIn(router, nsA);
      await publisherPage.createSendTransport(transportParams(sendTransport), {
        connect: (dtlsParameters) =>
          sendTransport.connect({ dtlsParameters: dtlsParameters as never }),
        produce: async ({ kind, rtpParameters }) => {
          const producer = await sendTransport.produce({ kind, rtpParameters });
          producersById.set(producer.id, producer);
          return producer.id;
        },
      });
      vp8PageId = await publisherPage.produce({
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
      const produced = producersById.get(vp8PageId);
      assert.ok(produced, 'the VP8 producer exists on the server');
      vp8 = produced;
      assert.equal(vp8.type, 'simulcast');

      s1 = await subscriber('S1', browserA, router, nsA);
      s1Vp8 = await consume(s1, vp8, 'S1');
      const layersMs = await layersFlowing(vp8, 3, 25_000);
      log(
        `setup: three VP8 layers flow ${layersMs} ms after produce; setup took ${Date.now() - started} ms`,
      );
    });

    after(async () => {
      await Promise.all([browserA?.close(), browserB?.close()]);
      worker?.close();
      await network?.close();
      await removeHdCamera();
    });

    test('VP8 simulcast: S2 behind 300 kbit/s converges and keeps decoding; at 3 Mbit/s it climbs to the top', async () => {
      await twoAttempts('vp8', async () => {
        // The page (0.5 MB of script) loads before the link is shaped.
        const s2 = await subscriber('S2', browserB, router, nsB);
        try {
          await network.limit(nsB, LOW);
          const s2Vp8 = await consume(s2, vp8, 'S2');
          const figures = await adaptation('vp8', network, nsB, s1Vp8, s2Vp8, 2);
          assertAdaptation(figures);
        } finally {
          await closeSubscriber(s2);
          // The next subscriber's page loads unshaped.
          await network.unlimit(nsB);
        }
      });
    });

    test('two consumers on one constrained transport: the higher priority keeps the better layer', async () => {
      await twoAttempts('priority', async () => {
        // The page (0.5 MB of script) loads before the link is shaped.
        const s2 = await subscriber('S2', browserB, router, nsB);
        try {
          await network.limit(nsB, MIDDLE);
          const high = await consume(s2, vp8, 'S2 priority 5', 5);
          const low = await consume(s2, vp8, 'S2 priority 1', 1);
          const better = (h: Sample, l: Sample): boolean =>
            layerRank(h.layers) > layerRank(l.layers);
          const samples = await sampleEverySecond(
            [high, low],
            'priority 800k',
            CONVERGE_MS + 4000,
            ([h, l]) => {
              if (h.length < 4) return false;
              // The last three seconds: the higher priority has the better layer; both decode.
              return [1, 2, 3].every((k) => {
                const i = h.length - k;
                return (
                  better(h[i], l[i]) &&
                  h[i].framesDecoded > h[i - 1].framesDecoded &&
                  l[i].framesDecoded > l[i - 1].framesDecoded
                );
              });
            },
          );
          const [h, l] = samples;
          const held = h.findIndex(
            (_s, i) => i >= 3 && [0, 1, 2].every((k) => better(h[i - k], l[i - k])),
          );
          log(
            `priority figures: higher priority better from ${held < 0 ? 'never' : `${h[held - 2].t} ms`}; ` +
              `high ${summary(h)}; low ${summary(l)}; qdisc ${await network.qdiscStats(nsB)}`,
          );
          assert.ok(
            held >= 0,
            'the priority-5 consumer holds a better layer than the priority-1 one for 3 s',
          );
          assert.ok(last(h).frameWidth >= last(l).frameWidth, 'it decodes at least as wide');
          assert.ok(
            // From when it first decoded: the start (a key frame through a full queue) is not a stall.
            longestStallMs(l.slice(Math.max(held - 2, firstDecoded(l)))) <= MAX_STALL_MS,
            'the lower priority still decodes',
          );
        } finally {
          await closeSubscriber(s2);
          // The next subscriber's page loads unshaped.
          await network.unlimit(nsB);
        }
      });
    });

    test(
      'VP9 SVC (L3T3): S2 behind 300 kbit/s converges and keeps decoding; at 3 Mbit/s it climbs to the top',
      { skip: skipSvc },
      async () => {
        // One encoder at a time on these 2 cores: the VP8 producer rests.
        await publisherPage.pauseProducer(vp8PageId);
        await vp8.pause();
        const vp9 = await produceVp9(publisherPage);
        await twoAttempts('vp9', async () => {
          const s2 = await subscriber('S2', browserB, router, nsB);
          let s1Vp9: Consumer | undefined;
          try {
            await network.limit(nsB, LOW);
            const layersMs = await layersFlowing(vp9, 1, 15_000);
            log(`vp9: media flows ${layersMs} ms after produce`);
            const s1w = await consume(s1, vp9, 'S1');
            s1Vp9 = s1w.consumer;
            const s2w = await consume(s2, vp9, 'S2');
            const figures = await adaptation('vp9', network, nsB, s1w, s2w, 2);
            assertAdaptation(figures);
          } finally {
            s1Vp9?.close();
            await closeSubscriber(s2);
            // The next subscriber's page loads unshaped.
            await network.unlimit(nsB);
          }
        });
      },
    );

    /** The publisher's second producer: VP9 with three spatial, three temporal layers. */
    async function produceVp9(page: PeerPage): Promise<Producer> {
      const id = await page.produce({
        kind: 'video',
        codecMimeType: 'video/VP9',
        videoSize: { width: 1280, height: 720 },
        encodings: [{ scalabilityMode: 'L3T3', maxBitrate: 1_500_000 }],
        codecOptions: { videoGoogleStartBitrate: 1000 },
      });
      const producer = producersById.get(id);
      assert.ok(producer, 'the VP9 producer exists on the server');
      return producer;
    }
  },
);
