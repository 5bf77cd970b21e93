/**
 * What the forwarding benchmark (parent) and its load client (a child process) say to each
 * other over the IPC channel. Every request carries `rid`; the reply carries the same `rid`.
 */
import type { DtlsFingerprint } from '../../src/rtc/dtls/index.js';
import type { RemoteTransport } from '../../test/peer/SrtpPeer.js';

/** What a client connection needs to know of the server's WebRtcTransport (one candidate). */
export type { RemoteTransport };

/** The outgoing stream of a producer connection. */
export interface StreamSettings {
  ssrc: number;
  payloadType: number;
  /** RTP packets per second; 0 stops sending. */
  packetRate: number;
  /** Frames per second: each frame's packets leave together (a burst), as a camera's do. */
  fps: number;
  /** A key frame every this many frames (and on PLI/FIR). */
  keyFrameInterval: number;
  /** Packet sizes (RTP header + payload, before SRTP) are drawn from [min, max]. */
  minPacketSize: number;
  maxPacketSize: number;
}

export type ClientRequest =
  | { rid: number; type: 'init' }
  | { rid: number; type: 'connect'; id: string; remote: RemoteTransport }
  | { rid: number; type: 'stream'; id: string; settings: StreamSettings }
  | {
      rid: number;
      type: 'receive';
      /** Consumer connections: SRTP-unprotect every `verifyEvery`-th packet (1: all). */
      verifyEvery: number;
      /** Also keep each consumer connection's latency apart (Snapshot.latencyByConnection). */
      latencyPerConnection?: boolean;
    }
  | { rid: number; type: 'clock' }
  | { rid: number; type: 'snapshot' }
  | { rid: number; type: 'disconnect'; id: string }
  | { rid: number; type: 'exit' };

/** Per consumer connection counters (cumulative since it connected). */
export interface ReceiverCounters {
  /** Media RTP packets received (every SSRC but the SFU's bandwidth probes). */
  received: number;
  /**
   * Bandwidth probe packets (SSRC 1234, padding only: mediasoup's and Skein's probator).
   * Kept out of the media counts: their sequence numbers are another stream's, and their
   * payload has no send time.
   */
  probation: number;
  /** Extended highest and first sequence numbers seen (valid when received > 0). */
  firstSeq: number;
  highestSeq: number;
  /** Packets that arrived with a sequence number at or below the highest seen. */
  lateOrDuplicate: number;
  /** SRTP unprotect failures (auth or replay). */
  srtpErrors: number;
  /** Packets SRTP-unprotected (verified). */
  verified: number;
}

export interface Snapshot {
  /** performance.now() in the client when taken, and its process CPU (µs). */
  atMs: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Packets sent by producer connections (cumulative). */
  sent: number;
  /** Packets the sender wanted to have sent by now (to tell if it keeps up). */
  due: number;
  keyFramesSent: number;
  keyFrameRequestsReceived: number;
  receivers: Record<string, ReceiverCounters>;
  /** Send-to-receive latency of verified packets (see LatencyHistogram). */
  latencyCounts: number[];
  latencySumMs: number;
  /** The same per consumer connection, when asked for (`receive`'s latencyPerConnection). */
  latencyByConnection?: Record<string, number[]>;
}

export type ClientReply =
  | { rid: number; type: 'ready'; fingerprints: DtlsFingerprint[] }
  | { rid: number; type: 'connected'; srtpCryptoSuite: string; ms: number }
  | { rid: number; type: 'snapshot'; snapshot: Snapshot }
  /** The client's epochMs() (Connection.ts) when it handled the request. */
  | { rid: number; type: 'clock'; epochMs: number }
  | { rid: number; type: 'ok' }
  | { rid: number; type: 'error'; message: string };
