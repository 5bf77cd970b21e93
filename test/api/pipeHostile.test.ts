/**
 * The hostile packets of hostileShapes.ts at a PipeTransport port, in both worker modes, plain
 * and with SRTP (AEAD_AES_256_GCM): a Node socket plays the far router's PipeTransport (it is
 * the connected tuple) and sends a pipe producer's stream, which a PlainTransport consumer
 * takes to a second socket. After each hostile packet the worker answers, the drop is counted
 * in getStats, and a normal packet sent afterwards still reaches the consumer socket.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
  createWorker,
  type Consumer,
  type PipeTransport,
  type PlainTransport,
  type Router,
  type Worker,
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
import { hostileShapes } from './hostileShapes.js';
import { eventually, mediaCodecs, videoRtpParameters } from './mediaFixtures.js';
import { MODES } from './modes.js';

const SUITE = 'AEAD_AES_256_GCM';
const LOCAL = { protocol: 'udp', ip: '127.0.0.1' } as const;

class PipeSession {
  readonly received: Buffer[] = [];
  readonly #writer = new RtpShapeWriter();
  readonly #send: SrtpSession | undefined;

  private constructor(
    readonly worker: Worker,
    readonly router: Router,
    readonly pipe: PipeTransport,
    readonly egress: PlainTransport,
    readonly consumer: Consumer,
    readonly farSocket: UdpCapture,
    readonly sinkSocket: UdpCapture,
    keying: Buffer | undefined,
  ) {
    if (keying) this.#send = new SrtpSession(SUITE, keying.subarray(0, 32), keying.subarray(32));
    sinkSocket.onDatagram = (data) => {
      if (data.length < 2 || (data[1] >= 192 && data[1] <= 223)) return; // RTCP
      if (this.received.length >= 256) this.received.shift();
      this.received.push(Buffer.from(data));
    };
  }

  static async open(mode: 'thread' | 'process', srtp: boolean): Promise<PipeSession> {
    const worker = await createWorker({ mode });
    const router = await worker.createRouter({ mediaCodecs });
    const farSocket = await UdpCapture.open({ maxPackets: 0 });
    const sinkSocket = await UdpCapture.open({ maxPackets: 0 });
    const pipe = await router.createPipeTransport({ listenInfo: LOCAL, enableSrtp: srtp });
    const keying = srtp ? randomBytes(44) : undefined;
    await pipe.connect({
      ip: '127.0.0.1',
      port: farSocket.port,
      srtpParameters: keying && { cryptoSuite: SUITE, keyBase64: keying.toString('base64') },
    });
    const producer = await pipe.produce({
      kind: 'video',
      rtpParameters: videoRtpParameters(PRODUCER_SSRC, PRODUCER_RTX_SSRC),
    });
    const egress = await router.createPlainTransport({ listenInfo: LOCAL });
    await egress.connect({ ip: '127.0.0.1', port: sinkSocket.port });
    const consumer = await egress.consume({
      producerId: producer.id,
      rtpCapabilities: router.rtpCapabilities,
    });
    return new PipeSession(worker, router, pipe, egress, consumer, farSocket, sinkSocket, keying);
  }

  rtp(shape: RtpShape = {}): Buffer {
    return this.#writer.rtp(shape);
  }

  send(packet: Uint8Array, rtcp: boolean): boolean {
    let wire: Uint8Array = packet;
    if (this.#send) {
      const result = rtcp ? this.#send.protectRtcp(packet) : this.#send.protectRtp(packet);
      if (isSrtpError(result)) return false;
      wire = Buffer.from(result);
    }
    void this.farSocket.send(wire, this.pipe.tuple.localPort);
    return true;
  }

  async normalPacketForwarded(timeoutMs = 3000): Promise<boolean> {
    const tag = randomBytes(8);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      this.send(this.rtp({ payload: vp8KeyFramePayload(tag) }), false);
      const seen = await eventually(
        () => this.received.some((p) => p.subarray(p.length - 8).equals(tag)),
        300,
      );
      if (seen) return true;
    }
    return false;
  }

  async drops(): Promise<Drops> {
    const [stats] = (await this.pipe.getStats()) as { packetsDropped: Drops }[];
    return stats.packetsDropped;
  }

  async close(): Promise<void> {
    // Sockets before the thread (see pipeTransport.test.ts).
    this.router.close();
    await this.worker.dump().catch(() => undefined);
    this.worker.close();
    await this.farSocket.close();
    await this.sinkSocket.close();
  }
}

for (const mode of MODES) {
  for (const srtp of [false, true]) {
    describe(`hostile packets at a PipeTransport (${mode} mode, ${srtp ? 'SRTP' : 'plain RTP'})`, () => {
      let session: PipeSession;
      let consumerSsrc: number;

      before(async () => {
        session = await PipeSession.open(mode, srtp);
        consumerSsrc = session.consumer.rtpParameters.encodings![0].ssrc!;
        assert.ok(await session.normalPacketForwarded(), 'no media before the hostile packets');
      });
      after(() => session.close());

      // What arrives at the pipe port: the far router's side of the link.
      for (const shape of hostileShapes('udp').filter((s) => s.from === 'producer')) {
        test(`${shape.kind}: ${shape.name}`, async () => {
          const tag = randomBytes(8);
          const packet = shape.build(session, tag, consumerSsrc);
          const before = await session.drops();
          assert.ok(session.send(packet, shape.kind === 'rtcp'), 'could not protect the packet');
          assert.ok(await session.normalPacketForwarded(), 'a normal packet was not forwarded');
          assert.equal(session.worker.died, false);
          const outcome = shape.outcome;
          if (outcome === 'forward') {
            assert.ok(
              await eventually(() => session.received.some((p) => p.includes(tag)), 1000),
              'the packet was not forwarded',
            );
          } else if (outcome !== 'any') {
            let now = before;
            const counted = await eventually(async () => {
              now = await session.drops();
              return (now[outcome.drop] ?? 0) > (before[outcome.drop] ?? 0);
            }, 1000);
            assert.ok(counted, `not counted as ${outcome.drop}: ${JSON.stringify(now)}`);
          }
        });
      }

      test('afterwards the pipe is intact and nothing threw', async () => {
        const [stats] = (await session.pipe.getStats()) as { faults: Record<string, number> }[];
        const total = Object.values(stats.faults).reduce((a, b) => a + b, 0);
        assert.equal(total, 0, `exceptions were contained: ${JSON.stringify(stats.faults)}`);
        assert.ok(await session.normalPacketForwarded());
      });
    });
  }
}
