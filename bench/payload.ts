/**
 * Payload channel benchmark: 1200-byte payload notifications host → worker →
 * host (the worker echoes each one back as a notification with the same
 * payload, `worker.echo`), as a direct producer's packets and a direct
 * consumer's `rtp` events cross. Round trips per second with a window of
 * packets in flight, in thread (shared-memory ring) and process (pipes) mode.
 */
import { performance } from 'node:perf_hooks';
import { spawnThread } from '../src/channel/hosts/threadHost.js';
import { spawnProcess } from '../src/channel/hosts/processHost.js';
import type { WorkerHost } from '../src/channel/hosts/WorkerHost.js';

const settings = { logLevel: 'none', logTags: [], rtcMinPort: 10000, rtcMaxPort: 59999 };

const PAYLOAD_SIZE = 1200;

const VARIANTS: { name: string; spawn: () => WorkerHost }[] = [
  { name: 'thread (shared-memory ring)', spawn: () => spawnThread({ settings, carrier: 'ring' }) },
  { name: 'process (pipes)', spawn: () => spawnProcess({ settings }) },
];

export interface PayloadFigures {
  name: string;
  roundTripsPerSec: number;
  /** Payload bytes per second in each direction. */
  megabytesPerSec: number;
}

async function running(host: WorkerHost): Promise<void> {
  await new Promise<void>((resolve) => {
    host.channel.onNotification('worker', (event) => {
      if (event === 'running') resolve();
    });
  });
}

/** Keeps `window` payloads in flight for `ms`; counts those that came back. */
async function echoes(host: WorkerHost, window: number, ms: number): Promise<number> {
  const payload = Buffer.alloc(PAYLOAD_SIZE, 0x5a);
  let back = 0;
  const start = performance.now();
  const deadline = start + ms;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let inFlight = 0;
  host.channel.onNotification('worker', (event, _data, echoed) => {
    if (event !== 'echo' || echoed?.length !== PAYLOAD_SIZE) return;
    back++;
    inFlight--;
    if (performance.now() < deadline) {
      host.channel.notify('worker.echo', '', undefined, payload);
      inFlight++;
    } else if (inFlight === 0) {
      done();
    }
  });
  for (let i = 0; i < window; i++) {
    host.channel.notify('worker.echo', '', undefined, payload);
    inFlight++;
  }
  // Bounded even if an echo were lost.
  const timer = setTimeout(done, ms + 5000);
  await finished;
  clearTimeout(timer);
  return back / ((performance.now() - start) / 1000);
}

export async function runPayloadBench(
  options: { rounds?: number; ms?: number; window?: number } = {},
): Promise<PayloadFigures[]> {
  const { rounds = 3, ms = 1000, window = 64 } = options;
  const samples = new Map<string, number[]>();
  // Interleaved round by round so machine noise hits every variant alike.
  for (let round = 0; round < rounds; round++) {
    for (const variant of VARIANTS) {
      const host = variant.spawn();
      await running(host);
      await echoes(host, window, 200); // warm-up (JIT)
      host.channel.offNotification('worker');
      const perSec = await echoes(host, window, ms);
      host.channel.close();
      host.terminate();
      samples.set(variant.name, [...(samples.get(variant.name) ?? []), perSec]);
    }
  }
  const figures = [...samples].map(([name, values]) => {
    const median = [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    return { name, roundTripsPerSec: median, megabytesPerSec: (median * PAYLOAD_SIZE) / 1e6 };
  });
  console.log(
    `\nPayload channel: ${PAYLOAD_SIZE}-byte payload notifications host → worker → host ` +
      `(${window} in flight, median of ${rounds} × ${ms} ms)`,
  );
  console.table(
    figures.map((f) => ({
      carrier: f.name,
      'round trips/s': Math.round(f.roundTripsPerSec),
      'payload MB/s each way': f.megabytesPerSec.toFixed(1),
    })),
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPayloadBench();
}
