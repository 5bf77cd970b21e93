/**
 * SCTP shapes for DataChannels, identical to mediasoup v3's public types.
 * Stream counts are those of the SCTP INIT chunk (RFC 4960 §3.3.2).
 */

/** Outgoing and incoming stream counts offered in SCTP INIT. */
export interface NumSctpStreams {
  /** Number of outgoing streams (OS). */
  OS: number;
  /** Maximum number of incoming streams (MIS). */
  MIS: number;
}

export interface SctpCapabilities {
  numStreams: NumSctpStreams;
}

/** The SCTP association of a transport. */
export interface SctpParameters {
  /** Always 5000 for WebRTC (RFC 8841 §5). */
  port: number;
  OS: number;
  MIS: number;
  /** Largest message the peer may send (RFC 8841 §6, max-message-size). */
  maxMessageSize: number;
}

/**
 * One DataChannel's stream. Reliability follows RFC 8831 §6.1: either
 * ordered and reliable, or partially reliable by lifetime or by retransmits.
 */
export interface SctpStreamParameters {
  streamId: number;
  ordered?: boolean;
  maxPacketLifeTime?: number;
  maxRetransmits?: number;
}
