/**
 * The JSON shapes of getStats() (mediasoup v3's), so an application that reads stats compiles
 * and reads the same fields.
 */
import type { SctpState, IceState, DtlsState, TransportTuple } from './WebRtcTransport.js';

/** Bitrate per "spatial.temporal" layer key. */
export type BitrateByLayer = Record<string, number>;

export type BaseRtpStreamStats = {
  timestamp: number;
  ssrc: number;
  rtxSsrc?: number;
  rid?: string;
  kind: string;
  mimeType: string;
  packetsLost: number;
  fractionLost: number;
  packetsDiscarded: number;
  packetsRetransmitted: number;
  packetsRepaired: number;
  nackCount: number;
  nackPacketCount: number;
  pliCount: number;
  firCount: number;
  score: number;
  roundTripTime?: number;
  rtxPacketsDiscarded?: number;
};

export type RtpStreamRecvStats = BaseRtpStreamStats & {
  type: string;
  jitter: number;
  packetCount: number;
  byteCount: number;
  bitrate: number;
  bitrateByLayer: BitrateByLayer;
};

export type RtpStreamSendStats = BaseRtpStreamStats & {
  type: string;
  packetCount: number;
  byteCount: number;
  bitrate: number;
};

export type ProducerStat = RtpStreamRecvStats;
export type ConsumerStat = RtpStreamSendStats;

export type BaseTransportStats = {
  transportId: string;
  timestamp: number;
  sctpState?: SctpState;
  bytesReceived: number;
  recvBitrate: number;
  bytesSent: number;
  sendBitrate: number;
  rtpBytesReceived: number;
  rtpRecvBitrate: number;
  rtpBytesSent: number;
  rtpSendBitrate: number;
  rtxBytesReceived: number;
  rtxRecvBitrate: number;
  rtxBytesSent: number;
  rtxSendBitrate: number;
  probationBytesSent: number;
  probationSendBitrate: number;
  availableOutgoingBitrate?: number;
  availableIncomingBitrate?: number;
  maxIncomingBitrate?: number;
  maxOutgoingBitrate?: number;
  minOutgoingBitrate?: number;
  rtpPacketLossReceived?: number;
  rtpPacketLossSent?: number;
  /** Skein extension: packets dropped (never forwarded), by reason. */
  packetsDropped: Record<string, number>;
  /** Skein extension: exceptions contained at the media plane's entries, by kind. */
  faults: Record<string, number>;
  /** Skein extension: data messages dropped, by reason. */
  dataDropped: Record<string, number>;
  /** Skein extension: what SCTP dropped, by reason (with SCTP only). */
  sctpDropped?: Record<string, number>;
};

export type WebRtcTransportStat = BaseTransportStats & {
  type: string;
  iceRole: string;
  iceState: IceState;
  iceSelectedTuple?: TransportTuple;
  dtlsState: DtlsState;
  /** Skein extension: the SRTP suite DTLS negotiated. */
  srtpCryptoSuite?: string;
};

export type PlainTransportStat = BaseTransportStats & {
  type: string;
  rtcpMux: boolean;
  comedia: boolean;
  tuple: TransportTuple;
  rtcpTuple?: TransportTuple;
};

export type PipeTransportStat = BaseTransportStats & {
  type: string;
  tuple: TransportTuple;
};

export type DirectTransportStat = BaseTransportStats & {
  type: string;
};

export type DataProducerStat = {
  type: string;
  timestamp: number;
  label: string;
  protocol: string;
  messagesReceived: number;
  bytesReceived: number;
};

export type DataConsumerStat = {
  type: string;
  timestamp: number;
  label: string;
  protocol: string;
  messagesSent: number;
  bytesSent: number;
  bufferedAmount: number;
};
