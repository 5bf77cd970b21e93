/**
 * `import { types } from 'skein'` gives what mediasoup's `types` namespace gives, so a
 * TypeScript mediasoup application compiles after changing only its import. The first half is
 * checked by the compiler (the build fails if a name is missing); the second uses the types the
 * way an application does and checks that the values have the declared shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as mediasoup from '../../src/index.js';
import type { types } from '../../src/index.js';
import { MODES } from './modes.js';

/** The names of mediasoup 3.19.3's `types` namespace (its lib/types.d.ts), sorted. */
export type MediasoupTypeNames = [
  types.ActiveSpeakerObserver,
  types.ActiveSpeakerObserverDominantSpeaker,
  types.ActiveSpeakerObserverEvents,
  types.ActiveSpeakerObserverObserver,
  types.ActiveSpeakerObserverObserverEvents,
  types.ActiveSpeakerObserverOptions,
  types.AppData,
  types.AudioLevelObserver,
  types.AudioLevelObserverEvents,
  types.AudioLevelObserverObserver,
  types.AudioLevelObserverObserverEvents,
  types.AudioLevelObserverOptions,
  types.AudioLevelObserverVolume,
  types.BaseConsumerDump,
  types.BaseRtpStreamStats,
  types.BaseTransportDump,
  types.BaseTransportStats,
  types.BitrateByLayer,
  types.Consumer,
  types.ConsumerDump,
  types.ConsumerEvents,
  types.ConsumerLayers,
  types.ConsumerObserver,
  types.ConsumerObserverEvents,
  types.ConsumerOptions,
  types.ConsumerScore,
  types.ConsumerStat,
  types.ConsumerTraceEventData,
  types.ConsumerTraceEventType,
  types.ConsumerType,
  types.DataConsumer,
  types.DataConsumerDump,
  types.DataConsumerEvents,
  types.DataConsumerObserver,
  types.DataConsumerObserverEvents,
  types.DataConsumerOptions,
  types.DataConsumerStat,
  types.DataConsumerType,
  types.DataProducer,
  types.DataProducerDump,
  types.DataProducerEvents,
  types.DataProducerObserver,
  types.DataProducerObserverEvents,
  types.DataProducerOptions,
  types.DataProducerStat,
  types.DataProducerType,
  types.DirectTransport,
  types.DirectTransportDump,
  types.DirectTransportEvents,
  types.DirectTransportObserver,
  types.DirectTransportObserverEvents,
  types.DirectTransportOptions,
  types.DirectTransportStat,
  types.DtlsFingerprint,
  types.DtlsParameters,
  types.DtlsRole,
  types.DtlsState,
  types.Either<{ a: 1 }, { b: 2 }>,
  types.FingerprintAlgorithm,
  types.IceCandidate,
  types.IceCandidateTcpType,
  types.IceCandidateType,
  types.IceParameters,
  types.IceRole,
  types.IceState,
  types.IceUserNameFragment,
  types.Index,
  types.InvalidStateError,
  types.IpPort,
  types.LogEventListeners,
  types.MediaKind,
  types.NumSctpStreams,
  types.Observer,
  types.ObserverEvents,
  types.PipeConsumerDump,
  types.PipeConsumerOptions,
  types.PipeToRouterOptions,
  types.PipeToRouterResult,
  types.PipeTransport,
  types.PipeTransportDump,
  types.PipeTransportEvents,
  types.PipeTransportObserver,
  types.PipeTransportObserverEvents,
  types.PipeTransportOptions,
  types.PipeTransportPair,
  types.PipeTransportStat,
  types.PlainTransport,
  types.PlainTransportDump,
  types.PlainTransportEvents,
  types.PlainTransportObserver,
  types.PlainTransportObserverEvents,
  types.PlainTransportOptions,
  types.PlainTransportStat,
  types.Producer,
  types.ProducerDump,
  types.ProducerEvents,
  types.ProducerObserver,
  types.ProducerObserverEvents,
  types.ProducerOptions,
  types.ProducerScore,
  types.ProducerStat,
  types.ProducerTraceEventData,
  types.ProducerTraceEventType,
  types.ProducerType,
  types.ProducerVideoOrientation,
  types.RecvRtpHeaderExtensions,
  types.Router,
  types.RouterDump,
  types.RouterEvents,
  types.RouterObserver,
  types.RouterObserverEvents,
  types.RouterOptions,
  types.RouterRtpCapabilities,
  types.RouterRtpCodecCapability,
  types.RtcpFeedback,
  types.RtcpParameters,
  types.RtpCapabilities,
  types.RtpCodecCapability,
  types.RtpCodecParameters,
  types.RtpEncodingParameters,
  types.RtpHeaderExtension,
  types.RtpHeaderExtensionDirection,
  types.RtpHeaderExtensionParameters,
  types.RtpHeaderExtensionUri,
  types.RtpListenerDump,
  types.RtpObserver,
  types.RtpObserverEvents,
  types.RtpObserverObserver,
  types.RtpObserverObserverEvents,
  types.RtpObserverType,
  types.RtpParameters,
  types.RtpStreamDump,
  types.RtpStreamParametersDump,
  types.RtpStreamRecvStats,
  types.RtpStreamSendStats,
  types.RtxStreamDump,
  types.RtxStreamParameters,
  types.ScalabilityMode,
  types.SctpCapabilities,
  types.SctpListenerDump,
  types.SctpParameters,
  types.SctpParametersDump,
  types.SctpState,
  types.SctpStreamParameters,
  types.SimpleConsumerDump,
  types.SimulcastConsumerDump,
  types.SrtpCryptoSuite,
  types.SrtpParameters,
  types.SvcConsumerDump,
  types.Transport,
  types.TransportEvents,
  types.TransportListenInfo,
  types.TransportListenIp,
  types.TransportObserver,
  types.TransportObserverEvents,
  types.TransportPortRange,
  types.TransportProtocol,
  types.TransportSocketFlags,
  types.TransportTraceEventData,
  types.TransportTraceEventType,
  types.TransportTuple,
  types.TransportType,
  types.TupleHash,
  types.UnsupportedError,
  types.WebRtcServer,
  types.WebRtcServerDump,
  types.WebRtcServerEvents,
  types.WebRtcServerListenInfo,
  types.WebRtcServerObserver,
  types.WebRtcServerObserverEvents,
  types.WebRtcServerOptions,
  types.WebRtcTransport,
  types.WebRtcTransportDump,
  types.WebRtcTransportEvents,
  types.WebRtcTransportObserver,
  types.WebRtcTransportObserverEvents,
  types.WebRtcTransportOptions,
  types.WebRtcTransportStat,
  types.Worker,
  types.WorkerDump,
  types.WorkerEvents,
  types.WorkerLogLevel,
  types.WorkerLogTag,
  types.WorkerObserver,
  types.WorkerObserverEvents,
  types.WorkerResourceUsage,
  types.WorkerSettings,
  types.WorkerUpdateableSettings,
];

const mediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

for (const mode of MODES) {
  test(`[${mode}] an application typed with \`types\` gets values of those shapes`, async () => {
    const worker: types.Worker = await mediasoup.createWorker({ mode });
    try {
      const router: types.Router = await worker.createRouter({ mediaCodecs });
      const caps: types.RouterRtpCapabilities = router.rtpCapabilities;
      assert.ok(caps.codecs!.some((c: types.RtpCodecCapability) => c.mimeType === 'video/VP8'));
      const listenInfo: types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1' };
      const transport: types.WebRtcTransport = await router.createWebRtcTransport({
        listenInfos: [listenInfo],
        enableSctp: true,
      });
      const asBase: types.Transport = transport;
      assert.equal(asBase.type, 'webrtc');
      const candidate: types.IceCandidate = transport.iceCandidates[0];
      const tcpType: types.IceCandidateTcpType | undefined = candidate.tcpType;
      assert.equal(tcpType, undefined);
      const iceRole: types.IceRole = 'controlled';
      const dump: types.WebRtcTransportDump = await transport.dump();
      assert.equal(dump.iceRole, iceRole);
      assert.equal(dump.id, transport.id);
      const [stat]: types.WebRtcTransportStat[] = await transport.getStats();
      assert.equal(stat.transportId, transport.id);
      assert.equal(typeof stat.bytesReceived, 'number');
      const state: types.IceState = stat.iceState;
      assert.equal(state, 'new');

      const plain: types.PlainTransport = await router.createPlainTransport({
        listenInfo,
        comedia: true,
      });
      assert.equal(plain.type, 'plain');
      const producer: types.Producer = await plain.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
          encodings: [{ ssrc: 1111 }],
        },
      });
      const producerDump: types.ProducerDump = await producer.dump();
      const producerType: types.ProducerType = producerDump.type;
      assert.equal(producerType, 'simple');
      const consumer: types.Consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      const consumerDump: types.ConsumerDump = await consumer.dump();
      assert.equal(consumerDump.producerId, producer.id);
      const layers: types.ConsumerLayers | undefined = consumer.currentLayers;
      assert.equal(layers, undefined);
      const stats: (types.ConsumerStat | types.ProducerStat)[] = await consumer.getStats();
      assert.ok(stats.every((s) => typeof s.ssrc === 'number'));

      const direct: types.DirectTransport = await router.createDirectTransport();
      assert.equal(direct.type, 'direct');
      const dataProducer: types.DataProducer = await direct.produceData();
      const dataConsumer: types.DataConsumer = await direct.consumeData({
        dataProducerId: dataProducer.id,
      });
      const dataDump: types.DataConsumerDump = await dataConsumer.dump();
      assert.equal(dataDump.dataProducerId, dataProducer.id);
      const [dataStat]: types.DataProducerStat[] = await dataProducer.getStats();
      assert.equal(dataStat.messagesReceived, 0);

      const observer: types.RouterObserver = router.observer;
      assert.equal(typeof observer.on, 'function');
      const pair: types.PipeTransportPair = {};
      assert.deepEqual(Object.keys(pair), []);
    } finally {
      worker.close();
    }
  });
}

test('the module matches the `types.Index` shape', () => {
  const index: types.Index = mediasoup;
  assert.equal(typeof index.createWorker, 'function');
  const mode: types.ScalabilityMode = index.parseScalabilityMode('L3T3_KEY');
  assert.equal(mode.ksvc, true);
});
