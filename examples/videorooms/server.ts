/**
 * The HTTP + WebSocket server: static web client, `/ws` signaling, `/health`
 * (JSON) and `/metrics` (Prometheus text).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Config } from './config.js';
import { Participant, toProtocolError } from './Participant.js';
import { MAX_MESSAGE_BYTES, ProtocolError, parseRequest, requestIdOf } from './protocol.js';
import { RoomsRegistry } from './RoomsRegistry.js';
import { WorkerManager } from './WorkerManager.js';
import { healthJson, prometheusText } from './metrics.js';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

export interface RunningServer {
  url: string;
  workers: WorkerManager;
  registry: RoomsRegistry;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const workers = new WorkerManager({
    count: config.workers,
    mode: config.workerMode,
    rtcMinPort: config.rtcMinPort,
    rtcMaxPort: config.rtcMaxPort,
  });
  await workers.start();
  const registry = new RoomsRegistry(workers, config);
  const http = createServer((req, res) => {
    handleHttp(req, res, workers, registry).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Frames up to 1 MiB are read so an oversized one can be answered; the
  // protocol's limit (64 KiB) is enforced per message below.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  http.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, registry));
  });
  await listen(http, config);
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://${config.host}:${port}`,
    workers,
    registry,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      registry.closeAll();
      workers.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function listen(http: Server, config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}

function onConnection(ws: WebSocket, registry: RoomsRegistry): void {
  const participant = new Participant(ws, registry);
  // Requests of one participant run one at a time, in order.
  let queue: Promise<void> = Promise.resolve();
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (size > MAX_MESSAGE_BYTES) {
      reply(
        ws,
        null,
        new ProtocolError('too-large', `messages are limited to ${MAX_MESSAGE_BYTES} bytes`),
      );
      ws.close(1009, 'message too large');
      return;
    }
    const text = isBinary ? '' : rawToString(data);
    queue = queue.then(async () => {
      let id: number | null = requestIdOf(text);
      try {
        const request = parseRequest(text);
        id = request.id;
        const data = await participant.handle(request);
        send(ws, { type: 'response', id, ok: true, data });
      } catch (error) {
        reply(ws, id, toProtocolError(error));
      }
    });
  });
  ws.on('close', () => {
    void queue.then(() => participant.leave());
  });
  ws.on('error', () => ws.terminate());
}

function reply(ws: WebSocket, id: number | null, error: ProtocolError): void {
  send(ws, {
    type: 'response',
    id,
    ok: false,
    error: { code: error.code, message: error.message },
  });
}

function send(ws: WebSocket, message: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  workers: WorkerManager,
  registry: RoomsRegistry,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (url.pathname === '/health') {
    const body = JSON.stringify(await healthJson(workers, registry), null, 2);
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  if (url.pathname === '/metrics') {
    const body = await prometheusText(workers, registry);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
    return;
  }
  const relative = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  const file = normalize(join(PUBLIC_DIR, relative));
  if (!file.startsWith(PUBLIC_DIR)) {
    res.writeHead(404).end();
    return;
  }
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}
