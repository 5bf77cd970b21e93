/**
 * `npm run soak`: rooms of synthetic peers (the bench's load client: ICE,
 * DTLS, SRTP, a VP8-like stream each) join and leave videorooms through its
 * WebSocket signaling for `--minutes` (default 20), while the server's RSS and
 * heap, and each media worker's heap, are printed every `--interval` seconds
 * and compared at the end (idle before the peers, loaded, idle after).
 * Bounded: peers stop joining at the deadline; every request has a timeout.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadClient } from '../loadClient/LoadClient.js';
import type { DtlsFingerprint } from '../../src/rtc/dtls/index.js';
import type { MemorySample } from './messages.js';
import { SOAK_HELP, parseSoakOptions, type SoakOptions } from './options.js';
import { Peer } from './Peer.js';
import { intervalLine, mib, summaryTable, type Counters } from './report.js';
import { ServerProcess } from './ServerProcess.js';

/** After the deadline, how long the last peers and rooms get to go away. */
const DRAIN_TIMEOUT_MS = 30_000;
const LEAVE_TIMEOUT_MS = 60_000;

/** Aborted at the deadline or on SIGINT: every waiting slot wakes up and leaves. */
const stopping = new AbortController();
setMaxListeners(1000, stopping.signal);

function pause(ms: number): Promise<void> {
  return sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);
}

let options: SoakOptions | 'help';
try {
  options = parseSoakOptions(process.argv.slice(2));
} catch (error) {
  console.error(`soak: ${(error as Error).message}\n\n${SOAK_HELP}`);
  process.exit(2);
}
if (options === 'help') {
  console.log(SOAK_HELP);
  process.exit(0);
}
const o = options;

const counters: Counters = {
  joins: 0,
  leaves: 0,
  joinErrors: 0,
  otherErrors: 0,
  races: 0,
  received: 0,
};
const errorKinds = new Map<string, number>();
let receiversChecked = 0;
let receiversWithoutMedia = 0;
let nextSsrc = 0x10000000;
let nextName = 0;

function countError(message: string): void {
  const kind = message.replace(/[0-9a-f-]{36}/g, '<id>').slice(0, 120);
  errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
}

async function leave(peer: Peer): Promise<void> {
  const { received, mediaDue } = await peer.leave();
  counters.leaves++;
  counters.received += received;
  counters.otherErrors += peer.errors.length;
  counters.races += peer.races;
  for (const e of peer.errors) countError(e);
  if (mediaDue) {
    receiversChecked++;
    if (received === 0) receiversWithoutMedia++;
  }
}

/** One place in one room: a peer that stays a while, then a new one joins before it leaves. */
async function slot(
  server: ServerProcess,
  client: LoadClient,
  fingerprints: DtlsFingerprint[],
  room: number,
  startedAt: number,
  deadline: number,
): Promise<void> {
  await pause(Math.random() * 5000);
  let current: Peer | undefined;
  const running = (): boolean =>
    Date.now() < deadline && !stopping.signal.aborted && server.exit === undefined;
  while (running()) {
    const generation = Math.floor((Date.now() - startedAt) / (o.rotateSeconds * 1000));
    let next: Peer | undefined;
    try {
      next = await Peer.join({
        url: server.url,
        roomId: `soak-${room}-${generation}`,
        name: `peer-${nextName++}`,
        ssrc: (nextSsrc += 2),
        client,
        fingerprints,
      });
      counters.joins++;
    } catch (error) {
      counters.joinErrors++;
      countError(error instanceof Error ? error.message : String(error));
    }
    // Join first, then leave: a room only empties when its generation ends.
    if (current && (next || !running())) {
      await leave(current);
      current = undefined;
    }
    current ??= next;
    if (!next) {
      await pause(1000);
      continue;
    }
    const life = o.minLifeSeconds + Math.random() * (o.maxLifeSeconds - o.minLifeSeconds);
    await pause(life * 1000);
  }
  if (current) await leave(current);
}

async function receivedSoFar(client: LoadClient): Promise<number> {
  const snapshot = await client.snapshot().catch(() => undefined);
  let live = 0;
  for (const r of Object.values(snapshot?.receivers ?? {})) live += r.received;
  return counters.received + live;
}

async function main(): Promise<number> {
  console.log(
    `soak: ${o.minutes} min, ${o.rooms} rooms x ${o.peersPerRoom} peers, ` +
      `${o.workers} ${o.workerMode} workers, peers stay ${o.minLifeSeconds}-${o.maxLifeSeconds} s, ` +
      `rooms renewed every ${o.rotateSeconds} s`,
  );
  const server = await ServerProcess.start([
    '--workers',
    String(o.workers),
    '--worker-mode',
    o.workerMode,
  ]);
  const client = new LoadClient();
  try {
    const fingerprints = await client.init();
    const idleStart = await server.memory();
    console.log(`server ${server.url} (pid ${server.pid}), load client pid ${client.pid}`);
    console.log(intervalLine(0, idleStart, counters));

    const startedAt = Date.now();
    const deadline = startedAt + o.minutes * 60_000;
    process.once('SIGINT', () => {
      console.log('soak: interrupted, draining');
      stopping.abort();
    });
    const slots: Promise<void>[] = [];
    for (let r = 0; r < o.rooms; r++) {
      for (let p = 0; p < o.peersPerRoom; p++) {
        slots.push(slot(server, client, fingerprints, r, startedAt, deadline));
      }
    }
    const loaded: MemorySample[] = [];
    for (;;) {
      await pause(Math.max(0, Math.min(o.intervalSeconds * 1000, deadline - Date.now())));
      if (Date.now() >= deadline || stopping.signal.aborted || server.exit) break;
      const sample = await server.memory();
      loaded.push(sample);
      const received = await receivedSoFar(client);
      console.log(intervalLine(Date.now() - startedAt, sample, { ...counters, received }));
    }
    stopping.abort();
    await Promise.race([Promise.all(slots), sleep(LEAVE_TIMEOUT_MS)]);

    let idleEnd = await server.memory();
    const drainUntil = Date.now() + DRAIN_TIMEOUT_MS;
    while ((idleEnd.participants > 0 || idleEnd.rooms > 0) && Date.now() < drainUntil) {
      await sleep(1000);
      idleEnd = await server.memory();
    }
    console.log(intervalLine(Date.now() - startedAt, idleEnd, counters));

    const columns: [string, MemorySample][] = [['idle start', idleStart]];
    if (loaded.length > 0) columns.push(['first loaded', loaded[0]]);
    if (loaded.length > 1) columns.push(['last loaded', loaded[loaded.length - 1]]);
    columns.push(['idle end', idleEnd]);
    console.log(`\nsoak summary (${((Date.now() - startedAt) / 60_000).toFixed(1)} min):`);
    console.log(summaryTable(columns));
    console.log(
      `server RSS ${mib(idleStart.rssBytes)} at start → ${mib(idleEnd.rssBytes)} at end; ` +
        `heap ${mib(idleStart.heapUsedBytes)} → ${mib(idleEnd.heapUsedBytes)}; worker heaps ` +
        idleStart.workers.map((w) => mib(w.heapUsedBytes)).join(', ') +
        ' → ' +
        idleEnd.workers.map((w) => mib(w.heapUsedBytes)).join(', '),
    );
    console.log(
      `peers joined ${counters.joins}, left ${counters.leaves}; join errors ${counters.joinErrors}, ` +
        `other errors ${counters.otherErrors}; consumes that raced their producer's close ` +
        `${counters.races}; receivers without media ${receiversWithoutMedia} of ` +
        `${receiversChecked}; RTP packets received ${counters.received}; worker deaths ` +
        `${idleEnd.workerDeaths}; rooms left ${idleEnd.rooms}, participants left ${idleEnd.participants}`,
    );
    for (const [kind, n] of errorKinds) console.log(`  error x${n}: ${kind}`);
    const failed =
      idleEnd.workerDeaths > 0 ||
      idleEnd.participants > 0 ||
      idleEnd.rooms > 0 ||
      receiversWithoutMedia > 0 ||
      counters.joinErrors + counters.otherErrors > 0 ||
      counters.joins === 0;
    return failed ? 1 : 0;
  } finally {
    await client.close();
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
