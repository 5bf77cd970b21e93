/**
 * The HTTP + WebSocket server: static web client, `/ws` signaling, `/health`
 * (JSON) and `/metrics` (Prometheus text).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { setLogEventListeners } from '../../src/index.js';
import type { Config } from './config.js';
import { startHeartbeat } from './heartbeat.js';
import { RateLimitedLog } from './log.js';
import { requestPath } from './requestTarget.js';
import { RoomsRegistry } from './RoomsRegistry.js';
import { serveSession } from './Session.js';
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

export interface ServerOptions {
  /** Where log lines go (default: stderr). */
  log?: (line: string) => void;
}

export async function startServer(
  config: Config,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const { limits } = config;
  const log = new RateLimitedLog(options.log ?? ((line) => console.error(line)));
  // The library's warnings are mostly about client input: they share the limit.
  setLogEventListeners({
    onwarn: (namespace, line) => log.line(`${namespace} WARN ${line}`),
    onerror: (namespace, line) => log.line(`${namespace} ERROR ${line}`),
  });
  const workers = new WorkerManager(
    {
      count: config.workers,
      mode: config.workerMode,
      rtcMinPort: config.rtcMinPort,
      rtcMaxPort: config.rtcMaxPort,
    },
    (line) => log.line(line),
  );
  await workers.start();
  const registry = new RoomsRegistry(workers, config);
  const http = createServer(
    {
      // Slow clients (slowloris): headers and whole requests have deadlines, checked often.
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, limits.headersTimeoutMs / 4)),
    },
    (req, res) => {
      handleHttp(req, res, workers, registry).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    },
  );
  // Upgraded WebSockets count too: this bounds every socket the server holds.
  http.maxConnections = limits.maxConnections;
  // Frames up to 1 MiB are read so an oversized one can be answered; the
  // protocol's limit (64 KiB) is enforced per message below.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  wss.on('connection', (ws: WebSocket) => serveSession(ws, registry, limits, log));
  const stopHeartbeat = startHeartbeat(wss, limits.heartbeatMs);
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A reset before ws takes the socket must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    const path = requestPath(req.url);
    if (path === undefined || !req.headers.host) {
      refuseUpgrade(socket, 400);
      return;
    }
    if (path !== '/ws') {
      refuseUpgrade(socket, 404);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  await listen(http, config);
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://${config.host}:${port}`,
    workers,
    registry,
    close: async () => {
      stopHeartbeat();
      for (const client of wss.clients) client.terminate();
      wss.close();
      registry.closeAll();
      workers.close();
      setLogEventListeners(undefined);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function refuseUpgrade(socket: Duplex, status: 400 | 404): void {
  const reason = status === 400 ? 'Bad Request' : 'Not Found';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  // Written out, the socket goes: a client that never closes its side holds nothing.
  socket.once('finish', () => socket.destroy());
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

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  workers: WorkerManager,
  registry: RoomsRegistry,
): Promise<void> {
  const path = requestPath(req.url);
  if (path === undefined) {
    res.writeHead(400, { connection: 'close' }).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === '/health') {
    const body = JSON.stringify(await healthJson(workers, registry), null, 2);
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  if (path === '/metrics') {
    const body = await prometheusText(workers, registry);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
    return;
  }
  const relative = path === '/' ? 'index.html' : path.slice(1);
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
