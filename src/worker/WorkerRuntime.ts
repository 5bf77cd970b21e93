/**
 * The worker runtime: dispatches each request to the entity it addresses
 * (`handlerId`) or to the worker itself, and owns every entity it creates.
 * Every request's data is validated here: bad input gets a typed error back,
 * never a dead worker.
 */
import { InvalidStateError } from '../common/errors.js';
import { setLogEventListeners } from '../common/Logger.js';
import type { WorkerChannel } from '../channel/WorkerChannel.js';
import type { NotificationMessage, RequestMessage } from '../channel/messages.js';
import { getWorkerDtlsCertificate, type DtlsCertificate } from '../rtc/dtls/certificate.js';
import { warmUpDtls } from '../rtc/dtls/warmUp.js';
import { createDtlsSessionFactory } from '../rtc/webrtc/dtlsFactory.js';
import type { RouterHeaderExtension } from '../rtc/Router.js';
import { WebRtcServer } from '../rtc/webrtc/WebRtcServer.js';
import type { Handler } from './handlers/Handler.js';
import { RouterHandler } from './handlers/RouterHandler.js';
import { validateListenInfo } from './handlers/transportFactory.js';
import { getResourceUsage } from './resourceUsage.js';
import { validateLogSettings, type RuntimeSettings, type WorkerLogLevel } from './settings.js';
import { debugCrash } from './debugCrash.js';
import { debugHeap } from './debugHeap.js';
import { asObject, optionalNumber, requireArray, requireId } from './validate.js';
import type { WorkerContext } from './WorkerContext.js';
import { MAX_STRING_LENGTH } from '../ortc/index.js';

/** The handler id under which the worker itself sends notifications. */
export const WORKER_HANDLER_ID = 'worker';

const LEVEL_ORDER: Record<WorkerLogLevel, number> = { debug: 0, warn: 1, error: 2, none: 3 };

export interface RuntimeOptions {
  threadMode: boolean;
}

export class WorkerRuntime {
  readonly #channel: WorkerChannel;
  readonly #settings: RuntimeSettings;
  readonly #threadMode: boolean;
  readonly #routers = new Map<string, RouterHandler>();
  readonly #webRtcServers = new Map<string, WebRtcServer>();
  readonly #handlers = new Map<string, Handler>();
  #context!: WorkerContext;
  #closed = false;

  private constructor(channel: WorkerChannel, settings: RuntimeSettings, options: RuntimeOptions) {
    this.#channel = channel;
    this.#settings = settings;
    this.#threadMode = options.threadMode;
    this.#installLogForwarding();
  }

  /** Loads (or creates) the worker's DTLS certificate before serving requests. */
  static async create(
    channel: WorkerChannel,
    settings: RuntimeSettings,
    options: RuntimeOptions,
  ): Promise<WorkerRuntime> {
    const runtime = new WorkerRuntime(channel, settings, options);
    const certificate = await getWorkerDtlsCertificate(settings);
    runtime.#context = runtime.#createContext(certificate);
    // The first handshake in a process is several times slower than the next
    // ones (JIT, key setup): pay it now, before a browser is waiting on it.
    setImmediate(() => {
      warmUpDtls(certificate).catch(() => undefined);
    });
    return runtime;
  }

  start(): void {
    this.#channel.start(
      (request) => this.#handle(request),
      (notification) => this.#handleNotification(notification),
    );
    this.#channel.notify(WORKER_HANDLER_ID, 'running', { pid: process.pid });
  }

  #createContext(certificate: DtlsCertificate): WorkerContext {
    return {
      notify: (handlerId, event, data, payload) =>
        this.#channel.notify(handlerId, event, data, payload),
      registerHandler: (id, handler) => {
        if (this.#handlers.has(id)) throw new TypeError(`an entity with id '${id}' already exists`);
        this.#handlers.set(id, handler);
      },
      unregisterHandler: (id) => this.#handlers.delete(id),
      portRange: { min: this.#settings.rtcMinPort, max: this.#settings.rtcMaxPort },
      dtlsFactory: createDtlsSessionFactory(certificate),
      fingerprints: [...certificate.fingerprints],
      getWebRtcServer: (id) => this.#webRtcServers.get(id),
    };
  }

  #handle(request: RequestMessage): unknown {
    if (this.#closed) throw new InvalidStateError('worker closed');
    if (request.handlerId !== undefined) {
      const handler = this.#handlers.get(request.handlerId);
      if (!handler) {
        throw new InvalidStateError(
          `no entity with id '${request.handlerId}' [method:${request.method}]`,
        );
      }
      return handler.handleRequest(request.method, request.data, request.payload);
    }
    return this.#handleWorkerRequest(request.method, request.data);
  }

  /** As mediasoup's worker: a notification for an entity that is gone is ignored. */
  #handleNotification(notification: NotificationMessage): void {
    if (this.#closed) return;
    const { handlerId, event, data, payload } = notification;
    if (handlerId === '') {
      // Echoes a payload back: what the payload channel benchmark measures.
      if (event === 'worker.echo') this.#channel.notify(WORKER_HANDLER_ID, 'echo', data, payload);
      return;
    }
    this.#handlers.get(handlerId)?.handleNotification?.(event, data, payload);
  }

  #handleWorkerRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'worker.ping':
        // A no-op: what the channel benchmark measures.
        return undefined;
      case 'worker.dump':
        return this.#dump();
      case 'worker.getResourceUsage':
        return getResourceUsage(this.#threadMode);
      case 'worker.updateSettings': {
        const settings = asObject(data, 'settings');
        validateLogSettings(settings);
        if (settings.logLevel !== undefined) {
          this.#settings.logLevel = settings.logLevel as WorkerLogLevel;
        }
        if (settings.logTags !== undefined) {
          this.#settings.logTags = settings.logTags as RuntimeSettings['logTags'];
        }
        return undefined;
      }
      case 'worker.createRouter': {
        const d = asObject(data, 'data');
        const routerId = requireId(d.routerId, 'routerId');
        const headerExtensions = validateRouterHeaderExtensions(d.headerExtensions);
        if (this.#handlers.has(routerId)) {
          throw new TypeError(`an entity with id '${routerId}' already exists`);
        }
        const router = new RouterHandler(routerId, headerExtensions, this.#context);
        this.#routers.set(routerId, router);
        this.#handlers.set(routerId, router);
        return undefined;
      }
      case 'worker.closeRouter': {
        const routerId = requireId(asObject(data, 'data').routerId, 'routerId');
        const router = this.#routers.get(routerId);
        if (!router) throw new InvalidStateError(`Router not found [routerId:${routerId}]`);
        router.close();
        this.#routers.delete(routerId);
        this.#handlers.delete(routerId);
        return undefined;
      }
      case 'worker.createWebRtcServer':
        return this.#createWebRtcServer(data);
      case 'worker.closeWebRtcServer': {
        const id = requireId(asObject(data, 'data').webRtcServerId, 'webRtcServerId');
        const server = this.#webRtcServers.get(id);
        if (!server) throw new InvalidStateError(`WebRtcServer not found [id:${id}]`);
        this.#closeWebRtcServer(server);
        return undefined;
      }
      case 'worker.close':
        this.#close();
        return undefined;
      case 'worker.debugCrash':
        return debugCrash(asObject(data, 'data').how);
      case 'worker.debugHeap':
        return debugHeap();
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  async #createWebRtcServer(data: unknown): Promise<unknown> {
    const d = asObject(data, 'data');
    const id = requireId(d.webRtcServerId, 'webRtcServerId');
    if (this.#handlers.has(id) || this.#webRtcServers.has(id)) {
      throw new TypeError(`an entity with id '${id}' already exists`);
    }
    const infos = requireArray(d.listenInfos, 'listenInfos').map((v, i) =>
      validateListenInfo(v, `listenInfos[${i}]`),
    );
    if (infos.length === 0) throw new TypeError('listenInfos must not be empty');
    const server = await WebRtcServer.create(id, infos, this.#context.portRange);
    this.#webRtcServers.set(id, server);
    this.#handlers.set(id, {
      handleRequest: (method: string) => {
        if (method !== 'webRtcServer.dump') throw new TypeError(`unknown method '${method}'`);
        return {
          id,
          udpSockets: server.listeners
            .filter((_l, i) => infos[i].protocol === 'udp')
            .map((l) => ({ ip: l.localAddress, port: l.localPort })),
          tcpServers: server.listeners
            .filter((_l, i) => infos[i].protocol === 'tcp')
            .map((l) => ({ ip: l.localAddress, port: l.localPort })),
          webRtcTransportIds: server.transportIds,
          localIceUsernameFragments: server.usernameFragments,
          tupleHashes: [],
          // Skein extension: exceptions contained while demultiplexing, by entry kind.
          faults: { ...server.faults },
        };
      },
    });
    return {
      listeners: server.listeners.map((l, i) => ({
        protocol: infos[i].protocol,
        port: l.localPort,
      })),
    };
  }

  #closeWebRtcServer(server: WebRtcServer): void {
    const transportIds = new Set(server.close().map((t) => t.id));
    for (const router of this.#routers.values()) router.closeTransportsOf(transportIds);
    this.#webRtcServers.delete(server.id);
    this.#handlers.delete(server.id);
  }

  #dump(): unknown {
    return {
      pid: process.pid,
      webRtcServerIds: [...this.#webRtcServers.keys()],
      routerIds: [...this.#routers.keys()],
      channelMessageHandlers: {
        channelRequestHandlers: [...this.#handlers.keys()],
        channelNotificationHandlers: [],
      },
      // Skein extension: channel input dropped (undecodable or over the limits), never fatal.
      channelDrops: this.#channel.drops,
    };
  }

  #close(): void {
    if (this.#closed) return;
    for (const router of this.#routers.values()) router.close();
    for (const server of this.#webRtcServers.values()) server.close();
    this.#routers.clear();
    this.#webRtcServers.clear();
    this.#handlers.clear();
    this.#closed = true;
  }

  /** Worker-side logs travel to the host as notifications, filtered by logLevel. */
  #installLogForwarding(): void {
    const send = (level: WorkerLogLevel, namespace: string, text: string): void => {
      if (LEVEL_ORDER[level] < LEVEL_ORDER[this.#settings.logLevel]) return;
      this.#channel.notify(WORKER_HANDLER_ID, 'log', { level, namespace, text });
    };
    setLogEventListeners({
      ondebug: (namespace, text) => send('debug', namespace, text),
      onwarn: (namespace, text) => send('warn', namespace, text),
      onerror: (namespace, text) => send('error', namespace, text),
    });
  }
}

function validateRouterHeaderExtensions(value: unknown): RouterHeaderExtension[] {
  if (value === undefined) return [];
  return requireArray(value, 'headerExtensions').map((v, i) => {
    const ext = asObject(v, `headerExtensions[${i}]`);
    if (ext.kind !== 'audio' && ext.kind !== 'video') throw new TypeError('bad extension kind');
    if (typeof ext.uri !== 'string' || ext.uri.length > MAX_STRING_LENGTH) {
      throw new TypeError('bad extension uri');
    }
    const preferredId = optionalNumber(ext.preferredId, 'preferredId', -1, 1, 255);
    if (preferredId < 1) throw new TypeError('bad extension preferredId');
    return { kind: ext.kind, uri: ext.uri, preferredId };
  });
}
