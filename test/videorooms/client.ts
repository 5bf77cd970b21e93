/**
 * Test clients for the videorooms server: a signaling client over `ws` that
 * awaits responses by id, and a raw TCP exchange for malformed HTTP.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import type { RunningServer } from '../../examples/videorooms/server.js';

export interface Message {
  type: string;
  id?: number | null;
  ok?: boolean;
  data?: Record<string, unknown>;
  error?: { code: string; message: string };
  event?: string;
}

/** A signaling client that records notifications and awaits responses by id. */
export class Client {
  readonly notifications: Message[] = [];
  readonly #ws: WebSocket;
  readonly #waiting = new Map<number | null, (m: Message) => void>();
  #nextId = 1;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as Message;
      if (message.type === 'notification') {
        this.notifications.push(message);
        return;
      }
      const key = message.id ?? null;
      this.#waiting.get(key)?.(message);
      this.#waiting.delete(key);
    });
    ws.on('error', () => {});
  }

  static async connect(url: string): Promise<Client> {
    const ws = new WebSocket(url.replace('http', 'ws') + '/ws');
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new Client(ws);
  }

  get socket(): WebSocket {
    return this.#ws;
  }

  request(type: string, fields: Record<string, unknown> = {}): Promise<Message> {
    const id = this.#nextId++;
    return this.raw(JSON.stringify({ id, type, ...fields }), id);
  }

  raw(text: string | Buffer, expectId: number | null, timeoutMs = 5000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no response to ${text.toString().slice(0, 40)}`)),
        timeoutMs,
      );
      this.#waiting.set(expectId, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.#ws.send(text, { binary: Buffer.isBuffer(text) });
    });
  }

  /** Sends without waiting for a reply (floods). */
  send(text: string | Buffer): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(text);
  }

  async waitFor(event: string, timeoutMs = 5000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.notifications.find((n) => n.event === event);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no '${event}' notification`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  get closed(): Promise<number> {
    return new Promise((resolve) => {
      if (this.#ws.readyState === WebSocket.CLOSED) resolve(1006);
      else this.#ws.once('close', (code) => resolve(code));
    });
  }

  close(): void {
    this.#ws.close();
  }
}

export async function health(server: RunningServer): Promise<Record<string, unknown>> {
  return (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
}

export function portOf(server: RunningServer): number {
  return Number(new URL(server.url).port);
}

/**
 * Writes `request` on a fresh TCP connection and returns what came back by
 * the time the server closed it (or `timeoutMs` passed: then `closed` is false).
 */
export function rawHttp(
  port: number,
  request: string | Buffer,
  timeoutMs = 3000,
): Promise<{ response: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response, closed: false });
    }, timeoutMs);
    socket.on('data', (chunk) => {
      response += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response, closed: true });
    });
    socket.write(request);
  });
}

/** A VP8 producer's RtpParameters, as mediasoup-client would send them. */
export function vp8Parameters(ssrc: number, encodings = 1): Record<string, unknown> {
  return {
    mid: String(ssrc),
    codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [] }],
    headerExtensions: [],
    encodings: Array.from({ length: encodings }, (_, i) => ({ ssrc: ssrc + i })),
    rtcp: { cname: 'test', reducedSize: true },
  };
}

/**
 * A participant alone in its own room, to check after each abuse that the
 * server still serves other rooms: it produces (a worker round trip) and
 * closes the producer, and has heard nothing from anybody.
 */
export class Bystander {
  #ssrc = 10_000;

  private constructor(
    readonly client: Client,
    readonly sendTransportId: string,
  ) {}

  static async join(server: RunningServer, roomId = 'bystander'): Promise<Bystander> {
    const client = await Client.connect(server.url);
    const joined = await client.request('join', { roomId, displayName: 'Bea' });
    assert.equal(joined.ok, true, JSON.stringify(joined.error));
    return new Bystander(client, (joined.data!.sendTransport as { id: string }).id);
  }

  async assertWorks(): Promise<void> {
    assert.ok(this.client.isOpen, 'the bystander was disconnected');
    const produced = await this.client.request('produce', {
      transportId: this.sendTransportId,
      kind: 'video',
      rtpParameters: vp8Parameters((this.#ssrc += 10)),
    });
    assert.equal(produced.ok, true, JSON.stringify(produced.error));
    const closed = await this.client.request('closeProducer', {
      producerId: produced.data!.producerId,
    });
    assert.equal(closed.ok, true, JSON.stringify(closed.error));
    assert.deepEqual(this.client.notifications, [], 'another room leaked into this one');
  }
}
