/**
 * The hostile-peer session of authenticatedSession.ts over PlainTransports: a producer peer
 * and a consumer peer (Node UDP sockets) connected to their PlainTransports, the same VP8
 * producer with RTX and a consumer of it; plain RTP, or SRTP with the keys exchanged through
 * srtpParameters (the peers protect what they send and unprotect what they receive).
 */
import { randomBytes } from 'node:crypto';

import {
  createWorker,
  type Consumer,
  type PlainTransport,
  type Producer,
  type Router,
  type Worker,
  type WorkerMode,
} from '../../src/index.js';
import { SrtpSession, isSrtpError } from '../../src/protocols/srtp/index.js';
import { UdpCapture } from '../peer/udpCapture.js';
import {
  PRODUCER_RTX_SSRC,
  PRODUCER_SSRC,
  RtpShapeWriter,
  vp8KeyFramePayload,
  type Drops,
  type RtpShape,
} from './authenticatedSession.js';
import { eventually, mediaCodecs, videoRtpParameters } from './mediaFixtures.js';

const SUITE = 'AES_CM_128_HMAC_SHA1_80';
const LOCAL = { protocol: 'udp', ip: '127.0.0.1' } as const;

/** One side: its socket, its transport and, with SRTP, its sessions. */
export class PlainPeer {
  readonly socket: UdpCapture;
  readonly transport: PlainTransport;
  readonly #send: SrtpSession | undefined;
  readonly recv: SrtpSession | undefined;

  constructor(socket: UdpCapture, transport: PlainTransport, keying: Buffer | undefined) {
    this.socket = socket;
    this.transport = transport;
    if (keying) {
      this.#send = new SrtpSession(SUITE, keying.subarray(0, 16), keying.subarray(16));
      const ours = Buffer.from(transport.srtpParameters!.keyBase64, 'base64');
      this.recv = new SrtpSession(SUITE, ours.subarray(0, 16), ours.subarray(16));
    }
  }

  sendRtp(packet: Uint8Array): boolean {
    return this.#sendProtected(packet, false);
  }

  sendRtcp(packet: Uint8Array): boolean {
    return this.#sendProtected(packet, true);
  }

  #sendProtected(packet: Uint8Array, rtcp: boolean): boolean {
    let wire: Uint8Array = packet;
    if (this.#send) {
      const result = rtcp ? this.#send.protectRtcp(packet) : this.#send.protectRtp(packet);
      if (isSrtpError(result)) return false;
      wire = Buffer.from(result);
    }
    void this.socket.send(wire, this.transport.tuple.localPort);
    return true;
  }
}

export class PlainSession {
  readonly worker: Worker;
  readonly router: Router;
  readonly producer: Producer;
  readonly consumer: Consumer;
  readonly producerPeer: PlainPeer;
  readonly consumerPeer: PlainPeer;
  /** Every RTP plaintext the consumer peer got (bounded: the oldest are dropped). */
  readonly received: Buffer[] = [];
  receivedCount = 0;
  consumerSrtpErrors = 0;
  readonly #writer = new RtpShapeWriter();

  private constructor(init: {
    worker: Worker;
    router: Router;
    producer: Producer;
    consumer: Consumer;
    producerPeer: PlainPeer;
    consumerPeer: PlainPeer;
  }) {
    this.worker = init.worker;
    this.router = init.router;
    this.producer = init.producer;
    this.consumer = init.consumer;
    this.producerPeer = init.producerPeer;
    this.consumerPeer = init.consumerPeer;
  }

  static async open(mode: WorkerMode, srtp: boolean): Promise<PlainSession> {
    const worker = await createWorker({ mode });
    try {
      const router = await worker.createRouter({ mediaCodecs });
      const peers: PlainPeer[] = [];
      for (let i = 0; i < 2; i++) {
        const socket = await UdpCapture.open({ maxPackets: 0 });
        const transport = await router.createPlainTransport({
          listenInfo: LOCAL,
          enableSrtp: srtp,
        });
        const keying = srtp ? randomBytes(30) : undefined;
        await transport.connect({
          ip: '127.0.0.1',
          port: socket.port,
          srtpParameters: keying && { cryptoSuite: SUITE, keyBase64: keying.toString('base64') },
        });
        peers.push(new PlainPeer(socket, transport, keying));
      }
      const [producerPeer, consumerPeer] = peers;
      const producer = await producerPeer.transport.produce({
        kind: 'video',
        rtpParameters: videoRtpParameters(PRODUCER_SSRC, PRODUCER_RTX_SSRC),
      });
      const consumer = await consumerPeer.transport.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      const session = new PlainSession({
        worker,
        router,
        producer,
        consumer,
        producerPeer,
        consumerPeer,
      });
      consumerPeer.socket.onDatagram = (data) => session.#onConsumerDatagram(data);
      return session;
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  get producerTransport(): PlainTransport {
    return this.producerPeer.transport;
  }

  get consumerTransport(): PlainTransport {
    return this.consumerPeer.transport;
  }

  rtp(shape: RtpShape = {}): Buffer {
    return this.#writer.rtp(shape);
  }

  /** Sends a normal key frame with a fresh tag; true once the consumer peer got it. */
  async normalPacketForwarded(timeoutMs = 3000): Promise<boolean> {
    const tag = randomBytes(8);
    const deadline = Date.now() + timeoutMs;
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

  async drops(transport: PlainTransport = this.producerTransport): Promise<Drops> {
    const [stats] = (await transport.getStats()) as { packetsDropped: Drops }[];
    return stats.packetsDropped;
  }

  async close(): Promise<void> {
    this.worker.close();
    await this.producerPeer.socket.close();
    await this.consumerPeer.socket.close();
  }

  #onConsumerDatagram(data: Buffer): void {
    if (data.length < 2 || (data[1] >= 192 && data[1] <= 223)) return; // RTCP
    let plain: Uint8Array = data;
    const recv = this.consumerPeer.recv;
    if (recv) {
      const result = recv.unprotectRtp(data);
      if (isSrtpError(result)) {
        this.consumerSrtpErrors++;
        return;
      }
      plain = result;
    }
    this.receivedCount++;
    if (this.received.length >= 256) this.received.shift();
    this.received.push(Buffer.from(plain));
  }
}
