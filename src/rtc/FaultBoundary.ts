/**
 * The last line at each entry into the media plane (a datagram, a TCP frame, a timer, a DTLS
 * callback): an exception while handling one input drops that input, is counted by kind and
 * logged at most once per kind per interval, and the worker goes on. Bounds checks in the
 * code behind it are the first line; a count here is a bug to fix, not a way of working.
 *
 * `run` takes the function, its `this` and two arguments instead of a closure, so the per
 * packet call allocates nothing.
 */
import { Logger } from '../common/Logger.js';
import { RateLimitedLogger } from '../common/RateLimitedLogger.js';

export type FaultKind = 'datagram' | 'tcpFrame' | 'timer' | 'dtls';

export type FaultCounters = Record<FaultKind, number>;

/** One per worker: a flood of faults from many transports still logs once per kind. */
const log = new RateLimitedLogger(new Logger('FaultBoundary'));

export class FaultBoundary {
  readonly counts: FaultCounters = { datagram: 0, tcpFrame: 0, timer: 0, dtls: 0 };
  readonly #owner: string;

  constructor(owner: string) {
    this.#owner = owner;
  }

  /** Calls `fn` on `self` with `a` and `b`; an exception is counted and logged, not rethrown. */
  run<T, A, B>(kind: FaultKind, fn: (this: T, a: A, b: B) => void, self: T, a: A, b: B): void {
    try {
      fn.call(self, a, b);
    } catch (error) {
      this.#fault(kind, error);
    }
  }

  /** A callback (for a timer or an event) running `fn` on `self` inside the boundary. */
  wrap<T>(kind: FaultKind, fn: (this: T) => void, self: T): () => void {
    return () => this.run(kind, fn, self, undefined, undefined);
  }

  /** Counts what an asynchronous path (a rejected promise inside a library) threw. */
  report(kind: FaultKind, error: unknown): void {
    this.#fault(kind, error);
  }

  get total(): number {
    const c = this.counts;
    return c.datagram + c.tcpFrame + c.timer + c.dtls;
  }

  #fault(kind: FaultKind, error: unknown): void {
    this.counts[kind]++;
    const cause = error instanceof Error ? error : new Error(String(error));
    log.error(
      kind,
      `${this.#owner}: exception while handling a ${kind}, input dropped: ${cause.stack ?? cause.message}`,
      cause,
    );
  }
}
