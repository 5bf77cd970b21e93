/**
 * The media workers of the application: one per core by default. Routers go
 * to the least loaded worker; a worker that dies is replaced, and whoever
 * listens to 'workerdied' moves its rooms.
 */
import { EventEmitter } from 'node:events';
import {
  createWorker,
  type Router,
  type RouterRtpCodecCapability,
  type Worker,
  type WorkerMode,
} from '../../src/index.js';

export const MEDIA_CODECS: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
];

export interface WorkerManagerOptions {
  count: number;
  mode: WorkerMode;
  rtcMinPort: number;
  rtcMaxPort: number;
}

export interface ManagedWorker {
  worker: Worker;
  /** Rooms (router count) placed on it: the load measure. */
  routers: number;
}

export class WorkerManager extends EventEmitter<{ workerdied: [Worker, Error] }> {
  readonly #options: WorkerManagerOptions;
  readonly #workers: ManagedWorker[] = [];
  #closed = false;
  /** Workers that died and were replaced (for /health and /metrics). */
  deaths = 0;

  readonly #log: (line: string) => void;

  /** `log` gets the lines about worker deaths, which a client may cause. */
  constructor(options: WorkerManagerOptions, log: (line: string) => void = console.error) {
    super();
    this.#options = options;
    this.#log = log;
  }

  get workers(): readonly ManagedWorker[] {
    return this.#workers;
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.#options.count; i++) await this.#spawn();
  }

  /** A router for a new room, on the least loaded live worker. */
  async createRouter(): Promise<{ router: Router; worker: Worker }> {
    const entry = this.#leastLoaded();
    const router = await entry.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    entry.routers++;
    router.observer.once('close', () => {
      entry.routers--;
    });
    return { router, worker: entry.worker };
  }

  close(): void {
    this.#closed = true;
    for (const { worker } of this.#workers) worker.close();
    this.#workers.length = 0;
  }

  #leastLoaded(): ManagedWorker {
    const live = this.#workers.filter((w) => !w.worker.closed);
    if (live.length === 0) throw new Error('no media worker available');
    return live.reduce((a, b) => (b.routers < a.routers ? b : a));
  }

  async #spawn(): Promise<void> {
    const worker = await createWorker({
      mode: this.#options.mode,
      logLevel: 'warn',
      rtcMinPort: this.#options.rtcMinPort,
      rtcMaxPort: this.#options.rtcMaxPort,
    });
    const entry: ManagedWorker = { worker, routers: 0 };
    this.#workers.push(entry);
    worker.on('died', (error) => {
      const index = this.#workers.indexOf(entry);
      if (index !== -1) this.#workers.splice(index, 1);
      this.deaths++;
      this.#log(`videorooms: worker ${worker.pid} died: ${error.message}; replacing it`);
      // The server never exits because a worker died: a replacement takes its place.
      if (!this.#closed) {
        this.#spawn().catch((spawnError: unknown) =>
          this.#log(`videorooms: could not replace the worker: ${String(spawnError)}`),
        );
      }
      this.emit('workerdied', worker, error);
    });
  }
}
