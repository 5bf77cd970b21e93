/**
 * Forwarding benchmark: one Skein worker forwards a VP8-like stream from one producer
 * connection to N consumer connections over real UDP on 127.0.0.1, with ICE, DTLS and SRTP
 * done by a load client in a child process (bench/loadClient/). Bounded in count and time,
 * prints figures, asserts nothing. Run: `node dist/bench/forwarding.js` or runForwardingBench().
 *
 *  (a) a table for N = 1, 2, 5, ... consumers of a 1 Mbit/s stream (~100 pkt/s of ~1100 B):
 *      packets/s in and out, loss, latency, worker CPU per forwarded packet, client CPU;
 *  (b) the largest N one worker sustains (loss < 0.1 %, no growing backlog), by doubling then
 *      bisecting;
 *  (c) saturation: one producer at rising packet rates to 2 consumers, the out rate reached
 *      before loss starts. mediasoup's figures come from the side-by-side run
 *      (sideBySide/forwarding.ts), never from notes.
 *
 * CPU accounting. The machine has 2 cores; the SFU worker, the load client and the control
 * thread share them. The worker's CPU is its own thread's (thread mode: the worker thread's
 * scheduler run time from /proc/self/task/<tid>/schedstat, found by matching the tick counts
 * of worker.getResourceUsage(), which is reported too; process mode: getResourceUsage() of
 * the child). The client's is its process's (process.cpuUsage(), all its threads), and the
 * whole machine's busy share comes from /proc/stat, so a reader can tell when the client or
 * the machine, not the worker, was the limit. "host CPU" is the rest of this process (the
 * control thread, and in thread mode the V8/libuv helper threads the worker shares with it:
 * part of that is the worker's garbage collection, which process mode counts as the worker's).
 * Kernel time of loopback delivery is charged mostly to the sending side (as in mediasoup's
 * figures). Socket-buffer drops are read per socket from /proc/net/udp and attributed to the
 * SFU's or the client's sockets.
 *
 * Latency. The client writes its send time (epoch ms from the monotonic clock) into every
 * packet; receivers subtract it from their receive time. The load client receives N × 100
 * packets/s in one event loop, so its figure includes its own receive queueing. A latency
 * probe, a second client process (the same child, bench/loadClient/main.ts), holds a few
 * consumer connections spread evenly over creation order (Session isProbeSlot()) and does
 * nothing but receive them: its figure is what the SFU added, plus loopback and the wake-up of
 * a lightly loaded process. The two clients' clocks are compared at the start (printed).
 * Loss and delivery count both clients' connections; client CPU is both processes'.
 *
 * Knobs (environment): SKEIN_BENCH_FWD_MODES=thread,process (default thread)
 * SKEIN_BENCH_FWD_N=1,2,5,...  SKEIN_BENCH_FWD_MEASURE_MS (per step, default 2000)
 * SKEIN_BENCH_FWD_SEARCH_STEPS (steps of (b), default 5, a failed one is measured twice)
 * SKEIN_BENCH_FWD_SEARCH_S (time bound of (b), default 35)  SKEIN_BENCH_FWD_MAX_N (default 640)
 * SKEIN_BENCH_FWD_SAT_RATES (pkt/s in, comma list)  SKEIN_BENCH_FWD_SAT_MEASURE_MS (default
 * 2000)  SKEIN_BENCH_FWD_VERIFY (the client SRTP-unprotects every n-th received packet in (a),
 * default 1)  SKEIN_BENCH_FWD_LOAD_VERIFY (the same in (b) and (c), default 4; the probe
 * verifies every packet)  SKEIN_BENCH_FWD_PROBES (the probe's connections at the table's
 * largest N, default 8; 0: no probe).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import {
  createWorker,
  type Consumer,
  type Producer,
  type Router,
  type WebRtcTransport,
  type Worker,
  type WorkerMode,
} from '../src/index.js';
import type { DtlsFingerprint } from '../src/rtc/dtls/index.js';
import { LatencyHistogram } from './loadClient/Connection.js';
import { LoadClient } from './loadClient/LoadClient.js';
import type { Snapshot, StreamSettings } from './loadClient/messages.js';
import { vp8RtpParameters } from './loadClient/VideoSource.js';
import { remoteTransportOf } from '../test/peer/SrtpPeer.js';

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function envList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const list = raw
    .split(',')
    .map(Number)
    .filter((n) => Number.isFinite(n) && n > 0);
  return list.length > 0 ? list : fallback;
}

interface Config {
  modes: WorkerMode[];
  table: number[];
  settleMs: number;
  measureMs: number;
  searchBudgetMs: number;
  searchSteps: number;
  maxConsumers: number;
  saturationRates: number[];
  saturationMeasureMs: number;
  verifyEvery: number;
  loadVerifyEvery: number;
}

function config(): Config {
  const modes = (process.env.SKEIN_BENCH_FWD_MODES ?? 'thread')
    .split(',')
    .map((m) => m.trim())
    .filter((m): m is WorkerMode => m === 'thread' || m === 'process');
  return {
    modes: modes.length > 0 ? modes : ['thread'],
    table: envList('SKEIN_BENCH_FWD_N', [1, 2, 5, 10, 20, 50, 100, 200]),
    settleMs: 750,
    measureMs: envNumber('SKEIN_BENCH_FWD_MEASURE_MS', 2000),
    searchBudgetMs: envNumber('SKEIN_BENCH_FWD_SEARCH_S', 35) * 1000,
    searchSteps: envNumber('SKEIN_BENCH_FWD_SEARCH_STEPS', 5),
    maxConsumers: envNumber('SKEIN_BENCH_FWD_MAX_N', 640),
    saturationRates: envList(
      'SKEIN_BENCH_FWD_SAT_RATES',
      [2000, 5000, 10000, 15000, 20000, 25000, 30000, 40000],
    ),
    saturationMeasureMs: envNumber('SKEIN_BENCH_FWD_SAT_MEASURE_MS', 2000),
    verifyEvery: envNumber('SKEIN_BENCH_FWD_VERIFY', 1),
    loadVerifyEvery: envNumber('SKEIN_BENCH_FWD_LOAD_VERIFY', 4),
  };
}

type StreamRate = Pick<StreamSettings, 'packetRate' | 'fps' | 'keyFrameInterval'>;

/** A 1 Mbit/s camera: 30 fps, ~100 packets/s of 1000–1200 B, a key frame every 2 s. */
export const VIDEO_1MBPS: StreamRate = { packetRate: 100, fps: 30, keyFrameInterval: 60 };
const PACKET_SIZES = { minPacketSize: 1000, maxPacketSize: 1200 };
const PRODUCER_SSRC = 0x5e1f0001;
/** Loss below this (and no backlog) counts as "sustained". */
const LOSS_LIMIT = 0.001;
/**
 * Median send-to-receive latency above this means a backlog is building (in the worker or
 * the client): a socket buffer of 4 MiB holds seconds of a slow stream, so loss alone would
 * show an overloaded worker too late. (p99 is printed, not judged: on a shared 2-core VM it
 * catches every scheduling hiccup.)
 */
const LATENCY_LIMIT_MS = 50;
const CONNECT_CONCURRENCY = 8;
/**
 * Consumer transports' starting estimate, bit/s, far above a 1 Mbit/s stream: at mediasoup's
 * default 600 kbit/s (the client never sends feedback) both SFUs' pacers would hold and spread
 * every frame, as no real receiver on this link would see. Not far higher: mediasoup probes
 * toward it (at 1 Gbit/s, 20,000-40,000 padding packets/s at N = 200).
 */
const ESTIMATE_NOT_THE_LIMIT = 10_000_000;
/**
 * Skein alone (this bench's own run): the saturation step offers up to ~180 Mbit/s per
 * consumer, which a 10 Mbit/s estimate would make the pacer drop (Skein does not probe while
 * the estimate covers what its consumers want).
 */
const SATURATION_ESTIMATE = 1_000_000_000;

// ---------------------------------------------------------------------------------------
// CPU and kernel counters

/** CPU time (ns) of one thread or process from its schedstat (precise, unlike tick counts). */
function readSchedNs(path: string): number {
  return Number(readFileSync(path, 'utf8').split(' ')[0]);
}

function readTaskTicks(): Map<string, { utime: number; stime: number }> {
  const result = new Map<string, { utime: number; stime: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      result.set(tid, { utime: Number(fields[11]), stime: Number(fields[12]) });
    } catch {
      // the thread ended
    }
  }
  return result;
}

interface CpuReading {
  /** Precise CPU time (ms) when available, else the rusage figure. */
  ms: number;
  rusageMs: number;
}

/** The worker's CPU: rusage through the API, refined by schedstat when the thread is found. */
class WorkerCpu {
  readonly #worker: Worker;
  #schedPath?: string;

  constructor(worker: Worker) {
    this.#worker = worker;
  }

  get precise(): boolean {
    return this.#schedPath !== undefined;
  }

  /** Finds the worker thread's /proc task by its tick counts (thread mode, Linux). */
  async locate(): Promise<void> {
    if (this.#worker.mode === 'process') {
      this.#schedPath = undefined; // getrusage of the child is precise already
      return;
    }
    for (let attempt = 0; attempt < 5 && !this.#schedPath; attempt++) {
      try {
        const before = readTaskTicks();
        const usage = await this.#worker.getResourceUsage();
        const after = readTaskTicks();
        const utime = Math.round(usage.ru_utime / 10);
        const stime = Math.round(usage.ru_stime / 10);
        if (utime + stime < 20) return; // too little CPU yet to tell threads apart
        const candidates = [...after.keys()].filter((tid) => {
          const a = before.get(tid);
          const b = after.get(tid)!;
          return (
            a !== undefined &&
            a.utime <= utime &&
            utime <= b.utime &&
            a.stime <= stime &&
            stime <= b.stime
          );
        });
        if (candidates.length === 1) this.#schedPath = `/proc/self/task/${candidates[0]}/schedstat`;
      } catch {
        return;
      }
    }
  }

  async read(): Promise<CpuReading> {
    const usage = await this.#worker.getResourceUsage();
    const rusageMs = usage.ru_utime + usage.ru_stime;
    let ms = rusageMs;
    if (this.#schedPath) {
      try {
        ms = readSchedNs(this.#schedPath) / 1e6;
      } catch {
        this.#schedPath = undefined;
      }
    }
    return { ms, rusageMs };
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat). */
function readMachine(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = v[3] + v[4];
  return { busy: total - idle, total };
}

/** Kernel receive-buffer drops per local UDP port (/proc/net/udp, last column). */
function readUdpDrops(): Map<number, number> {
  const drops = new Map<number, number>();
  const lines = readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    const port = parseInt(f[1].split(':')[1], 16);
    drops.set(port, (drops.get(port) ?? 0) + Number(f[f.length - 1]));
  }
  return drops;
}

/**
 * CPU (µs, user and system apart) of the whole SFU process tree: this process (the control
 * layer, and a thread worker with its share of V8's helper threads) plus the SFU's child
 * process when it has one (a process worker, mediasoup's C++ worker). The load client, a
 * child process too, is not counted.
 */
export function readTreeCpu(childPid: number | undefined): { userUs: number; systemUs: number } {
  const own = process.cpuUsage();
  let userUs = own.user;
  let systemUs = own.system;
  if (childPid !== undefined && childPid !== process.pid) {
    try {
      const stat = readFileSync(`/proc/${childPid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      userUs += Number(fields[11]) * 10_000; // clock ticks of 10 ms
      systemUs += Number(fields[12]) * 10_000;
    } catch {
      // the child ended
    }
  }
  return { userUs, systemUs };
}

// ---------------------------------------------------------------------------------------
// The SFU side

/** Which SFU a session drives: Skein, or mediasoup through the same API (sideBySide/). */
export interface SfuUnderTest {
  name: string;
  createWorker: typeof createWorker;
  /** A process of its own (mediasoup, Skein's process mode): its pid is the tree's child. */
  childProcess: boolean;
}

export function skeinSfu(mode: WorkerMode): SfuUnderTest {
  return {
    name: `Skein ${mode}`,
    createWorker: (options) => createWorker({ ...options, mode }),
    childProcess: mode === 'process',
  };
}

/** The latency probe's connections (SKEIN_BENCH_FWD_PROBES, default 8; 0: no probe). */
export function probeCount(): number {
  const value = Number(process.env.SKEIN_BENCH_FWD_PROBES ?? 8);
  return Number.isFinite(value) && value >= 0 ? Math.floor(value) : 8;
}

/**
 * Whether the consumer created `index`-th goes to the latency probe: one in every
 * ⌈plannedN / probes⌉, at the middle of its stretch (so the probes' mean position in a
 * creation-order fan-out is the mean consumer's). N = plannedN / 2^k gets probes / 2^k
 * evenly spread; beyond plannedN the spacing continues (more probes).
 */
export function isProbeSlot(index: number, plannedN: number, probes: number): boolean {
  if (probes <= 0) return false;
  const stride = Math.max(1, Math.ceil(plannedN / probes));
  return index % stride === stride >> 1;
}

interface Subscriber {
  id: string;
  transport: WebRtcTransport;
  consumer: Consumer;
  active: boolean;
  /** Held by the latency probe, not the load client. */
  probe: boolean;
}

export interface SessionPlan {
  /** The N the probe slots are spread over (isProbeSlot). */
  consumers: number;
  /** Latency probe connections (probeCount() when absent); 0: no probe client. */
  probes?: number;
  /**
   * Each consumer transport's starting estimate, bit/s (default ESTIMATE_NOT_THE_LIMIT). The
   * load client sends no transport-cc feedback, so the estimate stays where it starts.
   */
  initialEstimate?: number;
}

export class Session {
  readonly mode: WorkerMode;
  readonly worker: Worker;
  readonly router: Router;
  readonly client: LoadClient;
  /**
   * The latency probe: a second load client process holding only the consumer connections
   * at isProbeSlot(); its event loop does nothing but receive them, so its latency is what
   * the SFU added (plus loopback and a lightly loaded process's wake-up).
   */
  readonly probe: LoadClient | undefined;
  readonly plan: Required<SessionPlan>;
  /** The probe's epochMs() minus the load client's, and its uncertainty (± µs). */
  clockOffsetUs = NaN;
  clockUncertaintyUs = NaN;
  readonly cpu: WorkerCpu;
  /** The SFU's child process in the tree CPU (readTreeCpu), if it has one. */
  readonly childPid: number | undefined;
  readonly #fingerprints: Map<LoadClient, DtlsFingerprint[]>;
  readonly subscribers: Subscriber[] = [];
  readonly sfuPorts = new Set<number>();
  producerTransport!: WebRtcTransport;
  producer!: Producer;
  producerPort = 0;
  payloadType = 0;
  srtpCryptoSuite = '?';
  connectMs: number[] = [];
  #stream: StreamRate = { ...VIDEO_1MBPS, packetRate: 0 };

  private constructor(
    mode: WorkerMode,
    worker: Worker,
    router: Router,
    client: LoadClient,
    probe: LoadClient | undefined,
    plan: Required<SessionPlan>,
    fingerprints: Map<LoadClient, DtlsFingerprint[]>,
  ) {
    this.mode = mode;
    this.worker = worker;
    this.router = router;
    this.client = client;
    this.probe = probe;
    this.plan = plan;
    this.cpu = new WorkerCpu(worker);
    this.childPid = mode === 'process' ? worker.pid : undefined;
    this.#fingerprints = fingerprints;
  }

  /** `client` carries the producer and most consumers; the probe client is the session's. */
  static async start(
    mode: WorkerMode,
    client: LoadClient,
    sfu: SfuUnderTest = skeinSfu(mode),
    plan: SessionPlan = { consumers: 200 },
  ): Promise<Session> {
    const fullPlan = {
      consumers: plan.consumers,
      probes: plan.probes ?? probeCount(),
      initialEstimate: plan.initialEstimate ?? ESTIMATE_NOT_THE_LIMIT,
    };
    const probe = fullPlan.probes > 0 ? new LoadClient() : undefined;
    try {
      const fingerprints = new Map<LoadClient, DtlsFingerprint[]>();
      fingerprints.set(client, await client.init());
      if (probe) {
        fingerprints.set(probe, await probe.init());
        await probe.verifyEvery(1, true);
      }
      const worker = await sfu.createWorker({ logLevel: 'error' });
      if (sfu.childProcess) mode = 'process';
      const router = await worker.createRouter({
        mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }],
      });
      const session = new Session(mode, worker, router, client, probe, fullPlan, fingerprints);
      if (probe) await session.#checkClocks(probe);
      await session.#startProducer();
      return session;
    } catch (error) {
      await probe?.close(); // the caller closes its own client
      throw error;
    }
  }

  /** The two clients' time bases, compared through this process (fastest round trips). */
  async #checkClocks(probe: LoadClient): Promise<void> {
    const main = await this.client.clockOffset();
    const other = await probe.clockOffset();
    this.clockOffsetUs = (other.offsetMs - main.offsetMs) * 1000;
    this.clockUncertaintyUs = ((other.rttMs + main.rttMs) / 2) * 1000;
  }

  /** Every client: the load client's snapshot, and the probe's when there is one. */
  async snapshots(): Promise<{ client: Snapshot; probe: Snapshot | undefined }> {
    const [client, probe] = await Promise.all([this.client.snapshot(), this.probe?.snapshot()]);
    return { client, probe };
  }

  /** A server transport connected to a new client connection (ICE, DTLS as server). */
  async #connectedTransport(id: string, client = this.client): Promise<WebRtcTransport> {
    const transport = await this.router.createWebRtcTransport({
      listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      initialAvailableOutgoingBitrate: this.plan.initialEstimate,
    });
    await transport.connect({
      dtlsParameters: { role: 'client', fingerprints: this.#fingerprints.get(client)! },
    });
    const remote = remoteTransportOf(transport);
    this.sfuPorts.add(remote.port);
    const { srtpCryptoSuite, ms } = await client.connect(id, remote);
    this.srtpCryptoSuite = srtpCryptoSuite;
    this.connectMs.push(ms);
    return transport;
  }

  async #startProducer(): Promise<void> {
    const vp8 = this.router.rtpCapabilities.codecs!.find((c) => c.mimeType === 'video/VP8')!;
    this.payloadType = vp8.preferredPayloadType!;
    this.producerTransport = await this.#connectedTransport('producer');
    this.producerPort = this.producerTransport.iceCandidates[0].port;
    this.producer = await this.producerTransport.produce({
      kind: 'video',
      rtpParameters: vp8RtpParameters(this.payloadType, PRODUCER_SSRC, 'forwarding-bench'),
    });
  }

  async setStream(rate: StreamRate): Promise<void> {
    this.#stream = rate;
    const settings: StreamSettings = {
      ssrc: PRODUCER_SSRC,
      payloadType: this.payloadType,
      ...rate,
      ...PACKET_SIZES,
    };
    await this.client.stream('producer', settings);
  }

  /**
   * After an overloaded step: the worker's 4 MiB socket buffer (and the client's) can hold
   * seconds of backlog that would spill into the next step. Stops the stream and pauses the
   * producer (the worker then drops what is queued instead of forwarding it) until nothing
   * arrives any more, then resumes both. Bounded to 8 s.
   */
  async drain(): Promise<void> {
    const stream = this.#stream;
    await this.producer.pause();
    await this.client.stream('producer', {
      ssrc: PRODUCER_SSRC,
      payloadType: this.payloadType,
      ...stream,
      ...PACKET_SIZES,
      packetRate: 0,
    });
    let last = -1;
    for (let i = 0; i < 40; i++) {
      await sleep(200);
      const { client, probe } = await this.snapshots();
      let total = 0;
      for (const snapshot of [client, probe]) {
        for (const r of Object.values(snapshot?.receivers ?? {})) total += r.received;
      }
      if (total === last) break;
      last = total;
    }
    await this.producer.resume();
    await this.setStream(stream);
  }

  /** Closes consumer connections beyond the first `n` (server transport and client side). */
  async trim(n: number): Promise<void> {
    const extra = this.subscribers.splice(n);
    for (const s of extra) s.transport.close();
    await Promise.all(extra.map((s) => this.#clientOf(s).disconnect(s.id)));
  }

  #clientOf(s: Subscriber): LoadClient {
    return s.probe && this.probe ? this.probe : this.client;
  }

  /**
   * Creates consumer connections until there are `n`: a few handshakes at a time, then the
   * consumers one by one, so creation order (Skein's fan-out order) is the index order.
   */
  async ensureSubscribers(n: number): Promise<void> {
    const first = this.subscribers.length;
    const connected: { id: string; probe: boolean; transport: WebRtcTransport }[] = [];
    let next = first;
    const lane = async (): Promise<void> => {
      while (next < n) {
        const index = next++;
        const id = `consumer-${index}`;
        const probe =
          this.probe !== undefined && isProbeSlot(index, this.plan.consumers, this.plan.probes);
        const client = probe ? this.probe : this.client;
        connected[index - first] = {
          id,
          probe,
          transport: await this.#connectedTransport(id, client),
        };
      }
    };
    await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, lane));
    for (const { id, probe, transport } of connected) {
      const consumer = await transport.consume({
        producerId: this.producer.id,
        rtpCapabilities: this.router.rtpCapabilities,
        paused: true,
      });
      this.subscribers.push({ id, transport, consumer, active: false, probe });
    }
  }

  /** Resumes the first `n` consumers, pauses the others. */
  async activate(n: number): Promise<Subscriber[]> {
    await this.ensureSubscribers(n);
    await Promise.all(
      this.subscribers.map(async (s, i) => {
        const want = i < n;
        if (want === s.active) return;
        s.active = want;
        if (want) await s.consumer.resume();
        else await s.consumer.pause();
      }),
    );
    return this.subscribers.slice(0, n);
  }

  async close(): Promise<void> {
    this.worker.close();
    await Promise.all([this.client.close(), this.probe?.close()]);
  }
}

// ---------------------------------------------------------------------------------------
// Measuring one step

interface Sample {
  atMs: number;
  client: Snapshot;
  probe: Snapshot | undefined;
  sfuIn: number;
  sfuOut: number;
  cpu: CpuReading;
  cpuAtMs: number;
  machine: { busy: number; total: number };
  drops: Map<number, number>;
  /** This process's CPU (µs): the control thread, and in thread mode the worker too. */
  hostUs: number;
  tree: { userUs: number; systemUs: number };
}

async function sample(session: Session, active: Subscriber[], cpuFirst: boolean): Promise<Sample> {
  const readCpu = async () => {
    const cpu = await session.cpu.read();
    const host = process.cpuUsage();
    return {
      cpu,
      cpuAtMs: performance.now(),
      hostUs: host.user + host.system,
      tree: readTreeCpu(session.childPid),
      machine: readMachine(),
      drops: readUdpDrops(),
    };
  };
  const first = cpuFirst ? await readCpu() : undefined;
  const atMs = performance.now();
  const [{ client, probe }, producerStats, consumerStats] = await Promise.all([
    session.snapshots(),
    session.producer.getStats() as Promise<{ packetCount: number }[]>,
    Promise.all(active.map((s) => s.consumer.getStats() as Promise<{ packetCount: number }[]>)),
  ]);
  const rest = first ?? (await readCpu());
  return {
    atMs,
    client,
    probe,
    sfuIn: producerStats[0]?.packetCount ?? 0,
    sfuOut: consumerStats.reduce((sum, stats) => sum + (stats[0]?.packetCount ?? 0), 0),
    ...rest,
  };
}

export interface StepResult {
  label: string;
  consumers: number;
  /** Packets/s: sent by the client, received by the SFU, sent by the SFU, received by the client. */
  clientSent: number;
  sfuIn: number;
  sfuOut: number;
  clientReceived: number;
  /** Bandwidth probe packets/s the client received (not in clientReceived). */
  clientProbes: number;
  /** Whether the client sent what it meant to (≥ 97 % of due). */
  clientKeptUp: boolean;
  /** Fraction lost, from the consumers' sequence numbers (over started consumers). */
  loss: number;
  notStarted: number;
  dropsSfu: number;
  dropsClient: number;
  /** The load client's send-to-receive latency: includes its own receive queueing. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** The latency probe's (what the SFU added), over its `probes` active connections. */
  probes: number;
  probeP50Ms: number;
  probeP99Ms: number;
  /** The probe's p50 per connection, by position in consumer creation order (0-based). */
  probeByPosition: { position: number; p50Ms: number }[];
  workerCpuPct: number;
  workerUsPerPacket: number;
  workerUsPerPacketRusage: number;
  /** Both client processes (load client and probe), % of a core. */
  clientCpuPct: number;
  /** The rest of the benchmark process (control thread, V8 helpers), worker excluded. */
  hostCpuPct: number;
  machineBusyPct: number;
  /** CPU of the whole SFU process tree (readTreeCpu) per packet the client received, µs. */
  treeUserUsPerPacket: number;
  treeSystemUsPerPacket: number;
}

function percentileMs(counts: number[], p: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= p * total) return LatencyHistogram.upperMs(i);
  }
  return Infinity;
}

export async function measure(
  session: Session,
  active: Subscriber[],
  label: string,
  ms: number,
): Promise<StepResult> {
  const a = await sample(session, active, false);
  await sleep(ms);
  const b = await sample(session, active, true);
  const seconds = (b.atMs - a.atMs) / 1000;
  const cpuSeconds = (b.cpuAtMs - a.cpuAtMs) / 1000;
  const ids = new Set(active.map((s) => s.id));

  let expected = 0;
  let received = 0;
  let notStarted = 0;
  let clientReceived = 0;
  let clientProbes = 0;
  const receivers = (s: Sample) => ({ ...s.client.receivers, ...s.probe?.receivers });
  const receiversBefore = receivers(a);
  for (const [id, after] of Object.entries(receivers(b))) {
    const before = receiversBefore[id];
    clientReceived += after.received - (before?.received ?? 0);
    clientProbes += after.probation - (before?.probation ?? 0);
    if (!ids.has(id)) continue;
    if (!before || before.received === 0) {
      notStarted++;
      continue;
    }
    expected += after.highestSeq - before.highestSeq;
    received += after.received - before.received;
  }
  let dropsSfu = 0;
  let dropsClient = 0;
  for (const [port, count] of b.drops) {
    const delta = count - (a.drops.get(port) ?? 0);
    if (session.sfuPorts.has(port)) dropsSfu += delta;
    else dropsClient += delta;
  }
  const diff = (after: number[] | undefined, before: number[] | undefined): number[] =>
    (after ?? []).map((n, i) => n - (before?.[i] ?? 0));
  const latencyCounts = diff(b.client.latencyCounts, a.client.latencyCounts);
  const probeCounts = diff(b.probe?.latencyCounts, a.probe?.latencyCounts);
  const probeByPosition: StepResult['probeByPosition'] = [];
  active.forEach((s, position) => {
    if (!s.probe) return;
    const counts = diff(b.probe?.latencyByConnection?.[s.id], a.probe?.latencyByConnection?.[s.id]);
    probeByPosition.push({ position, p50Ms: percentileMs(counts, 0.5) });
  });
  const sfuOut = (b.sfuOut - a.sfuOut) / seconds;
  const cpuMs = b.cpu.ms - a.cpu.ms;
  const rusageMs = b.cpu.rusageMs - a.cpu.rusageMs;
  const outInCpuWindow = sfuOut * cpuSeconds;
  const cpuUs = (s: Snapshot | undefined): number => (s ? s.cpuUserUs + s.cpuSystemUs : 0);
  const clientCpuUs = cpuUs(b.client) + cpuUs(b.probe) - cpuUs(a.client) - cpuUs(a.probe);
  const clientSeconds = (b.client.atMs - a.client.atMs) / 1000;
  const sent = b.client.sent - a.client.sent;
  const deliveredInCpuWindow = (clientReceived / clientSeconds) * cpuSeconds;
  const due = b.client.due - a.client.due;
  return {
    label,
    consumers: active.length,
    clientSent: sent / clientSeconds,
    sfuIn: (b.sfuIn - a.sfuIn) / seconds,
    sfuOut,
    clientReceived: clientReceived / clientSeconds,
    clientProbes: clientProbes / clientSeconds,
    clientKeptUp: due === 0 || sent >= 0.97 * due,
    loss: expected > 0 ? Math.max(0, 1 - received / expected) : NaN,
    notStarted,
    dropsSfu,
    dropsClient,
    latencyP50Ms: percentileMs(latencyCounts, 0.5),
    latencyP99Ms: percentileMs(latencyCounts, 0.99),
    probes: probeByPosition.length,
    probeP50Ms: percentileMs(probeCounts, 0.5),
    probeP99Ms: percentileMs(probeCounts, 0.99),
    probeByPosition,
    workerCpuPct: (cpuMs / 1000 / cpuSeconds) * 100,
    workerUsPerPacket: outInCpuWindow > 0 ? (cpuMs * 1000) / outInCpuWindow : NaN,
    workerUsPerPacketRusage: outInCpuWindow > 0 ? (rusageMs * 1000) / outInCpuWindow : NaN,
    clientCpuPct: (clientCpuUs / 1e6 / clientSeconds) * 100,
    hostCpuPct:
      ((b.hostUs - a.hostUs) / 1e3 - (session.mode === 'thread' ? cpuMs : 0)) / 10 / cpuSeconds,
    machineBusyPct: ((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * 100,
    treeUserUsPerPacket: (b.tree.userUs - a.tree.userUs) / deliveredInCpuWindow,
    treeSystemUsPerPacket: (b.tree.systemUs - a.tree.systemUs) / deliveredInCpuWindow,
  };
}

export function sustained(r: StepResult): boolean {
  return (
    r.notStarted === 0 &&
    r.loss < LOSS_LIMIT &&
    r.latencyP50Ms < LATENCY_LIMIT_MS &&
    r.clientKeptUp &&
    r.sfuOut >= r.consumers * r.sfuIn * (1 - LOSS_LIMIT) * 0.99
  );
}

/** Who most likely stopped a failed step, from the figures a reader sees in the table. */
function limitOf(r: StepResult): string {
  const what = `${r.label} (${fmt(r.sfuOut)} pkt/s out) failed`;
  const cpus = `worker ${fmt(r.workerCpuPct)} %, client ${fmt(r.clientCpuPct)} % of a core`;
  if (!r.clientKeptUp) {
    return `${what}: the load client could not send at the rate (${cpus}; client-limited)`;
  }
  if (r.dropsClient > r.dropsSfu) {
    return `${what}: packets dropped at the client's sockets (${cpus}; client-limited)`;
  }
  if (r.workerCpuPct > 85) {
    return `${what}: ${r.dropsSfu} drops at the worker's socket (${cpus}; worker-limited)`;
  }
  if (r.machineBusyPct > 90) {
    return `${what}: ${r.dropsSfu} drops at the worker's socket, both cores busy (${cpus}; machine-limited)`;
  }
  return `${what}: ${r.dropsSfu} drops at the worker's socket (${cpus})`;
}

// ---------------------------------------------------------------------------------------
// Printing

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function printTable(title: string, rows: StepResult[]): void {
  console.log(`\n${title}`);
  console.table(
    rows.map((r) => ({
      step: r.label,
      N: r.consumers,
      'in pkt/s (client→SFU)': fmt(r.sfuIn),
      'out pkt/s (SFU)': fmt(r.sfuOut),
      'recv pkt/s (client)': fmt(r.clientReceived),
      'BWE probes pkt/s': fmt(r.clientProbes),
      'loss %': `${fmt(r.loss * 100, 2)}${r.notStarted ? ` (${r.notStarted} not started)` : ''}`,
      'drops SFU/client': `${r.dropsSfu}/${r.dropsClient}`,
      'latency probe p50/p99 ms (conns)': `${fmt(r.probeP50Ms, 2)}/${fmt(r.probeP99Ms, 2)} (${r.probes})`,
      'client p50/p99 ms (+ its queueing)': `${fmt(r.latencyP50Ms, 1)}/${fmt(r.latencyP99Ms, 1)}`,
      'worker CPU %': fmt(r.workerCpuPct, 1),
      'worker µs/pkt out': fmt(r.workerUsPerPacket, 1),
      '(rusage µs/pkt)': fmt(r.workerUsPerPacketRusage, 1),
      'client CPU % (both)': `${fmt(r.clientCpuPct, 0)}${r.clientKeptUp ? '' : ' (behind)'}`,
      'host CPU %': fmt(r.hostCpuPct, 0),
      'machine busy %': fmt(r.machineBusyPct, 0),
      ok: sustained(r) ? 'yes' : 'no',
    })),
  );
}

/**
 * The fan-out order check: the probe's p50 by consumer position, one line per step. Skein
 * sends a packet to its consumers in creation order, so it should grow with the position.
 */
export function printFanOut(title: string, rows: StepResult[]): void {
  const lines = rows
    .filter((r) => r.probeByPosition.length > 1)
    .map(
      (r) =>
        `  ${r.label}: ` +
        r.probeByPosition.map((p) => `#${p.position} ${fmt(p.p50Ms, 2)}`).join(', '),
    );
  if (lines.length === 0) return;
  console.log(`${title}\n${lines.join('\n')}`);
}

/** One line on the latency probe of a session (or that there is none). */
export function describeProbe(session: Session): string {
  if (!session.probe) return 'no latency probe (SKEIN_BENCH_FWD_PROBES=0)';
  return (
    `latency probe: a second client process (pid ${session.probe.pid ?? '?'}) holding one ` +
    `consumer in ${Math.ceil(session.plan.consumers / session.plan.probes)} ` +
    `(${session.plan.probes} at N=${session.plan.consumers}); its clock minus the load ` +
    `client's: ${fmt(session.clockOffsetUs, 1)} µs ± ${fmt(session.clockUncertaintyUs, 1)}`
  );
}

// ---------------------------------------------------------------------------------------
// The phases

export interface ForwardingFigures {
  mode: WorkerMode;
  table: StepResult[];
  search: StepResult[];
  maxConsumers: number;
  saturation: StepResult[];
}

async function runMode(mode: WorkerMode, cfg: Config): Promise<ForwardingFigures> {
  const client = new LoadClient();
  const session = await Session.start(mode, client, skeinSfu(mode), {
    consumers: Math.max(...cfg.table),
    initialEstimate: SATURATION_ESTIMATE,
  });
  try {
    await client.verifyEvery(cfg.verifyEvery);
    await session.setStream(VIDEO_1MBPS);
    // Warm-up: JIT on both sides, and enough worker CPU to find its thread.
    const warm = await session.activate(Math.min(4, Math.max(...cfg.table)));
    await sleep(1000);
    await measure(session, warm, 'warm-up', 1000);
    await session.cpu.locate();
    console.log(
      `\nForwarding (${mode} mode): SRTP ${session.srtpCryptoSuite}; worker CPU from ` +
        `${session.cpu.precise ? 'its thread’s /proc schedstat' : 'getResourceUsage()'}; ` +
        `load client in a child process (pid ${client.pid ?? '?'}); ${describeProbe(session)}`,
    );

    // (a) the table. Consumer connections are opened as N grows (idle ones cost CPU too).
    const table: StepResult[] = [];
    for (const n of cfg.table) {
      const active = await session.activate(n);
      await sleep(cfg.settleMs);
      const r = await measure(session, active, `N=${n}`, cfg.measureMs);
      table.push(r);
      if (!sustained(r)) await session.drain();
    }
    printTable(
      `(a) one 1 Mbit/s VP8 stream (${VIDEO_1MBPS.packetRate} pkt/s, ` +
        `${PACKET_SIZES.minPacketSize}–${PACKET_SIZES.maxPacketSize} B, ` +
        `${VIDEO_1MBPS.fps} fps) to N consumers, ${mode} worker; the client SRTP-unprotects ` +
        `1 in ${cfg.verifyEvery} packets`,
      table,
    );
    printFanOut('fan-out order: latency probe p50 ms by consumer position (creation order)', table);

    // (b) the largest N sustained: doubling, then bisecting; a failed step is measured
    // twice (the machine is shared and noisy), the better run counts.
    await client.verifyEvery(cfg.loadVerifyEvery);
    const search: StepResult[] = [];
    let good = 0;
    let bad = Infinity;
    for (const r of table) {
      if (sustained(r)) good = Math.max(good, r.consumers);
      else bad = Math.min(bad, r.consumers);
    }
    if (bad <= good) bad = Infinity; // a noisy failure below a success: search upward
    const deadline = performance.now() + cfg.searchBudgetMs;
    for (let step = 0; step < cfg.searchSteps && performance.now() < deadline; step++) {
      let n: number;
      if (bad === Infinity) n = Math.min(cfg.maxConsumers, Math.max(1, good * 2));
      else if (bad - good > Math.max(1, Math.ceil(good * 0.05))) n = Math.floor((good + bad) / 2);
      else break;
      if (n <= good) break;
      const active = await session.activate(n);
      await sleep(cfg.settleMs);
      let r = await measure(session, active, `search N=${n}`, cfg.measureMs);
      if (!sustained(r)) {
        await session.drain();
        await sleep(cfg.settleMs);
        search.push({ ...r, label: `${r.label} (1st)` });
        r = await measure(session, active, `search N=${n} (2nd)`, cfg.measureMs);
        if (!sustained(r)) await session.drain();
      }
      search.push(r);
      if (sustained(r)) good = n;
      else bad = n;
    }
    if (search.length > 0) {
      printTable(
        `(b) the largest N one ${mode} worker sustains (doubling, then bisecting; ` +
          `the client SRTP-unprotects 1 in ${cfg.loadVerifyEvery} packets)`,
        search,
      );
    }
    const bound =
      bad !== Infinity
        ? ` (N=${bad}: not)`
        : good >= cfg.maxConsumers
          ? ` (the cap: raise SKEIN_BENCH_FWD_MAX_N=${cfg.maxConsumers} to search further)`
          : ' (the search stopped before any loss)';
    console.log(
      `largest N sustained: ${good}${bound}; criteria: loss < ${LOSS_LIMIT * 100} %, ` +
        `median latency < ${LATENCY_LIMIT_MS} ms, out = N × in, every consumer started`,
    );
    const connectMs = [...session.connectMs].sort((x, y) => x - y);
    console.log(
      `${connectMs.length} client connections opened (ICE + DTLS + SRTP), median ` +
        `${fmt(connectMs[connectMs.length >> 1], 1)} ms each, ${CONNECT_CONCURRENCY} at a time`,
    );

    // (c) saturation: 2 consumers, rising packet rate; the other connections are closed
    // (idle transports cost the worker a little CPU too).
    const two = await session.activate(2);
    await session.trim(2);
    const saturation: StepResult[] = [];
    let failures = 0;
    for (const rate of cfg.saturationRates) {
      await session.setStream({ packetRate: rate, fps: 500, keyFrameInterval: 1000 });
      await sleep(500);
      const r = await measure(session, two, `${rate} pkt/s in`, cfg.saturationMeasureMs);
      saturation.push(r);
      if (!sustained(r)) {
        if (++failures >= 2) break;
        await session.drain();
      }
    }
    await session.setStream({ ...VIDEO_1MBPS, packetRate: 0 });
    printTable(
      `(c) saturation: one producer → 2 consumers, ${mode} worker (500 bursts/s; the client ` +
        `SRTP-unprotects 1 in ${cfg.loadVerifyEvery} packets)`,
      saturation,
    );
    return { mode, table, search, maxConsumers: good, saturation };
  } finally {
    await session.close();
  }
}

/**
 * `comparison`: what the summary says of mediasoup, measured side by side in the same run
 * (sideBySide/forwarding.ts describeComparison(), or its skip line).
 */
export async function runForwardingBench(
  options: { comparison?: string } = {},
): Promise<ForwardingFigures[]> {
  const cfg = config();
  const comparison =
    options.comparison ??
    'mediasoup: not measured in this run (node dist/bench/sideBySide/forwarding.js)';
  const all: ForwardingFigures[] = [];
  for (const mode of cfg.modes) {
    const figures = await runMode(mode, cfg);
    all.push(figures);
    const sat = figures.saturation.filter(sustained);
    const best = sat.reduce<StepResult | undefined>(
      (m, r) => (m === undefined || r.sfuOut > m.sfuOut ? r : m),
      undefined,
    );
    const firstFailure = figures.saturation.find((r) => !sustained(r));
    console.log(
      `\nSummary (${mode}): one worker sustains ${figures.maxConsumers} consumers of a ` +
        `1 Mbit/s stream (~${fmt(figures.maxConsumers * VIDEO_1MBPS.packetRate)} pkt/s out); ` +
        `saturation: ${best ? fmt(best.sfuOut) : '–'} pkt/s out without loss at ` +
        `${best ? fmt(best.workerUsPerPacket, 1) : '–'} µs of worker CPU per forwarded packet, ` +
        `then ${firstFailure ? limitOf(firstFailure) : 'no limit reached'}. ${comparison}`,
    );
  }
  return all;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runForwardingBench();
}
