/**
 * End-to-end browser harness: headless Chromium (Debian's /usr/bin/chromium,
 * driven by playwright-core) running the real mediasoup-client, bundled at
 * build time by scripts/build-client-bundle.mjs.
 *
 * Each browser gets a fresh temporary profile and its own tiny HTTP server on
 * 127.0.0.1 (port 0) that serves the peer page, so the page has an http
 * origin (getUserMedia needs one) and loads nothing from the network. The
 * page's test API (test/e2e/page/peer.js, `window.skeinPeer`) wraps
 * mediasoup-client; `PeerPage` drives it from Node with `page.evaluate`, and
 * the transports' `connect`/`produce` events come back to Node through
 * `page.exposeFunction`, answered by the handlers a test passes in.
 *
 * Everything is bounded: launch, every evaluate and every close have timeouts.
 * Set SKEIN_E2E_DEBUG=1 to print the page's console and mediasoup-client's
 * debug log.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type {
  MediaKind,
  RtpCapabilities,
  RtpEncodingParameters,
  RtpParameters,
  SctpParameters,
} from '../../src/index.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags known to work on this project's machines (see TESTING.md). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

export const DEFAULT_TIMEOUT_MS = 30_000;

const DEBUG = process.env.SKEIN_E2E_DEBUG === '1';

/** dist/test/e2e/browser.js → the repository root. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUNDLE_PATH = join(REPO_ROOT, 'dist', 'e2e', 'mediasoup-client.bundle.js');
const PEER_SCRIPT_PATH = join(REPO_ROOT, 'test', 'e2e', 'page', 'peer.js');

const PAGE_HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>skein e2e peer</title></head>
  <body>
    <script src="/mediasoup-client.bundle.js"></script>
    <script src="/peer.js"></script>
  </body>
</html>
`;

/** Whether the browser the end-to-end tests need is installed. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** The `skip` option of a browser suite: false, or why it cannot run here. */
export const SKIP_WITHOUT_CHROMIUM: false | string = chromiumAvailable()
  ? false
  : `${CHROMIUM_PATH} not found: run scripts/install-test-deps.sh (CI installs it)`;

// ---------------------------------------------------------------------------
// mediasoup v3 transport parameter shapes (what a server's WebRtcTransport
// hands to mediasoup-client).

export interface IceParameters {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}

export interface IceCandidate {
  foundation: string;
  priority: number;
  /** mediasoup ≥ 3.13 sends both `address` and the older `ip`. */
  address: string;
  ip?: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  tcpType?: 'passive';
}

export interface DtlsFingerprint {
  algorithm: string;
  value: string;
}

export interface DtlsParameters {
  role?: 'auto' | 'client' | 'server';
  fingerprints: DtlsFingerprint[];
}

export interface TransportParams {
  id: string;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
  sctpParameters?: SctpParameters;
}

export type TransportDirection = 'send' | 'recv';

export type ConnectionState =
  'new' | 'connecting' | 'connected' | 'failed' | 'disconnected' | 'closed';

export interface ProduceEvent {
  kind: MediaKind;
  rtpParameters: RtpParameters;
  appData: Record<string, unknown>;
}

export interface RecvTransportHandlers {
  /** The transport's `connect` event: resolve once the server side is connected. */
  connect(dtlsParameters: DtlsParameters): Promise<void>;
}

export interface SendTransportHandlers extends RecvTransportHandlers {
  /** The transport's `produce` event: create the server producer, return its id. */
  produce(event: ProduceEvent): Promise<string>;
  /** The transport's `producedata` event: create the server data producer, return its id. */
  produceData?(event: ProduceDataEvent): Promise<string>;
}

export interface ProduceDataEvent {
  sctpStreamParameters: {
    streamId: number;
    ordered?: boolean;
    maxRetransmits?: number;
    maxPacketLifeTime?: number;
  };
  label: string;
  protocol: string;
  appData: Record<string, unknown>;
}

export interface ProduceDataOptions {
  ordered?: boolean;
  maxRetransmits?: number;
  maxPacketLifeTime?: number;
  label?: string;
  protocol?: string;
}

/** What `sendData` sends (and `expectedData` describes): see test/e2e/page/peer.js. */
export interface DataBatch {
  count: number;
  mixed?: boolean;
  prefix?: string;
  bigLength?: number;
}

export interface ConsumeDataOptions {
  id: string;
  dataProducerId: string;
  sctpStreamParameters: unknown;
  label: string;
  protocol: string;
}

export interface LoadedDevice {
  handlerName: string;
  rtpCapabilities: RtpCapabilities;
  canProduceAudio: boolean;
  canProduceVideo: boolean;
}

export interface ProduceOptions {
  kind: MediaKind;
  codecMimeType?: 'video/VP8' | 'video/H264' | 'video/VP9' | 'video/AV1' | 'audio/opus';
  encodings?: RtpEncodingParameters[];
  codecOptions?: Record<string, unknown>;
  /** getUserMedia video size (default 640×480, the fake camera's). */
  videoSize?: { width: number; height: number };
}

export interface ConsumeOptions {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
}

/** Sums over the inbound-rtp reports of one kind (`streams` counts them). */
export interface InboundStats {
  streams: number;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
  /** The largest frameWidth among the streams. */
  frameWidth: number;
  /** The largest framesPerSecond among the streams (Chromium: over the last second). */
  framesPerSecond: number;
  keyFramesDecoded: number;
  pliCount: number;
  nackCount: number;
  freezeCount: number;
  /** Seconds. */
  totalFreezesDuration: number;
}

/** The recv transport's inbound-rtp report of one SSRC (found: false if there is none). */
export interface InboundRtpOfSsrc {
  found: boolean;
  packetsReceived: number;
  bytesReceived: number;
  headerBytesReceived: number;
}

/** Sums over the outbound-rtp reports of one kind (one per simulcast layer). */
export interface OutboundStats {
  streams: number;
  packetsSent: number;
  bytesSent: number;
  framesEncoded: number;
  nackCount: number;
  pliCount: number;
}

/** The selected candidate pair of a transport (RTCIceCandidatePairStats). */
export interface CandidatePairStats {
  found: boolean;
  /** The sender's bandwidth estimate in bits/s (0 until there is one). */
  availableOutgoingBitrate: number;
  bytesSent: number;
  bytesReceived: number;
  currentRoundTripTime: number;
}

export interface TransportEventRecord {
  direction: TransportDirection;
  event: string;
  data: unknown;
  at: number;
}

/** The page's `window.skeinPeer` (test/e2e/page/peer.js). */
interface PageApi {
  loadDevice(routerRtpCapabilities: RtpCapabilities): LoadedDevice;
  createTransport(direction: TransportDirection, params: TransportParams): string;
  produce(options: ProduceOptions): string;
  consume(options: ConsumeOptions): string;
  pauseProducer(id: string): void;
  resumeProducer(id: string): void;
  setTrackEnabled(id: string, enabled: boolean): void;
  pauseConsumer(id: string): void;
  resumeConsumer(id: string): void;
  produceData(options: ProduceDataOptions): string;
  sendData(options: DataBatch & { id: string }): void;
  expectedData(options: DataBatch): string[];
  consumeData(options: ConsumeDataOptions): string;
  dataReceived(id: string): string[];
  dataReceivedCount(id: string): number;
  getInboundStats(kind: MediaKind, consumerId?: string): InboundStats;
  getOutboundStats(kind: MediaKind, producerId?: string): OutboundStats;
  getInboundRtpBySsrc(ssrc: number): InboundRtpOfSsrc;
  getCandidatePairStats(direction: TransportDirection): CandidatePairStats;
  connectionState(): Record<TransportDirection, ConnectionState | null>;
  videoWidth(consumerId?: string): number;
  close(): void;
}

type Reply = { ok: true; value?: unknown } | { ok: false; error: string };

// ---------------------------------------------------------------------------

/** Rejects after `ms` (the original promise's late rejection is swallowed). */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => {});
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A SHA-256 fingerprint of 32 random bytes, as colon-separated upper-case hex. */
export function randomFingerprint(): string {
  return [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/**
 * Transport parameters no server stands behind: mediasoup-client accepts them
 * and negotiates locally (produce/consume complete), but ICE never connects.
 */
export function fabricatedTransportParams(id: string = randomUUID()): TransportParams {
  return {
    id,
    iceParameters: { usernameFragment: 'abcd', password: 'x'.repeat(24), iceLite: true },
    iceCandidates: [
      {
        foundation: 'udpcandidate',
        priority: 1076302079,
        ip: '127.0.0.1',
        address: '127.0.0.1',
        protocol: 'udp',
        port: 40000,
        type: 'host',
      },
    ],
    dtlsParameters: {
      role: 'auto',
      fingerprints: [{ algorithm: 'sha-256', value: randomFingerprint() }],
    },
  };
}

// ---------------------------------------------------------------------------

export interface LaunchOptions {
  /** Bound on browser launch, each page call and close (default 30 s). */
  timeoutMs?: number;
  /** The browser to run (default CHROMIUM_PATH), e.g. a script that runs it in a namespace. */
  executablePath?: string;
  /** Flags added after CHROMIUM_FLAGS (not --disable-features: Chromium keeps one of those). */
  extraArgs?: readonly string[];
  /** Where the peer page's HTTP server listens (default 127.0.0.1); its origin is made secure. */
  listenIp?: string;
}

export class E2EBrowser {
  readonly #context: BrowserContext;
  readonly #server: Server;
  readonly #userDataDir: string;
  readonly #origin: string;
  readonly #timeoutMs: number;
  readonly #pages = new Set<PeerPage>();
  #closed = false;

  constructor(
    context: BrowserContext,
    server: Server,
    userDataDir: string,
    origin: string,
    timeoutMs: number,
  ) {
    this.#context = context;
    this.#server = server;
    this.#userDataDir = userDataDir;
    this.#origin = origin;
    this.#timeoutMs = timeoutMs;
  }

  /** The page's http origin (http://127.0.0.1:port). */
  get origin(): string {
    return this.#origin;
  }

  /** Opens a new tab on the peer page; its test API is ready when this resolves. */
  async newPeerPage(): Promise<PeerPage> {
    if (this.#closed) throw new Error('browser closed');
    const page = await withTimeout(this.#context.newPage(), this.#timeoutMs, 'newPage');
    const peer = new PeerPage(page, this.#timeoutMs);
    this.#pages.add(peer);
    try {
      await peer.init(this.#origin + '/');
    } catch (error) {
      this.#pages.delete(peer);
      await peer.close();
      throw error;
    }
    return peer;
  }

  /** Closes every page, the browser, the HTTP server; removes the profile. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#pages) await peer.close();
    this.#pages.clear();
    await withTimeout(this.#context.close(), this.#timeoutMs, 'browser close').catch(
      (error: unknown) => console.warn(`e2e: ${String(error)}`),
    );
    await closeServer(this.#server);
    await rm(this.#userDataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * Starts headless Chromium with a fresh profile and the peer page's HTTP
 * server. Throws when Chromium or the client bundle (npm run build) is missing.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<E2EBrowser> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!chromiumAvailable()) {
    throw new Error(`${CHROMIUM_PATH} not found (run scripts/install-test-deps.sh)`);
  }
  const files = await loadPageFiles();
  const listenIp = options.listenIp ?? '127.0.0.1';
  const server = await startServer(files, listenIp);
  const { port } = server.address() as AddressInfo;
  const origin = `http://${listenIp}:${port}`;
  let userDataDir: string | undefined;
  try {
    userDataDir = await mkdtemp(join(tmpdir(), 'skein-e2e-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: options.executablePath ?? CHROMIUM_PATH,
      headless: true,
      ignoreDefaultArgs: true,
      timeout: timeoutMs,
      args: [
        ...CHROMIUM_FLAGS,
        ...(options.extraArgs ?? []),
        // Only loopback origins are secure by default; getUserMedia needs a secure one.
        ...(listenIp === '127.0.0.1'
          ? []
          : [`--unsafely-treat-insecure-origin-as-secure=${origin}`]),
        `--user-data-dir=${userDataDir}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
    });
    context.setDefaultTimeout(timeoutMs);
    // The persistent context opens with an about:blank tab; tests use their own.
    for (const page of context.pages()) await page.close().catch(() => {});
    return new E2EBrowser(context, server, userDataDir, origin, timeoutMs);
  } catch (error) {
    await closeServer(server);
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
}

// ---------------------------------------------------------------------------

/** One tab running mediasoup-client: one Device, at most one send and one recv transport. */
export class PeerPage {
  readonly page: Page;
  readonly #timeoutMs: number;
  readonly #handlers: Partial<Record<TransportDirection, SendTransportHandlers>> = {};
  readonly #events: TransportEventRecord[] = [];
  readonly #logs: string[] = [];
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(page: Page, timeoutMs: number) {
    this.page = page;
    this.#timeoutMs = timeoutMs;
    page.on('console', (message) => this.#log(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => this.#log(`pageerror: ${error.message}`));
  }

  /** @internal Exposes the event bridge, loads the page, checks its API is there. */
  async init(url: string): Promise<void> {
    await this.page.exposeFunction(
      '__skeinTransportEvent',
      (direction: TransportDirection, event: string, data: unknown) =>
        this.#onTransportEvent(direction, event, data),
    );
    const response = await this.page.goto(url, { timeout: this.#timeoutMs, waitUntil: 'load' });
    if (!response?.ok()) throw new Error(`peer page: HTTP ${response?.status() ?? 'no response'}`);
    const ready = await this.#evaluate(
      () =>
        typeof (globalThis as { skeinPeer?: unknown }).skeinPeer === 'object' &&
        typeof (globalThis as { mediasoupClient?: unknown }).mediasoupClient === 'object',
      undefined,
      'page ready',
    );
    if (!ready) throw new Error(`peer page API missing; page log:\n${this.#logs.join('\n')}`);
    if (DEBUG) {
      await this.#evaluate(
        () =>
          (
            globalThis as unknown as {
              mediasoupClient: { debug: { enable(ns: string): void } };
            }
          ).mediasoupClient.debug.enable('mediasoup-client:*'),
        undefined,
        'enable debug',
      );
    }
  }

  /** Console messages and page errors seen so far. */
  logs(): readonly string[] {
    return this.#logs;
  }

  /** Every transport event the page forwarded (connect, produce, connectionstatechange). */
  transportEvents(): readonly TransportEventRecord[] {
    return this.#events;
  }

  /** `device.load()`; returns the device's rtpCapabilities and canProduce() results. */
  loadDevice(routerRtpCapabilities: RtpCapabilities): Promise<LoadedDevice> {
    return this.#call('loadDevice', routerRtpCapabilities);
  }

  /** `device.createSendTransport()`; its connect/produce events go to `handlers`. */
  createSendTransport(params: TransportParams, handlers: SendTransportHandlers): Promise<string> {
    this.#handlers.send = handlers;
    return this.#call('createTransport', 'send', params);
  }

  /** `device.createRecvTransport()`; its connect event goes to `handlers`. */
  createRecvTransport(params: TransportParams, handlers: RecvTransportHandlers): Promise<string> {
    this.#handlers.recv = {
      connect: (dtlsParameters) => handlers.connect(dtlsParameters),
      produce: () => Promise.reject(new Error('produce on a recv transport')),
    };
    return this.#call('createTransport', 'recv', params);
  }

  /** getUserMedia (fake camera 640×480 or fake microphone) + `transport.produce()`; the producer id. */
  produce(options: ProduceOptions): Promise<string> {
    return this.#call('produce', options);
  }

  /** `transport.consume()` and a playing <video>/<audio> element; the consumer id. */
  consume(options: ConsumeOptions): Promise<string> {
    return this.#call('consume', options);
  }

  pauseProducer(id: string): Promise<void> {
    return this.#call('pauseProducer', id);
  }

  /** `sendTransport.produceData()`, resolved once the channel is open; its id. */
  produceData(options: ProduceDataOptions = {}): Promise<string> {
    return this.#call('produceData', options);
  }

  /** Sends a batch of messages on a data producer of the page. */
  sendData(id: string, batch: DataBatch): Promise<void> {
    return this.#call('sendData', { ...batch, id });
  }

  /** What a consumer of `batch` should see, in the page's description of messages. */
  expectedData(batch: DataBatch): Promise<string[]> {
    return this.#call('expectedData', batch);
  }

  /** `recvTransport.consumeData()`, resolved once the channel is open. */
  consumeData(options: ConsumeDataOptions): Promise<string> {
    return this.#call('consumeData', options);
  }

  /** The messages a data consumer of the page received, in order (binary as "b:len:sum"). */
  dataReceived(id: string): Promise<string[]> {
    return this.#call('dataReceived', id);
  }

  dataReceivedCount(id: string): Promise<number> {
    return this.#call('dataReceivedCount', id);
  }

  resumeProducer(id: string): Promise<void> {
    return this.#call('resumeProducer', id);
  }

  /** `producer.track.enabled` (a disabled audio track sends silence). */
  setTrackEnabled(id: string, enabled: boolean): Promise<void> {
    return this.#call('setTrackEnabled', id, enabled);
  }

  /** Local `consumer.pause()` (the server side is the test's business). */
  pauseConsumer(id: string): Promise<void> {
    return this.#call('pauseConsumer', id);
  }

  resumeConsumer(id: string): Promise<void> {
    return this.#call('resumeConsumer', id);
  }

  /** inbound-rtp of the recv transport (or of one consumer), summed over streams of `kind`. */
  getInboundStats(kind: MediaKind, consumerId?: string): Promise<InboundStats> {
    return this.#call('getInboundStats', kind, consumerId);
  }

  /** outbound-rtp of the send transport (or of one producer), summed over streams of `kind`. */
  getOutboundStats(kind: MediaKind, producerId?: string): Promise<OutboundStats> {
    return this.#call('getOutboundStats', kind, producerId);
  }

  /** The recv transport's inbound-rtp report of `ssrc` (the probator's: 1234). */
  getInboundRtpBySsrc(ssrc: number): Promise<InboundRtpOfSsrc> {
    return this.#call('getInboundRtpBySsrc', ssrc);
  }

  /** The selected candidate pair of a transport: its bandwidth estimate and byte counts. */
  getCandidatePairStats(direction: TransportDirection): Promise<CandidatePairStats> {
    return this.#call('getCandidatePairStats', direction);
  }

  /** Each transport's connectionState (null where there is no such transport). */
  connectionState(): Promise<Record<TransportDirection, ConnectionState | null>> {
    return this.#call('connectionState');
  }

  /** Polls until the transport reaches `state`; throws on timeout or on 'failed'. */
  async waitForConnectionState(
    direction: TransportDirection,
    state: ConnectionState,
    timeoutMs = this.#timeoutMs,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let current: ConnectionState | null = null;
    while (Date.now() < deadline) {
      current = (await this.connectionState())[direction];
      if (current === state) return;
      if (current === 'failed' && state !== 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `${direction} transport: wanted ${state}, still ${current} after ${timeoutMs} ms`,
    );
  }

  /** Polls until `check(stats)` holds for the inbound stats of `kind`; returns them. */
  async waitForInboundStats(
    kind: MediaKind,
    check: (stats: InboundStats) => boolean,
    timeoutMs = this.#timeoutMs,
  ): Promise<InboundStats> {
    const deadline = Date.now() + timeoutMs;
    let stats = await this.getInboundStats(kind);
    while (!check(stats)) {
      if (Date.now() >= deadline) {
        throw new Error(`inbound ${kind} stats after ${timeoutMs} ms: ${JSON.stringify(stats)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      stats = await this.getInboundStats(kind);
    }
    return stats;
  }

  /** videoWidth of a consumer's <video> element (default: the latest video consumer). */
  videoWidth(consumerId?: string): Promise<number> {
    return this.#call('videoWidth', consumerId);
  }

  /** Closes the transports and the tab. Idempotent; never throws. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#call('close').catch(() => {});
      this.#closed = true;
      await withTimeout(this.page.close(), this.#timeoutMs, 'page close').catch(() => {});
    })();
    return this.#closing;
  }

  #log(line: string): void {
    this.#logs.push(line);
    if (DEBUG) console.log(`[page] ${line}`);
  }

  async #onTransportEvent(
    direction: TransportDirection,
    event: string,
    data: unknown,
  ): Promise<Reply> {
    this.#events.push({ direction, event, data, at: Date.now() });
    try {
      if (event === 'connectionstatechange') return { ok: true };
      const handlers = this.#handlers[direction];
      if (!handlers) throw new Error(`no handlers for the ${direction} transport`);
      if (event === 'connect') {
        const { dtlsParameters } = data as { dtlsParameters: DtlsParameters };
        await handlers.connect(dtlsParameters);
        return { ok: true };
      }
      if (event === 'produce') {
        return { ok: true, value: await handlers.produce(data as ProduceEvent) };
      }
      if (event === 'producedata') {
        if (!handlers.produceData) throw new Error('no producedata handler');
        return { ok: true, value: await handlers.produceData(data as ProduceDataEvent) };
      }
      throw new Error(`unknown transport event ${event}`);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  #evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A, what: string): Promise<R> {
    if (this.#closed) return Promise.reject(new Error(`${what}: page closed`));
    // The function is serialized and run in the page; `arg` goes over as JSON.
    const evaluated = this.page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg as unknown);
    return withTimeout(evaluated, this.#timeoutMs, what);
  }

  #call<K extends keyof PageApi>(
    method: K,
    ...args: Parameters<PageApi[K]>
  ): Promise<Awaited<ReturnType<PageApi[K]>>> {
    return this.#evaluate(
      ({ method, args }) => {
        const api = (
          globalThis as unknown as {
            skeinPeer: Record<string, (...a: unknown[]) => unknown>;
          }
        ).skeinPeer;
        return api[method](...args);
      },
      { method, args: args },
      `page ${method}()`,
    ) as Promise<Awaited<ReturnType<PageApi[K]>>>;
  }
}

// ---------------------------------------------------------------------------

interface PageFiles {
  bundle: Buffer;
  peerScript: Buffer;
}

async function loadPageFiles(): Promise<PageFiles> {
  if (!existsSync(BUNDLE_PATH)) {
    throw new Error(`${BUNDLE_PATH} missing: run npm run build (it bundles mediasoup-client)`);
  }
  const [bundle, peerScript] = await Promise.all([
    readFile(BUNDLE_PATH),
    readFile(PEER_SCRIPT_PATH),
  ]);
  return { bundle, peerScript };
}

function startServer(files: PageFiles, listenIp: string): Promise<Server> {
  const routes = new Map<string, { type: string; body: Buffer | string }>([
    ['/', { type: 'text/html; charset=utf-8', body: PAGE_HTML }],
    ['/mediasoup-client.bundle.js', { type: 'text/javascript', body: files.bundle }],
    ['/peer.js', { type: 'text/javascript', body: files.peerScript }],
  ]);
  const server = createServer((request, response) => {
    const route = routes.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (request.method !== 'GET' || !route) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' });
    response.end(route.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenIp, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
