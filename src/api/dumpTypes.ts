/**
 * The JSON shapes of dump() on transports, producers, consumers, data producers, data consumers
 * and WebRtcServers: mediasoup v3's, so an application that reads a dump compiles and reads
 * the same fields. (Worker and router dumps live beside their classes.)
 */
import type { MediaKind, RtpEncodingParameters, RtpParameters } from '../ortc/rtpTypes.js';
import type { SctpParameters, SctpStreamParameters } from '../ortc/sctpTypes.js';
import type { ConsumerType } from './Consumer.js';
import type { DataConsumerType } from './DataConsumer.js';
import type { DataProducerType } from './DataProducer.js';
import type { SrtpParameters } from './PlainTransport.js';
import type { ProducerType } from './Producer.js';
import type { SctpState, TransportTuple, WebRtcTransportData } from './WebRtcTransport.js';

/** A key → id table entry (an SSRC, MID or RID and the id it routes to). */
export type DumpTableEntry<K = number> = {
  key: K;
  value: string;
};

/**
 * mediasoup's d.ts types the MID and rid keys as numbers; its worker sends the strings, and
 * so does Skein.
 */
export type RtpListenerDump = {
  ssrcTable: DumpTableEntry[];
  midTable: DumpTableEntry<string>[];
  ridTable: DumpTableEntry<string>[];
};

export type SctpListenerDump = {
  streamIdTable: DumpTableEntry[];
};

/** Header extension ids the transport reads from incoming RTP. */
export type RecvRtpHeaderExtensions = {
  mid?: number;
  rid?: number;
  rrid?: number;
  absSendTime?: number;
  transportWideCc01?: number;
};

export type SctpParametersDump = {
  port: number;
  OS: number;
  MIS: number;
  maxMessageSize: number;
  sendBufferSize: number;
  sctpBufferedAmount: number;
  isDataChannel: boolean;
};

export type BaseTransportDump = {
  id: string;
  producerIds: string[];
  consumerIds: string[];
  mapSsrcConsumerId: DumpTableEntry[];
  mapRtxSsrcConsumerId: DumpTableEntry[];
  recvRtpHeaderExtensions: RecvRtpHeaderExtensions;
  rtpListener: RtpListenerDump;
  maxMessageSize: number;
  dataProducerIds: string[];
  dataConsumerIds: string[];
  sctpParameters?: SctpParameters;
  sctpState?: SctpState;
  sctpListener?: SctpListenerDump;
  traceEventTypes?: string[];
  /** Skein extension: whether this is a DirectTransport. */
  direct: boolean;
  /** Skein extension: packets dropped (never forwarded), by reason. */
  packetsDropped: Record<string, number>;
  /** Skein extension: exceptions contained at the media plane's entries, by kind. */
  faults: Record<string, number>;
};

/** The transport's own fields, as its creation returned them and as they are now. */
export type WebRtcTransportDump = BaseTransportDump & WebRtcTransportData;

export type PlainTransportDump = BaseTransportDump & {
  rtcpMux: boolean;
  comedia: boolean;
  tuple: TransportTuple;
  rtcpTuple?: TransportTuple;
  srtpParameters?: SrtpParameters;
};

export type PipeTransportDump = BaseTransportDump & {
  tuple: TransportTuple;
  rtx: boolean;
  srtpParameters?: SrtpParameters;
};

export type DirectTransportDump = BaseTransportDump;

/**
 * How a producer's payload types and SSRCs map to the router's (mediasoup types it `unknown`),
 * as mediasoup 3.19.3 writes it back: rid '' and scalabilityMode null whatever was given, ssrc
 * null when none was.
 */
export type ProducerRtpMappingDump = {
  codecs: { payloadType: number; mappedPayloadType: number }[];
  encodings: { rid: string; ssrc: number | null; scalabilityMode: null; mappedSsrc: number }[];
};

/**
 * A producer's receiving stream (mediasoup types it `unknown`: its flatbuffers table unpacked,
 * so what is unset is '' or null rather than left out).
 */
export type ProducerRtpStreamDump = {
  params: Omit<RtpStreamParametersDump, 'rid' | 'rtxSsrc' | 'rtxPayloadType'> & {
    rid: string;
    rtxSsrc: number | null;
    rtxPayloadType: number | null;
  };
  score: number;
  rtxStream: { params: Omit<RtxStreamParameters, 'rrid'> & { rrid: string } } | null;
};

export type ProducerDump = {
  id: string;
  kind: string;
  type: ProducerType;
  rtpParameters: RtpParameters;
  rtpMapping: ProducerRtpMappingDump;
  /** The receiving streams that got a packet; absent while there is none. */
  rtpStreams?: ProducerRtpStreamDump[];
  traceEventTypes: string[];
  paused: boolean;
};

export type RtpStreamParametersDump = {
  encodingIdx: number;
  ssrc: number;
  payloadType: number;
  mimeType: string;
  clockRate: number;
  rid?: string;
  cname: string;
  rtxSsrc?: number;
  rtxPayloadType?: number;
  useNack: boolean;
  usePli: boolean;
  useFir: boolean;
  useInBandFec: boolean;
  useDtx: boolean;
  spatialLayers: number;
  temporalLayers: number;
};

export type RtxStreamParameters = {
  ssrc: number;
  payloadType: number;
  mimeType: string;
  clockRate: number;
  rrid?: string;
  cname: string;
};

export type RtxStreamDump = {
  params: RtxStreamParameters;
};

export type RtpStreamDump = {
  params: RtpStreamParametersDump;
  score: number;
  rtxStream?: RtxStreamDump;
};

export type BaseConsumerDump = {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  consumableRtpEncodings?: RtpEncodingParameters[];
  supportedCodecPayloadTypes: number[];
  traceEventTypes: string[];
  paused: boolean;
  producerPaused: boolean;
  priority: number;
};

export type SimpleConsumerDump = BaseConsumerDump & {
  type: ConsumerType;
  rtpStream: RtpStreamDump;
};

export type SimulcastConsumerDump = BaseConsumerDump & {
  type: ConsumerType;
  rtpStream: RtpStreamDump;
  preferredSpatialLayer: number;
  targetSpatialLayer: number;
  currentSpatialLayer: number;
  preferredTemporalLayer: number;
  targetTemporalLayer: number;
  currentTemporalLayer: number;
};

export type SvcConsumerDump = SimulcastConsumerDump;

export type PipeConsumerDump = BaseConsumerDump & {
  type: ConsumerType;
  rtpStreams: RtpStreamDump[];
};

/** SvcConsumerDump has SimulcastConsumerDump's shape, so it is not repeated here. */
export type ConsumerDump = SimpleConsumerDump | SimulcastConsumerDump | PipeConsumerDump;

export type DataProducerDump = {
  id: string;
  paused: boolean;
  type: DataProducerType;
  sctpStreamParameters?: SctpStreamParameters;
  label: string;
  protocol: string;
};

export type DataConsumerDump = {
  id: string;
  paused: boolean;
  dataProducerPaused: boolean;
  subchannels: number[];
  dataProducerId: string;
  type: DataConsumerType;
  sctpStreamParameters?: SctpStreamParameters;
  label: string;
  protocol: string;
  bufferedAmountLowThreshold: number;
};

export type IpPort = {
  ip: string;
  port: number;
};

export type IceUserNameFragment = {
  localIceUsernameFragment: string;
  webRtcTransportId: string;
};

export type TupleHash = {
  tupleHash: number;
  webRtcTransportId: string;
};

export type WebRtcServerDump = {
  id: string;
  udpSockets: IpPort[];
  tcpServers: IpPort[];
  webRtcTransportIds: string[];
  localIceUsernameFragments: IceUserNameFragment[];
  tupleHashes: TupleHash[];
  /** Skein extension: exceptions contained at the server's entries, by kind. */
  faults: Record<string, number>;
};
