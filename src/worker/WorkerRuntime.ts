/**
 * The worker runtime: dispatches each request to the entity it addresses
 * (`handlerId`) or to the worker itself, and owns every entity it creates.
 * Every request's data is validated here: bad input gets a typed error back,
 * never a dead worker.
 */
import { readFileSync } from 'node:fs';
import { InvalidStateError } from '../common/errors.js';
import { setLogEventListeners } from '../common/Logger.js';
import type { WorkerChannel } from '../channel/WorkerChannel.js';
import type { RequestMessage } from '../channel/messages.js';
import type { Handler } from './handlers/Handler.js';
import { RouterHandler } from './handlers/RouterHandler.js';
import { getResourceUsage } from './resourceUsage.js';
import { validateLogSettings, type RuntimeSettings, type WorkerLogLevel } from './settings.js';
import { debugCrash } from './debugCrash.js';

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
  readonly #handlers = new Map<string, Handler>();
  #closed = false;

  constructor(channel: WorkerChannel, settings: RuntimeSettings, options: RuntimeOptions) {
    this.#channel = channel;
    this.#settings = settings;
    this.#threadMode = options.threadMode;
    this.#loadCertificate();
    this.#installLogForwarding();
  }

  start(): void {
    this.#channel.start((request) => this.#handle(request));
    this.#channel.notify(WORKER_HANDLER_ID, 'running', { pid: process.pid });
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
      return handler.handleRequest(request.method, request.data);
    }
    return this.#handleWorkerRequest(request.method, request.data);
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
        const routerId = requireId(asObject(data, 'data').routerId, 'routerId');
        if (this.#handlers.has(routerId)) {
          throw new TypeError(`an entity with id '${routerId}' already exists`);
        }
        const router = new RouterHandler(routerId);
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
      case 'worker.close':
        this.#close();
        return undefined;
      case 'worker.debugCrash':
        return debugCrash(asObject(data, 'data').how);
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  #dump(): unknown {
    return {
      pid: process.pid,
      webRtcServerIds: [],
      routerIds: [...this.#routers.keys()],
      channelMessageHandlers: {
        channelRequestHandlers: [...this.#handlers.keys()],
        channelNotificationHandlers: [],
      },
    };
  }

  #close(): void {
    if (this.#closed) return;
    for (const router of this.#routers.values()) router.close();
    this.#routers.clear();
    this.#handlers.clear();
    this.#closed = true;
  }

  /** Reads the configured DTLS certificate now, so a bad path fails the start. */
  #loadCertificate(): void {
    const { dtlsCertificateFile, dtlsPrivateKeyFile } = this.#settings;
    if (dtlsCertificateFile && dtlsPrivateKeyFile) {
      readFileSync(dtlsCertificateFile, 'utf8');
      readFileSync(dtlsPrivateKeyFile, 'utf8');
    }
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

function asObject(data: unknown, name: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`${name} must be an object`);
  }
  return data as Record<string, unknown>;
}

function requireId(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  return value;
}
