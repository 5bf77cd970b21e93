/**
 * Runs a worker in a child process, the channel on two extra pipes (fd 3:
 * control → worker, fd 4: worker → control), as mediasoup runs its worker.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { Channel } from '../Channel.js';
import { PipeCarrier } from '../carriers/PipeCarrier.js';
import {
  HOST_RESPONSE_SPIN_MICROS,
  WORKER_MAIN,
  type SpawnOptions,
  type WorkerExit,
  type WorkerHost,
} from './WorkerHost.js';

export function spawnProcess(options: SpawnOptions & { responseSpinMicros?: number }): WorkerHost {
  const execArgv = options.memoryLimitMb ? [`--max-old-space-size=${options.memoryLimitMb}`] : [];
  const child = spawn(process.execPath, [...execArgv, fileURLToPath(WORKER_MAIN)], {
    stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'],
    env: { ...process.env, SKEIN_WORKER_SETTINGS: JSON.stringify(options.settings) },
    windowsHide: true,
  });
  const toWorker = child.stdio[3] as Writable;
  const fromWorker = child.stdio[4] as Readable;
  const carrier = new PipeCarrier(fromWorker, toWorker, {
    responsePollMicros: options.responseSpinMicros ?? HOST_RESPONSE_SPIN_MICROS,
  });
  const channel = new Channel(carrier);
  let failure: Error | undefined;
  const listeners: ((exit: WorkerExit) => void)[] = [];
  child.on('error', (error) => {
    failure = error;
  });
  child.on('exit', (code, signal) => {
    channel.close();
    const exit: WorkerExit = { code, signal, error: failure };
    for (const listener of listeners) listener(exit);
  });
  return {
    mode: 'process',
    pid: child.pid ?? -1,
    threadId: undefined,
    channel,
    carrier,
    onExit: (listener) => listeners.push(listener),
    terminate: () => void child.kill('SIGTERM'),
  };
}
