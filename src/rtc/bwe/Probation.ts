/**
 * Probation packets (mediasoup's RtpProbationGenerator semantics): RTP packets on SSRC 1234
 * with payload type 127 and MID "probator" — what mediasoup-client signals for its probator
 * m-section (the first video consumer's codec renumbered to 127, its header extensions) — and
 * abs-send-time and the transport-wide sequence number, sent in short clusters when the
 * consumers want more than the estimate, so the feedback shows whether the link carries more
 * before layers go up. Unlike mediasoup's zero payload they are padding-only (RFC 3550 §5.1),
 * which a receiver counts but never hands to a depacketizer. The packets are written into a
 * caller-owned buffer; nothing is allocated per packet.
 */
import { RateCalculator } from '../rtpStream/index.js';

/** mediasoup's (and mediasoup-client's) probator SSRC, payload type and MID. */
export const PROBATION_SSRC = 1234;
export const PROBATION_PAYLOAD_TYPE = 127;
const MID = 'probator';
/** Padding bytes per packet: the most the RTP padding count (one byte) describes. */
const PADDING = 255;
/** Header (12) + one-byte extension block: 4 + MID (1 + 8) + abs-send-time (4) + twcc (3). */
const MAX_HEADER = 12 + 4 + 16;
export const PROBATION_PACKET_SIZE = MAX_HEADER + PADDING;

/** The header extension ids of the probator stream (0: not negotiated). */
export interface ProbationExtensionIds {
  midId: number;
  absSendTimeId: number;
  transportWideCcId: number;
}
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

  /**
   * Writes one probation packet into `out`; returns its length (−1 if it does not fit or the
   * transport-wide CC id is not a one-byte id). `absSendTime` is the 24-bit value to carry.
   */
  write(
    out: Uint8Array,
    ids: ProbationExtensionIds,
    transportSeq: number,
    absSendTime: number,
  ): number {
    const { midId, absSendTimeId, transportWideCcId: twccId } = ids;
    if (out.length < PROBATION_PACKET_SIZE || !oneByteId(twccId)) return -1;
    const seq = this.#seq;
    this.#seq = (seq + 1) & 0xffff;
    this.#timestamp = (this.#timestamp + 20) >>> 0;
    out[1] = PROBATION_PAYLOAD_TYPE;
    out[2] = seq >> 8;
    out[3] = seq & 0xff;
    writeU32(out, 4, this.#timestamp);
    writeU32(out, 8, PROBATION_SSRC);
    // One-byte header extension elements (RFC 8285 §4.2), zero-padded to 32 bits.
    out[12] = 0xbe;
    out[13] = 0xde;
    let p = 16;
    if (oneByteId(midId)) {
      out[p++] = (midId << 4) | (MID.length - 1);
      for (let i = 0; i < MID.length; i++) out[p++] = MID.charCodeAt(i);
    }
    if (oneByteId(absSendTimeId)) {
      out[p++] = (absSendTimeId << 4) | 2;
      out[p++] = (absSendTime >> 16) & 0xff;
      out[p++] = (absSendTime >> 8) & 0xff;
      out[p++] = absSendTime & 0xff;
    }
    out[p++] = (twccId << 4) | 1;
    out[p++] = (transportSeq >> 8) & 0xff;
    out[p++] = transportSeq & 0xff;
    while ((p & 3) !== 0) out[p++] = 0;
    const words = (p - 16) / 4;
    out[14] = 0;
    out[15] = words;
    // V=2, P=1, X=1 (RFC 3550 §5.1); marker clear.
    out[0] = 0xb0;
    const length = p + PADDING;
    out.fill(0, p, length - 1);
    out[length - 1] = PADDING;
    return length;
  }

  /** A probation packet went out. */
  sent(bytes: number, nowMs: number): void {
    this.bytesSent += bytes;
    this.packetsSent++;
    this.#rate.update(bytes, nowMs);
  }
}

function oneByteId(id: number): boolean {
  return id >= 1 && id <= 14;
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}
