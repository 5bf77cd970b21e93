/**
 * Plain-RTP forwarding benchmark: one producer on a PlainTransport fed from a Node socket
 * (a VP8-like 1 Mbit/s stream, ~100 pkt/s of 1000–1200 B), N consumers each on its own
 * PlainTransport toward one Node receiving socket, over real UDP on 127.0.0.1; without SRTP
 * and with AES_CM_128_HMAC_SHA1_80 on every transport (the sender protects, Skein unprotects
 * once and protects per consumer; the receiver counts, and authenticates 1 packet in 16 of
 * the first consumer with the key that transport announced). Next to the WebRTC figures of
 * forwarding.ts, which adds ICE and DTLS and a load client in another process.
 *
 * The worker runs as a child process, so its CPU (getResourceUsage) is its own; the sender
 * and the receiver run on this process's main thread. Bounded: a few seconds per step.
 * Knobs: SKEIN_BENCH_PLAIN_N=1,10,50,100,200 SKEIN_BENCH_PLAIN_MEASURE_MS (default 2000).
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import { createWorker, type PlainTransport, type Router, type Worker } from '../src/index.js';
import { SrtpSession, isSrtpError } from '../src/protocols/srtp/index.js';
import { VideoSource, vp8RtpParameters } from './loadClient/VideoSource.js';

const SUITE = 'AES_CM_128_HMAC_SHA1_80';
const SSRC = 0x71a10001;
const SETTLE_MS = 750;
const VERIFY_EVERY = 16;

export interface PlainStep {
  consumers: number;
  srtp: boolean;
  inPerSecond: number;
  outPerSecond: number;
  loss: number;
  workerUsPerPacket: number;
}

function envList(name: string, fallback: number[]): number[] {
  const list = (process.env[name] ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  return list.length > 0 ? list : fallback;
}

function bindSocket(): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => {
      socket.setRecvBufferSize(8 * 1024 * 1024);
      resolve(socket);
    });
  });
}

async function workerCpuMs(worker: Worker): Promise<number> {
  const usage = await worker.getResourceUsage();
  return usage.ru_utime + usage.ru_stime;
}

async function measureStep(
  worker: Worker,
  router: Router,
  consumers: number,
  srtp: boolean,
  measureMs: number,
): Promise<PlainStep> {
  const sender = await bindSocket();
  const receiver = await bindSocket();
  const transports: PlainTransport[] = [];
  let received = 0;
  let verified = 0;
  let verifyFailed = 0;
  let firstConsumerPort = 0;
  let firstConsumerPackets = 0;
  let verifier: SrtpSession | undefined;
  receiver.on('message', (data, from) => {
    if (data.length < 2 || (data[1] >= 192 && data[1] <= 223)) return; // the consumers' SRs
    received++;
    if (
      verifier &&
      from.port === firstConsumerPort &&
      ++firstConsumerPackets % VERIFY_EVERY === 0
    ) {
      if (isSrtpError(verifier.unprotectRtp(data))) verifyFailed++;
      else verified++;
    }
  });
  try {
    const keying = randomBytes(30);
    const ingest = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      enableSrtp: srtp,
    });
    transports.push(ingest);
    await ingest.connect({
      ip: '127.0.0.1',
      port: sender.address().port,
      srtpParameters: srtp
        ? { cryptoSuite: SUITE, keyBase64: keying.toString('base64') }
        : undefined,
    });
    const producer = await ingest.produce({
      kind: 'video',
      rtpParameters: vp8RtpParameters(96, SSRC, 'plain-bench'),
    });
    for (let i = 0; i < consumers; i++) {
      const transport = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        enableSrtp: srtp,
      });
      transports.push(transport);
      await transport.connect({
        ip: '127.0.0.1',
        port: receiver.address().port,
        srtpParameters: srtp
          ? { cryptoSuite: SUITE, keyBase64: randomBytes(30).toString('base64') }
          : undefined,
      });
      await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      if (i === 0 && srtp) {
        const key = Buffer.from(transport.srtpParameters!.keyBase64, 'base64');
        verifier = new SrtpSession(SUITE, key.subarray(0, 16), key.subarray(16));
        firstConsumerPort = transport.tuple.localPort;
      }
    }
    const protect = srtp
      ? new SrtpSession(SUITE, keying.subarray(0, 16), keying.subarray(16))
      : undefined;
    const ring = Array.from({ length: 64 }, () => Buffer.alloc(1600));
    let slot = 0;
    const skeinPort = ingest.tuple.localPort;
    const source = new VideoSource(
      {
        ssrc: SSRC,
        payloadType: 96,
        packetRate: 100,
        fps: 30,
        keyFrameInterval: 60,
        minPacketSize: 1000,
        maxPacketSize: 1200,
      },
      (packet) => {
        const out = ring[slot];
        slot = (slot + 1) % ring.length;
        let wire: Uint8Array;
        if (protect) {
          const result = protect.protectRtp(packet, out);
          if (isSrtpError(result)) return false;
          wire = result;
        } else {
          out.set(packet);
          wire = out.subarray(0, packet.length);
        }
        sender.send(wire, skeinPort, '127.0.0.1');
        return true;
      },
    );
    const timer = setInterval(() => source.tick(performance.now()), 5);
    try {
      await sleep(SETTLE_MS);
      const sentBefore = source.sent;
      const receivedBefore = received;
      const cpuBefore = await workerCpuMs(worker);
      const startMs = performance.now();
      await sleep(measureMs);
      const sent = source.sent - sentBefore;
      const cpuMs = (await workerCpuMs(worker)) - cpuBefore;
      const elapsedS = (performance.now() - startMs) / 1000;
      clearInterval(timer);
      await sleep(100); // the last packets in flight
      const out = received - receivedBefore;
      const expected = sent * consumers;
      if (verifyFailed > 0 || (srtp && verified === 0)) {
        throw new Error(`SRTP check of the first consumer: ${verified} ok, ${verifyFailed} failed`);
      }
      return {
        consumers,
        srtp,
        inPerSecond: sent / elapsedS,
        outPerSecond: out / elapsedS,
        loss: expected > 0 ? Math.max(0, 1 - out / expected) : 0,
        workerUsPerPacket: out > 0 ? (cpuMs * 1000) / out : 0,
      };
    } finally {
      clearInterval(timer);
    }
  } finally {
    for (const transport of transports) transport.close();
    sender.close();
    receiver.close();
  }
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

export async function runPlainForwardingBench(): Promise<PlainStep[]> {
  const counts = envList('SKEIN_BENCH_PLAIN_N', [1, 10, 50, 100, 200]);
  const measureMs = envList('SKEIN_BENCH_PLAIN_MEASURE_MS', [2000])[0];
  const worker = await createWorker({ mode: 'process', logLevel: 'warn' });
  const steps: PlainStep[] = [];
  try {
    const router = await worker.createRouter({
      mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }],
    });
    console.log(
      '\nPlain-RTP forwarding: 1 producer → N consumers over PlainTransports (process worker, ' +
        `1 Mbit/s VP8-like stream, ${measureMs} ms per step)`,
    );
    console.log('  N     SRTP  pkt/s in  pkt/s out   loss   worker µs/pkt out');
    for (const srtp of [false, true]) {
      for (const consumers of counts) {
        const step = await measureStep(worker, router, consumers, srtp, measureMs);
        steps.push(step);
        console.log(
          `  ${String(consumers).padEnd(5)} ${(srtp ? 'yes' : 'no').padEnd(5)} ` +
            `${fmt(step.inPerSecond).padStart(8)}  ${fmt(step.outPerSecond).padStart(9)}  ` +
            `${fmt(step.loss * 100, 2).padStart(5)} %  ${fmt(step.workerUsPerPacket, 1).padStart(8)}`,
        );
      }
    }
  } finally {
    worker.close();
  }
  return steps;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runPlainForwardingBench();
}
