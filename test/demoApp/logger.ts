/**
 * The application's logger: quiet unless DEMOAPP_DEBUG=1, and every warning and error kept
 * so a test can show (and assert on) what the application complained about.
 */
const DEBUG = process.env.DEMOAPP_DEBUG === '1';

export const complaints: string[] = [];

export class Logger {
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = `demoApp:${prefix}`;
  }

  debug(message: string, ...args: unknown[]): void {
    if (DEBUG) console.log(this.#prefix, message, ...args);
  }

  info(message: string, ...args: unknown[]): void {
    if (DEBUG) console.log(this.#prefix, message, ...args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.#keep('WARN', message, args);
  }

  error(message: string, ...args: unknown[]): void {
    this.#keep('ERROR', message, args);
  }

  #keep(level: string, message: string, args: unknown[]): void {
    const line = `${level} ${this.#prefix} ${message} ${args.map(describe).join(' ')}`.trim();
    complaints.push(line);
    if (DEBUG) console.warn(line);
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
