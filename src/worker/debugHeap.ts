/**
 * The worker's own heap after a full garbage collection, for the leak tests
 * and the soak bench: what is left is what the worker still holds. Read-only
 * apart from the collection it forces (a pause of a few milliseconds).
 */
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface WorkerHeap {
  /** V8 heap in use after the collection (bytes). */
  usedHeapSize: number;
  totalHeapSize: number;
  /**
   * Part of usedHeapSize that is compiled code: it grows for thousands of
   * iterations as V8 optimizes hot functions, which is not a leak.
   */
  codeSize: number;
  /** Memory held outside the heap by this isolate's objects (Buffers, ArrayBuffers). */
  externalMemory: number;
}

let gc: (() => void) | undefined;

function collectGarbage(): void {
  if (!gc) {
    // A context created after the flag is set gets V8's gc() global.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  // Twice: the first run's finalizers and weak callbacks can free more.
  gc();
  gc();
}

/** Bytes of compiled code in this isolate's heap. */
export function codeSpaceSize(): number {
  let size = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name.startsWith('code_')) size += space.space_used_size;
  }
  return size;
}

export function debugHeap(): WorkerHeap {
  collectGarbage();
  const stats = getHeapStatistics();
  return {
    usedHeapSize: stats.used_heap_size,
    totalHeapSize: stats.total_heap_size,
    codeSize: codeSpaceSize(),
    externalMemory: stats.external_memory,
  };
}
