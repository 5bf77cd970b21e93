/**
 * Skein: a WebRTC SFU for Node.js with mediasoup v3's API.
 */
import { readFileSync } from 'node:fs';
import {
  getSupportedRtpCapabilities as ortcSupported,
  parseScalabilityMode,
} from './ortc/index.js';
import type { RtpCapabilities } from './ortc/index.js';

export { createWorker, observer } from './api/createWorker.js';
export type { ObserverEvents } from './api/createWorker.js';
export { Worker } from './api/Worker.js';
export type {
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
export { Router } from './api/Router.js';
export type {
  RouterEvents,
  RouterObserverEvents,
  RouterDump,
  WebRtcTransportOptions,
} from './api/Router.js';
export { Transport } from './api/Transport.js';
export type { TransportEvents, TransportObserverEvents, TransportType } from './api/Transport.js';
export { WebRtcTransport } from './api/WebRtcTransport.js';
export type {
  IceState,
  DtlsState,
  DtlsRole,
  FingerprintAlgorithm,
  IceParameters,
  IceCandidate,
  DtlsFingerprint,
  DtlsParameters,
  TransportTuple,
  TransportListenInfo,
  TransportListenIp,
  WebRtcTransportEvents,
  WebRtcTransportObserverEvents,
} from './api/WebRtcTransport.js';
export { DirectTransport } from './api/DirectTransport.js';
export type {
  DirectTransportOptions,
  DirectTransportEvents,
  DirectTransportObserverEvents,
} from './api/DirectTransport.js';
export { PlainTransport } from './api/PlainTransport.js';
export type {
  PlainTransportOptions,
  PlainTransportConnectOptions,
  PlainTransportEvents,
  PlainTransportObserverEvents,
  SrtpParameters,
  SrtpCryptoSuite,
  NumSctpStreams,
  SctpState,
} from './api/PlainTransport.js';
export { PipeTransport } from './api/PipeTransport.js';
export type {
  PipeTransportOptions,
  PipeTransportConnectOptions,
  PipeConsumerOptions,
  PipeTransportEvents,
  PipeTransportObserverEvents,
} from './api/PipeTransport.js';
export type { PipeToRouterOptions, PipeToRouterResult } from './api/Router.js';
export type {
  TransportTraceEventType,
  TransportTraceEventData,
  ProducerTraceEventType,
  ProducerTraceEventData,
  ConsumerTraceEventType,
  ConsumerTraceEventData,
} from './api/traceEvents.js';
export { WebRtcServer } from './api/WebRtcServer.js';
export type {
  WebRtcServerOptions,
  WebRtcServerEvents,
  WebRtcServerObserverEvents,
} from './api/WebRtcServer.js';
export { Producer } from './api/Producer.js';
export type {
  ProducerOptions,
  ProducerType,
  ProducerScore,
  ProducerVideoOrientation,
  ProducerEvents,
  ProducerObserverEvents,
} from './api/Producer.js';
export { Consumer } from './api/Consumer.js';
export type {
  ConsumerOptions,
  ConsumerType,
  ConsumerLayers,
  ConsumerScore,
  ConsumerEvents,
  ConsumerObserverEvents,
} from './api/Consumer.js';
export { DataProducer } from './api/DataProducer.js';
export type {
  DataProducerOptions,
  DataProducerType,
  DataProducerEvents,
  DataProducerObserverEvents,
} from './api/DataProducer.js';
export { DataConsumer } from './api/DataConsumer.js';
export type {
  DataConsumerOptions,
  DataConsumerType,
  DataConsumerEvents,
  DataConsumerObserverEvents,
} from './api/DataConsumer.js';
export type { AppData } from './api/appData.js';
export {
  UnsupportedError,
  InvalidStateError,
  ChannelMessageTooLargeError,
  ChannelTimeoutError,
} from './common/errors.js';
export { setLogEventListeners } from './common/Logger.js';
export type { LogEventListeners } from './common/Logger.js';
export type * from './ortc/rtpTypes.js';
export type * from './ortc/sctpTypes.js';
export { parseScalabilityMode };

/** Skein's version, from its package.json. */
export const version: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The RTP capabilities Skein supports; a fresh copy on every call. */
export function getSupportedRtpCapabilities(): RtpCapabilities {
  return ortcSupported();
}
