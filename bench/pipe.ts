/**
 * Pipe benchmark: RTP piped between two worker threads by router.pipeToRouter(). A VP8-like
 * stream (~1000-byte packets, 10 per frame, a key frame every 30 frames) enters worker A by a
 * comedia PlainTransport from a UDP socket of this process, crosses the pipe to worker B and
 * leaves it by a PlainTransport to a counting UDP socket here. At rising packet rates: packets/s
 * out, loss, and each worker's CPU per piped packet (getResourceUsage(): the worker thread's
 * own times). The same stream forwarded inside one router (plain in, plain out, no pipe) is the
 * baseline, so the pipe's own cost is the difference. Bounded in time, prints figures, asserts
 * nothing. Knobs: SKEIN_BENCH_PIPE_RATES (pkt/s, comma list), SKEIN_BENCH_PIPE_MEASURE_MS.
 */
import { createSocket, type Socket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import { createWorker, type Router, type RtpParameters, type Worker } from '../src/index.js';

const PT = 101;
const SSRC = 0x1234567;
const PACKET_BYTES = 1000;
const PACKETS_PER_FRAME = 10;

function rates(): number[] {
  const list = (process.env.SKEIN_BENCH_PIPE_RATES ?? '2000,10000,20000,40000,80000')
    .split(',')
    .map(Number)
    .filter((n) => Number.isFinite(n) && n > 0);
  return list.length > 0 ? list : [5000];
}

const MEASURE_MS = Number(process.env.SKEIN_BENCH_PIPE_MEASURE_MS) || 2000;

function parameters(): RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: PT,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack', parameter: 'pli' }],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc: SSRC }],
    rtcp: { cname: 'bench', reducedSize: true },
  };
}

async function udpSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    socket.setRecvBufferSize(8 * 1024 * 1024);
    socket.setSendBufferSize(8 * 1024 * 1024);
  } catch {
    // capped by the system: fine
  }
  return socket;
}

/** Sends frames at `rate` packets/s to a connected socket from a ring of packets. */
class Sender {
  readonly #socket: Socket;
  readonly #ring = Array.from({ length: 2048 }, () => Buffer.alloc(PACKET_BYTES, 0x55));
  #next = 0;
  #seq = 0;
  #ts = 0;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;
  sent = 0;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  start(rate: number): void {
    this.stop();
    const startMs = performance.now();
    const base = this.sent;
    this.#timer = setInterval(() => {
      const due = base + Math.floor(((performance.now() - startMs) * rate) / 1000);
      // Never more than 50 ms of backlog in one go (the loop may fall behind).
      const limit = this.sent + Math.ceil(rate / 20);
      while (this.sent < due && this.sent < limit) this.#packet();
    }, 2);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #packet(): void {
    const p = this.#ring[this.#next];
    this.#next = (this.#next + 1) % this.#ring.length;
    const index = this.#seq % PACKETS_PER_FRAME;
    const first = index === 0;
    if (first) this.#frame++;
    p[0] = 0x80;
    p[1] = (index === PACKETS_PER_FRAME - 1 ? 0x80 : 0) | PT;
    p.writeUInt16BE(this.#seq & 0xffff, 2);
    p.writeUInt32BE(this.#ts >>> 0, 4);
    p.writeUInt32BE(SSRC, 8);
    p[12] = first ? 0x10 : 0x00; // RFC 7741 §4.2: S bit, PID 0
    p[13] = first && this.#frame % 30 === 1 ? 0x10 : 0x11; // §4.3: P=0 on key frames
    this.#seq++;
    if (index === PACKETS_PER_FRAME - 1) this.#ts += 3000;
    this.#socket.send(p);
    this.sent++;
  }
}

interface Row {
  rate: number;
  out: number;
  loss: number;
  /** µs of worker CPU per packet delivered: [worker A, worker B] (B absent in the baseline). */
  usPerPacket: number[];
}

async function cpuMs(worker: Worker): Promise<number> {
  const u = await worker.getResourceUsage();
  return u.ru_utime + u.ru_stime;
}

/** Plain in on `inRouter`, (piped) plain out on `outRouter`; measures at each rate. */
async function run(workers: Worker[], inRouter: Router, outRouter: Router): Promise<Row[]> {
  const source = await udpSocket();
  const sink = await udpSocket();
  let received = 0;
  sink.on('message', () => received++);
  const ingest = await inRouter.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    comedia: true,
  });
  const producer = await ingest.produce({ kind: 'video', rtpParameters: parameters() });
  if (outRouter !== inRouter) {
    await inRouter.pipeToRouter({ producerId: producer.id, router: outRouter });
  }
  const egress = await outRouter.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
  });
  await egress.connect({ ip: '127.0.0.1', port: sink.address().port });
  await egress.consume({ producerId: producer.id, rtpCapabilities: outRouter.rtpCapabilities });
  await new Promise<void>((resolve) =>
    source.connect(ingest.tuple.localPort, '127.0.0.1', resolve),
  );
  const sender = new Sender(source);
  const rows: Row[] = [];
  try {
    for (const rate of rates()) {
      sender.start(rate);
      await sleep(500); // settle (key frame, queues)
      const sent0 = sender.sent;
      const recv0 = received;
      const cpu0 = await Promise.all(workers.map(cpuMs));
      const t0 = performance.now();
      await sleep(MEASURE_MS);
      const sent = sender.sent - sent0;
      const outWindow = received - recv0;
      const cpu1 = await Promise.all(workers.map(cpuMs));
      const elapsed = (performance.now() - t0) / 1000;
      await sleep(100); // what was in flight at the end of the window still counts as delivered
      const got = received - recv0;
      const delivered = Math.max(1, got);
      rows.push({
        rate,
        out: outWindow / elapsed,
        loss: sent > 0 ? Math.max(0, 1 - got / sent) : 0,
        usPerPacket: cpu1.map((c, i) => ((c - cpu0[i]) * 1000) / delivered),
      });
      if (got < sent * 0.5) break; // far past saturation: higher rates say nothing more
    }
  } finally {
    sender.stop();
    ingest.close();
    egress.close();
    source.close();
    sink.close();
  }
  return rows;
}

function print(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  console.log('  pkt/s in   pkt/s out   loss     worker µs/pkt');
  for (const r of rows) {
    const cpu = r.usPerPacket.map((u) => u.toFixed(1)).join(' + ');
    const total = r.usPerPacket.reduce((a, b) => a + b, 0).toFixed(1);
    console.log(
      `  ${String(r.rate).padStart(7)}   ${r.out.toFixed(0).padStart(9)}   ` +
        `${(r.loss * 100).toFixed(2).padStart(5)} %   ${cpu}${r.usPerPacket.length > 1 ? ` = ${total}` : ''}`,
    );
  }
}

export async function runPipeBench(): Promise<void> {
  console.log(
    '\nPipe throughput: plain RTP in on worker A → pipeToRouter() → worker B → plain RTP out ' +
      `(thread workers, ${PACKET_BYTES}-byte packets, ${MEASURE_MS} ms per rate)`,
  );
  const one = await createWorker({ mode: 'thread', logLevel: 'error' });
  const router = await one.createRouter({
    mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }],
  });
  const baseline = await run([one], router, router);
  one.close();
  print('Baseline: one router of one worker (plain in → plain out, no pipe)', baseline);

  const workers = [
    await createWorker({ mode: 'thread', logLevel: 'error' }),
    await createWorker({ mode: 'thread', logLevel: 'error' }),
  ];
  const mediaCodecs = [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }] as const;
  const a = await workers[0].createRouter({ mediaCodecs: [...mediaCodecs] });
  const b = await workers[1].createRouter({ mediaCodecs: [...mediaCodecs] });
  const piped = await run(workers, a, b);
  for (const w of workers) w.close();
  print('Piped: worker A (plain in + pipe out) + worker B (pipe in + plain out)', piped);

  const clean = piped.filter((r) => r.loss < 0.001);
  const best = clean.at(-1);
  if (best) {
    const base = baseline.find((r) => r.rate === best.rate);
    const total = best.usPerPacket.reduce((x, y) => x + y, 0);
    console.log(
      `\nSummary: ${best.out.toFixed(0)} pkt/s piped between two worker threads without loss ` +
        `(${((best.out * PACKET_BYTES * 8) / 1e6).toFixed(0)} Mbit/s), ${total.toFixed(1)} µs of ` +
        `worker CPU per piped packet over both workers` +
        (base ? ` vs ${base.usPerPacket[0].toFixed(1)} µs forwarded in one router` : '') +
        '.',
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runPipeBench();
}
