/**
 * Worker: one media worker running in its own thread (default) or child
 * process, with mediasoup v3's Worker semantics.
 */
import { randomUUID } from 'node:crypto';
import { checkRequestList } from '../channel/limits.js';
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError } from '../common/errors.js';
import { cloneJsonInput } from '../common/jsonInput.js';
import { Logger } from '../common/Logger.js';
import type { WorkerExit, WorkerHost, WorkerMode } from '../channel/hosts/WorkerHost.js';
import type { WorkerLogLevel, WorkerLogTag } from '../worker/settings.js';
import { validateLogSettings } from '../worker/settings.js';
import type { WorkerResourceUsage } from '../worker/resourceUsage.js';
import type { WorkerHeap } from '../worker/debugHeap.js';
import type { Channel } from '../channel/Channel.js';
import { generateRouterRtpCapabilities } from '../ortc/index.js';
import type { RouterRtpCodecCapability } from '../ortc/index.js';
import { Router } from './Router.js';
import { WebRtcServer, type WebRtcServerOptions } from './WebRtcServer.js';
import { listenInfoToWire } from './WebRtcTransport.js';
import { assertAppData, type AppData } from './appData.js';

const logger = new Logger('Worker');

/** How long a closing thread worker may take to close its sockets before it is terminated. */
const CLOSE_TIMEOUT_MS = 1000;

export type { WorkerLogLevel, WorkerLogTag, WorkerResourceUsage, WorkerMode };

export interface WorkerSettings<WorkerAppData extends AppData = AppData> {
  logLevel?: WorkerLogLevel;
  logTags?: WorkerLogTag[];
  rtcMinPort?: number;
  rtcMaxPort?: number;
  dtlsCertificateFile?: string;
  dtlsPrivateKeyFile?: string;
  /** Accepted for mediasoup compatibility; Skein has no libwebrtc. */
  libwebrtcFieldTrials?: string;
  /** Accepted for mediasoup compatibility; Skein does not use io_uring. */
  disableLiburing?: boolean;
  appData?: WorkerAppData;
  /** Where the worker runs: a `worker_threads` thread (default) or a child process. */
  mode?: WorkerMode;
  /** Heap limit of the worker in MiB; exceeding it kills only this worker. */
  memoryLimitMb?: number;
}

export type WorkerUpdateableSettings = Pick<WorkerSettings, 'logLevel' | 'logTags'>;

export interface RouterOptions<RouterAppData extends AppData = AppData> {
  mediaCodecs?: RouterRtpCodecCapability[];
  appData?: RouterAppData;
}

export interface WorkerDump {
  pid: number;
  webRtcServerIds: string[];
  routerIds: string[];
  channelMessageHandlers: {
    channelRequestHandlers: string[];
    channelNotificationHandlers: string[];
  };
  /** Skein extension: channel frames and notifications the worker dropped (over the limits). */
  channelDrops: { frames: number; notifications: number };
}

export type WorkerEvents = {
  died: [Error];
  subprocessclose: [];
  listenererror: [string, Error];
};

export type WorkerObserverEvents = {
  close: [];
  newrouter: [Router];
  newwebrtcserver: [WebRtcServer];
};

const WORKER_HANDLER_ID = 'worker';

/** Set by Worker's static block: lets the test helpers below reach a worker's host. */
let hostOf: (worker: Worker) => WorkerHost;

export class Worker<
  WorkerAppData extends AppData = AppData,
> extends EnhancedEventEmitter<WorkerEvents> {
  readonly #host: WorkerHost;
  readonly #routers = new Set<Router>();
  readonly #webRtcServers = new Set<WebRtcServer>();
  readonly #observer = new EnhancedEventEmitter<WorkerObserverEvents>();
  #appData: WorkerAppData;
  #closed = false;
  #died = false;
  #subprocessClosed = false;

  static {
    hostOf = (worker) => worker.#host;
  }

  /** @internal Use createWorker(). */
  constructor({ host, appData }: { host: WorkerHost; appData?: WorkerAppData }) {
    super();
    this.#host = host;
    this.#appData = appData ?? ({} as WorkerAppData);
    host.channel.onNotification(WORKER_HANDLER_ID, (event, data) =>
      this.#onNotification(event, data),
    );
    host.onExit((exit) => this.#onExit(exit));
  }

  /** The OS process id the worker runs in (the host process's in thread mode). */
  get pid(): number {
    return this.#host.pid;
  }

  /** The worker thread's id in thread mode; undefined in process mode. */
  get threadId(): number | undefined {
    return this.#host.threadId;
  }

  get mode(): WorkerMode {
    return this.#host.mode;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get died(): boolean {
    return this.#died;
  }

  get subprocessClosed(): boolean {
    return this.#subprocessClosed;
  }

  get appData(): WorkerAppData {
    return this.#appData;
  }

  set appData(appData: WorkerAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<WorkerObserverEvents> {
    return this.#observer;
  }

  /** @internal The routers alive on this worker (for tests and dumps). */
  get routersForTesting(): ReadonlySet<Router> {
    return this.#routers;
  }

  close(): void {
    if (this.#closed) return;
    logger.debug('close()');
    this.#closed = true;
    const host = this.#host;
    if (host.mode === 'thread') {
      // Terminating a thread while its sockets receive can abort Node 20 in UDPWrap::OnRecv
      // (seen with pipes between workers): the worker closes them first, then it ends.
      host.channel.closeAfter('worker.close', CLOSE_TIMEOUT_MS, () => host.terminate());
    } else {
      host.channel.close();
      host.terminate();
    }
    this.#closeRouters();
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<WorkerDump> {
    return (await this.#request('worker.dump')) as WorkerDump;
  }

  async getResourceUsage(): Promise<WorkerResourceUsage> {
    return (await this.#request('worker.getResourceUsage')) as WorkerResourceUsage;
  }

  async updateSettings({ logLevel, logTags }: WorkerUpdateableSettings = {}): Promise<void> {
    validateLogSettings({ logLevel, logTags });
    await this.#request('worker.updateSettings', { logLevel, logTags });
  }

  async createRouter<RouterAppData extends AppData = AppData>({
    mediaCodecs,
    appData,
  }: RouterOptions<RouterAppData> = {}): Promise<Router<RouterAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    assertAppData(appData);
    if (mediaCodecs !== undefined && !Array.isArray(mediaCodecs)) {
      throw new TypeError('mediaCodecs must be an array');
    }
    // Generated before the request: invalid codecs never reach the worker.
    const rtpCapabilities = generateRouterRtpCapabilities(
      cloneJsonInput(mediaCodecs ?? [], 'mediaCodecs') as RouterRtpCodecCapability[],
    );
    const routerId = randomUUID();
    await this.#request('worker.createRouter', {
      routerId,
      headerExtensions: (rtpCapabilities.headerExtensions ?? []).map(
        ({ kind, uri, preferredId }) => ({ kind, uri, preferredId }),
      ),
    });
    const router = new Router<RouterAppData>({
      routerId,
      rtpCapabilities,
      channel: this.#host.channel,
      appData,
    });
    this.#routers.add(router);
    router.on('@close', () => this.#routers.delete(router as Router));
    this.#observer.safeEmit('newrouter', router);
    return router;
  }

  async createWebRtcServer<WebRtcServerAppData extends AppData = AppData>({
    listenInfos,
    appData,
  }: WebRtcServerOptions<WebRtcServerAppData>): Promise<WebRtcServer<WebRtcServerAppData>> {
    if (this.#closed) throw new InvalidStateError('closed');
    checkRequestList(listenInfos, 'listenInfos');
    if (listenInfos.length === 0) {
      throw new TypeError('listenInfos must be a non-empty array');
    }
    assertAppData(appData);
    const webRtcServerId = randomUUID();
    await this.#request('worker.createWebRtcServer', {
      webRtcServerId,
      listenInfos: listenInfos.map(listenInfoToWire),
    });
    const server = new WebRtcServer<WebRtcServerAppData>({
      id: webRtcServerId,
      channel: this.#host.channel,
      appData,
    });
    const base = server as unknown as WebRtcServer;
    this.#webRtcServers.add(base);
    server.on('@close', () => this.#webRtcServers.delete(base));
    this.#observer.safeEmit('newwebrtcserver', base);
    return server;
  }

  /** @internal Crash the worker on purpose (isolation tests; needs SKEIN_ENABLE_CRASH_REQUESTS=1). */
  async crashForTesting(how: 'throw' | 'exit' | 'oom'): Promise<void> {
    await this.#request('worker.debugCrash', { how });
  }

  async #request(method: string, data?: unknown): Promise<unknown> {
    if (this.#closed) throw new InvalidStateError('closed');
    return this.#host.channel.request(method, undefined, data);
  }

  #closeRouters(): void {
    for (const router of this.#routers) router.workerClosed();
    this.#routers.clear();
    for (const server of this.#webRtcServers) server.workerClosed();
    this.#webRtcServers.clear();
  }

  #onNotification(event: string, data: unknown): void {
    if (event !== 'log' || typeof data !== 'object' || data === null) return;
    const { level, namespace, text } = data as { level: string; namespace: string; text: string };
    const line = `[${namespace}] ${text}`;
    if (level === 'error') logger.error(line);
    else if (level === 'warn') logger.warn(line);
    else logger.debug(line);
  }

  #onExit(exit: WorkerExit): void {
    this.#subprocessClosed = true;
    if (!this.#closed) {
      this.#closed = true;
      this.#died = true;
      const reason = describeExit(this.#host, exit);
      logger.error(`worker died: ${reason.message}`);
      this.#closeRouters();
      this.safeEmit('died', reason);
      this.#observer.safeEmit('close');
    }
    this.safeEmit('subprocessclose');
  }
}

/**
 * @internal Not part of mediasoup's API (tests and benches only): the worker's
 * heap after a full garbage collection it is made to run.
 */
export async function workerHeapForTesting(worker: Worker): Promise<WorkerHeap> {
  if (worker.closed) throw new InvalidStateError('closed');
  return (await hostOf(worker).channel.request('worker.debugHeap')) as WorkerHeap;
}

/** @internal Not part of mediasoup's API: the worker's channel, for leak checks on the host side. */
export function workerChannelForTesting(worker: Worker): Channel {
  return hostOf(worker).channel;
}

function describeExit(host: WorkerHost, exit: WorkerExit): Error {
  const where =
    host.mode === 'thread' ? `thread [threadId:${host.threadId}]` : `process [pid:${host.pid}]`;
  const details = [`code:${exit.code}`];
  if (exit.signal) details.push(`signal:${exit.signal}`);
  const cause = exit.error ? `: ${exit.error.message}` : '';
  const error = new Error(`worker ${where} died unexpectedly [${details.join(', ')}]${cause}`);
  if (exit.error) error.cause = exit.error;
  return error;
}
