/**
 * Runs the videorooms server the way its README says, as a child process:
 * `npm start -- --port 0 ...` from the repository root (npm start builds,
 * then starts dist/examples/videorooms/main.js). Waits for its
 * "videorooms listening on http://HOST:PORT" line; `stop()` ends the whole
 * process group it started (npm, the shell, node, process-mode workers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file with a package.json. */
export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    // dist/ has no package.json; the first one above it is the repository's.
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'examples'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${start}`);
    dir = parent;
  }
}

/** /health as the server reports it (only the fields the tests read). */
export interface Health {
  status: string;
  rooms: number;
  participants: number;
  producers: number;
  consumers: number;
  dataProducers: number;
  dataConsumers: number;
  workerDeaths: number;
  workers: { pid: number; mode: string; routers: number; rooms: string[] }[];
}

export interface VideoroomsServer {
  /** http://HOST:PORT as printed by the server (an any-address host becomes 127.0.0.1). */
  url: string;
  /** The pid of `npm start` (the leader of the process group). */
  pid: number;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** Milliseconds from spawn to the "listening on" line (includes npm run build). */
  startupMs: number;
  health(): Promise<Health>;
  /** /metrics as name{labels} → value. */
  metrics(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

export async function startVideorooms(
  args: string[],
  timeoutMs = 180_000,
): Promise<VideoroomsServer> {
  const started = Date.now();
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: REPO_ROOT,
    detached: true, // its own process group, so stop() reaches every descendant
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "listening on" line after ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /videorooms listening on (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/$/, ''));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited (${code ?? signal}) before listening`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } catch (error) {
    await stopGroup(child, exited);
    throw new Error(`${(error as Error).message}; output:\n${output}`);
  }
  const base = new URL(url);
  if (base.hostname === '0.0.0.0' || base.hostname === '[::]') base.hostname = '127.0.0.1';
  const origin = base.origin;

  return {
    url: origin,
    pid: child.pid!,
    startupMs: Date.now() - started,
    output: () => output,
    async health() {
      const response = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`/health: HTTP ${response.status}`);
      return (await response.json()) as Health;
    },
    async metrics() {
      const response = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`/metrics: HTTP ${response.status}`);
      return parsePrometheus(await response.text());
    },
    stop: () => stopGroup(child, exited),
  };
}

/** SIGTERM to the group, then SIGKILL if it has not exited within 5 s. */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  };
  signalGroup('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000));
  if ((await Promise.race([exited.then(() => 'exited' as const), timeout])) === 'timeout') {
    signalGroup('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  } else {
    // npm may exit before its grandchildren; make sure none is left behind.
    signalGroup('SIGKILL');
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/** Parses Prometheus text exposition: `name{labels} value` lines, comments skipped. */
export function parsePrometheus(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^(\S+?(?:\{[^}]*\})?)\s+(\S+)$/.exec(line.trim());
    if (match) values.set(match[1], Number(match[2]));
  }
  return values;
}
