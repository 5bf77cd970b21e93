/**
 * createWorker(): validates the settings, starts the worker in a thread or a
 * child process, and resolves once the worker's runtime reports it is running.
 */
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { deserializeError, type SerializedError } from '../common/errors.js';
import { spawnThread, type ThreadCarrierKind } from '../channel/hosts/threadHost.js';
import { spawnProcess } from '../channel/hosts/processHost.js';
import type { WorkerHost } from '../channel/hosts/WorkerHost.js';
import { validateRuntimeSettings } from '../worker/settings.js';
import { Worker, type WorkerSettings } from './Worker.js';
import { assertAppData, type AppData } from './appData.js';

export type ObserverEvents = {
  newworker: [Worker];
};

/** The module-wide observer: 'newworker' fires for each created Worker. */
export const observer = new EnhancedEventEmitter<ObserverEvents>();

const DEFAULT_MIN_PORT = 10000;
const DEFAULT_MAX_PORT = 59999;

export async function createWorker<WorkerAppData extends AppData = AppData>(
  settings: WorkerSettings<WorkerAppData> = {},
): Promise<Worker<WorkerAppData>> {
  if (typeof settings !== 'object' || settings === null) {
    throw new TypeError('settings must be an object');
  }
  const { mode = 'thread', memoryLimitMb, appData } = settings;
  if (mode !== 'thread' && mode !== 'process') {
    throw new TypeError(`mode must be 'thread' or 'process'`);
  }
  if (memoryLimitMb !== undefined && (!Number.isInteger(memoryLimitMb) || memoryLimitMb < 16)) {
    throw new TypeError('memoryLimitMb must be an integer >= 16');
  }
  assertAppData(appData);
  const runtimeSettings = validateRuntimeSettings({
    logLevel: settings.logLevel,
    logTags: settings.logTags,
    rtcMinPort: portSetting(settings.rtcMinPort) ?? DEFAULT_MIN_PORT,
    rtcMaxPort: portSetting(settings.rtcMaxPort) ?? DEFAULT_MAX_PORT,
    dtlsCertificateFile: settings.dtlsCertificateFile,
    dtlsPrivateKeyFile: settings.dtlsPrivateKeyFile,
  });
  const carrier = (process.env.SKEIN_THREAD_CARRIER as ThreadCarrierKind | undefined) ?? 'ring';
  const host =
    mode === 'thread'
      ? spawnThread({ settings: runtimeSettings, memoryLimitMb, carrier })
      : spawnProcess({ settings: runtimeSettings, memoryLimitMb });
  await waitUntilRunning(host);
  const worker = new Worker<WorkerAppData>({ host, appData });
  observer.safeEmit('newworker', worker);
  return worker;
}

/**
 * mediasoup passes a port setting to its worker only when it is a number and not NaN (an
 * application's `Number(process.env.X)` of an unset variable): otherwise the default holds.
 * Anything else that is given is validated.
 */
function portSetting(value: unknown): unknown {
  return typeof value === 'number' && Number.isNaN(value) ? undefined : value;
}

function waitUntilRunning(host: WorkerHost): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const listener = (event: string, data: unknown): void => {
      if (settled) return;
      if (event === 'running') {
        settled = true;
        host.channel.offNotification('worker', listener);
        resolve();
      } else if (event === 'startupError') {
        settled = true;
        host.channel.offNotification('worker', listener);
        reject(deserializeError(data as SerializedError));
      }
    };
    host.channel.onNotification('worker', listener);
    host.onExit((exit) => {
      if (settled) return;
      settled = true;
      reject(
        new Error(
          `worker failed to start [code:${exit.code}, signal:${exit.signal}]` +
            (exit.error ? `: ${exit.error.message}` : ''),
        ),
      );
    });
  });
}
