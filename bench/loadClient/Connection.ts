/**
 * One WebRTC-like endpoint of the load client, facing one Skein WebRtcTransport: the shared
 * authenticated peer (test/peer/SrtpPeer.ts: ICE, DTLS client, SRTP over UDP) plus what the
 * benchmark measures of it.
 *
 * A consumer connection counts the RTP it receives (and SRTP-unprotects all or a sample of
 * it); a producer connection sends through `sendRtp()` and listens for PLI/FIR.
 */
import { isSrtpError, type SrtpCryptoSuite } from '../../src/protocols/srtp/index.js';
import type { DtlsCertificate } from '../../src/rtc/dtls/index.js';
import { SrtpPeer } from '../../test/peer/SrtpPeer.js';
import type { ReceiverCounters, RemoteTransport } from './messages.js';

/** Offset in the RTP payload where the sender writes its send time (float64, epochMs()). */
export const SEND_TIME_OFFSET = 20;

/**
 * The clock of send and receive times: epoch milliseconds from the monotonic clock, so two
 * client processes (the load client and the latency probe) share one time base. Node takes
 * timeOrigin from the wall clock once at process start; the bench measures the offset
 * between its clients (Session.clockOffsetUs) instead of trusting it.
 */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
/** The SSRC both SFUs send bandwidth probes on (mediasoup's RtpProbationSsrc). */
const PROBATION_SSRC = 1234;

/**
 * Send-to-receive latency of verified (decrypted) packets: 4 buckets per power of two of
 * microseconds. Cumulative; the parent diffs. One for all of a client's consumer
 * connections (`latency`), and one per connection when asked (Connection.latency).
 */
export class LatencyHistogram {
  static readonly BUCKETS = 112;
  readonly counts = new Array<number>(LatencyHistogram.BUCKETS).fill(0);
  sumMs = 0;
  maxMs = 0;

  add(ms: number): void {
    const us = Math.max(1, ms * 1000);
    const i = Math.min(LatencyHistogram.BUCKETS - 1, Math.floor(4 * Math.log2(us)));
    this.counts[i]++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Upper bound (ms) of bucket i. */
  static upperMs(i: number): number {
    return 2 ** ((i + 1) / 4) / 1000;
  }
}

export const latency = new LatencyHistogram();

export class Connection {
  readonly id: string;
  readonly #peer: SrtpPeer;
  /** Consumer side: SRTP-unprotect every n-th RTP packet (1: every packet). */
  verifyEvery = 1;
  readonly counters: ReceiverCounters = {
    received: 0,
    probation: 0,
    firstSeq: 0,
    highestSeq: 0,
    lateOrDuplicate: 0,
    srtpErrors: 0,
    verified: 0,
  };
  /** Consumer side: this connection's own latency, besides the client's (when asked). */
  latency: LatencyHistogram | undefined = undefined;
  /** Producer side: called on a PLI or FIR from the server. */
  onKeyFrameRequest: () => void = () => undefined;

  private constructor(id: string, peer: SrtpPeer) {
    this.id = id;
    this.#peer = peer;
  }

  /** Connects to the server's candidate, runs ICE and DTLS. */
  static async open(
    id: string,
    remote: RemoteTransport,
    certificate: DtlsCertificate,
  ): Promise<Connection> {
    // Packets may arrive before open() resolves: they wait for the Connection to exist.
    const sink: { connection?: Connection } = {};
    const peer = await SrtpPeer.open(id, remote, certificate, {
      onRtp: (data) => sink.connection?.onRtp(data),
      onRtcp: (data) => sink.connection?.onRtcp(data),
    });
    sink.connection = new Connection(id, peer);
    return sink.connection;
  }

  get srtpCryptoSuite(): SrtpCryptoSuite | undefined {
    return this.#peer.srtpCryptoSuite;
  }

  /** Protects and sends one RTP packet (`packet` may be reused as soon as this returns). */
  sendRtp(packet: Uint8Array): boolean {
    return this.#peer.sendRtp(packet);
  }

  close(): void {
    this.#peer.close();
  }

  /** A received SRTP packet (internal: called by the peer). */
  onRtp(data: Buffer): void {
    const c = this.counters;
    // The SSRC is in the clear part of an SRTP packet (RFC 3711 §3.1).
    if (data.length >= 12 && data.readUInt32BE(8) === PROBATION_SSRC) {
      c.probation++;
      return;
    }
    if (this.verifyEvery === 1 || c.received % this.verifyEvery === 0) {
      const plain = this.#peer.srtpRecv.unprotectRtp(data);
      if (isSrtpError(plain)) {
        c.srtpErrors++;
        return;
      }
      c.verified++;
      // RTP header length (RFC 3550 §5.1, §5.3.1): the SFU adds its own extensions.
      let at = 12 + 4 * (plain[0] & 0x0f);
      if (plain[0] & 0x10 && at + 4 <= plain.length) {
        at += 4 + 4 * ((plain[at + 2] << 8) | plain[at + 3]);
      }
      at += SEND_TIME_OFFSET;
      if (at + 8 <= plain.length) {
        const sentAt = Buffer.from(plain.buffer, plain.byteOffset + at, 8).readDoubleLE(0);
        const ms = epochMs() - sentAt;
        latency.add(ms);
        this.latency?.add(ms);
      }
    }
    // The sequence number is in the clear part of an SRTP packet.
    const seq = (data[2] << 8) | data[3];
    if (c.received === 0) {
      c.firstSeq = seq;
      c.highestSeq = seq;
    } else {
      const delta = (seq - (c.highestSeq & 0xffff)) & 0xffff;
      if (delta !== 0 && delta < 0x8000) c.highestSeq += delta;
      else c.lateOrDuplicate++;
    }
    c.received++;
  }

  /** A received SRTCP packet (internal: called by the peer). */
  onRtcp(data: Buffer): void {
    const plain = this.#peer.srtpRecv.unprotectRtcp(data);
    if (isSrtpError(plain)) return;
    // Walk the compound's headers (RFC 3550 §6.4): PSFB (206) with FMT 1 (PLI) or 4 (FIR).
    for (
      let at = 0;
      at + 4 <= plain.length;
      at += 4 * (((plain[at + 2] << 8) | plain[at + 3]) + 1)
    ) {
      const fmt = plain[at] & 0x1f;
      if (plain[at + 1] === 206 && (fmt === 1 || fmt === 4)) {
        this.onKeyFrameRequest();
        return;
      }
    }
  }
}
