/** The parent's handle on the load client child process (main.ts): typed requests. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { DtlsFingerprint } from '../../src/rtc/dtls/index.js';
import { epochMs } from './Connection.js';
import type {
  ClientReply,
  ClientRequest,
  RemoteTransport,
  Snapshot,
  StreamSettings,
} from './messages.js';

type Distribute<T> = T extends unknown ? Omit<T, 'rid'> : never;
type RequestBody = Distribute<ClientRequest>;

export class LoadClient {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: ClientReply) => void>();
  #nextRid = 1;
  #exited = false;

  constructor() {
    this.#child = fork(fileURLToPath(new URL('./main.js', import.meta.url)), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (reply: ClientReply) => {
      const resolve = this.#pending.get(reply.rid);
      this.#pending.delete(reply.rid);
      resolve?.(reply);
    });
    this.#child.on('exit', () => {
      this.#exited = true;
      for (const resolve of this.#pending.values()) {
        resolve({ rid: 0, type: 'error', message: 'load client exited' });
      }
      this.#pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async #request(body: RequestBody): Promise<ClientReply> {
    if (this.#exited) throw new Error('load client exited');
    const rid = this.#nextRid++;
    const reply = await new Promise<ClientReply>((resolve) => {
      this.#pending.set(rid, resolve);
      this.#child.send({ ...body, rid });
    });
    if (reply.type === 'error') throw new Error(`load client: ${reply.message}`);
    return reply;
  }

  async init(): Promise<DtlsFingerprint[]> {
    const reply = await this.#request({ type: 'init' });
    if (reply.type !== 'ready') throw new Error(`unexpected reply ${reply.type}`);
    return reply.fingerprints;
  }

  /** Opens a connection (ICE + DTLS + SRTP); resolves with the SRTP suite and the time taken. */
  async connect(
    id: string,
    remote: RemoteTransport,
  ): Promise<{ srtpCryptoSuite: string; ms: number }> {
    const reply = await this.#request({ type: 'connect', id, remote });
    if (reply.type !== 'connected') throw new Error(`unexpected reply ${reply.type}`);
    return { srtpCryptoSuite: reply.srtpCryptoSuite, ms: reply.ms };
  }

  async stream(id: string, settings: StreamSettings): Promise<void> {
    await this.#request({ type: 'stream', id, settings });
  }

  /** Consumer connections SRTP-unprotect (and time) every n-th packet; per connection too? */
  async verifyEvery(n: number, latencyPerConnection?: boolean): Promise<void> {
    await this.#request({ type: 'receive', verifyEvery: n, latencyPerConnection });
  }

  /**
   * This client's epochMs() against the caller's: the offset (ms, client minus caller) of
   * the fastest of `rounds` round trips, and that round trip (the offset's uncertainty is
   * half of it).
   */
  async clockOffset(rounds = 20): Promise<{ offsetMs: number; rttMs: number }> {
    let best = { offsetMs: NaN, rttMs: Infinity };
    for (let i = 0; i < rounds; i++) {
      const sentAt = epochMs();
      const reply = await this.#request({ type: 'clock' });
      const receivedAt = epochMs();
      if (reply.type !== 'clock') throw new Error(`unexpected reply ${reply.type}`);
      if (receivedAt - sentAt < best.rttMs) {
        best = { offsetMs: reply.epochMs - (sentAt + receivedAt) / 2, rttMs: receivedAt - sentAt };
      }
    }
    return best;
  }

  async snapshot(): Promise<Snapshot> {
    const reply = await this.#request({ type: 'snapshot' });
    if (reply.type !== 'snapshot') throw new Error(`unexpected reply ${reply.type}`);
    return reply.snapshot;
  }

  async disconnect(id: string): Promise<void> {
    await this.#request({ type: 'disconnect', id });
  }

  /** Asks the child to close everything and exit; kills it if it does not within 2 s. */
  async close(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    await this.#request({ type: 'exit' }).catch(() => undefined);
    const timer = setTimeout(() => this.#child.kill(), 2000);
    await exited;
    clearTimeout(timer);
  }
}
