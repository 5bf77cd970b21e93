/**
 * Worker entry point. The same runtime runs in a `worker_threads` thread
 * (channel over shared memory or a MessagePort, given in workerData) or in a
 * child process (channel over pipes on fds 3 and 4, settings in the
 * environment), like mediasoup's worker binary.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../common/errors.js';
import { WorkerChannel } from '../channel/WorkerChannel.js';
import { createCarrier, type ThreadChannelEnd } from '../channel/carriers/createCarrier.js';
import { PipeCarrier } from '../channel/carriers/PipeCarrier.js';
import type { Carrier } from '../channel/carriers/Carrier.js';
import { WORKER_HANDLER_ID, WorkerRuntime } from './WorkerRuntime.js';
import { validateRuntimeSettings } from './settings.js';

/** Exit code of a worker whose settings were refused (mediasoup uses 42 too). */
export const SETTINGS_ERROR_EXIT_CODE = 42;

interface ThreadWorkerData {
  settings: unknown;
  channel: ThreadChannelEnd;
}

/**
 * Signals a process-mode worker ignores, as mediasoup's worker does: a
 * terminal hang-up or a stray signal to the process group must not end the
 * media plane (the control process ends a worker with SIGTERM or by closing
 * its channel). A listener also keeps SIGUSR1 from opening the inspector.
 */
const IGNORED_SIGNALS: NodeJS.Signals[] = ['SIGPIPE', 'SIGHUP', 'SIGALRM', 'SIGUSR1', 'SIGUSR2'];

function ignoreSignals(): void {
  for (const signal of IGNORED_SIGNALS) process.on(signal, () => undefined);
}

function main(): void {
  const threadMode = !isMainThread;
  let carrier: Carrier;
  let settings: unknown;
  if (threadMode) {
    const data = workerData as ThreadWorkerData;
    carrier = createCarrier(data.channel);
    settings = data.settings;
    // The parent port keeps this thread's event loop alive (a pending
    // Atomics.waitAsync does not) and would carry a shutdown word.
    parentPort!.on('message', () => undefined);
  } else {
    const pipes = PipeCarrier.fromDescriptors(3, 4);
    // The control process went away: nothing left to serve.
    pipes.onInputClose(() => process.exit(0));
    carrier = pipes;
    ignoreSignals();
    settings = JSON.parse(process.env.SKEIN_WORKER_SETTINGS ?? '{}');
  }
  const channel = new WorkerChannel(carrier);
  const fail = (error: unknown): void => {
    channel.notify(WORKER_HANDLER_ID, 'startupError', serializeError(error));
    // Let the notification leave before exiting.
    setTimeout(() => process.exit(SETTINGS_ERROR_EXIT_CODE), 50);
  };
  let validated;
  try {
    validated = validateRuntimeSettings(settings);
  } catch (error) {
    fail(error);
    return;
  }
  WorkerRuntime.create(channel, validated, { threadMode }).then((runtime) => runtime.start(), fail);
}

main();
