/**
 * Runs a worker in a `worker_threads` thread of this process. The channel is
 * a shared-memory ring pair by default (it measured fastest; see the README)
 * or a MessagePort.
 */
import { MessageChannel, Worker as Thread } from 'node:worker_threads';
import { Channel } from '../Channel.js';
import { MessagePortCarrier } from '../carriers/MessagePortCarrier.js';
import { SharedRingCarrier, createSharedRingPair } from '../carriers/SharedRingCarrier.js';
import type { Carrier } from '../carriers/Carrier.js';
import type { ThreadChannelEnd } from '../carriers/createCarrier.js';
import {
  HOST_RESPONSE_SPIN_MICROS,
  WORKER_MAIN,
  type SpawnOptions,
  type WorkerExit,
  type WorkerHost,
} from './WorkerHost.js';

export type ThreadCarrierKind = 'ring' | 'port';

/**
 * The worker's reader polls this long after each burst before sleeping: the
 * next request of a burst then skips a thread wake-up (~20 µs here). It costs
 * at most this much worker CPU per burst of control messages, never the host.
 */
export const WORKER_SPIN_MICROS = 50;

export { HOST_RESPONSE_SPIN_MICROS };

export function spawnThread(
  options: SpawnOptions & {
    carrier?: ThreadCarrierKind;
    spinMicros?: number;
    responseSpinMicros?: number;
  },
): WorkerHost {
  let carrier: Carrier;
  let remote: ThreadChannelEnd;
  const transferList = [];
  if (options.carrier === 'port') {
    const { port1, port2 } = new MessageChannel();
    carrier = new MessagePortCarrier({ kind: 'port', port: port1 });
    remote = { kind: 'port', port: port2 };
    transferList.push(port2);
  } else {
    const [local, other] = createSharedRingPair();
    carrier = new SharedRingCarrier({
      ...local,
      responseSpinMicros: options.responseSpinMicros ?? HOST_RESPONSE_SPIN_MICROS,
    });
    remote = { ...other, spinMicros: options.spinMicros ?? WORKER_SPIN_MICROS };
  }
  const thread = new Thread(WORKER_MAIN, {
    workerData: { settings: options.settings, channel: remote },
    transferList,
    resourceLimits: options.memoryLimitMb
      ? { maxOldGenerationSizeMb: options.memoryLimitMb }
      : undefined,
    // Worker threads inherit process.env as a copy.
    env: process.env,
  });
  const channel = new Channel(carrier);
  let failure: Error | undefined;
  const listeners: ((exit: WorkerExit) => void)[] = [];
  thread.on('error', (error) => {
    failure = error;
  });
  thread.on('exit', (code) => {
    channel.close();
    const exit: WorkerExit = { code, signal: null, error: failure };
    for (const listener of listeners) listener(exit);
  });
  return {
    mode: 'thread',
    pid: process.pid,
    threadId: thread.threadId,
    channel,
    carrier,
    onExit: (listener) => listeners.push(listener),
    terminate: () => void thread.terminate(),
  };
}
