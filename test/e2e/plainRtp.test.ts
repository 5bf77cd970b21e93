/**
 * PlainTransport with real plain-RTP peers and Node sockets, in both worker modes: ffmpeg
 * into a comedia transport (the tuple is learned from its first packet, and only then does
 * Skein send), RTCP both ways (ffmpeg's SRs reach the producer, Skein's RRs and SRs come
 * out), garbage and foreign packets dropped and counted while media flows, ffmpeg's SRTP
 * authenticated and forged packets never forwarded, and Skein → ffmpeg recording.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  createWorker,
  type Consumer,
  type PlainTransport,
  type Producer,
  type Router,
  type Worker,
} from '../../src/index.js';
import { parseRtcpCompound } from '../../src/protocols/rtcp/index.js';
import { SrtpSession, isSrtpError } from '../../src/protocols/srtp/index.js';
import { eventually, mediaCodecs, once, sleep } from '../api/mediaFixtures.js';
import { MODES } from '../api/modes.js';
import { describeExit } from '../peer/boundedProcess.js';
import { probeMedia, startFfmpegRecorder, startFfmpegSender } from '../peer/ffmpeg.js';
import { plainAudioParameters, plainVideoParameters } from '../peer/plainRtpParameters.js';
import { UdpCapture } from '../peer/udpCapture.js';
import { freeUdpPortPair } from '../peer/udpPorts.js';

const LOCAL = { protocol: 'udp', ip: '127.0.0.1' } as const;
const RTCP_SR = 200;
const RTCP_RR = 201;

interface ProducerStat {
  packetCount: number;
}

async function packetCount(producer: Producer): Promise<number> {
  const stats = (await producer.getStats()) as ProducerStat[];
  return stats.reduce((sum, s) => sum + s.packetCount, 0);
}

async function transportStats(transport: PlainTransport): Promise<Record<string, unknown>> {
  return ((await transport.getStats()) as Record<string, unknown>[])[0];
}

function dropsOf(stats: Record<string, unknown>): Record<string, number> {
  return stats.packetsDropped as Record<string, number>;
}

for (const mode of MODES) {
  describe(`PlainTransport with ffmpeg and Node sockets (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    let dir: string;
    const sockets: UdpCapture[] = [];
    const capture = async (options: Parameters<typeof UdpCapture.open>[0] = {}) => {
      const socket = await UdpCapture.open(options);
      sockets.push(socket);
      return socket;
    };

    before(async () => {
      worker = await createWorker({ mode, logLevel: 'warn' });
      router = await worker.createRouter({ mediaCodecs });
      dir = await mkdtemp(join(tmpdir(), 'skein-plain-rtp-'));
    });
    after(async () => {
      worker.close();
      await Promise.all(sockets.map((s) => s.close()));
      await rm(dir, { recursive: true, force: true });
    });

    /** A plain transport toward a Node socket, consuming `producer` (what a recorder does). */
    async function plainConsumer(
      producer: Producer,
      port: number,
      rtcpPort?: number,
    ): Promise<{ transport: PlainTransport; consumer: Consumer }> {
      const transport = await router.createPlainTransport({
        listenInfo: LOCAL,
        rtcpMux: rtcpPort === undefined,
      });
      await transport.connect({ ip: '127.0.0.1', port, rtcpPort });
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      return { transport, consumer };
    }

    test('comedia learns the tuple from the first packet, only then sends; RTCP both ways', async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, comedia: true });
      const video = await transport.produce({
        kind: 'video',
        rtpParameters: plainVideoParameters('vp8', 96, 1111),
      });
      const audio = await transport.produce({
        kind: 'audio',
        rtpParameters: plainAudioParameters(111, 2222),
      });
      const localPort = await freeUdpPortPair();
      const relay = await capture({ relayTo: transport.tuple.localPort, relayFrom: localPort });
      const out = await capture();
      const { consumer } = await plainConsumer(video, out.port);

      // Producers exist, so a connected transport would send RRs every second: it must not.
      await sleep(1200);
      assert.equal((await transportStats(transport)).bytesSent, 0, 'nothing sent before a packet');
      assert.equal(relay.received, 0);

      const learned = once<[{ remoteIp: string; remotePort: number }]>(transport, 'tuple', 8000);
      const output = { via: 'udp', port: relay.port, localPort } as const;
      const sender = startFfmpegSender({
        durationSec: 2.5,
        video: { codec: 'vp8', payloadType: 96, ssrc: 1111, output },
        audio: { payloadType: 111, ssrc: 2222, output },
      });
      const [tuple] = await learned;
      assert.equal(tuple.remoteIp, '127.0.0.1');
      assert.equal(tuple.remotePort, relay.port, 'the relay is the remote ffmpeg sends through');
      assert.equal(transport.tuple.remotePort, relay.port);
      const exit = await sender.exited;
      assert.equal(exit.code, 0, describeExit('ffmpeg', exit));

      assert.ok((await packetCount(video)) >= 50, 'video reached the producer');
      assert.ok((await packetCount(audio)) >= 80, 'audio reached the producer');
      // Skein's RR toward ffmpeg: its block for the video stream echoes ffmpeg's SR (LSR).
      const echoed = await eventually(() =>
        relay.rtcp(RTCP_RR).some((rr) => {
          const packets = parseRtcpCompound(rr.data);
          return (
            Array.isArray(packets) &&
            packets.some(
              (p) => p.kind === 'rr' && p.reports.some((b) => b.ssrc === 1111 && b.lastSr !== 0),
            )
          );
        }),
      );
      assert.ok(echoed, "an RR from Skein reports ffmpeg's SR for SSRC 1111");
      // The plain consumer sends RTP and SRs (with its SSRC) to its remote.
      const { ssrc } = consumer.rtpParameters.encodings![0] as { ssrc: number };
      const payloadType = consumer.rtpParameters.codecs[0].payloadType;
      assert.ok(out.rtp(payloadType).length >= 40, 'the consumer forwarded the video');
      assert.ok(out.rtp(payloadType).every((p) => p.ssrc === ssrc));
      assert.ok(await eventually(() => out.rtcp(RTCP_SR).some((p) => p.ssrc === ssrc)), 'an SR');
      const stats = await transportStats(transport);
      assert.ok((stats.bytesSent as number) > 0, 'Skein sent RTCP once the tuple was known');
      assert.equal(dropsOf(stats).unknownTuple, 0);
    });

    test('garbage and foreign RTP at the port are dropped and counted; media keeps flowing', async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, comedia: true });
      const video = await transport.produce({
        kind: 'video',
        rtpParameters: plainVideoParameters('vp8', 96, 3333),
      });
      const localPort = await freeUdpPortPair();
      const relay = await capture({ relayTo: transport.tuple.localPort, relayFrom: localPort });
      const stranger = await capture();
      const out = await capture();
      await plainConsumer(video, out.port);
      const learned = once(transport, 'tuple', 8000);
      const sender = startFfmpegSender({
        durationSec: 2.5,
        video: {
          codec: 'vp8',
          payloadType: 96,
          ssrc: 3333,
          output: { via: 'udp', port: relay.port, localPort },
        },
      });
      await learned;
      assert.ok(await eventually(() => out.rtp().length > 5), 'media flows');
      const skein = transport.tuple.localPort;
      // From the learned tuple itself: not RTP/RTCP at all.
      for (let i = 0; i < 10; i++) {
        await relay.send(Buffer.concat([Buffer.from([0x17]), randomBytes(40)]), skein);
      }
      // From another address: garbage, and RTP claiming the producer's SSRC.
      for (let i = 0; i < 20; i++) {
        await stranger.send(Buffer.concat([Buffer.from([0x01 + (i % 3)]), randomBytes(30)]), skein);
      }
      const foreign = Buffer.alloc(100);
      foreign.writeUInt8(0x80, 0);
      foreign.writeUInt8(96, 1);
      foreign.writeUInt32BE(3333, 8);
      for (let i = 0; i < 10; i++) {
        foreign.writeUInt16BE(40000 + i, 2);
        await stranger.send(foreign, skein);
      }
      const afterGarbage = out.rtp().length;
      const exit = await sender.exited;
      assert.equal(exit.code, 0, describeExit('ffmpeg', exit));
      assert.ok(out.rtp().length > afterGarbage + 20, 'media kept flowing after the garbage');
      const drops = dropsOf(await transportStats(transport));
      assert.equal(drops.notRtp, 30, 'garbage counted');
      assert.equal(drops.unknownTuple, 10, 'RTP from a foreign tuple counted');
      // Only ffmpeg's packets reached the producer: not one of the 40 others.
      assert.ok(await eventually(async () => (await packetCount(video)) === relay.relayedRtp));
      const [stats] = (await transport.getStats()) as Record<string, unknown>[];
      assert.equal((stats.faults as Record<string, number>).datagram, 0, 'nothing threw');
    });

    test("SRTP: ffmpeg's srtp:// authenticates; forged and replayed packets are dropped, counted, never forwarded", async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, enableSrtp: true });
      const video = await transport.produce({
        kind: 'video',
        rtpParameters: plainVideoParameters('vp8', 96, 4444),
      });
      const keying = randomBytes(30);
      const localPort = await freeUdpPortPair();
      const relay = await capture({ relayTo: transport.tuple.localPort, relayFrom: localPort });
      await transport.connect({
        ip: '127.0.0.1',
        port: relay.port,
        srtpParameters: {
          cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
          keyBase64: keying.toString('base64'),
        },
      });
      const sender = startFfmpegSender({
        durationSec: 2.5,
        srtp: { suite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: keying.toString('base64') },
        video: {
          codec: 'vp8',
          payloadType: 96,
          ssrc: 4444,
          output: { via: 'rtp', port: relay.port, localPort, localRtcpPort: localPort + 1 },
        },
      });
      assert.ok(await eventually(() => relay.rtp(96).length > 10, 5000), 'SRTP flows');
      const skein = transport.tuple.localPort;
      const genuine = relay.rtp(96);
      for (let i = 0; i < 10; i++) {
        const forged = Buffer.from(genuine[i].data);
        forged[forged.length - 1] ^= 0xff; // the tag no longer verifies
        forged.writeUInt16BE((forged.readUInt16BE(2) + 30000) & 0xffff, 2);
        await relay.send(forged, skein);
      }
      for (let i = 0; i < 5; i++) await relay.send(genuine[i].data, skein);
      const exit = await sender.exited;
      assert.equal(exit.code, 0, describeExit('ffmpeg', exit));
      const drops = dropsOf(await transportStats(transport));
      assert.equal(drops.srtpAuthFailed, 10, 'forged packets counted');
      assert.equal(drops.srtpReplay, 5, 'replayed packets counted');
      assert.ok(await eventually(async () => (await packetCount(video)) === relay.relayedRtp));
      // Skein's RTCP toward the remote is SRTCP with the key it announced.
      const ours = transport.srtpParameters!;
      const key = Buffer.from(ours.keyBase64, 'base64');
      const session = new SrtpSession(ours.cryptoSuite, key.subarray(0, 16), key.subarray(16));
      const fromSkein = await eventually(() => relay.packets.some((p) => p.fromPort === skein));
      assert.ok(fromSkein, 'Skein sent RTCP');
      const sent = relay.packets.filter((p) => p.fromPort === skein);
      for (const packet of sent) {
        const clear = session.unprotectRtcp(packet.data);
        assert.ok(!isSrtpError(clear), 'our SRTCP verifies with our srtpParameters');
        assert.equal(clear[1], RTCP_RR);
      }
    });

    test('Skein → ffmpeg: a plain consumer is recorded; ffprobe counts 320×240 VP8 frames', async () => {
      const ingest = await router.createPlainTransport({ listenInfo: LOCAL, comedia: true });
      const video = await ingest.produce({
        kind: 'video',
        rtpParameters: plainVideoParameters('vp8', 96, 5555),
      });
      const recPort = await freeUdpPortPair();
      const outPath = join(dir, `skein-${mode}.webm`);
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, rtcpMux: false });
      const consumer = await transport.consume({
        producerId: video.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      const recorder = await startFfmpegRecorder({
        outPath,
        durationSec: 2,
        streams: [
          {
            kind: 'video',
            port: recPort,
            payloadType: consumer.rtpParameters.codecs[0].payloadType,
            codecName: 'VP8',
            clockRate: 90000,
          },
        ],
      });
      await recorder.ready;
      await transport.connect({ ip: '127.0.0.1', port: recPort, rtcpPort: recPort + 1 });
      const localPort = await freeUdpPortPair();
      const sender = startFfmpegSender({
        durationSec: 3.5,
        video: {
          codec: 'vp8',
          payloadType: 96,
          ssrc: 5555,
          output: { via: 'udp', port: ingest.tuple.localPort, localPort },
        },
      });
      const recorded = await recorder.done;
      await sender.stop();
      assert.equal(recorded.code, 0, describeExit('ffmpeg recorder', recorded));
      const streams = await probeMedia(outPath);
      assert.equal(streams.length, 1, JSON.stringify(streams));
      assert.equal(streams[0].codecName, 'vp8');
      assert.equal(`${streams[0].width}x${streams[0].height}`, '320x240');
      assert.ok(streams[0].frames >= 40, `${streams[0].frames} frames in 2 s`);
    });
  });
}
