/**
 * A child process that cannot outlive its budget: killed (SIGTERM, then SIGKILL) when its time
 * is up, its stderr tail kept for the assertion message. The real peers (ffmpeg, GStreamer)
 * run through this so a stuck tool fails a test instead of hanging the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** How the process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the budget ran out (or stop() was called) and the process had to be killed. */
  killed: boolean;
  /** The last few KB of stderr. */
  stderr: string;
}

export interface BoundedProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<ProcessExit>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<ProcessExit>;
}

const STDERR_TAIL = 4096;
const DEFAULT_GRACE_MS = 1000;

/** Runs `command args` for at most `timeoutMs`. Rejects `exited` only if it cannot be spawned. */
export function runBounded(command: string, args: string[], timeoutMs: number): BoundedProcess {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let killed = false;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });

  const exited = new Promise<ProcessExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(budget);
      clearTimeout(escalation);
      resolve({ code, signal, killed, stderr });
    });
  });

  let escalation: NodeJS.Timeout | undefined;
  const kill = (graceMs: number): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killed = true;
    child.kill('SIGTERM');
    clearTimeout(escalation);
    escalation = setTimeout(() => child.kill('SIGKILL'), graceMs);
  };
  const budget = setTimeout(() => kill(DEFAULT_GRACE_MS), timeoutMs);

  return {
    pid: child.pid,
    exited,
    stop(graceMs = DEFAULT_GRACE_MS) {
      kill(graceMs);
      return exited;
    },
  };
}

/** Describes an exit for an assertion message. */
export function describeExit(name: string, exit: ProcessExit): string {
  const how = exit.killed ? 'killed' : `rc ${exit.code ?? exit.signal}`;
  return `${name} ${how}: ${exit.stderr.trim() || '(no stderr)'}`;
}
