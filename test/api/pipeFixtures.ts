/**
 * Synthetic media for the pipe suites: a VP8-like RTP source on a UDP socket (one or several
 * SSRCs, key frames on a PLI/FIR), a UDP sink counting what arrives per SSRC, and the plain
 * transports that connect them to routers (comedia ingest, connect()ed egress).
 */
import { createSocket, type Socket } from 'node:dgram';
import { parseRtcpCompound } from '../../src/protocols/rtcp/index.js';
import type { Consumer, PlainTransport, Producer, Router, RtpParameters } from '../../src/index.js';

export const VP8_PT = 101;

/** VP8 with NACK, PLI and FIR; one encoding per SSRC (several: simulcast by SSRC). */
export function vp8Parameters(ssrcs: number[]): RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: VP8_PT,
        clockRate: 90000,
        rtcpFeedback: [
          { type: 'nack' },
          { type: 'nack', parameter: 'pli' },
          { type: 'ccm', parameter: 'fir' },
        ],
      },
    ],
    headerExtensions: [],
    encodings: ssrcs.map((ssrc) => ({ ssrc, scalabilityMode: 'L1T1' })),
    rtcp: { cname: 'pipe-test', reducedSize: true },
  };
}

async function bindUdp(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** Sends VP8-like frames for each SSRC; answers PLI/FIR with a key frame on that SSRC. */
export class RtpSource {
  readonly socket: Socket;
  readonly keyFrameRequests = new Map<number, number>();
  readonly sent = new Map<number, number>();
  readonly #packet = Buffer.alloc(1200, 0x55);
  readonly #state = new Map<number, { seq: number; ts: number; frame: number; key: boolean }>();
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const packets = parseRtcpCompound(data);
      if (!Array.isArray(packets)) return;
      for (const p of packets) {
        const ssrcs =
          p.kind === 'pli' ? [p.mediaSsrc] : p.kind === 'fir' ? p.entries.map((e) => e.ssrc) : [];
        for (const ssrc of ssrcs) {
          this.keyFrameRequests.set(ssrc, (this.keyFrameRequests.get(ssrc) ?? 0) + 1);
          const state = this.#state.get(ssrc);
          if (state) state.key = true;
        }
      }
    });
  }

  static async open(): Promise<RtpSource> {
    return new RtpSource(await bindUdp());
  }

  /** `packetsPerFrame` packets per frame at `fps`, to 127.0.0.1:`port`, for at most 60 s. */
  start(port: number, ssrcs: number[], fps = 50, packetsPerFrame = 2): void {
    for (const ssrc of ssrcs) {
      this.#state.set(ssrc, {
        seq: Math.floor(Math.random() * 0x10000),
        ts: Math.floor(Math.random() * 0x100000000),
        frame: 0,
        key: true,
      });
    }
    const deadline = Date.now() + 60_000;
    const timer = setInterval(() => {
      if (Date.now() > deadline) {
        clearInterval(timer);
        this.#timers.delete(timer);
        return;
      }
      for (const ssrc of ssrcs) this.#frame(port, ssrc, packetsPerFrame);
    }, 1000 / fps);
    this.#timers.add(timer);
  }

  /** Stops every stream started. */
  stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.clear();
  }

  close(): void {
    this.stop();
    this.socket.close();
  }

  #frame(port: number, ssrc: number, packets: number): void {
    const s = this.#state.get(ssrc)!;
    const key = s.key || s.frame % 100 === 0;
    s.key = false;
    s.frame++;
    const p = this.#packet;
    for (let i = 0; i < packets; i++) {
      p[0] = 0x80;
      p[1] = (i === packets - 1 ? 0x80 : 0) | VP8_PT;
      p.writeUInt16BE(s.seq, 2);
      p.writeUInt32BE(s.ts, 4);
      p.writeUInt32BE(ssrc, 8);
      // RFC 7741 §4.2 descriptor: S on the first packet, PID 0; §4.3 header: P=0 on key frames.
      p[12] = i === 0 ? 0x10 : 0x00;
      p[13] = key ? 0x10 : 0x11;
      s.seq = (s.seq + 1) & 0xffff;
      // dgram may send after this returns: each datagram gets its own bytes.
      this.socket.send(Buffer.from(p.subarray(0, 200)), port, '127.0.0.1');
      this.sent.set(ssrc, (this.sent.get(ssrc) ?? 0) + 1);
    }
    s.ts = (s.ts + 1800) >>> 0;
  }
}

/** Counts RTP packets per SSRC (and RTCP packets) arriving on a UDP socket. */
export class RtpSink {
  readonly socket: Socket;
  readonly packets = new Map<number, number>();
  /** Sequence-number gaps seen per SSRC (a continuous stream has none). */
  readonly gaps = new Map<number, number>();
  readonly #lastSeq = new Map<number, number>();
  rtcp = 0;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (data) => {
      if (data.length < 12) return;
      const pt = data[1] & 0x7f;
      if (pt >= 64 && pt <= 95) {
        this.rtcp++;
        return;
      }
      const ssrc = data.readUInt32BE(8);
      const seq = data.readUInt16BE(2);
      const last = this.#lastSeq.get(ssrc);
      if (last !== undefined && ((seq - last) & 0xffff) !== 1) {
        this.gaps.set(ssrc, (this.gaps.get(ssrc) ?? 0) + 1);
      }
      this.#lastSeq.set(ssrc, seq);
      this.packets.set(ssrc, (this.packets.get(ssrc) ?? 0) + 1);
    });
  }

  static async open(): Promise<RtpSink> {
    return new RtpSink(await bindUdp());
  }

  get port(): number {
    return this.socket.address().port;
  }

  get total(): number {
    let n = 0;
    for (const v of this.packets.values()) n += v;
    return n;
  }

  close(): void {
    this.socket.close();
  }
}

/** A comedia PlainTransport on `router` producing VP8 from `source` (started here). */
export async function ingest(
  router: Router,
  source: RtpSource,
  ssrcs: number[],
): Promise<{ transport: PlainTransport; producer: Producer }> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    comedia: true,
  });
  const producer = await transport.produce({ kind: 'video', rtpParameters: vp8Parameters(ssrcs) });
  source.start(transport.tuple.localPort, ssrcs);
  return { transport, producer };
}

/** A PlainTransport on `router` sending a consumer of `producerId` to `sink`. */
export async function egress(
  router: Router,
  sink: RtpSink,
  producerId: string,
): Promise<{ transport: PlainTransport; consumer: Consumer }> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
  });
  await transport.connect({ ip: '127.0.0.1', port: sink.port });
  const consumer = await transport.consume({
    producerId,
    rtpCapabilities: router.rtpCapabilities,
  });
  return { transport, consumer };
}
