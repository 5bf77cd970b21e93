/**
 * What the host's bounded poll for a due response (Carrier.expectResponse: the thread worker's
 * ring, the process worker's pipe) buys and costs, on and off alternating: round trip, the
 * host thread's own CPU per request (its /proc schedstat: the worker excluded), how often a poll caught the response, and how
 * long polls held the host's event loop, for a quick request (worker.dump) and a slow one
 * (router.createWebRtcTransport + close, where the poll is mostly wasted).
 */
import { readFileSync } from 'node:fs';

import { spawnProcess } from '../../src/channel/hosts/processHost.js';
import { spawnThread } from '../../src/channel/hosts/threadHost.js';
import type { WorkerHost } from '../../src/channel/hosts/WorkerHost.js';

const settings = { logLevel: 'none', logTags: [], rtcMinPort: 10000, rtcMaxPort: 59999 };

/** This (main) thread's CPU, ns. */
const hostThreadNs = (): number =>
  Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);

async function running(host: WorkerHost): Promise<void> {
  await new Promise<void>((resolve) => {
    host.channel.onNotification('worker', (event) => {
      if (event === 'running') resolve();
    });
  });
}

interface Row {
  worker: 'thread' | 'process';
  poll: string;
  request: string;
  p50: number;
  hostCpuUs: number;
  hits: string;
  heldUs: string;
}

async function one(
  worker: 'thread' | 'process',
  spin: number,
  slow: boolean,
  count: number,
): Promise<Row> {
  const host =
    worker === 'thread'
      ? spawnThread({ settings, carrier: 'ring', responseSpinMicros: spin })
      : spawnProcess({ settings, responseSpinMicros: spin });
  await running(host);
  const routerId = 'bench-router';
  await host.channel.request('worker.createRouter', undefined, { routerId, headerExtensions: [] });
  const run = async (i: number): Promise<void> => {
    if (!slow) {
      await host.channel.request('worker.dump');
      return;
    }
    const transportId = `t${i}`;
    await host.channel.request('router.createWebRtcTransport', routerId, {
      transportId,
      listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      enableUdp: true,
      enableTcp: false,
      preferUdp: false,
      preferTcp: false,
      iceConsentTimeout: 30,
      initialAvailableOutgoingBitrate: 600000,
      enableSctp: false,
    });
    await host.channel.request('router.closeTransport', routerId, { transportId });
  };
  for (let i = 0; i < 200; i++) await run(i);
  const polls = host.carrier.responsePolls ?? { count: 0, hits: 0, micros: 0 };
  const before = { ...polls };
  const samples: number[] = [];
  const cpu0 = hostThreadNs();
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await run(i + 200);
    samples.push((performance.now() - start) * 1000);
  }
  const cpuNs = hostThreadNs() - cpu0;
  const requests = slow ? count * 2 : count;
  host.channel.close();
  host.terminate();
  samples.sort((a, b) => a - b);
  const n = polls.count - before.count;
  return {
    worker,
    poll: spin > 0 ? `${spin} µs` : 'off',
    request: slow ? 'createWebRtcTransport + closeTransport' : 'worker.dump',
    p50: samples[samples.length >> 1] / (slow ? 2 : 1),
    hostCpuUs: cpuNs / 1000 / requests,
    hits: n > 0 ? `${(((polls.hits - before.hits) / n) * 100).toFixed(0)} %` : '–',
    heldUs: n > 0 ? ((polls.micros - before.micros) / n).toFixed(1) : '–',
  };
}

export async function runHostSpinBench(spinMicros: number, rounds = 2): Promise<void> {
  const rows: Row[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const worker of ['thread', 'process'] as const) {
      for (const slow of [false, true]) {
        for (const spin of round % 2 === 0 ? [0, spinMicros] : [spinMicros, 0]) {
          rows.push(await one(worker, spin, slow, slow ? 300 : 2000));
        }
      }
    }
  }
  console.log(
    `\nThe host's poll for a due response: on (${spinMicros} µs) and off, alternating; ` +
      `host CPU is the control thread's own (schedstat)`,
  );
  console.table(
    rows.map((r) => ({
      worker: r.worker,
      poll: r.poll,
      request: r.request,
      'p50 µs per request': r.p50.toFixed(1),
      'host thread CPU µs per request': r.hostCpuUs.toFixed(1),
      'polls that caught the response': r.hits,
      'event loop held per poll, µs': r.heldUs,
    })),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { HOST_RESPONSE_SPIN_MICROS } = await import('../../src/channel/hosts/threadHost.js');
  await runHostSpinBench(HOST_RESPONSE_SPIN_MICROS);
}
