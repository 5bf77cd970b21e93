/**
 * What the leak tests measure: heaps after a full garbage collection (the
 * test process's and the worker's), the notification listeners the host's
 * channel still holds, and whether sampled api objects were collected.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Channel } from '../../src/channel/Channel.js';
import assert from 'node:assert/strict';
import { workerChannelForTesting, workerHeapForTesting } from '../../src/api/Worker.js';
import type { Router, Worker } from '../../src/index.js';
import { codeSpaceSize } from '../../src/worker/debugHeap.js';
import { eventually } from '../api/mediaFixtures.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Used heap of this (the host) process after a full GC, compiled code left out, in bytes. */
export async function hostHeap(): Promise<number> {
  // A macrotask first: WeakRefs created during the current job stay alive until it ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return getHeapStatistics().used_heap_size - codeSpaceSize();
}

export interface Heaps {
  /**
   * The worker's heap after a full GC, compiled code left out (V8 keeps
   * optimizing for thousands of cycles), plus what its Buffers hold outside it.
   */
  worker: number;
  host: number;
}

export async function heaps(worker: Worker): Promise<Heaps> {
  const { usedHeapSize, codeSize, externalMemory } = await workerHeapForTesting(worker);
  return { worker: usedHeapSize - codeSize + externalMemory, host: await hostHeap() };
}

/**
 * No trace of closed entities: no pending request, the worker and the router
 * know only the router, the host channel has no listener left (`live` from
 * countListeners()).
 */
export async function assertNothingLeft(
  worker: Worker,
  router: Router,
  live: Map<string, number>,
): Promise<void> {
  const channel = workerChannelForTesting(worker);
  assert.ok(await eventually(() => channel.pendingCount === 0), 'channel requests still pending');
  const dump = await worker.dump();
  assert.deepEqual(dump.routerIds, [router.id]);
  assert.deepEqual(dump.channelMessageHandlers.channelRequestHandlers, [router.id]);
  const routerDump = await router.dump();
  assert.deepEqual(routerDump.transportIds, []);
  assert.deepEqual(routerDump.mapProducerIdConsumerIds, []);
  assert.deepEqual(routerDump.mapConsumerIdProducerId, []);
  assert.deepEqual([...live.keys()], [], 'notification listeners left on the host channel');
}

/**
 * Counts the notification listeners registered on a channel, per handler id,
 * by wrapping its subscribe/unsubscribe calls (the channel keeps its map private).
 */
export function countListeners(channel: Channel): { live(): Map<string, number> } {
  const live = new Map<string, number>();
  const on = channel.onNotification.bind(channel);
  const off = channel.offNotification.bind(channel);
  channel.onNotification = (handlerId, listener) => {
    live.set(handlerId, (live.get(handlerId) ?? 0) + 1);
    on(handlerId, listener);
  };
  channel.offNotification = (handlerId, listener) => {
    const n = live.get(handlerId) ?? 0;
    if (listener && n > 1) live.set(handlerId, n - 1);
    else live.delete(handlerId);
    off(handlerId, listener);
  };
  return { live: () => live };
}

/** Weak references to a sample of objects: after a GC none may still be reachable. */
export class Sample {
  readonly #refs: { what: string; ref: WeakRef<object> }[] = [];

  add(what: string, object: object): void {
    this.#refs.push({ what, ref: new WeakRef(object) });
  }

  get size(): number {
    return this.#refs.length;
  }

  /** The sampled objects still alive (call after hostHeap(), which collects). */
  alive(): string[] {
    return this.#refs.filter(({ ref }) => ref.deref() !== undefined).map(({ what }) => what);
  }
}

export function perCycle(bytes: number): string {
  return `${Math.round(bytes)} B/cycle`;
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
