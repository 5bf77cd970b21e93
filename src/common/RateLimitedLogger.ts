/**
 * A Logger that writes at most one line per kind per interval, so input a peer controls
 * cannot flood the log. The next line of a kind says how many were suppressed before it.
 * Kinds should be a small fixed set (the map holds one entry per kind).
 */
import type { Logger } from './Logger.js';

const DEFAULT_INTERVAL_MS = 10_000;

export class RateLimitedLogger {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #kinds = new Map<string, { lastMs: number; suppressed: number }>();

  constructor(logger: Logger, intervalMs = DEFAULT_INTERVAL_MS) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  warn(kind: string, log: string): void {
    const line = this.#admit(kind, log);
    if (line !== undefined) this.#logger.warn(line);
  }

  error(kind: string, log: string, error?: Error): void {
    const line = this.#admit(kind, log);
    if (line !== undefined) this.#logger.error(line, error);
  }

  /** The line to write now, or undefined while this kind is quiet. */
  #admit(kind: string, log: string): string | undefined {
    const nowMs = performance.now();
    const state = this.#kinds.get(kind);
    if (!state) {
      this.#kinds.set(kind, { lastMs: nowMs, suppressed: 0 });
      return log;
    }
    if (nowMs - state.lastMs < this.#intervalMs) {
      state.suppressed++;
      return undefined;
    }
    const suppressed = state.suppressed;
    state.lastMs = nowMs;
    state.suppressed = 0;
    return suppressed > 0 ? `${log} (${suppressed} more like it suppressed)` : log;
  }
}
