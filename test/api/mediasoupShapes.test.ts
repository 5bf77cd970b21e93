/**
 * Encodings, MIDs, mappings, tuples and the key sets of transport dumps and stats, compared
 * with what mediasoup 3.19.3 writes for the same inputs. The expectations below were taken
 * from mediasoup 3.19.3 (its node layer over the worker in /work/shared/peers, run with
 * exactly these inputs) on 2026-12-01, compared as JSON (an `undefined` member is no member):
 *
 * - the API's objects (producer/consumer rtpParameters) carry the encodings as given or
 *   computed; only dumps add `codecPayloadType` (the first media codec) and `scalabilityMode`
 *   ('S1T1' when none) and drop `maxBitrate`, and write `mid: ''` when there is none;
 * - a producer's rtpMapping comes back with rid '' and scalabilityMode null, ssrc null when
 *   none was given; its rtpStreams are absent until a packet arrives;
 * - a tuple without its remote has remotePort 0; plain and pipe SCTP is no data channel.
 *
 * Skein's documented extras (direct, packetsDropped, faults, dataDropped, sctpDropped) are
 * left out of the key sets. (Compiled, with its import pointed at mediasoup's
 * node/lib/index.js, it passes on mediasoup 3.19.3.)
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import {
  createWorker,
  type Consumer,
  type DirectTransport,
  type PipeTransport,
  type PlainTransport,
  type Producer,
  type Router,
  type RtpCapabilities,
  type WebRtcTransport,
  type Worker,
} from '../../src/index.js';
import { eventually } from './mediaFixtures.js';
import { MODES } from './modes.js';

/** As JSON carries it: members set to undefined disappear. */
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const SKEIN_EXTRAS = new Set(['direct', 'packetsDropped', 'faults', 'dataDropped', 'sctpDropped']);
const keysOf = (value: object): string[] =>
  Object.keys(json(value))
    .filter((k) => !SKEIN_EXTRAS.has(k))
    .sort();

const mediaCodecs = [
  { kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video' as const, mimeType: 'video/VP8', clockRate: 90000 },
];
const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
const clientCapabilities: RtpCapabilities = {
  codecs: [
    {
      kind: 'video',
      mimeType: 'video/VP8',
      preferredPayloadType: 96,
      clockRate: 90000,
      rtcpFeedback: [
        { type: 'nack' },
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
        { type: 'transport-cc' },
      ],
    },
    {
      kind: 'video',
      mimeType: 'video/rtx',
      preferredPayloadType: 97,
      clockRate: 90000,
      parameters: { apt: 96 },
    },
  ],
  headerExtensions: [
    {
      kind: 'video',
      uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      preferredId: 5,
    },
  ],
};

// mediasoup 3.19.3, 2026-12-01: key sets of dump() and getStats()[0] for these transports.
const COMMON_DUMP = [
  'consumerIds',
  'dataConsumerIds',
  'dataProducerIds',
  'id',
  'mapRtxSsrcConsumerId',
  'mapSsrcConsumerId',
  'maxMessageSize',
  'producerIds',
  'recvRtpHeaderExtensions',
  'rtpListener',
  'traceEventTypes',
];
const COMMON_STATS = [
  'bytesReceived',
  'bytesSent',
  'probationBytesSent',
  'probationSendBitrate',
  'recvBitrate',
  'rtpBytesReceived',
  'rtpBytesSent',
  'rtpRecvBitrate',
  'rtpSendBitrate',
  'rtxBytesReceived',
  'rtxBytesSent',
  'rtxRecvBitrate',
  'rtxSendBitrate',
  'sendBitrate',
  'timestamp',
  'transportId',
  'type',
];
const SCTP_DUMP = ['sctpListener', 'sctpParameters', 'sctpState'];
const sorted = (...lists: string[][]) => lists.flat().sort();
const EXPECTED_KEYS = {
  plain: {
    dump: sorted(COMMON_DUMP, ['comedia', 'rtcpMux', 'tuple']),
    stats: sorted(COMMON_STATS, ['comedia', 'rtcpMux', 'tuple']),
  },
  plainSctp: {
    dump: sorted(COMMON_DUMP, ['comedia', 'rtcpMux', 'tuple'], SCTP_DUMP),
    stats: sorted(COMMON_STATS, ['comedia', 'rtcpMux', 'tuple', 'sctpState']),
  },
  webRtc: {
    dump: sorted(COMMON_DUMP, [
      'dtlsParameters',
      'dtlsState',
      'iceCandidates',
      'iceParameters',
      'iceRole',
      'iceState',
    ]),
    // With a transport-cc consumer: the send-side estimate and its loss.
    stats: sorted(COMMON_STATS, [
      'availableOutgoingBitrate',
      'dtlsState',
      'iceRole',
      'iceState',
      'rtpPacketLossSent',
    ]),
  },
  webRtcSctp: {
    dump: sorted(
      COMMON_DUMP,
      ['dtlsParameters', 'dtlsState', 'iceCandidates', 'iceParameters', 'iceRole', 'iceState'],
      SCTP_DUMP,
    ),
    stats: sorted(COMMON_STATS, ['dtlsState', 'iceRole', 'iceState', 'sctpState']),
  },
  pipe: {
    dump: sorted(COMMON_DUMP, ['rtx', 'tuple']),
    stats: sorted(COMMON_STATS, ['tuple']),
  },
  pipeSctp: {
    dump: sorted(COMMON_DUMP, ['rtx', 'tuple', 'srtpParameters'], SCTP_DUMP),
    stats: sorted(COMMON_STATS, ['tuple', 'sctpState']),
  },
  direct: { dump: sorted(COMMON_DUMP), stats: sorted(COMMON_STATS) },
};

// mediasoup 3.19.3, 2026-12-01: an outbound stream's stats keys (a consumer's first entry).
const OUTBOUND_STATS_KEYS = [
  'bitrate',
  'byteCount',
  'firCount',
  'fractionLost',
  'kind',
  'mimeType',
  'nackCount',
  'nackPacketCount',
  'packetCount',
  'packetsDiscarded',
  'packetsLost',
  'packetsRepaired',
  'packetsRetransmitted',
  'pliCount',
  'roundTripTime',
  'rtxSsrc',
  'score',
  'ssrc',
  'timestamp',
  'type',
];

// mediasoup 3.19.3, 2026-12-01: a producer stream's stats keys once an RTX packet was refused.
const INBOUND_STATS_KEYS = [
  'bitrate',
  'bitrateByLayer',
  'byteCount',
  'firCount',
  'fractionLost',
  'jitter',
  'kind',
  'mimeType',
  'nackCount',
  'nackPacketCount',
  'packetCount',
  'packetsDiscarded',
  'packetsLost',
  'packetsRepaired',
  'packetsRetransmitted',
  'pliCount',
  'roundTripTime',
  'rtxPacketsDiscarded',
  'rtxSsrc',
  'score',
  'ssrc',
  'timestamp',
  'type',
];

const TWCC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';

/** RTP with a transport-wide sequence number (one-byte extension id 5, RFC 8285). */
function twccRtp(ssrc: number, pt: number, seq: number, twcc: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x90;
  header[1] = pt;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE((seq * 3000) >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  const ext = Buffer.from([0xbe, 0xde, 0, 1, (5 << 4) | 1, twcc >> 8, twcc & 0xff, 0]);
  return Buffer.concat([header, ext, payload]);
}
const VP8_PAYLOAD = Buffer.from([0x10, 0x00, 0x9d, 0x01, 0x2a, 1, 2, 3, 4, 5]);

for (const mode of MODES) {
  describe(`encodings, mappings and transport shapes as mediasoup 3.19.3 (${mode})`, () => {
    let worker: Worker;
    let otherWorker: Worker;
    let router: Router;
    let otherRouter: Router;
    let plain: PlainTransport;
    let plainSctp: PlainTransport;
    let webRtc: WebRtcTransport;
    let webRtcSctp: WebRtcTransport;
    let pipe: PipeTransport;
    let pipeSctp: PipeTransport;
    let direct: DirectTransport;
    let single: Producer;
    let simulcast: Producer;
    let consumer: Consumer;
    let simulcastConsumer: Consumer;
    let pipeConsumer: Consumer;
    let pipeProducer: Producer;

    before(async () => {
      worker = await createWorker({ mode });
      otherWorker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
      otherRouter = await otherWorker.createRouter({ mediaCodecs });
      plain = await router.createPlainTransport({ listenInfo, comedia: true, rtcpMux: true });
      plainSctp = await router.createPlainTransport({ listenInfo, enableSctp: true });
      webRtc = await router.createWebRtcTransport({ listenInfos: [listenInfo] });
      webRtcSctp = await router.createWebRtcTransport({
        listenInfos: [listenInfo],
        enableSctp: true,
      });
      pipe = await router.createPipeTransport({ listenInfo, enableRtx: true });
      pipeSctp = await router.createPipeTransport({
        listenInfo,
        enableSctp: true,
        enableSrtp: true,
      });
      direct = await router.createDirectTransport();
      single = await plain.produce({
        kind: 'video',
        rtpParameters: {
          mid: 'v',
          codecs: [
            { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 },
            { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
          ],
          headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
          encodings: [{ ssrc: 1111, rtx: { ssrc: 2222 } }],
          rtcp: { cname: 'x' },
        },
      });
      simulcast = await webRtc.produce({
        kind: 'video',
        rtpParameters: {
          mid: 's',
          codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
          headerExtensions: [
            { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 },
            { uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', id: 2 },
          ],
          encodings: [
            { rid: 'r0', scalabilityMode: 'L1T3', maxBitrate: 100000 },
            { rid: 'r1', scalabilityMode: 'L1T3' },
          ],
          rtcp: { cname: 'y' },
        },
      });
      consumer = await webRtc.consume({
        producerId: single.id,
        rtpCapabilities: clientCapabilities,
      });
      simulcastConsumer = await webRtc.consume({
        producerId: simulcast.id,
        rtpCapabilities: clientCapabilities,
      });
      pipeConsumer = await pipe.consume({ producerId: single.id });
      ({ pipeProducer } = (await router.pipeToRouter({
        producerId: single.id,
        router: otherRouter,
      })) as { pipeProducer: Producer });
    });
    after(() => {
      worker.close();
      otherWorker.close();
    });

    test('the API objects keep the encodings as given or computed', () => {
      assert.deepEqual(json(single.rtpParameters.encodings), [
        { ssrc: 1111, rtx: { ssrc: 2222 }, dtx: false },
      ]);
      assert.deepEqual(json(simulcast.rtpParameters.encodings), [
        { rid: 'r0', scalabilityMode: 'L1T3', maxBitrate: 100000, dtx: false },
        { rid: 'r1', scalabilityMode: 'L1T3', dtx: false },
      ]);
      const [c] = consumer.rtpParameters.encodings!;
      assert.deepEqual(json(consumer.rtpParameters.encodings), [
        { ssrc: c.ssrc, rtx: { ssrc: c.rtx!.ssrc } },
      ]);
      const [s] = simulcastConsumer.rtpParameters.encodings!;
      assert.deepEqual(json(simulcastConsumer.rtpParameters.encodings), [
        { ssrc: s.ssrc, rtx: { ssrc: s.rtx!.ssrc }, scalabilityMode: 'L2T3', maxBitrate: 100000 },
      ]);
      const [p] = pipeConsumer.rtpParameters.encodings!;
      assert.deepEqual(json(pipeConsumer.rtpParameters.encodings), [
        { ssrc: p.ssrc, dtx: false, rtx: { ssrc: p.rtx!.ssrc } },
      ]);
      assert.equal(pipeConsumer.rtpParameters.mid, undefined);
      assert.equal(pipeProducer.rtpParameters.mid, undefined);
    });

    test("dumps: codecPayloadType, scalabilityMode 'S1T1', no maxBitrate, mid ''", async () => {
      const singleDump = json(await single.dump());
      assert.deepEqual(singleDump.rtpParameters.encodings, [
        {
          ssrc: 1111,
          codecPayloadType: 101,
          rtx: { ssrc: 2222 },
          dtx: false,
          scalabilityMode: 'S1T1',
        },
      ]);
      assert.equal(singleDump.rtpParameters.mid, 'v');
      const simulcastDump = json(await simulcast.dump());
      assert.deepEqual(simulcastDump.rtpParameters.encodings, [
        { rid: 'r0', codecPayloadType: 101, dtx: false, scalabilityMode: 'L1T3' },
        { rid: 'r1', codecPayloadType: 101, dtx: false, scalabilityMode: 'L1T3' },
      ]);

      const consumable = (producer: Producer) =>
        producer.consumableRtpParameters.encodings!.map((e) => e.ssrc);
      const [c] = consumer.rtpParameters.encodings!;
      const consumerDump = json(await consumer.dump());
      assert.deepEqual(consumerDump.rtpParameters.encodings, [
        {
          ssrc: c.ssrc,
          codecPayloadType: 101,
          rtx: { ssrc: c.rtx!.ssrc },
          dtx: false,
          scalabilityMode: 'S1T1',
        },
      ]);
      assert.deepEqual(consumerDump.consumableRtpEncodings, [
        { ssrc: consumable(single)[0], dtx: false, scalabilityMode: 'S1T1' },
      ]);
      const [s] = simulcastConsumer.rtpParameters.encodings!;
      const simulcastConsumerDump = json(await simulcastConsumer.dump());
      assert.deepEqual(simulcastConsumerDump.rtpParameters.encodings, [
        {
          ssrc: s.ssrc,
          codecPayloadType: 101,
          rtx: { ssrc: s.rtx!.ssrc },
          dtx: false,
          scalabilityMode: 'L2T3',
        },
      ]);
      assert.deepEqual(simulcastConsumerDump.consumableRtpEncodings, [
        { ssrc: consumable(simulcast)[0], dtx: false, scalabilityMode: 'L1T3' },
        { ssrc: consumable(simulcast)[1], dtx: false, scalabilityMode: 'L1T3' },
      ]);

      const [p] = pipeConsumer.rtpParameters.encodings!;
      const pipeConsumerDump = json(await pipeConsumer.dump());
      assert.equal(pipeConsumerDump.rtpParameters.mid, '');
      assert.deepEqual(pipeConsumerDump.rtpParameters.encodings, [
        {
          ssrc: p.ssrc,
          codecPayloadType: 101,
          rtx: { ssrc: p.rtx!.ssrc },
          dtx: false,
          scalabilityMode: 'S1T1',
        },
      ]);
      const pipeProducerDump = json(await pipeProducer.dump());
      assert.equal(pipeProducerDump.rtpParameters.mid, '');
      assert.deepEqual(pipeProducerDump.rtpParameters.encodings, [
        {
          ssrc: pipeProducer.rtpParameters.encodings![0].ssrc,
          codecPayloadType: 101,
          dtx: false,
          scalabilityMode: 'S1T1',
        },
      ]);
    });

    test('producer dump: rtpMapping written back, no rtpStreams before a packet', async () => {
      const singleDump = json(await single.dump());
      const simulcastDump = json(await simulcast.dump());
      const mapped = (dump: { rtpMapping: { encodings: { mappedSsrc: number }[] } }) =>
        dump.rtpMapping.encodings.map((e) => e.mappedSsrc);
      assert.deepEqual(singleDump.rtpMapping.encodings, [
        { rid: '', ssrc: 1111, scalabilityMode: null, mappedSsrc: mapped(singleDump)[0] },
      ]);
      assert.deepEqual(simulcastDump.rtpMapping.encodings, [
        { rid: '', ssrc: null, scalabilityMode: null, mappedSsrc: mapped(simulcastDump)[0] },
        { rid: '', ssrc: null, scalabilityMode: null, mappedSsrc: mapped(simulcastDump)[1] },
      ]);
      assert.equal('rtpStreams' in singleDump, false);
      assert.equal('rtpStreams' in simulcastDump, false);
      // Every producer has its observer entry; the rids are in the listener though a MID is.
      const routerDump = json(await router.dump());
      assert.deepEqual(
        (routerDump.mapProducerIdObserverIds as { key: string; values: string[] }[]).sort((a, b) =>
          a.key.localeCompare(b.key),
        ),
        [single.id, simulcast.id].sort().map((key) => ({ key, values: [] })),
      );
      const webRtcDump = json(await webRtc.dump());
      assert.deepEqual(
        (webRtcDump.rtpListener.ridTable as { key: string; value: string }[])
          .map(({ key, value }) => ({ key, value }))
          .sort((a, b) => a.key.localeCompare(b.key)),
        [
          { key: 'r0', value: simulcast.id },
          { key: 'r1', value: simulcast.id },
        ],
      );
    });

    test('transport dump() and getStats() keys; tuples and SCTP as mediasoup', async () => {
      const transports = { plain, plainSctp, webRtc, webRtcSctp, pipe, pipeSctp, direct };
      const actual: Record<string, { dump: string[]; stats: string[] }> = {};
      for (const [name, transport] of Object.entries(transports)) {
        actual[name] = {
          dump: keysOf(await transport.dump()),
          stats: keysOf((await transport.getStats())[0]),
        };
      }
      assert.deepEqual(actual, EXPECTED_KEYS);

      const port = plain.tuple.localPort;
      const tuple = {
        localIp: '127.0.0.1',
        localAddress: '127.0.0.1',
        localPort: port,
        remotePort: 0,
        protocol: 'udp',
      };
      assert.deepEqual(json(plain.tuple), tuple);
      assert.deepEqual(json((await plain.dump()).tuple), tuple);
      assert.deepEqual(json((await plain.getStats())[0].tuple), tuple);
      assert.equal(json(pipe.tuple).remotePort, 0);
      assert.equal(json((await pipe.dump()).tuple).remotePort, 0);

      const isDataChannel = async (t: { dump(): Promise<{ sctpParameters?: object }> }) =>
        (json(await t.dump()).sctpParameters as { isDataChannel?: boolean }).isDataChannel;
      assert.deepEqual(
        [
          await isDataChannel(webRtcSctp),
          await isDataChannel(plainSctp),
          await isDataChannel(pipeSctp),
        ],
        [true, false, false],
      );
    });

    test('receive-side estimation stats and rtxPacketsDiscarded as mediasoup', async () => {
      const produceOn = async (
        uri: typeof TWCC_URI | typeof ABS_SEND_TIME_URI | undefined,
        feedback: string[],
      ) => {
        const transport = await router.createPlainTransport({ listenInfo, comedia: true });
        const producer = await transport.produce({
          kind: 'video',
          rtpParameters: {
            codecs: [
              {
                mimeType: 'video/VP8',
                payloadType: 101,
                clockRate: 90000,
                rtcpFeedback: feedback.map((type) => ({ type })),
              },
              {
                mimeType: 'video/rtx',
                payloadType: 102,
                clockRate: 90000,
                parameters: { apt: 101 },
              },
            ],
            headerExtensions: uri ? [{ uri, id: 5 }] : [],
            encodings: [{ ssrc: 1111, rtx: { ssrc: 2222 } }],
            rtcp: { cname: 'z' },
          },
        });
        return { transport, producer };
      };
      const fields = async (transport: PlainTransport) => {
        const [stats] = json(await transport.getStats());
        return {
          availableIncomingBitrate: stats.availableIncomingBitrate,
          rtpPacketLossReceived: stats.rtpPacketLossReceived,
        };
      };
      const absent = { availableIncomingBitrate: undefined, rtpPacketLossReceived: undefined };
      // Neither without a producer that allows receive-side estimation...
      assert.deepEqual(await fields(plain), absent);
      assert.deepEqual(await fields((await produceOn(TWCC_URI, ['nack'])).transport), absent);
      // ...0 and 0 with transport-cc, before any packet.
      const { transport, producer } = await produceOn(TWCC_URI, ['nack', 'transport-cc']);
      assert.deepEqual(await fields(transport), {
        availableIncomingBitrate: 0,
        rtpPacketLossReceived: 0,
      });
      // goog-remb: mediasoup reports loss 0 and its abs-send-time estimate, which Skein does
      // not compute (left out).
      const remb = await produceOn(ABS_SEND_TIME_URI, ['goog-remb']);
      assert.equal((await fields(remb.transport)).rtpPacketLossReceived, 0);

      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      const send = (packet: Buffer) =>
        new Promise<void>((resolve) =>
          socket.send(packet, transport.tuple.localPort, '127.0.0.1', () => resolve()),
        );
      try {
        // Transport-wide 0..9 without 3 and 7: the feedback sent back reports them lost.
        let seq = 100;
        for (let twcc = 0; twcc < 10; twcc++) {
          if (twcc !== 3 && twcc !== 7) await send(twccRtp(1111, 101, seq++, twcc, VP8_PAYLOAD));
        }
        assert.ok(
          await eventually(async () => ((await fields(transport)).rtpPacketLossReceived ?? 0) > 0),
        );
        const { rtpPacketLossReceived } = await fields(transport);
        assert.ok(rtpPacketLossReceived! <= 0.2 + 1e-9, `${rtpPacketLossReceived}`);

        // RTX 500 accepted; 4500 and 9000 jump by more than 3000 in the RTX numbering.
        const rtx = (rtxSeq: number, osn: number, twcc: number) =>
          twccRtp(2222, 102, rtxSeq, twcc, Buffer.concat([Buffer.from([0, osn]), VP8_PAYLOAD]));
        await send(rtx(500, 101, 10));
        await send(rtx(4500, 102, 11));
        await send(rtx(9000, 103, 12));
        assert.ok(
          await eventually(async () => (await producer.getStats())[0]?.rtxPacketsDiscarded === 2),
        );
        const [inbound] = await producer.getStats();
        assert.deepEqual(keysOf(inbound), INBOUND_STATS_KEYS);
        assert.equal(inbound.roundTripTime, 0);
      } finally {
        socket.close();
      }
    });

    test('consumer stats: roundTripTime 0 before a measure; a pipe consumer has its own only', async () => {
      const [outbound] = await consumer.getStats();
      assert.deepEqual(keysOf(outbound), OUTBOUND_STATS_KEYS);
      assert.equal(outbound.roundTripTime, 0);
      const pipeStats = await pipeConsumer.getStats();
      assert.deepEqual(
        pipeStats.map((s) => s.type),
        ['outbound-rtp'],
      );
    });
  });
}
