/**
 * A running worker as the control layer sees it: a channel, an identity and
 * a way to learn that it stopped. Thread and process hosts differ only here.
 */
import type { Channel } from '../Channel.js';
import type { Carrier } from '../carriers/Carrier.js';

export type WorkerMode = 'thread' | 'process';

/** Why a worker stopped without being asked to. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export interface WorkerHost {
  readonly mode: WorkerMode;
  /** The OS process the worker runs in (the host's own pid in thread mode). */
  readonly pid: number;
  /** The worker thread's id in thread mode. */
  readonly threadId: number | undefined;
  readonly channel: Channel;
  /** The raw carrier under the channel (tests use it to send malformed frames). */
  readonly carrier: Carrier;
  /** Called once, when the thread or process has ended. */
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Stops the worker now. */
  terminate(): void;
}

export interface SpawnOptions {
  settings: unknown;
  /** Heap limit for the worker in MiB (thread: resourceLimits; process: --max-old-space-size). */
  memoryLimitMb?: number;
}

/**
 * The host polls this long for a response that is due before it sleeps (one poll per
 * macrotask that sent requests): it saves the worker's wake-up signal (thread: Atomics.notify;
 * process: the pipe's readiness) and the host's wake-up.
 */
export const HOST_RESPONSE_SPIN_MICROS = 30;

/** The worker entry point, next to this file once built. */
export const WORKER_MAIN = new URL('../../worker/main.js', import.meta.url);
