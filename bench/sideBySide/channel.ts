/**
 * Channel side by side: the same control requests on Skein (thread and process workers) and
 * on mediasoup 3.19.3's C++ worker behind its pipe, in one run, alternating round by round so
 * that the machine's noise hits all alike. Prints µs per sequential round trip (median, p90),
 * pipelined router.dump() requests/s, the bare cross-thread wake-up round trip (the floor of
 * any thread channel) and Skein's no-op ping, and the ratios to mediasoup.
 *
 * Knobs: SKEIN_BENCH_CH_N (sequential requests per workload per round, default 2000),
 * SKEIN_BENCH_CH_ROUNDS (default 3), SKEIN_BENCH_CH_PIPE_MS (default 1000).
 */
import { pathToFileURL } from 'node:url';

import {
  createWorker,
  type Consumer,
  type Router,
  type WebRtcTransport,
  type Worker,
} from '../../src/index.js';
import { workerChannelForTesting } from '../../src/api/Worker.js';
import { vp8RtpParameters } from '../loadClient/VideoSource.js';
import { loadMediasoup } from './mediasoup.js';
import { wakeupRoundTrips } from './wakeup.js';
import { runHostSpinBench } from './hostSpin.js';
import { HOST_RESPONSE_SPIN_MICROS } from '../../src/channel/hosts/threadHost.js';

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

interface Setup {
  name: string;
  worker: Worker;
  router: Router;
  transport: WebRtcTransport;
  consumer: Consumer;
  ping?: () => Promise<unknown>;
}

async function setUp(name: string, create: typeof createWorker, skein: boolean): Promise<Setup> {
  const worker = await create(skein ? { logLevel: 'error' } : { logLevel: 'error' });
  const router = await worker.createRouter({
    mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }],
  });
  const listenInfos = [{ protocol: 'udp' as const, ip: '127.0.0.1' }];
  const transport = await router.createWebRtcTransport({ listenInfos });
  const other = await router.createWebRtcTransport({ listenInfos });
  const vp8 = router.rtpCapabilities.codecs!.find((c) => c.mimeType === 'video/VP8')!;
  const producer = await transport.produce({
    kind: 'video',
    rtpParameters: vp8RtpParameters(vp8.preferredPayloadType!, 0x5e1f0001, 'channel-bench'),
  });
  const consumer = await other.consume({
    producerId: producer.id,
    rtpCapabilities: router.rtpCapabilities,
  });
  const setup: Setup = { name, worker, router, transport, consumer };
  if (skein) {
    const channel = workerChannelForTesting(worker);
    setup.ping = () => channel.request('worker.ping');
  }
  return setup;
}

type Workload = 'worker.dump' | 'router.dump' | 'transport.getStats' | 'consumer.getStats' | 'ping';
const WORKLOADS: Workload[] = [
  'worker.dump',
  'router.dump',
  'transport.getStats',
  'consumer.getStats',
  'ping',
];

function requestOf(setup: Setup, workload: Workload): (() => Promise<unknown>) | undefined {
  switch (workload) {
    case 'worker.dump':
      return () => setup.worker.dump();
    case 'router.dump':
      return () => setup.router.dump();
    case 'transport.getStats':
      return () => setup.transport.getStats();
    case 'consumer.getStats':
      return () => setup.consumer.getStats();
    case 'ping':
      return setup.ping;
  }
}

async function sequential(fn: () => Promise<unknown>, count: number): Promise<number[]> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up (JIT)
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn();
    samples.push((performance.now() - start) * 1000);
  }
  return samples;
}

/** Keeps `depth` requests in flight for `ms`; completions per second. */
async function pipelined(fn: () => Promise<unknown>, depth: number, ms: number): Promise<number> {
  let completed = 0;
  const deadline = performance.now() + ms;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await fn();
      completed++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: depth }, lane));
  return completed / ((performance.now() - start) / 1000);
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const median = (values: number[]): number => quantile(values, 0.5);

export interface ChannelSideBySide {
  /** µs medians per round, by SFU then workload. */
  rounds: Map<string, Map<string, { p50: number[]; p90: number[] }>>;
  pipelined: Map<string, number[]>;
  wakeupP50: number[];
}

export async function runChannelSideBySide(): Promise<ChannelSideBySide | undefined> {
  const count = envNumber('SKEIN_BENCH_CH_N', 2000);
  const roundCount = envNumber('SKEIN_BENCH_CH_ROUNDS', 3);
  const pipeMs = envNumber('SKEIN_BENCH_CH_PIPE_MS', 1000);
  const mediasoup = await loadMediasoup();
  console.log(
    `\nChannel side by side: sequential round trips (µs, median of ${count} per round, ` +
      `${roundCount} rounds alternating) and pipelined router.dump() (128 in flight, ${pipeMs} ms)`,
  );
  if (typeof mediasoup === 'string') console.log(mediasoup);
  const setups: Setup[] = [
    await setUp('Skein thread', (o) => createWorker({ ...o, mode: 'thread' }), true),
    await setUp('Skein process', (o) => createWorker({ ...o, mode: 'process' }), true),
  ];
  if (typeof mediasoup !== 'string') {
    setups.push(await setUp(`mediasoup ${mediasoup.version}`, mediasoup.createWorker, false));
  }
  const result: ChannelSideBySide = { rounds: new Map(), pipelined: new Map(), wakeupP50: [] };
  try {
    for (let round = 0; round < roundCount; round++) {
      result.wakeupP50.push(median(await wakeupRoundTrips(count)));
      for (const setup of round % 2 === 0 ? setups : [...setups].reverse()) {
        const bySfu =
          result.rounds.get(setup.name) ?? new Map<string, { p50: number[]; p90: number[] }>();
        result.rounds.set(setup.name, bySfu);
        for (const workload of WORKLOADS) {
          const fn = requestOf(setup, workload);
          if (!fn) continue;
          const samples = await sequential(fn, count);
          const entry = bySfu.get(workload) ?? { p50: [], p90: [] };
          entry.p50.push(quantile(samples, 0.5));
          entry.p90.push(quantile(samples, 0.9));
          bySfu.set(workload, entry);
        }
        const perSec = await pipelined(() => setup.router.dump(), 128, pipeMs);
        result.pipelined.set(setup.name, [...(result.pipelined.get(setup.name) ?? []), perSec]);
      }
    }
  } finally {
    for (const setup of setups) setup.worker.close();
  }
  print(result, setups, typeof mediasoup === 'string' ? undefined : setups[setups.length - 1].name);
  await runHostSpinBench(HOST_RESPONSE_SPIN_MICROS);
  return result;
}

const range = (values: number[], digits = 0): string => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo.toFixed(digits) === hi.toFixed(digits)
    ? lo.toFixed(digits)
    : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
};

function print(result: ChannelSideBySide, setups: Setup[], reference: string | undefined): void {
  const rows: Record<string, Record<string, string>> = {};
  const wake = median(result.wakeupP50);
  for (const workload of WORKLOADS) {
    const row: Record<string, string> = {};
    for (const setup of setups) {
      const entry = result.rounds.get(setup.name)?.get(workload);
      if (!entry) continue;
      row[`${setup.name} p50 (p90)`] = `${range(entry.p50)} (${range(entry.p90)})`;
      if (setup.name.startsWith('Skein')) {
        row[`${setup.name} − wake-up`] = (median(entry.p50) - wake).toFixed(0);
      }
      const ref = reference && result.rounds.get(reference)?.get(workload);
      if (ref && setup.name !== reference) {
        row[`${setup.name} / mediasoup`] = `${(median(entry.p50) / median(ref.p50)).toFixed(2)}×`;
      }
    }
    rows[workload] = row;
  }
  const pipeRow: Record<string, string> = {};
  const refPipe = reference ? median(result.pipelined.get(reference)!) : undefined;
  for (const setup of setups) {
    const values = result.pipelined.get(setup.name)!;
    pipeRow[`${setup.name} p50 (p90)`] = `${range(
      values.map((v) => v / 1000),
      0,
    )}k req/s`;
    if (refPipe && setup.name !== reference) {
      pipeRow[`${setup.name} / mediasoup`] = `${(median(values) / refPipe).toFixed(2)}× req/s`;
    }
  }
  rows['pipelined router.dump'] = pipeRow;
  console.table(rows);
  console.log(
    `bare cross-thread wake-up round trip (Atomics.notify → waitAsync both ways, no codec): ` +
      `median ${range(result.wakeupP50, 1)} µs over the rounds; ` +
      `"− wake-up" is each Skein median minus it. Ratios: Skein median / mediasoup median ` +
      `(below 1 is faster); pipelined: Skein req/s / mediasoup req/s.`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runChannelSideBySide();
}
