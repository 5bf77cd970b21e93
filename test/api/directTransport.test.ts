/**
 * DirectTransport (router.createDirectTransport): options, dump() and getStats() shapes,
 * producer.send() → consumers (direct and over a WebRtcTransport to an SRTP peer) and a
 * WebRTC peer's producer → a direct consumer's `rtp` events, RTCP both ways, garbage through
 * producer.send() refused on the host or dropped and counted in the worker. Both worker modes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  createWorker,
  DirectTransport,
  type Consumer,
  type Router,
  type Worker,
} from '../../src/index.js';
import { InvalidStateError, UnsupportedError } from '../../src/common/errors.js';
import { parseRtcpCompound, writePli } from '../../src/protocols/rtcp/index.js';
import { isSrtpError } from '../../src/protocols/srtp/index.js';
import { createDtlsCertificate } from '../../src/rtc/dtls/index.js';
import { SrtpPeer, remoteTransportOf } from '../peer/SrtpPeer.js';
import { MODES } from './modes.js';
import { eventually, mediaCodecs, videoRtpParameters } from './mediaFixtures.js';
import { directVp8Parameters, vp8Packet } from './directFixtures.js';

const SSRC = 42_424_242;

interface Rtp {
  ssrc: number;
  seq: number;
  payloadType: number;
  payload: Buffer;
}

function parseRtp(packet: Buffer): Rtp {
  const csrcs = packet[0] & 0x0f;
  let offset = 12 + 4 * csrcs;
  if (packet[0] & 0x10) offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  return {
    ssrc: packet.readUInt32BE(8),
    seq: packet.readUInt16BE(2),
    payloadType: packet[1] & 0x7f,
    payload: packet.subarray(offset),
  };
}

/** Every sequence number follows the one before (mod 2^16). */
function continuous(seqs: number[]): boolean {
  return seqs.every((s, i) => i === 0 || s === ((seqs[i - 1] + 1) & 0xffff));
}

type Dropped = Record<string, number>;

async function dropsOf(transport: { getStats(): Promise<unknown[]> }): Promise<Dropped> {
  const [stats] = (await transport.getStats()) as { packetsDropped: Dropped }[];
  return stats.packetsDropped;
}

for (const mode of MODES) {
  void describe(`DirectTransport (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;

    before(async () => {
      worker = await createWorker({ mode, logLevel: 'none' });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker?.close());

    test('router.createDirectTransport() validates its options as mediasoup does', async () => {
      await assert.rejects(router.createDirectTransport({ maxMessageSize: -1 }), TypeError);
      await assert.rejects(
        router.createDirectTransport({ maxMessageSize: 'big' as unknown as number }),
        TypeError,
      );
      await assert.rejects(
        router.createDirectTransport({ appData: 'x' as unknown as Record<string, unknown> }),
        TypeError,
      );
      const transport = await router.createDirectTransport({
        maxMessageSize: 1000,
        appData: { room: 1 },
      });
      assert.ok(transport instanceof DirectTransport);
      assert.deepEqual(transport.appData, { room: 1 });
      const dump = (await transport.dump()) as Record<string, unknown>;
      assert.equal(dump.maxMessageSize, 1000);
      transport.close();
    });

    test('dump() and getStats() have mediasoup shapes; connect() is a no-op', async () => {
      const transport = await router.createDirectTransport();
      await transport.connect();
      const dump = (await transport.dump()) as Record<string, unknown>;
      assert.equal(dump.id, transport.id);
      assert.equal(dump.direct, true);
      assert.equal(dump.maxMessageSize, 262144);
      assert.deepEqual(dump.producerIds, []);
      assert.deepEqual(dump.consumerIds, []);
      const stats = (await transport.getStats()) as Record<string, unknown>[];
      assert.equal(stats.length, 1);
      assert.equal(stats[0].type, 'direct-transport');
      assert.equal(stats[0].transportId, transport.id);
      for (const field of ['bytesReceived', 'bytesSent', 'rtpBytesReceived', 'recvBitrate']) {
        assert.equal(typeof stats[0][field], 'number', field);
      }
      const routerDump = await router.dump();
      assert.ok(routerDump.transportIds.includes(transport.id));
      transport.close();
      assert.ok(!(await router.dump()).transportIds.includes(transport.id));
    });

    test('bitrate setters reject with UnsupportedError, as on mediasoup', async () => {
      const transport = await router.createDirectTransport();
      await assert.rejects(transport.setMaxIncomingBitrate(100_000), UnsupportedError);
      await assert.rejects(transport.setMaxOutgoingBitrate(100_000), UnsupportedError);
      await assert.rejects(transport.setMinOutgoingBitrate(100_000), UnsupportedError);
      transport.close();
    });

    test('producer.send() packets reach a direct consumer whole and in order; RTCP both ways', async () => {
      const input = await router.createDirectTransport();
      const output = await router.createDirectTransport();
      const producer = await input.produce({
        kind: 'video',
        rtpParameters: directVp8Parameters(SSRC),
      });
      const consumer = await output.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      assert.equal(consumer.type, 'simple');
      const received: Rtp[] = [];
      consumer.on('rtp', (packet) => received.push(parseRtp(packet)));
      const inputRtcp: Buffer[] = [];
      input.on('rtcp', (packet) => inputRtcp.push(packet));
      const outputRtcp: Buffer[] = [];
      output.on('rtcp', (packet) => outputRtcp.push(packet));
      const sent: Buffer[] = [];
      for (let i = 0; i < 200; i++) {
        const packet = vp8Packet({
          ssrc: SSRC,
          seq: 1000 + i,
          timestamp: 3000 * (i >> 2),
          key: i % 40 === 0,
          first: i % 4 === 0,
          size: 1200,
        });
        sent.push(packet);
        producer.send(packet);
      }
      assert.ok(await eventually(() => received.length === 200), `received ${received.length}`);
      const ssrc = consumer.rtpParameters.encodings![0].ssrc!;
      const payloadType = consumer.rtpParameters.codecs[0].payloadType;
      assert.ok(received.every((r) => r.ssrc === ssrc && r.payloadType === payloadType));
      assert.ok(continuous(received.map((r) => r.seq)), 'continuous sequence numbers');
      for (let i = 0; i < sent.length; i++) {
        assert.ok(received[i].payload.equals(parseRtp(sent[i]).payload), `payload ${i}`);
      }
      const pli = (packets: Buffer[]): boolean =>
        packets.some((p) => {
          const parsed = parseRtcpCompound(p);
          return (
            Array.isArray(parsed) && parsed.some((r) => r.kind === 'pli' && r.mediaSsrc === SSRC)
          );
        });
      // Node asks the consumer's transport for a key frame: it reaches the producer as a PLI.
      const before = inputRtcp.length;
      const request = Buffer.alloc(12);
      writePli({ kind: 'pli', senderSsrc: 1, mediaSsrc: ssrc }, request);
      output.sendRtcp(request);
      assert.ok(await eventually(() => pli(inputRtcp.slice(before))), 'sendRtcp() PLI relayed');
      // The consumer's sender reports come out as 'rtcp' on its transport.
      assert.ok(
        await eventually(() =>
          outputRtcp.some((p) => {
            const parsed = parseRtcpCompound(p);
            return Array.isArray(parsed) && parsed.some((r) => r.kind === 'sr' && r.ssrc === ssrc);
          }),
        ),
        'a sender report for the direct consumer',
      );
      const [inStats] = (await input.getStats()) as { rtpBytesReceived: number }[];
      assert.ok(inStats.rtpBytesReceived >= 200 * 1200);
      input.close();
      output.close();
    });

    test('garbage through producer.send() is refused on the host or dropped and counted', async () => {
      const transport = await router.createDirectTransport();
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: directVp8Parameters(SSRC + 1),
      });
      const bad: unknown[] = ['text', 42, null, undefined, [1, 2], new Uint8Array(20), {}];
      for (const [i, value] of bad.entries()) {
        assert.throws(() => producer.send(value as Buffer), TypeError, `bad value ${i}`);
      }
      // Too large for the channel: a TypeError (ChannelMessageTooLargeError) before it crosses.
      assert.throws(() => producer.send(Buffer.alloc(5 * 1024 * 1024)), TypeError);
      const before = await dropsOf(transport);
      for (let i = 0; i < 300; i++) producer.send(randomBytes(i % 60));
      producer.send(Buffer.alloc(0));
      producer.send(Buffer.alloc(3000, 0x80)); // over the largest RTP packet
      // A well-formed packet of an SSRC nobody produces.
      producer.send(
        vp8Packet({ ssrc: 999, seq: 1, timestamp: 0, key: true, first: true, size: 100 }),
      );
      const total = (d: Dropped): number => Object.values(d).reduce((a, b) => a + b, 0);
      assert.ok(
        await eventually(async () => total(await dropsOf(transport)) - total(before) >= 290),
        JSON.stringify(await dropsOf(transport)),
      );
      const after = await dropsOf(transport);
      assert.ok(after.tooBig > before.tooBig, 'the oversize packet counted as tooBig');
      assert.ok(after.unknownSsrc > before.unknownSsrc, 'the unknown SSRC counted');
      assert.ok(after.malformed > before.malformed, 'random bytes counted as malformed');
      // Garbage RTCP is counted too, and the worker is alive and answering.
      transport.sendRtcp(randomBytes(30));
      transport.sendRtcp(Buffer.alloc(2000));
      assert.throws(() => transport.sendRtcp('x' as unknown as Buffer), TypeError);
      assert.ok(await eventually(async () => (await dropsOf(transport)).tooBig > after.tooBig));
      await worker.dump();
      producer.close();
      assert.throws(() => producer.send(Buffer.alloc(20)), InvalidStateError);
      transport.close();
      assert.throws(() => transport.sendRtcp(Buffer.alloc(20)), InvalidStateError);
    });

    test('send() on a producer of another kind of transport is an UnsupportedError', async () => {
      const transport = await router.createWebRtcTransport({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: videoRtpParameters(SSRC + 2, SSRC + 3),
      });
      assert.throws(() => producer.send(Buffer.alloc(20)), UnsupportedError);
      transport.close();
    });

    test('direct → WebRTC peer and WebRTC peer → direct consumer', async () => {
      const certificate = await createDtlsCertificate();
      const listenInfos = [{ protocol: 'udp' as const, ip: '127.0.0.1' }];
      const direct = await router.createDirectTransport();
      const toPeer = await router.createWebRtcTransport({ listenInfos });
      const fromPeer = await router.createWebRtcTransport({ listenInfos });
      const directProducer = await direct.produce({
        kind: 'video',
        rtpParameters: directVp8Parameters(SSRC + 4),
      });
      const peerConsumer = await toPeer.consume({
        producerId: directProducer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      let peerReceived = 0;
      const seen: number[] = [];
      await toPeer.connect({
        dtlsParameters: { role: 'client', fingerprints: [...certificate.fingerprints] },
      });
      const holder: { receiver?: SrtpPeer } = {};
      const receiver = await SrtpPeer.open('receiver', remoteTransportOf(toPeer), certificate, {
        onRtp: (data) => {
          const plain = holder.receiver?.srtpRecv.unprotectRtp(data);
          if (plain === undefined || isSrtpError(plain)) return;
          const rtp = parseRtp(Buffer.from(plain));
          if (rtp.ssrc !== peerConsumer.rtpParameters.encodings![0].ssrc) return;
          peerReceived++;
          seen.push(rtp.seq);
        },
      });
      holder.receiver = receiver;
      await fromPeer.connect({
        dtlsParameters: { role: 'client', fingerprints: [...certificate.fingerprints] },
      });
      const sender = await SrtpPeer.open('sender', remoteTransportOf(fromPeer), certificate);
      const peerProducer = await fromPeer.produce({
        kind: 'video',
        rtpParameters: directVp8Parameters(SSRC + 6),
      });
      const directConsumer: Consumer = await direct.consume({
        producerId: peerProducer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      const directReceived: number[] = [];
      directConsumer.on('rtp', (packet) => directReceived.push(parseRtp(packet).seq));
      try {
        for (let i = 0; i < 100; i++) {
          const first = i % 4 === 0;
          const key = i % 50 === 0;
          const args = { seq: 7000 + i, timestamp: 3000 * (i >> 2), key, first, size: 1000 };
          directProducer.send(vp8Packet({ ssrc: SSRC + 4, ...args }));
          sender.sendRtp(vp8Packet({ ssrc: SSRC + 6, ...args }));
          if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
        }
        assert.ok(await eventually(() => peerReceived >= 100), `peer got ${peerReceived}`);
        assert.ok(continuous(seen), 'the peer saw continuous sequence numbers');
        assert.ok(
          await eventually(() => directReceived.length >= 100),
          `direct consumer got ${directReceived.length}`,
        );
        assert.ok(continuous(directReceived), 'the direct consumer saw continuous numbers');
      } finally {
        receiver.close();
        sender.close();
        direct.close();
        toPeer.close();
        fromPeer.close();
      }
    });
  });
}
