/**
 * A videorooms signaling session (examples/videorooms/PROTOCOL.md) over one
 * WebSocket: requests answered by id, each with a timeout, and notifications
 * handed to a listener.
 */
import { WebSocket } from 'ws';

const REQUEST_TIMEOUT_MS = 10_000;

interface Response {
  type: 'response';
  id: number | null;
  ok: boolean;
  data?: Record<string, unknown>;
  error?: { code: string; message: string };
}

interface Notification {
  type: 'notification';
  event: string;
  data: Record<string, unknown>;
}

/** A request the server answered with `ok: false` (code as in PROTOCOL.md). */
export class SignalingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Signaling {
  readonly #ws: WebSocket;
  readonly #waiting = new Map<number, (response: Response) => void>();
  #nextId = 1;
  #closed = false;
  onNotification: (event: string, data: Record<string, unknown>) => void = () => undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (raw: Buffer) => this.#onMessage(raw));
    ws.on('close', () => this.#fail('socket closed'));
    ws.on('error', () => this.#fail('socket error'));
  }

  static async open(url: string): Promise<Signaling> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('WebSocket open timed out'));
      }, REQUEST_TIMEOUT_MS);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return new Signaling(ws);
  }

  /** Sends a request; resolves with its `data`, rejects with SignalingError or on timeout. */
  request(type: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    if (this.#closed) return Promise.reject(new Error('signaling closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`no response to '${type}'`));
      }, REQUEST_TIMEOUT_MS);
      this.#waiting.set(id, (response) => {
        clearTimeout(timer);
        if (response.ok) resolve(response.data ?? {});
        else {
          const { code = 'unknown', message = '' } = response.error ?? {};
          reject(new SignalingError(code, `'${type}' failed: ${code}: ${message}`));
        }
      });
      this.#ws.send(JSON.stringify({ id, type, ...fields }));
    });
  }

  close(): void {
    this.#fail('signaling closed');
    this.#ws.close();
  }

  #onMessage(raw: Buffer): void {
    let message: Response | Notification;
    try {
      message = JSON.parse(raw.toString('utf8')) as Response | Notification;
    } catch {
      return;
    }
    if (message.type === 'notification') {
      this.onNotification(message.event, message.data);
      return;
    }
    if (typeof message.id !== 'number') return;
    this.#waiting.get(message.id)?.(message);
    this.#waiting.delete(message.id);
  }

  #fail(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const resolve of this.#waiting.values()) {
      resolve({
        type: 'response',
        id: null,
        ok: false,
        error: { code: 'closed', message: reason },
      });
    }
    this.#waiting.clear();
  }
}
