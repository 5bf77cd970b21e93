/**
 * The application's server: one SFU worker per CPU, each with its own WebRtcServer; an HTTP
 * server with the broadcaster API (and the page, so a browser needs nothing else); a protoo
 * WebSocket server on it where browsers join rooms (`?roomId=…&peerId=…`). Rooms are created
 * on first use, on the workers in turn, and close when their last peer leaves.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as protoo from 'protoo-server';
import type { DemoConfig } from './config.js';
import { Logger } from './logger.js';
import { Registry } from './registry.js';
import { Room } from './room.js';
import { mediasoup, type types } from './sfu.js';

const logger = new Logger('server');

type DemoWorker = types.Worker<{ webRtcServer?: types.WebRtcServer }>;

export interface DemoServer {
  /** http://IP:PORT of the HTTP server (page, broadcaster API, protoo WebSocket). */
  url: string;
  workers: DemoWorker[];
  rooms: Map<string, Room>;
  registry: Registry;
  close(): Promise<void>;
}

export interface DemoServerOptions {
  /** Where index.html and app.bundle.js are (see bundle.ts). */
  publicDir: string;
}

export async function startDemoServer(
  config: DemoConfig,
  { publicDir }: DemoServerOptions,
): Promise<DemoServer> {
  const registry = new Registry();
  const workers = await runWorkers(config);
  const rooms = new Map<string, Room>();
  let nextWorker = 0;

  // One room creation at a time: two peers arriving together must not make two rooms.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => {});
    return run;
  };

  const getOrCreateRoom = async (roomId: string, consumerReplicas: number): Promise<Room> => {
    let room = rooms.get(roomId);
    if (!room) {
      logger.info('creating a room', roomId);
      const worker = workers[nextWorker];
      nextWorker = (nextWorker + 1) % workers.length;
      room = await Room.create({ config, worker, roomId, consumerReplicas });
      rooms.set(roomId, room);
      room.on('close', () => rooms.delete(roomId));
    }
    return room;
  };

  const httpServer = createServer((request, response) => {
    handleHttp(request, response, {
      publicDir,
      room: (roomId) => serialized(() => getOrCreateRoom(roomId, 0)),
    }).catch((error: unknown) => sendError(response, error));
  });

  const protooServer = new protoo.WebSocketServer(httpServer, {
    maxReceivedFrameSize: 960000,
    maxReceivedMessageSize: 960000,
    fragmentOutgoingMessages: true,
    fragmentationThreshold: 960000,
  });
  protooServer.on('connectionrequest', (info, accept, reject) => {
    const query = new URL(info.request.url ?? '/', 'http://localhost').searchParams;
    const roomId = query.get('roomId');
    const peerId = query.get('peerId');
    if (!roomId || !peerId) {
      reject(400, 'Connection request without roomId and/or peerId');
      return;
    }
    let consumerReplicas = Number(query.get('consumerReplicas'));
    if (Number.isNaN(consumerReplicas)) consumerReplicas = 0;
    logger.info('protoo connection request', roomId, peerId, info.socket.remoteAddress);
    serialized(async () => {
      const room = await getOrCreateRoom(roomId, consumerReplicas);
      room.handleProtooConnection(peerId, accept());
    }).catch((error: unknown) => {
      logger.error('room creation or joining failed', error);
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });

  await new Promise<void>((resolve) =>
    httpServer.listen(Number(config.http.listenPort), config.http.listenIp, resolve),
  );
  const { address, port } = httpServer.address() as AddressInfo;
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;

  return {
    url: `http://${host}:${port}`,
    workers,
    rooms,
    registry,
    async close() {
      protooServer.stop();
      for (const room of rooms.values()) room.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections();
      for (const worker of workers) worker.close();
    },
  };
}

async function runWorkers(config: DemoConfig): Promise<DemoWorker[]> {
  const { numWorkers, workerSettings } = config.mediasoup;
  logger.info('running workers', numWorkers);
  const workers: DemoWorker[] = [];
  for (let i = 0; i < numWorkers; i++) {
    const worker: DemoWorker = await mediasoup.createWorker({
      dtlsCertificateFile: workerSettings.dtlsCertificateFile,
      dtlsPrivateKeyFile: workerSettings.dtlsPrivateKeyFile,
      logLevel: workerSettings.logLevel,
      logTags: workerSettings.logTags,
      rtcMinPort: Number(workerSettings.rtcMinPort),
      rtcMaxPort: Number(workerSettings.rtcMaxPort),
      disableLiburing: Boolean(workerSettings.disableLiburing),
    });
    worker.on('died', () => {
      logger.error('worker died', worker.pid);
    });
    workers.push(worker);
    if (process.env.MEDIASOUP_USE_WEBRTC_SERVER !== 'false') {
      // Each worker's server needs ports of its own: the configured ones plus its index.
      const options = structuredClone(config.mediasoup.webRtcServerOptions);
      for (const listenInfo of options.listenInfos) listenInfo.port! += workers.length - 1;
      worker.appData.webRtcServer = await worker.createWebRtcServer(options);
    }
  }
  return workers;
}

// ---------------------------------------------------------------------------------------------
// HTTP: the page, and the broadcaster API of the demo's Express app.

interface HttpContext {
  publicDir: string;
  room(roomId: string): Promise<Room>;
}

const PAGE_FILES: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.bundle.js': ['app.bundle.js', 'text/javascript; charset=utf-8'],
};

async function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  context: HttpContext,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const page = PAGE_FILES[url.pathname];
  if (request.method === 'GET' && page) {
    const body = await readFile(join(context.publicDir, page[0]));
    response.writeHead(200, { 'content-type': page[1] }).end(body);
    return;
  }
  if (url.pathname === '/favicon.ico') {
    response.writeHead(204).end();
    return;
  }
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'rooms' || parts.length < 2) {
    response.writeHead(404).end('not found');
    return;
  }
  const room = await context.room(parts[1]);
  const body = request.method === 'POST' ? await readJson(request) : {};
  const [, , collection, broadcasterId, sub, transportId, ...rest] = parts;
  const route = [request.method, collection, broadcasterId && ':id', sub, transportId && ':id']
    .concat(rest)
    .filter(Boolean)
    .join(' ');
  const { broadcasters } = room;
  const ids = { broadcasterId, transportId };
  const reply = (data: unknown): void => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(data ?? null));
  };
  switch (route) {
    case 'GET':
      return reply(room.router.rtpCapabilities);
    case 'POST broadcasters':
      return reply(broadcasters.create(body));
    case 'DELETE broadcasters :id':
      broadcasters.delete(broadcasterId);
      response.writeHead(200).end('broadcaster deleted');
      return;
    case 'POST broadcasters :id transports':
      return reply(await broadcasters.createTransport({ ...body, ...ids }));
    case 'POST broadcasters :id transports :id connect':
      return reply(await broadcasters.connectTransport({ ...body, ...ids }));
    case 'POST broadcasters :id transports :id producers':
      return reply(await broadcasters.createProducer({ ...body, ...ids }));
    case 'POST broadcasters :id transports :id consume': {
      const producerId = url.searchParams.get('producerId');
      return reply(await broadcasters.createConsumer({ ...ids, producerId }));
    }
    case 'POST broadcasters :id transports :id consume data':
      return reply(await broadcasters.createDataConsumer({ ...body, ...ids }));
    case 'POST broadcasters :id transports :id produce data':
      return reply(await broadcasters.createDataProducer({ ...body, ...ids }));
    default:
      response.writeHead(404).end('not found');
  }
}

/** At most 1 MB of JSON. */
async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_000_000) throw new TypeError('body too large');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null) throw new TypeError('body must be an object');
  return parsed as Record<string, unknown>;
}

/** As the demo's error handler: a TypeError is the client's fault (400), the rest 500. */
function sendError(response: ServerResponse, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  logger.warn('HTTP request failed', String(failure));
  if (response.headersSent) {
    response.end();
    return;
  }
  const status = failure instanceof TypeError || failure instanceof SyntaxError ? 400 : 500;
  response.writeHead(status, { 'content-type': 'text/plain' }).end(String(failure));
}
