/**
 * Forwarding side by side: one 1 Mbit/s VP8 producer forwarded to N WebRTC consumers (ICE,
 * DTLS 1.2, SRTP as negotiated: AEAD_AES_128_GCM with the load client) by Skein's thread worker
 * and by mediasoup 3.19.3's C++ worker, the two alternating in one run, each with a fresh load
 * client (bench/loadClient/, the forwarding bench's Session and measure()). The figure is CPU
 * of the whole SFU process tree (forwarding.ts readTreeCpu: control process + worker, user and
 * system apart) per packet the client received, and its ratio: delivered packets per
 * CPU-second, Skein / mediasoup. Beside it, the runtime's floor (floor.ts), and latency: the
 * latency probe's (a second, lightly loaded client process holding a few consumers spread over
 * creation order: what the SFU added; see forwarding.ts) and the load client's (which includes
 * its own receive queueing). Skein's probe p50 by consumer position is printed per step.
 *
 * Knobs: SKEIN_BENCH_SBS_N (consumers, default 100,200), SKEIN_BENCH_SBS_ROUNDS (default 2),
 * SKEIN_BENCH_SBS_MEASURE_MS (default 3000), SKEIN_BENCH_SBS_FLOOR=0 skips the floor,
 * SKEIN_BENCH_FWD_PROBES (probe connections at the largest N, default 8; 0: none).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import { LoadClient } from '../loadClient/LoadClient.js';
import {
  Session,
  VIDEO_1MBPS,
  describeProbe,
  fmt,
  measure,
  printFanOut,
  skeinSfu,
  sustained,
  type SfuUnderTest,
  type StepResult,
} from '../forwarding.js';
import { loadMediasoup } from './mediasoup.js';
import { measureFloor, printFloor, type FloorFigures } from './floor.js';

function envList(name: string, fallback: number[]): number[] {
  const list = (process.env[name] ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isFinite(n) && n > 0);
  return list.length > 0 ? list : fallback;
}

export interface ForwardingSideBySide {
  /** Steps by SFU name, every round's. */
  steps: Map<string, StepResult[]>;
  floor: FloorFigures[];
  /** Skein / mediasoup delivered packets per CPU-second, by N (median over rounds). */
  ratios: Map<number, number>;
  skipped?: string;
}

async function runOne(sfu: SfuUnderTest, ns: number[], ms: number): Promise<StepResult[]> {
  const client = new LoadClient();
  const session = await Session.start('thread', client, sfu, { consumers: Math.max(...ns) });
  try {
    console.log(`${sfu.name}: ${describeProbe(session)}`);
    await client.verifyEvery(4);
    await session.setStream(VIDEO_1MBPS);
    const warm = await session.activate(4);
    await sleep(1000);
    await measure(session, warm, 'warm-up', 1000);
    const results: StepResult[] = [];
    for (const n of ns) {
      const active = await session.activate(n);
      await sleep(1000);
      results.push(await measure(session, active, `${sfu.name} N=${n}`, ms));
    }
    return results;
  } finally {
    await session.close();
  }
}

const treeUs = (r: StepResult): number => r.treeUserUsPerPacket + r.treeSystemUsPerPacket;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** One line for the forwarding bench's summary: the measured ratios, or the skip line. */
export function describeComparison(figures: ForwardingSideBySide): string {
  if (figures.skipped) return figures.skipped;
  const parts = [...figures.ratios].map(([n, ratio]) => `${ratio.toFixed(2)} at N=${n}`);
  return (
    `Side by side in this run (WebRTC, SRTP, whole SFU process tree): Skein / mediasoup ` +
    `delivered packets per CPU-second ${parts.join(', ')}.`
  );
}

export async function runForwardingSideBySide(): Promise<ForwardingSideBySide> {
  const ns = envList('SKEIN_BENCH_SBS_N', [100, 200]);
  const rounds = envList('SKEIN_BENCH_SBS_ROUNDS', [2])[0];
  const ms = envList('SKEIN_BENCH_SBS_MEASURE_MS', [3000])[0];
  const mediasoup = await loadMediasoup();
  console.log(
    `\nForwarding side by side: one 1 Mbit/s VP8 producer → N WebRTC consumers, ${rounds} ` +
      `rounds alternating; CPU of the whole SFU process tree per packet delivered to the client`,
  );
  const sfus: SfuUnderTest[] = [skeinSfu('thread')];
  if (typeof mediasoup === 'string') console.log(mediasoup);
  else {
    sfus.push({
      name: `mediasoup ${mediasoup.version}`,
      createWorker: mediasoup.createWorker,
      childProcess: true,
    });
  }
  const steps = new Map<string, StepResult[]>();
  for (let round = 0; round < rounds; round++) {
    for (const sfu of round % 2 === 0 ? sfus : [...sfus].reverse()) {
      steps.set(sfu.name, [...(steps.get(sfu.name) ?? []), ...(await runOne(sfu, ns, ms))]);
    }
  }
  const floor: FloorFigures[] = [];
  if (process.env.SKEIN_BENCH_SBS_FLOOR !== '0') {
    for (const n of ns) floor.push(await measureFloor(n));
  }
  const ratios = new Map<number, number>();
  const rows = [];
  for (const n of ns) {
    const per = (name: string): StepResult[] =>
      (steps.get(name) ?? []).filter((r) => r.consumers === n);
    const skein = per(sfus[0].name);
    const ms3 = sfus[1] ? per(sfus[1].name) : [];
    const floorRow = floor.find((f) => f.consumers === n);
    const row: Record<string, string | number> = { N: n };
    for (const [name, list] of [
      [sfus[0].name, skein],
      [sfus[1]?.name, ms3],
    ] as const) {
      if (!name || list.length === 0) continue;
      row[`${name} µs/pkt (user+sys)`] = list
        .map(
          (r) =>
            `${fmt(treeUs(r), 1)} (${fmt(r.treeUserUsPerPacket, 1)}+${fmt(r.treeSystemUsPerPacket, 1)})`,
        )
        .join(', ');
      row[`${name} loss %`] = list.map((r) => fmt(r.loss * 100, 2)).join(', ');
      row[`${name} latency probe p50/p99 ms`] = list
        .map((r) => `${fmt(r.probeP50Ms, 2)}/${fmt(r.probeP99Ms, 2)}`)
        .join(', ');
      row[`${name} client p50 ms (+ its queueing)`] = list
        .map((r) => fmt(r.latencyP50Ms, 1))
        .join(', ');
      row[`${name} BWE probes pkt/s`] = list.map((r) => fmt(r.clientProbes)).join(', ');
      row[`${name} ok`] = list.map((r) => (sustained(r) ? 'yes' : 'no')).join(', ');
    }
    if (ms3.length > 0) {
      const ratio = median(ms3.map(treeUs)) / median(skein.map(treeUs));
      ratios.set(n, ratio);
      row['Skein / mediasoup pkt per CPU-s'] = ratio.toFixed(2);
    }
    if (floorRow) {
      const f = floorRow.userUsPerPacket + floorRow.systemUsPerPacket;
      row['floor µs/pkt (user+sys)'] =
        `${fmt(f, 1)} (${fmt(floorRow.userUsPerPacket, 1)}+${fmt(floorRow.systemUsPerPacket, 1)})`;
      row['Skein / floor pkt per CPU-s'] = (f / median(skein.map(treeUs))).toFixed(2);
    }
    row['client CPU % (both clients, Skein runs)'] = skein
      .map((r) => fmt(r.clientCpuPct))
      .join(', ');
    rows.push(row);
  }
  console.table(rows);
  printFanOut(
    `${sfus[0].name}: latency probe p50 ms by consumer position (creation order, its fan-out order)`,
    steps.get(sfus[0].name) ?? [],
  );
  console.log(
    'µs/pkt: SFU process tree CPU (this process: control layer + thread worker + V8 helpers; ' +
      'plus the worker process for mediasoup) per packet the load client received, each round ' +
      'listed; floor: SRTP protect + dgram send only (floor.ts). Latency probe: send → receive at a ' +
      'lightly loaded second client (what the SFU added, + loopback and its wake-up); client: ' +
      'at the load client, which also queues N × 100 pkt/s. The machine is shared: compare ' +
      'rounds, not single figures.',
  );
  if (floor.length > 0) printFloor(floor);
  return {
    steps,
    floor,
    ratios,
    skipped: typeof mediasoup === 'string' ? mediasoup : undefined,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runForwardingSideBySide();
}
