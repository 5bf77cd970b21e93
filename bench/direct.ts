/**
 * DirectTransport benchmark: packets per second through the channel and the media plane,
 * producer.send() of 1200-byte VP8 packets → the router → a direct consumer's `rtp` events,
 * with a window of packets in flight, in thread (shared-memory ring) and process (pipes) mode.
 * Each packet crosses the channel twice (host → worker, worker → host) as a binary payload.
 */
import { performance } from 'node:perf_hooks';
import { createWorker, type RtpParameters, type WorkerMode } from '../src/index.js';

const PACKET_SIZE = 1200;
const SSRC = 0x1234_5678;

export interface DirectFigures {
  mode: WorkerMode;
  packetsPerSec: number;
}

const parameters: RtpParameters = {
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
    },
  ],
  headerExtensions: [],
  encodings: [{ ssrc: SSRC }],
  rtcp: { cname: 'bench', reducedSize: true },
};

/**
 * A VP8 packetizer's output, one buffer reused (send() copies it): 4 packets per frame
 * (RFC 7741 descriptor with a 15-bit PictureID), a key frame every 120 packets.
 */
class Packets {
  readonly #packet = Buffer.alloc(PACKET_SIZE, 0x42);
  #n = 0;

  next(): Buffer {
    const p = this.#packet;
    const n = this.#n++;
    const first = n % 4 === 0;
    const frame = n >> 2;
    p[0] = 0x80;
    p[1] = (n % 4 === 3 ? 0x80 : 0) | 96;
    p.writeUInt16BE(n & 0xffff, 2);
    p.writeUInt32BE((frame * 3000) >>> 0, 4);
    p.writeUInt32BE(SSRC, 8);
    p[12] = first ? 0x90 : 0x80;
    p[13] = 0x80;
    p[14] = 0x80 | ((frame >> 8) & 0x7f);
    p[15] = frame & 0xff;
    p[16] = first && n % 120 === 0 ? 0x10 : 0x11;
    return p;
  }
}

async function measure(mode: WorkerMode, window: number, ms: number): Promise<number> {
  const worker = await createWorker({ mode, logLevel: 'none' });
  try {
    const router = await worker.createRouter({
      mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }],
    });
    const input = await router.createDirectTransport();
    const output = await router.createDirectTransport();
    const producer = await input.produce({ kind: 'video', rtpParameters: parameters });
    const consumer = await output.consume({
      producerId: producer.id,
      rtpCapabilities: router.rtpCapabilities,
    });
    const packets = new Packets();
    const run = (durationMs: number): Promise<number> =>
      new Promise((resolve) => {
        let received = 0;
        let inFlight = 0;
        const start = performance.now();
        const deadline = start + durationMs;
        const finish = (): void => {
          consumer.off('rtp', onRtp);
          clearTimeout(timer);
          resolve(received / ((performance.now() - start) / 1000));
        };
        const onRtp = (): void => {
          received++;
          inFlight--;
          if (performance.now() < deadline) {
            producer.send(packets.next());
            inFlight++;
          } else if (inFlight === 0) {
            finish();
          }
        };
        // A packet the consumer drops (none expected) must not hang the run.
        const timer = setTimeout(finish, durationMs + 5000);
        consumer.on('rtp', onRtp);
        for (let i = 0; i < window; i++) {
          producer.send(packets.next());
          inFlight++;
        }
      });
    await run(300); // warm-up (JIT)
    return await run(ms);
  } finally {
    worker.close();
  }
}

export async function runDirectBench(
  options: { rounds?: number; ms?: number; window?: number } = {},
): Promise<DirectFigures[]> {
  const { rounds = 3, ms = 1000, window = 64 } = options;
  const modes: WorkerMode[] = ['thread', 'process'];
  const samples = new Map<WorkerMode, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes) {
      samples.set(mode, [...(samples.get(mode) ?? []), await measure(mode, window, ms)]);
    }
  }
  const figures = modes.map((mode) => {
    const values = [...samples.get(mode)!].sort((a, b) => a - b);
    return { mode, packetsPerSec: values[Math.floor(values.length / 2)] };
  });
  console.log(
    `\nDirectTransport: producer.send() of ${PACKET_SIZE}-byte VP8 packets → router → a ` +
      `direct consumer's 'rtp' events (${window} in flight, median of ${rounds} × ${ms} ms)`,
  );
  console.table(
    figures.map((f) => ({
      mode: f.mode,
      'packets/s': Math.round(f.packetsPerSec),
      'Mbit/s of RTP': ((f.packetsPerSec * PACKET_SIZE * 8) / 1e6).toFixed(0),
    })),
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDirectBench();
}
