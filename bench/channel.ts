/**
 * Channel benchmark: a no-op request's round trip and pipelined throughput,
 * for each way a worker can be hosted, measured side by side in one run.
 */
import { performance } from 'node:perf_hooks';
import { spawnThread } from '../src/channel/hosts/threadHost.js';
import { spawnProcess } from '../src/channel/hosts/processHost.js';
import type { WorkerHost } from '../src/channel/hosts/WorkerHost.js';

const settings = { logLevel: 'none', logTags: [], rtcMinPort: 10000, rtcMaxPort: 59999 };

interface Variant {
  name: string;
  spawn: () => WorkerHost;
}

const VARIANTS: Variant[] = [
  { name: 'thread (shared-memory ring)', spawn: () => spawnThread({ settings, carrier: 'ring' }) },
  {
    name: 'thread (MessagePort)',
    spawn: () => spawnThread({ settings, carrier: 'port' }),
  },
  { name: 'process (pipes)', spawn: () => spawnProcess({ settings }) },
];

export interface ChannelFigures {
  name: string;
  p50us: number;
  p99us: number;
  sequentialPerSec: number;
  pipelinedPerSec: number;
}

async function running(host: WorkerHost): Promise<void> {
  await new Promise<void>((resolve) => {
    host.channel.onNotification('worker', (event) => {
      if (event === 'running') resolve();
    });
  });
}

async function sequential(host: WorkerHost, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await host.channel.request('worker.ping');
    samples.push((performance.now() - start) * 1000);
  }
  return samples;
}

/** Keeps `depth` requests in flight for `ms` and counts completions. */
async function pipelined(host: WorkerHost, depth: number, ms: number): Promise<number> {
  let completed = 0;
  const deadline = performance.now() + ms;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await host.channel.request('worker.ping');
      completed++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: depth }, lane));
  return completed / ((performance.now() - start) / 1000);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runChannelBench(
  options: { rounds?: number; requests?: number; pipelineMs?: number } = {},
): Promise<ChannelFigures[]> {
  const { rounds = 3, requests = 3000, pipelineMs = 1000 } = options;
  const results = new Map<string, { seq: number[]; pipe: number[] }>();
  // Variants are interleaved round by round so machine noise hits all alike.
  for (let round = 0; round < rounds; round++) {
    for (const variant of VARIANTS) {
      const host = variant.spawn();
      await running(host);
      await sequential(host, 300); // warm-up (JIT, caches)
      const seq = await sequential(host, requests);
      const perSec = await pipelined(host, 128, pipelineMs);
      host.channel.close();
      host.terminate();
      const entry = results.get(variant.name) ?? { seq: [], pipe: [] };
      entry.seq.push(...seq);
      entry.pipe.push(perSec);
      results.set(variant.name, entry);
    }
  }
  const figures: ChannelFigures[] = [];
  for (const [name, { seq, pipe }] of results) {
    const sorted = [...seq].sort((a, b) => a - b);
    const mean = seq.reduce((a, b) => a + b, 0) / seq.length;
    figures.push({
      name,
      p50us: percentile(sorted, 50),
      p99us: percentile(sorted, 99),
      sequentialPerSec: 1e6 / mean,
      pipelinedPerSec: [...pipe].sort((a, b) => a - b)[Math.floor(pipe.length / 2)],
    });
  }
  const processFigures = figures.find((f) => f.name.startsWith('process'))!;
  console.log('\nChannel: no-op request (worker.ping), 1 worker, host and worker on 2 cores');
  console.table(
    figures.map((f) => ({
      carrier: f.name,
      'p50 round trip (µs)': f.p50us.toFixed(1),
      'p99 round trip (µs)': f.p99us.toFixed(1),
      'sequential req/s': Math.round(f.sequentialPerSec),
      'pipelined req/s (128 in flight)': Math.round(f.pipelinedPerSec),
      'p50 speed-up vs process': (processFigures.p50us / f.p50us).toFixed(1) + '×',
      'pipelined speed-up vs process':
        (f.pipelinedPerSec / processFigures.pipelinedPerSec).toFixed(1) + '×',
    })),
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runChannelBench();
}
