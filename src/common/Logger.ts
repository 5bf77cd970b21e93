/**
 * Logging with mediasoup's shape: a logger per component and one set of
 * process-wide listeners (`setLogEventListeners`). Without listeners, debug is
 * silent and warn/error go to stderr, unless SKEIN_QUIET is set.
 */

export interface LogEventListeners {
  ondebug?: (namespace: string, log: string) => void;
  onwarn?: (namespace: string, log: string) => void;
  onerror?: (namespace: string, log: string, error?: Error) => void;
}

const PREFIX = 'skein';
let listeners: LogEventListeners | undefined;

export function setLogEventListeners(newListeners?: LogEventListeners): void {
  listeners = newListeners;
}

export class Logger {
  readonly #namespace: string;

  constructor(prefix?: string) {
    this.#namespace = prefix ? `${PREFIX}:${prefix}` : PREFIX;
  }

  debug(log: string): void {
    listeners?.ondebug?.(this.#namespace, log);
  }

  warn(log: string): void {
    if (listeners) listeners.onwarn?.(this.#namespace, log);
    else if (!process.env.SKEIN_QUIET) console.warn(`${this.#namespace} WARN ${log}`);
  }

  error(log: string, error?: Error): void {
    if (listeners) listeners.onerror?.(this.#namespace, log, error);
    else if (!process.env.SKEIN_QUIET) console.error(`${this.#namespace} ERROR ${log}`);
  }
}
