/**
 * Every public type, as mediasoup's `types` namespace has them: `import { types } from 'skein'`
 * then `types.Router`, `types.RtpCapabilities`, `types.ConsumerDump`… Classes appear here as
 * types only; their values come from the package's root.
 */
export type { ObserverEvents } from './api/createWorker.js';
export type {
  Worker,
  WorkerSettings,
  WorkerUpdateableSettings,
  WorkerLogLevel,
  WorkerLogTag,
  WorkerResourceUsage,
  WorkerMode,
  WorkerEvents,
  WorkerObserverEvents,
  WorkerDump,
  RouterOptions,
} from './api/Worker.js';
export type {
  Router,
  RouterEvents,
  RouterObserverEvents,
  RouterDump,
  WebRtcTransportOptions,
  PipeToRouterOptions,
  PipeToRouterResult,
} from './api/Router.js';
export type {
  Transport,
  TransportType,
  TransportEvents,
  TransportObserverEvents,
} from './api/Transport.js';
export type {
  WebRtcTransport,
  IceState,
  IceRole,
  IceCandidateType,
  IceCandidateTcpType,
  DtlsState,
  DtlsRole,
  FingerprintAlgorithm,
  IceParameters,
  IceCandidate,
  DtlsFingerprint,
  DtlsParameters,
  TransportTuple,
  TransportProtocol,
  TransportPortRange,
  TransportSocketFlags,
  TransportListenInfo,
  TransportListenIp,
  SctpState,
  WebRtcTransportEvents,
  WebRtcTransportObserverEvents,
} from './api/WebRtcTransport.js';
export type {
  DirectTransport,
  DirectTransportOptions,
  DirectTransportEvents,
  DirectTransportObserverEvents,
} from './api/DirectTransport.js';
export type {
  PlainTransport,
  PlainTransportOptions,
  PlainTransportConnectOptions,
  PlainTransportEvents,
  PlainTransportObserverEvents,
  SrtpParameters,
  SrtpCryptoSuite,
} from './api/PlainTransport.js';
export type {
  PipeTransport,
  PipeTransportOptions,
  PipeTransportConnectOptions,
  PipeConsumerOptions,
  PipeTransportEvents,
  PipeTransportObserverEvents,
} from './api/PipeTransport.js';
export type {
  TransportTraceEventType,
  TransportTraceEventData,
  ProducerTraceEventType,
  ProducerTraceEventData,
  ConsumerTraceEventType,
  ConsumerTraceEventData,
} from './api/traceEvents.js';
export type {
  WebRtcServer,
  WebRtcServerOptions,
  WebRtcServerEvents,
  WebRtcServerObserverEvents,
} from './api/WebRtcServer.js';
export type {
  Producer,
  ProducerOptions,
  ProducerType,
  ProducerScore,
  ProducerVideoOrientation,
  ProducerEvents,
  ProducerObserverEvents,
} from './api/Producer.js';
export type {
  Consumer,
  ConsumerOptions,
  ConsumerType,
  ConsumerLayers,
  ConsumerScore,
  ConsumerEvents,
  ConsumerObserverEvents,
} from './api/Consumer.js';
export type {
  DataProducer,
  DataProducerOptions,
  DataProducerType,
  DataProducerEvents,
  DataProducerObserverEvents,
} from './api/DataProducer.js';
export type {
  DataConsumer,
  DataConsumerOptions,
  DataConsumerType,
  DataConsumerEvents,
  DataConsumerObserverEvents,
} from './api/DataConsumer.js';
export type * from './api/dumpTypes.js';
export type * from './api/statsTypes.js';
export type * from './api/moduleTypes.js';
export type { AppData } from './api/appData.js';
export type {
  UnsupportedError,
  InvalidStateError,
  ChannelMessageTooLargeError,
  ChannelTimeoutError,
} from './common/errors.js';
export type { LogEventListeners } from './common/Logger.js';
export type * from './ortc/rtpTypes.js';
export type * from './ortc/sctpTypes.js';
export type { ScalabilityMode } from './ortc/scalabilityModes.js';
