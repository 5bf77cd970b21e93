/** The driver's handle on the videorooms server child (server.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemorySample, ServerReply } from './messages.js';

const REQUEST_TIMEOUT_MS = 20_000;

export class ServerProcess {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: ServerReply) => void>();
  #nextRid = 1;
  #exit: string | undefined;

  private constructor(child: ChildProcess, url: string) {
    this.#child = child;
    this.url = url;
    child.on('message', (reply: ServerReply) => {
      if (reply.type === 'ready') return;
      this.#pending.get(reply.rid)?.(reply);
      this.#pending.delete(reply.rid);
    });
    child.on('exit', (code, signal) => {
      this.#exit = `server exited [code:${code}, signal:${signal}]`;
      for (const resolve of this.#pending.values()) {
        resolve({ type: 'error', rid: 0, message: this.#exit });
      }
      this.#pending.clear();
    });
  }

  /** Starts videorooms with these extra flags (e.g. --workers 2) and waits until it listens. */
  static async start(flags: string[]): Promise<ServerProcess> {
    const child = fork(fileURLToPath(new URL('./server.js', import.meta.url)), flags, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start')), 30_000);
      child.on('message', (reply: ServerReply) => {
        if (reply.type !== 'ready') return;
        clearTimeout(timer);
        resolve(reply.url);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited at start [code:${code}]`));
      });
    });
    return new ServerProcess(child, url);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Why the server ended, if it did. */
  get exit(): string | undefined {
    return this.#exit;
  }

  async memory(): Promise<MemorySample> {
    const reply = await this.#request('memory');
    if (reply.type !== 'memory') throw new Error(`server: ${describe(reply)}`);
    return reply.sample;
  }

  /** Closes the server and waits for its process to end (killed after 10 s). */
  async stop(): Promise<void> {
    if (this.#exit) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    await this.#request('stop').catch(() => undefined);
    this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  #request(type: 'memory' | 'stop'): Promise<ServerReply> {
    if (this.#exit) return Promise.reject(new Error(this.#exit));
    const rid = this.#nextRid++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(rid);
        reject(new Error(`server: no answer to '${type}'`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(rid, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.#child.send({ rid, type });
    });
  }
}

function describe(reply: ServerReply): string {
  return reply.type === 'error' ? reply.message : `unexpected reply '${reply.type}'`;
}
