/**
 * A real authenticated session for the hostile-peer suites: one worker, a producer peer and a
 * consumer peer (test/peer/SrtpPeer.ts) that completed ICE, DTLS and SRTP with their
 * WebRtcTransports over UDP or ICE-TCP, a VP8 producer with RTX and a consumer of it. Plain
 * RTP/RTCP built here is protected with the peers' own SRTP sessions, so the worker decrypts it.
 */
import { randomBytes } from 'node:crypto';
import {
  createWorker,
  type Consumer,
  type Producer,
  type Router,
  type WebRtcTransport,
  type Worker,
  type WorkerMode,
} from '../../src/index.js';
import { isSrtpError } from '../../src/protocols/srtp/index.js';
import { createDtlsCertificate, type DtlsCertificate } from '../../src/rtc/dtls/index.js';
import { SrtpPeer, remoteTransportOf, type PeerProtocol } from '../peer/SrtpPeer.js';
import { eventually, mediaCodecs, videoRtpParameters } from './mediaFixtures.js';

export const PRODUCER_SSRC = 27_182_818;
export const PRODUCER_RTX_SSRC = 27_182_819;
/** The client's payload types (videoRtpParameters): VP8 96, its RTX 97. */
export const VP8_PT = 96;
export const RTX_PT = 97;

/** Dropped-packet counters as getStats reports them (a subset is enough here). */
export type Drops = Record<string, number>;

export interface RtpShape {
  ssrc?: number;
  payloadType?: number;
  marker?: boolean;
  csrcs?: number[];
  /** A header extension block: its profile and its (already padded to 4) contents. */
  extension?: { profile: number; data: Uint8Array };
  payload?: Uint8Array;
  /** P bit set and the last byte set to this (the padding bytes are appended). */
  padding?: number;
  /** Overrides the last byte after padding (a lying padding count). */
  lastByte?: number;
  /** Negative: this packet goes back (late, duplicate); positive: a gap the next ones follow. */
  seqOffset?: number;
  timestamp?: number;
  /** RTX only: the OSN (first two payload bytes) set this far behind the media sequence. */
  osnBack?: number;
}

/** A VP8 key frame payload start (RFC 7741 §4.2, §4.3: S=1, PID=0, P=0) and a tag. */
export function vp8KeyFramePayload(tag: Uint8Array, size = 100): Buffer {
  const payload = randomBytes(Math.max(size, 4 + tag.length));
  payload[0] = 0x10;
  payload[1] = 0x00; // P = 0: key frame
  payload.set(tag, payload.length - tag.length);
  return payload;
}

/**
 * Writes the producer's RTP packets of every shape with its own sequence numbers, RTX sequence
 * numbers and timestamps (shared by the WebRTC and the plain hostile sessions).
 */
export class RtpShapeWriter {
  /** The last RTP packets built (for failure messages). */
  readonly sentLog: string[] = [];
  #seq = 1000;
  #rtxSeq = 5000;
  #timestamp = 90_000;

  /** The next media sequence number (each packet sent takes one). */
  nextSeq(): number {
    this.#seq = (this.#seq + 1) & 0xffff;
    return this.#seq;
  }

  nextRtxSeq(): number {
    this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
    return this.#rtxSeq;
  }

  /** A plain RTP packet of this shape from the producer (RFC 3550 §5.1). */
  rtp(shape: RtpShape = {}): Buffer {
    const csrcs = shape.csrcs ?? [];
    const ext = shape.extension;
    const payload = shape.payload ?? vp8KeyFramePayload(randomBytes(4));
    const padding = shape.padding ?? 0;
    const length = 12 + 4 * csrcs.length + (ext ? 4 + ext.data.length : 0) + payload.length;
    const packet = Buffer.alloc(length + padding);
    packet[0] = 0x80 | (padding ? 0x20 : 0) | (ext ? 0x10 : 0) | (csrcs.length & 0x0f);
    packet[1] = ((shape.marker ?? true) ? 0x80 : 0) | ((shape.payloadType ?? VP8_PT) & 0x7f);
    const rtx = shape.ssrc === PRODUCER_RTX_SSRC;
    const offset = shape.seqOffset ?? 0;
    let seq = rtx ? this.nextRtxSeq() : this.nextSeq();
    if (offset > 0) {
      // A gap: later packets follow it (going back past the SRTP replay window would only
      // make the worker drop the session's own packets as replays, RFC 3711 §3.3.2).
      seq = (seq + offset) & 0xffff;
      if (rtx) this.#rtxSeq = seq;
      else this.#seq = seq;
    } else {
      seq = (seq + offset) & 0xffff;
    }
    packet.writeUInt16BE(seq, 2);
    this.#timestamp = (this.#timestamp + 3000) >>> 0;
    packet.writeUInt32BE((shape.timestamp ?? this.#timestamp) >>> 0, 4);
    packet.writeUInt32BE((shape.ssrc ?? PRODUCER_SSRC) >>> 0, 8);
    let at = 12;
    for (const csrc of csrcs) at = packet.writeUInt32BE(csrc >>> 0, at);
    if (ext) {
      packet.writeUInt16BE(ext.profile, at);
      packet.writeUInt16BE(ext.data.length / 4, at + 2);
      packet.set(ext.data, at + 4);
      at += 4 + ext.data.length;
    }
    packet.set(payload, at);
    if (padding) packet[packet.length - 1] = padding;
    if (shape.lastByte !== undefined) packet[packet.length - 1] = shape.lastByte;
    // The OSN goes where the worker reads it: the first two bytes after the header, whatever
    // the padding count claims (a lying count can make padding bytes look like an OSN).
    const osnEnd = packet.length - (padding ? 1 : 0);
    if (rtx && shape.osnBack !== undefined && at + 2 <= osnEnd) {
      packet.writeUInt16BE((this.#seq - shape.osnBack) & 0xffff, at);
    }
    if (this.sentLog.length >= 60) this.sentLog.shift();
    this.sentLog.push(
      `${packet.readUInt32BE(8)}:${packet.readUInt16BE(2)}:pt${packet[1] & 0x7f}:b0=${packet[0].toString(16)}:len${packet.length}:p${payload.length}` +
        (rtx && at + 2 <= osnEnd ? `:osn${packet.readUInt16BE(at)}` : ''),
    );
    return packet;
  }
}

export class AuthenticatedSession {
  readonly worker: Worker;
  readonly router: Router;
  readonly producerTransport: WebRtcTransport;
  readonly consumerTransport: WebRtcTransport;
  readonly producer: Producer;
  readonly consumer: Consumer;
  readonly producerPeer: SrtpPeer;
  readonly consumerPeer: SrtpPeer;
  /** Every RTP plaintext the consumer peer decrypted (bounded: the oldest are dropped). */
  readonly received: Buffer[] = [];
  receivedCount = 0;
  consumerSrtpErrors = 0;
  readonly consumerSrtpErrorLog: string[] = [];
  readonly #writer = new RtpShapeWriter();

  private constructor(init: {
    worker: Worker;
    router: Router;
    producerTransport: WebRtcTransport;
    consumerTransport: WebRtcTransport;
    producer: Producer;
    consumer: Consumer;
    producerPeer: SrtpPeer;
    consumerPeer: SrtpPeer;
  }) {
    this.worker = init.worker;
    this.router = init.router;
    this.producerTransport = init.producerTransport;
    this.consumerTransport = init.consumerTransport;
    this.producer = init.producer;
    this.consumer = init.consumer;
    this.producerPeer = init.producerPeer;
    this.consumerPeer = init.consumerPeer;
  }

  static async open(mode: WorkerMode, protocol: PeerProtocol): Promise<AuthenticatedSession> {
    const certificate = await createDtlsCertificate();
    const worker = await createWorker({ mode });
    try {
      const router = await worker.createRouter({ mediaCodecs });
      const listenInfos = [{ protocol, ip: '127.0.0.1' }];
      const producerTransport = await router.createWebRtcTransport({ listenInfos });
      const consumerTransport = await router.createWebRtcTransport({ listenInfos });
      const producer = await producerTransport.produce({
        kind: 'video',
        rtpParameters: videoRtpParameters(PRODUCER_SSRC, PRODUCER_RTX_SSRC),
      });
      const consumer = await consumerTransport.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      // RTP may arrive before the session object exists: it is ignored until then.
      const sink: { session?: AuthenticatedSession } = {};
      const producerPeer = await connectPeer('producer', producerTransport, certificate, protocol);
      const consumerPeer = await connectPeer('consumer', consumerTransport, certificate, protocol, {
        onRtp: (data) => sink.session?.onConsumerRtp(data, consumerPeer),
      });
      const session = new AuthenticatedSession({
        worker,
        router,
        producerTransport,
        consumerTransport,
        producer,
        consumer,
        producerPeer,
        consumerPeer,
      });
      sink.session = session;
      return session;
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  onConsumerRtp(data: Buffer, peer: SrtpPeer | undefined): void {
    if (!peer) return;
    const plain = peer.srtpRecv.unprotectRtp(data);
    if (isSrtpError(plain)) {
      this.consumerSrtpErrors++;
      this.consumerSrtpErrorLog.push(
        `${plain}:${data.readUInt32BE(8)}:${data.readUInt16BE(2)}:${data.length}`,
      );
      return;
    }
    this.receivedCount++;
    if (this.received.length >= 256) this.received.shift();
    this.received.push(Buffer.from(plain));
  }

  /** The next media sequence number (each packet sent takes one). */
  nextSeq(): number {
    return this.#writer.nextSeq();
  }

  /** A plain RTP packet of this shape from the producer (RFC 3550 §5.1). */
  rtp(shape: RtpShape = {}): Buffer {
    return this.#writer.rtp(shape);
  }

  /** The last RTP packets built (for failure messages). */
  get sentLog(): readonly string[] {
    return this.#writer.sentLog;
  }

  /** Sends a normal key frame with a fresh tag; true once the consumer peer decrypted it. */
  async normalPacketForwarded(timeoutMs = 3000): Promise<boolean> {
    const tag = randomBytes(8);
    const deadline = Date.now() + timeoutMs;
    // Resent now and then: the first may race a consumer that still waits for a key frame.
    while (Date.now() < deadline) {
      this.producerPeer.sendRtp(this.rtp({ payload: vp8KeyFramePayload(tag) }));
      const seen = await eventually(
        () => this.received.some((p) => p.subarray(p.length - 8).equals(tag)),
        300,
      );
      if (seen) return true;
    }
    return false;
  }

  /** The worker answers a request (a dump) within the timeout. */
  async workerAnswers(timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const dump = this.worker
      .dump()
      .then((d) => d.routerIds.includes(this.router.id))
      .catch(() => false);
    const answered = await Promise.race([dump, timeout]);
    clearTimeout(timer);
    return answered;
  }

  /** Counters that tell why media stopped (for failure messages). */
  async diagnose(): Promise<string> {
    const [producerStats] = await this.producer.getStats();
    const consumerStats = await this.consumer.getStats();
    return JSON.stringify({
      consumerPeer: {
        received: this.receivedCount,
        srtpErrors: this.consumerSrtpErrors,
        errors: this.consumerSrtpErrorLog.slice(-20),
        receivedSeqs: this.received
          .slice(-20)
          .map((p) => `${p.readUInt32BE(8)}:${p.readUInt16BE(2)}`),
      },
      sent: this.sentLog,
      producerDrops: await this.drops(this.producerTransport),
      consumerDrops: await this.drops(this.consumerTransport),
      producerStats,
      consumerStats,
      consumerPaused: this.consumer.paused,
    });
  }

  async drops(transport: WebRtcTransport = this.producerTransport): Promise<Drops> {
    const [stats] = (await transport.getStats()) as { packetsDropped: Drops }[];
    return stats.packetsDropped;
  }

  close(): void {
    this.producerPeer.close();
    this.consumerPeer.close();
    this.worker.close();
  }
}

async function connectPeer(
  id: string,
  transport: WebRtcTransport,
  certificate: DtlsCertificate,
  protocol: PeerProtocol,
  handlers: { onRtp?: (data: Buffer) => void } = {},
): Promise<SrtpPeer> {
  await transport.connect({
    dtlsParameters: { role: 'client', fingerprints: [...certificate.fingerprints] },
  });
  return SrtpPeer.open(id, remoteTransportOf(transport, protocol), certificate, {
    protocol,
    ...handlers,
  });
}
