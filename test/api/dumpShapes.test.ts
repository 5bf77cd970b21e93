/**
 * dump() and getStats() of every object in mediasoup's shapes (src/api/dumpTypes.ts and
 * statsTypes.ts are the contract), both worker modes: every required key of each type is
 * present with the right JS type (the key lists are typed against the contract, so a required
 * field added there fails to compile here until it is checked), and the values agree with the
 * objects they describe (SSRCs, ids, MIDs, rids, mapped SSRCs, layers).
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  createWorker,
  type Consumer,
  type DirectTransport,
  type PlainTransport,
  type Producer,
  type Router,
  type RtpParameters,
  type WebRtcServer,
  type WebRtcTransport,
  type Worker,
} from '../../src/index.js';
import type { types } from '../../src/index.js';
import { MODES } from './modes.js';
import {
  audioRtpParameters,
  eventually,
  mediaCodecs,
  videoRtpParameters,
} from './mediaFixtures.js';
import { RtpSink, RtpSource, VP8_PT } from './pipeFixtures.js';
import { AuthenticatedSession } from './authenticatedSession.js';

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'object';
/** The keys of T that are not optional. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** One JS type per required key of T: the compiler insists on every one. */
type Spec<T> = Record<RequiredKeys<T>, Kind>;

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** Every key of `spec` is in `value` with that JS type. */
function assertShape<T>(value: unknown, spec: Spec<T>, what: string): void {
  assert.equal(kindOf(value), 'object', `${what} is an object`);
  const object = value as Record<string, unknown>;
  for (const [key, kind] of Object.entries(spec)) {
    assert.ok(key in object && object[key] !== undefined, `${what}.${key} is present`);
    assert.equal(kindOf(object[key]), kind, `${what}.${key} is a(n) ${String(kind)}`);
  }
}

const baseTransport: Spec<types.BaseTransportDump> = {
  id: 'string',
  producerIds: 'array',
  consumerIds: 'array',
  mapSsrcConsumerId: 'array',
  mapRtxSsrcConsumerId: 'array',
  recvRtpHeaderExtensions: 'object',
  rtpListener: 'object',
  maxMessageSize: 'number',
  dataProducerIds: 'array',
  dataConsumerIds: 'array',
  direct: 'boolean',
  packetsDropped: 'object',
  faults: 'object',
};
const webRtcTransport: Spec<types.WebRtcTransportDump> = {
  ...baseTransport,
  iceRole: 'string',
  iceParameters: 'object',
  iceCandidates: 'array',
  iceState: 'string',
  dtlsParameters: 'object',
  dtlsState: 'string',
};
const plainTransport: Spec<types.PlainTransportDump> = {
  ...baseTransport,
  rtcpMux: 'boolean',
  comedia: 'boolean',
  tuple: 'object',
};
const pipeTransport: Spec<types.PipeTransportDump> = {
  ...baseTransport,
  tuple: 'object',
  rtx: 'boolean',
};
const rtpListener: Spec<types.RtpListenerDump> = {
  ssrcTable: 'array',
  midTable: 'array',
  ridTable: 'array',
};
const producer: Spec<types.ProducerDump> = {
  id: 'string',
  kind: 'string',
  type: 'string',
  rtpParameters: 'object',
  rtpMapping: 'object',
  traceEventTypes: 'array',
  paused: 'boolean',
};
const rtpStream: Spec<types.RtpStreamDump> = { params: 'object', score: 'number' };
const rtpStreamParams: Spec<types.RtpStreamParametersDump> = {
  encodingIdx: 'number',
  ssrc: 'number',
  payloadType: 'number',
  mimeType: 'string',
  clockRate: 'number',
  cname: 'string',
  useNack: 'boolean',
  usePli: 'boolean',
  useFir: 'boolean',
  useInBandFec: 'boolean',
  useDtx: 'boolean',
  spatialLayers: 'number',
  temporalLayers: 'number',
};
const rtxStreamParams: Spec<types.RtxStreamParameters> = {
  ssrc: 'number',
  payloadType: 'number',
  mimeType: 'string',
  clockRate: 'number',
  cname: 'string',
};
const baseConsumer: Spec<types.BaseConsumerDump> = {
  id: 'string',
  producerId: 'string',
  kind: 'string',
  rtpParameters: 'object',
  supportedCodecPayloadTypes: 'array',
  traceEventTypes: 'array',
  paused: 'boolean',
  producerPaused: 'boolean',
  priority: 'number',
};
const simpleConsumer: Spec<types.SimpleConsumerDump> = {
  ...baseConsumer,
  type: 'string',
  rtpStream: 'object',
};
const simulcastConsumer: Spec<types.SimulcastConsumerDump> = {
  ...simpleConsumer,
  preferredSpatialLayer: 'number',
  targetSpatialLayer: 'number',
  currentSpatialLayer: 'number',
  preferredTemporalLayer: 'number',
  targetTemporalLayer: 'number',
  currentTemporalLayer: 'number',
};
const pipeConsumer: Spec<types.PipeConsumerDump> = {
  ...baseConsumer,
  type: 'string',
  rtpStreams: 'array',
};
const dataProducer: Spec<types.DataProducerDump> = {
  id: 'string',
  paused: 'boolean',
  type: 'string',
  label: 'string',
  protocol: 'string',
};
const dataConsumer: Spec<types.DataConsumerDump> = {
  id: 'string',
  paused: 'boolean',
  dataProducerPaused: 'boolean',
  subchannels: 'array',
  dataProducerId: 'string',
  type: 'string',
  label: 'string',
  protocol: 'string',
  bufferedAmountLowThreshold: 'number',
};
const webRtcServer: Spec<types.WebRtcServerDump> = {
  id: 'string',
  udpSockets: 'array',
  tcpServers: 'array',
  webRtcTransportIds: 'array',
  localIceUsernameFragments: 'array',
  tupleHashes: 'array',
  faults: 'object',
};

const baseRtpStats: Spec<types.BaseRtpStreamStats> = {
  timestamp: 'number',
  ssrc: 'number',
  kind: 'string',
  mimeType: 'string',
  packetsLost: 'number',
  fractionLost: 'number',
  packetsDiscarded: 'number',
  packetsRetransmitted: 'number',
  packetsRepaired: 'number',
  nackCount: 'number',
  nackPacketCount: 'number',
  pliCount: 'number',
  firCount: 'number',
  score: 'number',
};
const recvStats: Spec<types.RtpStreamRecvStats> = {
  ...baseRtpStats,
  type: 'string',
  jitter: 'number',
  packetCount: 'number',
  byteCount: 'number',
  bitrate: 'number',
  bitrateByLayer: 'object',
};
const sendStats: Spec<types.RtpStreamSendStats> = {
  ...baseRtpStats,
  type: 'string',
  packetCount: 'number',
  byteCount: 'number',
  bitrate: 'number',
};
const baseTransportStats: Spec<types.BaseTransportStats> = {
  transportId: 'string',
  timestamp: 'number',
  bytesReceived: 'number',
  recvBitrate: 'number',
  bytesSent: 'number',
  sendBitrate: 'number',
  rtpBytesReceived: 'number',
  rtpRecvBitrate: 'number',
  rtpBytesSent: 'number',
  rtpSendBitrate: 'number',
  rtxBytesReceived: 'number',
  rtxRecvBitrate: 'number',
  rtxBytesSent: 'number',
  rtxSendBitrate: 'number',
  probationBytesSent: 'number',
  probationSendBitrate: 'number',
  packetsDropped: 'object',
  faults: 'object',
  dataDropped: 'object',
};
const webRtcTransportStats: Spec<types.WebRtcTransportStat> = {
  ...baseTransportStats,
  type: 'string',
  iceRole: 'string',
  iceState: 'string',
  dtlsState: 'string',
};
const plainTransportStats: Spec<types.PlainTransportStat> = {
  ...baseTransportStats,
  type: 'string',
  rtcpMux: 'boolean',
  comedia: 'boolean',
  tuple: 'object',
};
const pipeTransportStats: Spec<types.PipeTransportStat> = {
  ...baseTransportStats,
  type: 'string',
  tuple: 'object',
};
const directTransportStats: Spec<types.DirectTransportStat> = {
  ...baseTransportStats,
  type: 'string',
};
const dataProducerStats: Spec<types.DataProducerStat> = {
  type: 'string',
  timestamp: 'number',
  label: 'string',
  protocol: 'string',
  messagesReceived: 'number',
  bytesReceived: 'number',
};
const dataConsumerStats: Spec<types.DataConsumerStat> = {
  type: 'string',
  timestamp: 'number',
  label: 'string',
  protocol: 'string',
  messagesSent: 'number',
  bytesSent: 'number',
  bufferedAmount: 'number',
};

const LISTEN = { protocol: 'udp', ip: '127.0.0.1' } as const;

/** One VP8 encoding with three temporal layers (a "simulcast" producer of one stream). */
function vp8TemporalParameters(ssrc: number): RtpParameters {
  return {
    mid: '7',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: VP8_PT,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc, scalabilityMode: 'L1T3' }],
    rtcp: { cname: 'dump-test', reducedSize: true },
  };
}

function entry(table: { key: unknown; value: string }[], key: unknown): string | undefined {
  return table.find((e) => e.key === key)?.value;
}

function assertStream(value: unknown, what: string): types.RtpStreamDump {
  assertShape(value, rtpStream, what);
  const stream = value as types.RtpStreamDump;
  assertShape(stream.params, rtpStreamParams, `${what}.params`);
  if (stream.rtxStream) assertShape(stream.rtxStream.params, rtxStreamParams, `${what}.rtx`);
  return stream;
}

for (const mode of MODES) {
  describe(`dump() and getStats() shapes (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    let router2: Router;
    let server: WebRtcServer;
    let webRtc: WebRtcTransport;
    let videoProducer: Producer;
    let audioProducer: Producer;
    let plain: PlainTransport;
    let temporalProducer: Producer;
    let simulcastConsumer_: Consumer;
    let egress: PlainTransport;
    let egressConsumer: Consumer;
    let direct: DirectTransport;
    let source: RtpSource;
    let sink: RtpSink;
    const videoSsrc = 300_000_000;
    const temporalSsrc = 300_000_100;

    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
      router2 = await worker.createRouter({ mediaCodecs });
      server = await worker.createWebRtcServer({ listenInfos: [{ ...LISTEN, port: 0 }] });
      webRtc = await router.createWebRtcTransport({ webRtcServer: server, enableSctp: true });
      videoProducer = await webRtc.produce({
        kind: 'video',
        rtpParameters: videoRtpParameters(videoSsrc, videoSsrc + 1, '1'),
      });
      audioProducer = await webRtc.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(videoSsrc + 2, '0'),
      });
      plain = await router.createPlainTransport({ listenInfo: LISTEN, comedia: true });
      temporalProducer = await plain.produce({
        kind: 'video',
        rtpParameters: vp8TemporalParameters(temporalSsrc),
      });
      source = await RtpSource.open();
      source.start(plain.tuple.localPort, [temporalSsrc]);
      simulcastConsumer_ = await webRtc.consume({
        producerId: temporalProducer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      sink = await RtpSink.open();
      egress = await router.createPlainTransport({ listenInfo: LISTEN });
      await egress.connect({ ip: '127.0.0.1', port: sink.port });
      egressConsumer = await egress.consume({
        producerId: temporalProducer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      direct = await router.createDirectTransport({ maxMessageSize: 5000 });
    });

    after(() => {
      source.close();
      sink.close();
      worker.close();
    });

    test('WebRtcTransport dump: rtpListener, recvRtpHeaderExtensions, consumer SSRC maps', async () => {
      const dump = await webRtc.dump();
      assertShape(dump, webRtcTransport, 'webRtcTransport.dump');
      assert.equal(dump.id, webRtc.id);
      assert.equal(dump.direct, false);
      assert.deepEqual(dump.producerIds.sort(), [videoProducer.id, audioProducer.id].sort());
      assert.deepEqual(dump.consumerIds, [simulcastConsumer_.id]);
      assertShape(dump.rtpListener, rtpListener, 'rtpListener');
      const { ssrcTable, midTable, ridTable } = dump.rtpListener;
      assert.equal(entry(ssrcTable, videoSsrc), videoProducer.id, 'media SSRC → producer');
      assert.equal(entry(ssrcTable, videoSsrc + 1), videoProducer.id, 'RTX SSRC → producer');
      assert.equal(entry(ssrcTable, videoSsrc + 2), audioProducer.id);
      assert.equal(entry(midTable, '1'), videoProducer.id, 'MID → producer');
      assert.equal(entry(midTable, '0'), audioProducer.id);
      assert.deepEqual(ridTable, []);
      // The fixtures' ids: MID 4, abs-send-time 2, transport-wide CC 3 (no rid negotiated).
      assert.deepEqual(dump.recvRtpHeaderExtensions, {
        mid: 4,
        absSendTime: 2,
        transportWideCc01: 3,
      });
      const encoding = simulcastConsumer_.rtpParameters.encodings![0];
      assert.equal(entry(dump.mapSsrcConsumerId, encoding.ssrc), simulcastConsumer_.id);
      assert.ok(encoding.rtx?.ssrc, 'the consumer has RTX');
      assert.equal(entry(dump.mapRtxSsrcConsumerId, encoding.rtx.ssrc), simulcastConsumer_.id);
      assert.equal(dump.mapSsrcConsumerId.length, 1);
      assert.equal(dump.maxMessageSize, 262144, 'the SCTP default');
      assert.equal(typeof dump.sctpParameters?.port, 'number');
      assert.equal(dump.iceRole, 'controlled');
      assert.equal(dump.dtlsRemoteCert, undefined, 'none before DTLS connects');

      const [stats] = await webRtc.getStats();
      assertShape(stats, webRtcTransportStats, 'webRtcTransport.getStats');
      assert.equal(stats.type, 'webrtc-transport');
      assert.equal(stats.transportId, webRtc.id);
    });

    test('PlainTransport dump and stats: the comedia producer, srtpParameters with SRTP', async () => {
      const dump = await plain.dump();
      assertShape(dump, plainTransport, 'plainTransport.dump');
      assert.equal(entry(dump.rtpListener.ssrcTable, temporalSsrc), temporalProducer.id);
      assert.equal(entry(dump.rtpListener.midTable, '7'), temporalProducer.id);
      assert.deepEqual(dump.recvRtpHeaderExtensions, {});
      assert.equal(dump.maxMessageSize, 262144);
      assert.equal(dump.srtpParameters, undefined);
      assert.equal(dump.comedia, true);
      await eventually(async () => (await plain.getStats())[0].rtpBytesReceived > 0);
      const [stats] = await plain.getStats();
      assertShape(stats, plainTransportStats, 'plainTransport.getStats');
      assert.equal(stats.type, 'plain-rtp-transport');
      assert.ok(stats.rtpBytesReceived > 0);

      const egressDump = await egress.dump();
      const encoding = egressConsumer.rtpParameters.encodings![0];
      assert.equal(entry(egressDump.mapSsrcConsumerId, encoding.ssrc), egressConsumer.id);
      assert.deepEqual(
        egressDump.mapRtxSsrcConsumerId,
        encoding.rtx ? [{ key: encoding.rtx.ssrc, value: egressConsumer.id }] : [],
      );

      const srtp = await router.createPlainTransport({ listenInfo: LISTEN, enableSrtp: true });
      const srtpDump = await srtp.dump();
      assert.equal(srtpDump.srtpParameters?.cryptoSuite, srtp.srtpParameters?.cryptoSuite);
      assert.equal(srtpDump.srtpParameters?.keyBase64, srtp.srtpParameters?.keyBase64);
      srtp.close();
    });

    test('Producer dump: rtpMapping and the rtpStreams that exist', async () => {
      const dump = await videoProducer.dump();
      assertShape(dump, producer, 'producer.dump');
      assert.equal(dump.id, videoProducer.id);
      assert.equal(dump.type, 'simple');
      // VP8 96 and RTX 97 map to the router's payload types.
      const vp8 = router.rtpCapabilities.codecs!.find((c) => c.mimeType === 'video/VP8')!;
      assert.deepEqual(
        dump.rtpMapping.codecs.find((c) => c.payloadType === 96),
        { payloadType: 96, mappedPayloadType: vp8.preferredPayloadType },
      );
      assert.equal(dump.rtpMapping.codecs.length, 2);
      assert.equal(dump.rtpMapping.encodings.length, 1);
      // As mediasoup 3.19.3 writes the mapping back: rid '' and scalabilityMode null.
      const mapping = dump.rtpMapping.encodings[0];
      assert.equal(typeof mapping.mappedSsrc, 'number');
      assert.deepEqual(mapping, {
        rid: '',
        ssrc: videoSsrc,
        scalabilityMode: null,
        mappedSsrc: mapping.mappedSsrc,
      });
      // As mediasoup: no stream before its first packet, though its SSRCs are signalled.
      assert.equal('rtpStreams' in dump, false);

      // The temporal producer receives (RtpSource): its stream, as mediasoup unpacks it.
      assert.ok(
        await eventually(async () => (await temporalProducer.dump()).rtpStreams !== undefined),
        'the temporal producer has its stream',
      );
      const temporal = await temporalProducer.dump();
      assert.equal(temporal.rtpStreams!.length, 1);
      const stream = temporal.rtpStreams![0];
      assertShape(stream, rtpStream, 'producer.rtpStreams[0]');
      assertShape(stream.params, rtpStreamParams, 'producer.rtpStreams[0].params');
      assert.deepEqual(
        { ...stream.params },
        {
          encodingIdx: 0,
          ssrc: temporalSsrc,
          payloadType: VP8_PT,
          mimeType: 'video/VP8',
          clockRate: 90000,
          rid: '',
          cname: 'dump-test',
          rtxSsrc: null,
          rtxPayloadType: null,
          useNack: true,
          usePli: true,
          useFir: false,
          useInBandFec: false,
          useDtx: false,
          spatialLayers: 1,
          temporalLayers: 3,
        },
      );
      assert.equal(stream.rtxStream, null);

      // A stream signalled by rid only exists once a packet names it: none yet.
      const ridOnly = await direct.produce({
        kind: 'video',
        rtpParameters: {
          codecs: vp8TemporalParameters(1).codecs,
          headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', id: 10 }],
          encodings: [{ rid: 'r0' }, { rid: 'r1' }],
          rtcp: { cname: 'rid-only' },
        },
      });
      const ridDump = await ridOnly.dump();
      assert.equal(ridDump.rtpStreams, undefined);
      assert.equal(ridDump.rtpMapping.encodings.length, 2);
      const directDump = await direct.dump();
      assert.equal(entry(directDump.rtpListener.ridTable, 'r0'), ridOnly.id);
      assert.equal(entry(directDump.rtpListener.ridTable, 'r1'), ridOnly.id);
      assert.equal(directDump.recvRtpHeaderExtensions.rid, 10);
      ridOnly.close();
    });

    test('Producer stats: RtpStreamRecvStats with bitrateByLayer per temporal layer', async () => {
      assert.ok(
        await eventually(async () => (await temporalProducer.getStats()).length > 0),
        'the producer receives',
      );
      const [stats] = await temporalProducer.getStats();
      assertShape(stats, recvStats, 'producer.getStats[0]');
      assert.equal(stats.type, 'inbound-rtp');
      assert.equal(stats.ssrc, temporalSsrc);
      assert.equal(stats.kind, 'video');
      assert.ok(stats.packetCount > 0 && stats.byteCount > 0);
      // L1T3: one spatial layer, three temporal ones; the source sends only T0 (no TID).
      assert.deepEqual(Object.keys(stats.bitrateByLayer).sort(), ['0.0', '0.1', '0.2']);
      assert.ok(stats.bitrateByLayer['0.0'] > 0, 'T0 carries the bitrate');
      assert.equal(stats.bitrateByLayer['0.1'], 0);
      // As mediasoup: a stream is in the stats once a packet arrived.
      assert.equal((await videoProducer.getStats()).length, 0, 'no packet, no stats');
    });

    test('Consumer dumps: simulcast consumer layers, rtpStream, consumable encodings', async () => {
      const dump = (await simulcastConsumer_.dump()) as types.SimulcastConsumerDump;
      assertShape(dump, simulcastConsumer, 'simulcastConsumer.dump');
      assert.equal(dump.type, 'simulcast');
      assert.equal(dump.producerId, temporalProducer.id);
      const encoding = simulcastConsumer_.rtpParameters.encodings![0];
      const stream = assertStream(dump.rtpStream, 'consumer.rtpStream');
      assert.equal(stream.params.ssrc, encoding.ssrc);
      assert.equal(stream.params.rtxSsrc, encoding.rtx?.ssrc);
      assert.equal(stream.params.encodingIdx, 0);
      assert.equal(stream.params.spatialLayers, 1);
      assert.equal(stream.params.temporalLayers, 3);
      assert.equal(stream.rtxStream?.params.ssrc, encoding.rtx?.ssrc);
      const payloadType = simulcastConsumer_.rtpParameters.codecs[0].payloadType;
      assert.deepEqual(dump.supportedCodecPayloadTypes, [payloadType], 'media codecs, not RTX');
      const producerDump = await temporalProducer.dump();
      assert.deepEqual(
        dump.consumableRtpEncodings?.map((e) => e.ssrc),
        [producerDump.rtpMapping.encodings[0].mappedSsrc],
      );
      assert.equal(dump.preferredSpatialLayer, 0);
      assert.equal(dump.preferredTemporalLayer, 2);

      const simple = await webRtc.consume({
        producerId: audioProducer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      const simpleDump = (await simple.dump()) as types.SimpleConsumerDump;
      assertShape(simpleDump, simpleConsumer, 'simpleConsumer.dump');
      assert.equal(simpleDump.type, 'simple');
      const simpleStream = assertStream(simpleDump.rtpStream, 'simple.rtpStream');
      assert.equal(simpleStream.params.ssrc, simple.rtpParameters.encodings![0].ssrc);
      assert.equal(simpleStream.params.useInBandFec, true);
      assert.equal(simpleStream.params.useDtx, true);
      assert.equal(simpleStream.params.mimeType.toLowerCase(), 'audio/opus');
      assert.equal(simpleStream.score, 10);
      simple.close();
    });

    test('Consumer stats: RtpStreamSendStats of what it sent, then its producer stream', async () => {
      assert.ok(await eventually(() => sink.total > 10), 'the egress consumer sends');
      const stats = await egressConsumer.getStats();
      const sent = stats[0] as types.RtpStreamSendStats;
      assertShape(sent, sendStats, 'consumer.getStats[0]');
      assert.equal(sent.type, 'outbound-rtp');
      assert.equal(sent.ssrc, egressConsumer.rtpParameters.encodings![0].ssrc);
      assert.ok(sent.packetCount > 0);
      const received = stats[1] as types.RtpStreamRecvStats;
      assertShape(received, recvStats, 'consumer.getStats[1]');
      assert.equal(received.ssrc, temporalSsrc);
    });

    test('PipeTransport and pipe consumer: rtpStreams, the far side listens on their SSRCs', async () => {
      const a = await router.createPipeTransport({ listenInfo: LISTEN, enableRtx: true });
      const b = await router2.createPipeTransport({ listenInfo: LISTEN, enableRtx: true });
      await a.connect({ ip: '127.0.0.1', port: b.tuple.localPort });
      await b.connect({ ip: '127.0.0.1', port: a.tuple.localPort });
      const consumer = await a.consume({ producerId: videoProducer.id });
      const farProducer = await b.produce({
        id: videoProducer.id,
        kind: 'video',
        rtpParameters: consumer.rtpParameters,
      });
      const dump = (await consumer.dump()) as types.PipeConsumerDump;
      assertShape(dump, pipeConsumer, 'pipeConsumer.dump');
      assert.equal(dump.type, 'pipe');
      const encodings = consumer.rtpParameters.encodings!;
      assert.equal(dump.rtpStreams.length, encodings.length);
      dump.rtpStreams.forEach((s, i) => {
        const stream = assertStream(s, `pipe.rtpStreams[${i}]`);
        assert.equal(stream.params.ssrc, encodings[i].ssrc);
        assert.equal(stream.params.encodingIdx, i);
      });
      const aDump = await a.dump();
      assertShape(aDump, pipeTransport, 'pipeTransport.dump');
      assert.equal(aDump.rtx, true);
      assert.equal(entry(aDump.mapSsrcConsumerId, encodings[0].ssrc), consumer.id);
      const bDump = await b.dump();
      assert.equal(entry(bDump.rtpListener.ssrcTable, encodings[0].ssrc), farProducer.id);
      const [stats] = await a.getStats();
      assertShape(stats, pipeTransportStats, 'pipeTransport.getStats');
      assert.equal(stats.type, 'pipe-transport');
      a.close();
      b.close();

      const srtp = await router.createPipeTransport({ listenInfo: LISTEN, enableSrtp: true });
      const srtpDump = await srtp.dump();
      assert.equal(srtpDump.srtpParameters?.cryptoSuite, 'AEAD_AES_256_GCM');
      assert.equal(srtpDump.srtpParameters?.keyBase64, srtp.srtpParameters?.keyBase64);
      srtp.close();
    });

    test('DirectTransport, DataProducer and DataConsumer dumps and stats', async () => {
      const dataProducerObject = await direct.produceData({ label: 'chat', protocol: 'p' });
      const dataConsumerObject = await direct.consumeData({
        dataProducerId: dataProducerObject.id,
      });
      const dump = await direct.dump();
      assertShape(dump, baseTransport, 'directTransport.dump');
      assert.equal(dump.direct, true);
      assert.equal(dump.maxMessageSize, 5000, 'its own option');
      assert.deepEqual(dump.dataProducerIds, [dataProducerObject.id]);
      assert.deepEqual(dump.dataConsumerIds, [dataConsumerObject.id]);
      const [stats] = await direct.getStats();
      assertShape(stats, directTransportStats, 'directTransport.getStats');
      assert.equal(stats.type, 'direct-transport');

      const dpDump = await dataProducerObject.dump();
      assertShape(dpDump, dataProducer, 'dataProducer.dump');
      assert.equal(dpDump.label, 'chat');
      const dcDump = await dataConsumerObject.dump();
      assertShape(dcDump, dataConsumer, 'dataConsumer.dump');
      assert.equal(dcDump.dataProducerId, dataProducerObject.id);
      const [dpStats] = await dataProducerObject.getStats();
      assertShape(dpStats, dataProducerStats, 'dataProducer.getStats');
      const [dcStats] = await dataConsumerObject.getStats();
      assertShape(dcStats, dataConsumerStats, 'dataConsumer.getStats');
      dataProducerObject.close();
    });

    test('WebRtcTransport dump once connected: iceSelectedTuple and dtlsRemoteCert', async () => {
      const session = await AuthenticatedSession.open(mode, 'udp');
      try {
        const dump = await session.producerTransport.dump();
        assertShape(dump, webRtcTransport, 'connected webRtcTransport.dump');
        assert.equal(dump.dtlsState, 'connected');
        assert.deepEqual(dump.iceSelectedTuple, session.producerTransport.iceSelectedTuple);
        assert.equal(dump.iceSelectedTuple?.protocol, 'udp');
        assert.match(dump.dtlsRemoteCert ?? '', /^-----BEGIN CERTIFICATE-----/);
        assert.equal(dump.dtlsRemoteCert, session.producerTransport.dtlsRemoteCert);
      } finally {
        session.close();
      }
    });

    test('WebRtcServer dump lists its transport (and Skein keeps its faults)', async () => {
      const dump = await server.dump();
      assertShape(dump, webRtcServer, 'webRtcServer.dump');
      assert.ok(dump.webRtcTransportIds.includes(webRtc.id));
      assert.ok(
        dump.localIceUsernameFragments.some(
          (f) =>
            f.webRtcTransportId === webRtc.id &&
            f.localIceUsernameFragment === webRtc.iceParameters.usernameFragment,
        ),
      );
      assert.ok(dump.udpSockets[0].port > 0);
    });
  });
}
