/**
 * The soak's server: the videorooms app (examples/videorooms, unmodified) in a
 * process of its own, so the driver's sockets and the load client do not count
 * in its memory. It answers the driver's memory requests with its RSS and heap
 * and each media worker's heap, all after a full garbage collection.
 */
import { readFile } from 'node:fs/promises';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startServer, type RunningServer } from '../../examples/videorooms/server.js';
import { healthJson } from '../../examples/videorooms/metrics.js';
import { parseConfig } from '../../examples/videorooms/config.js';
import { workerHeapForTesting } from '../../src/api/Worker.js';
import { codeSpaceSize } from '../../src/worker/debugHeap.js';
import type { MemorySample, ServerReply, ServerRequest, WorkerMemory } from './messages.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function reply(message: ServerReply): void {
  process.send?.(message);
}

/** A process's resident set from /proc (Linux); undefined elsewhere. */
async function rssOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

async function memory(server: RunningServer): Promise<MemorySample> {
  const workers: WorkerMemory[] = await Promise.all(
    server.workers.workers.map(async ({ worker }) => {
      const heap = await workerHeapForTesting(worker);
      return {
        pid: worker.pid,
        threadId: worker.threadId,
        heapUsedBytes: heap.usedHeapSize,
        codeBytes: heap.codeSize,
        externalBytes: heap.externalMemory,
        rssBytes: worker.mode === 'process' ? await rssOf(worker.pid) : undefined,
      };
    }),
  );
  gc();
  gc();
  const health = await healthJson(server.workers, server.registry);
  return {
    rssBytes: process.memoryUsage.rss(),
    heapUsedBytes: getHeapStatistics().used_heap_size,
    codeBytes: codeSpaceSize(),
    externalBytes: getHeapStatistics().external_memory,
    workers,
    rooms: health.rooms,
    participants: health.participants,
    producers: health.producers,
    consumers: health.consumers,
    workerDeaths: health.workerDeaths,
  };
}

// Flags go through videorooms' own parser, so its defaults apply to the rest.
const config = parseConfig(['--host', '127.0.0.1', '--port', '0', ...process.argv.slice(2)], {});
if (config === 'help') throw new Error('no help here');
const server = await startServer(config);

let closing: Promise<void> | undefined;
const close = (): Promise<void> => (closing ??= server.close());

process.on('message', (request: ServerRequest) => {
  const answer = async (): Promise<ServerReply> => {
    if (request.type === 'memory') {
      return { type: 'memory', rid: request.rid, sample: await memory(server) };
    }
    await close();
    return { type: 'stopped', rid: request.rid };
  };
  answer().then(reply, (error: unknown) =>
    reply({ type: 'error', rid: request.rid, message: String(error) }),
  );
});
// The driver went away: do not outlive it.
process.on('disconnect', () => {
  void close().finally(() => process.exit(0));
});
reply({ type: 'ready', url: server.url });
