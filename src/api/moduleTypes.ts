/**
 * mediasoup's module-level type names: the `observer` emitters of each class under their
 * `…Observer` names, the module's own shape (`Index`) and the `Either` helper. They exist so a
 * TypeScript mediasoup application that names them compiles against Skein unchanged.
 */
import type { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import type { LogEventListeners } from '../common/Logger.js';
import type { RouterRtpCapabilities } from '../ortc/rtpTypes.js';
import type { ScalabilityMode } from '../ortc/scalabilityModes.js';
import type { AppData } from './appData.js';
import type { ConsumerObserverEvents } from './Consumer.js';
import type { ObserverEvents } from './createWorker.js';
import type { DataConsumerObserverEvents } from './DataConsumer.js';
import type { DataProducerObserverEvents } from './DataProducer.js';
import type { DirectTransportObserverEvents } from './DirectTransport.js';
import type { PipeTransport, PipeTransportObserverEvents } from './PipeTransport.js';
import type { PlainTransportObserverEvents } from './PlainTransport.js';
import type { ProducerObserverEvents } from './Producer.js';
import type { RouterObserverEvents } from './Router.js';
import type { RtpObserverObserverEvents } from './RtpObserver.js';
import type { TransportObserverEvents } from './Transport.js';
import type { WebRtcServerObserverEvents } from './WebRtcServer.js';
import type { TransportListenInfo, WebRtcTransportObserverEvents } from './WebRtcTransport.js';
import type { Worker, WorkerObserverEvents, WorkerSettings } from './Worker.js';

export type Observer = EnhancedEventEmitter<ObserverEvents>;
export type WorkerObserver = EnhancedEventEmitter<WorkerObserverEvents>;
export type WebRtcServerObserver = EnhancedEventEmitter<WebRtcServerObserverEvents>;
export type RouterObserver = EnhancedEventEmitter<RouterObserverEvents>;
export type TransportObserver = EnhancedEventEmitter<TransportObserverEvents>;
export type WebRtcTransportObserver = EnhancedEventEmitter<WebRtcTransportObserverEvents>;
export type PlainTransportObserver = EnhancedEventEmitter<PlainTransportObserverEvents>;
export type PipeTransportObserver = EnhancedEventEmitter<PipeTransportObserverEvents>;
export type DirectTransportObserver = EnhancedEventEmitter<DirectTransportObserverEvents>;
export type ProducerObserver = EnhancedEventEmitter<ProducerObserverEvents>;
export type ConsumerObserver = EnhancedEventEmitter<ConsumerObserverEvents>;
export type DataProducerObserver = EnhancedEventEmitter<DataProducerObserverEvents>;
export type DataConsumerObserver = EnhancedEventEmitter<DataConsumerObserverEvents>;
export type RtpObserverObserver = EnhancedEventEmitter<RtpObserverObserverEvents>;

export type WebRtcServerListenInfo = TransportListenInfo;

/** The pipe transports of one router towards another, by router id (mediasoup's shape). */
export type PipeTransportPair = Record<string, PipeTransport>;

type Only<T, U> = { [P in keyof T]: T[P] } & { [P in keyof U]?: never };
/** Exactly one of two option shapes. */
export type Either<T, U> = Only<T, U> | Only<U, T>;

/** What `import * as mediasoup from 'skein'` offers at run time. */
export interface Index {
  version: string;
  observer: Observer;
  setLogEventListeners: (listeners?: LogEventListeners) => void;
  createWorker: <WorkerAppData extends AppData = AppData>(
    options?: WorkerSettings<WorkerAppData>,
  ) => Promise<Worker<WorkerAppData>>;
  getSupportedRtpCapabilities: () => RouterRtpCapabilities;
  parseScalabilityMode: (scalabilityMode?: string) => ScalabilityMode;
}
