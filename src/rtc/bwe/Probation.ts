/**
 * Probation packets (mediasoup's RtpProbationGenerator semantics): padding-only RTP packets on
 * SSRC 1234 (mediasoup-client's probator stream) with the payload type of a video consumer and
 * the transport-wide sequence number, sent in short clusters when the consumers want more than
 * the estimate, so the feedback shows whether the link carries more before layers go up. The
 * packets are written into a caller-owned buffer; nothing is allocated per packet.
 */
import { RateCalculator } from '../rtpStream/index.js';

/** mediasoup's (and mediasoup-client's) probator SSRC. */
export const PROBATION_SSRC = 1234;
/** Padding bytes per packet: the most the RTP padding count (one byte) describes. */
const PADDING = 255;
/** Header (12) + one-byte extension block (4 + 3 for the 2-byte value, padded to 4). */
const HEADER = 12 + 8;
export const PROBATION_PACKET_SIZE = HEADER + PADDING;
const MIN_PACKETS = 5;
const MAX_PACKETS = 40;
/** A cluster carries this much time's worth of the target rate. */
const CLUSTER_MS = 15;
/** Between clusters while the desired bitrate stays above the estimate. */
export const PROBE_INTERVAL_MS = 2000;

export class Probation {
  bytesSent = 0;
  packetsSent = 0;
  clusters = 0;
  readonly #rate = new RateCalculator();
  #seq = 0;
  #timestamp = 0;
  #lastClusterMs = -Infinity;

  bitrate(nowMs: number): number {
    return this.#rate.getRate(nowMs);
  }

  /** Packets for one cluster at `targetBitrate`, or 0 when it is not time for one. */
  clusterPackets(targetBitrate: number, nowMs: number): number {
    if (nowMs - this.#lastClusterMs < PROBE_INTERVAL_MS) return 0;
    this.#lastClusterMs = nowMs;
    const bytes = (targetBitrate / 8) * (CLUSTER_MS / 1000);
    const packets = Math.ceil(bytes / PROBATION_PACKET_SIZE);
    return Math.min(Math.max(packets, MIN_PACKETS), MAX_PACKETS);
  }

  /** Writes one probation packet into `out`; returns its length (−1 if it does not fit). */
  write(out: Uint8Array, payloadType: number, twccId: number, transportSeq: number): number {
    if (out.length < PROBATION_PACKET_SIZE || twccId < 1 || twccId > 14) return -1;
    const seq = this.#seq;
    this.#seq = (seq + 1) & 0xffff;
    this.#timestamp = (this.#timestamp + 90) >>> 0;
    // V=2, P=1, X=1 (RFC 3550 §5.1); marker clear.
    out[0] = 0xb0;
    out[1] = payloadType & 0x7f;
    out[2] = seq >> 8;
    out[3] = seq & 0xff;
    writeU32(out, 4, this.#timestamp);
    writeU32(out, 8, PROBATION_SSRC);
    // One-byte header extension block with the transport-wide sequence number (RFC 8285 §4.2).
    out[12] = 0xbe;
    out[13] = 0xde;
    out[14] = 0;
    out[15] = 1;
    out[16] = (twccId << 4) | 1;
    out[17] = (transportSeq >> 8) & 0xff;
    out[18] = transportSeq & 0xff;
    out[19] = 0;
    out.fill(0, HEADER, PROBATION_PACKET_SIZE - 1);
    out[PROBATION_PACKET_SIZE - 1] = PADDING;
    return PROBATION_PACKET_SIZE;
  }

  /** A probation packet went out. */
  sent(bytes: number, nowMs: number): void {
    this.bytesSent += bytes;
    this.packetsSent++;
    this.#rate.update(bytes, nowMs);
  }
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}
