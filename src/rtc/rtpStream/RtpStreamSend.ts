/**
 * One outgoing RTP stream (one consumer, one SSRC) as its sender sees it: counters and the
 * NTP↔RTP mapping for sender reports (RFC 3550 §6.4.1), a retransmission buffer answering
 * generic NACKs (RFC 4585 §6.2.1) plainly or as RTX (RFC 4588 §4), RTT from receiver reports
 * (RFC 3550 §6.4.1) and mediasoup's 0–10 score.
 *
 * Pure logic: time comes in as `nowMs` (monotonic ms) and wall-clock NTP time only where an
 * SR is built. Retransmissions go out through `onRetransmit` with a view over a reusable
 * buffer: send (or protect in place and send) it before returning; it is overwritten by the
 * next one.
 */

import { randomInt } from 'node:crypto';

import type { NackItem } from '../../protocols/rtcp/nack.js';
import type { ReportBlock } from '../../protocols/rtcp/report-block.js';
import type { SenderReport } from '../../protocols/rtcp/sender-report.js';
import { RtpPacketView } from '../../protocols/rtp/packet-view.js';
import { encapsulateRtx } from '../../protocols/rtp/rtx.js';
import { compactNtp, compactNtpToMs, msToCompactNtp, type NtpTime } from './ntp.js';
import { RateCalculator } from './RateCalculator.js';
import { RetransmissionBuffer } from './RetransmissionBuffer.js';
import type { SharedPacketStore } from './SharedPacketStore.js';
import { ScoreHistory, intervalScore } from './score.js';

export interface RtpStreamSendOptions {
  ssrc: number;
  payloadType: number;
  clockRate: number;
  mimeType?: string;
  rtxSsrc?: number;
  rtxPayloadType?: number;
  useNack?: boolean;
  usePli?: boolean;
  useFir?: boolean;
  /** Packets kept for retransmission (default 600 with NACK, else 0). */
  bufferCapacity?: number;
  /** Do not resend packets older than this (default 1000 ms audio, 2000 ms otherwise). */
  maxRetransmissionAgeMs?: number;
  /** Largest packet kept (default 1500 bytes). */
  maxPacketSize?: number;
  /** First RTX sequence number (default random, RFC 3550 §5.1). */
  rtxInitialSequenceNumber?: number;
  /** The producer's copy of each packet it fans out (see RetransmissionBuffer.storeShared). */
  shared?: SharedPacketStore;
  /** A packet to resend now; the view and its buffer are reused for the next one. */
  onRetransmit?: (packet: RtpPacketView) => void;
  onScore?: (score: number, previousScore: number) => void;
}

export interface RtpStreamSendStats {
  type: 'outbound-rtp';
  timestamp: number;
  ssrc: number;
  rtxSsrc: number | undefined;
  mimeType: string | undefined;
  kind: 'audio' | 'video' | undefined;
  packetCount: number;
  byteCount: number;
  bitrate: number;
  packetsLost: number;
  fractionLost: number;
  packetsRetransmitted: number;
  packetsRepaired: number;
  nackCount: number;
  nackPacketCount: number;
  pliCount: number;
  firCount: number;
  roundTripTime: number;
  score: number;
}

/** RTT assumed until a receiver report gives one (mediasoup's DefaultRtt). */
export const DEFAULT_RTT_MS = 100;
/** Room after a packet in the output buffer: the RTX OSN plus an SRTP tag and MKI. */
const OUT_SLACK = 2 + 64;

export class RtpStreamSend {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly mimeType: string | undefined;
  readonly rtxSsrc: number | undefined;
  readonly rtxPayloadType: number | undefined;
  readonly useNack: boolean;
  readonly usePli: boolean;
  readonly useFir: boolean;
  readonly buffer: RetransmissionBuffer;

  readonly #onRetransmit: ((packet: RtpPacketView) => void) | undefined;
  readonly #onScore: ((score: number, previous: number) => void) | undefined;
  readonly #out: Uint8Array;
  readonly #outView = new RtpPacketView();
  readonly #stored = new RtpPacketView();
  #rtxSeq: number;

  #started = false;
  #maxPacketTs = 0;
  #maxPacketMs = 0;
  #packetCount = 0;
  #byteCount = 0;
  #payloadOctets = 0;
  readonly #rate = new RateCalculator();
  #packetsRetransmitted = 0;
  #packetsRepaired = 0;
  #nackCount = 0;
  #nackPacketCount = 0;
  #pliCount = 0;
  #firCount = 0;

  // Last SR sent: compact NTP and when (for RTT, RFC 3550 §6.4.1).
  #srCompact = 0;
  #srAtMs = 0;
  #hasSentSr = false;
  #rtt = 0;
  #hasRtt = false;
  #packetsLost = 0;
  #fractionLost = 0;

  readonly #score = new ScoreHistory(10);
  #lastNotified = 10;
  #sentPriorScore = 0;
  #lostPriorScore = 0;
  #repairedPriorScore = 0;
  #retransmittedPriorScore = 0;

  constructor(options: RtpStreamSendOptions) {
    if (!(options.clockRate > 0)) throw new TypeError('clockRate must be a positive number');
    if ((options.rtxSsrc === undefined) !== (options.rtxPayloadType === undefined)) {
      throw new TypeError('rtxSsrc and rtxPayloadType go together');
    }
    this.ssrc = options.ssrc >>> 0;
    this.payloadType = options.payloadType;
    this.clockRate = options.clockRate;
    this.mimeType = options.mimeType;
    this.rtxSsrc = options.rtxSsrc === undefined ? undefined : options.rtxSsrc >>> 0;
    this.rtxPayloadType = options.rtxPayloadType;
    this.useNack = options.useNack ?? false;
    this.usePli = options.usePli ?? false;
    this.useFir = options.useFir ?? false;
    const audio = this.kind === 'audio';
    const slotSize = options.maxPacketSize ?? 1500;
    this.buffer = new RetransmissionBuffer({
      capacity: this.useNack ? (options.bufferCapacity ?? 600) : 0,
      maxAgeMs: options.maxRetransmissionAgeMs ?? (audio ? 1000 : 2000),
      slotSize,
      shared: options.shared,
    });
    this.#out = new Uint8Array(slotSize + OUT_SLACK);
    this.#rtxSeq = (options.rtxInitialSequenceNumber ?? randomInt(0, 0x10000)) & 0xffff;
    this.#onRetransmit = options.onRetransmit;
    this.#onScore = options.onScore;
  }

  get kind(): 'audio' | 'video' | undefined {
    const m = this.mimeType?.toLowerCase();
    if (m?.startsWith('audio/')) return 'audio';
    if (m?.startsWith('video/')) return 'video';
    return undefined;
  }
  get hasRtx(): boolean {
    return this.rtxSsrc !== undefined;
  }
  /** RTT from the last usable receiver report, or undefined. */
  get rttMs(): number | undefined {
    return this.#hasRtt ? this.#rtt : undefined;
  }
  /** Loss the receiver reported in its last report block, percent (for allocation). */
  get lossPercentage(): number {
    return (this.#fractionLost * 100) / 256;
  }
  get score(): number {
    return this.#score.score;
  }
  get packetCount(): number {
    return this.#packetCount;
  }
  get byteCount(): number {
    return this.#byteCount;
  }
  get packetsRetransmitted(): number {
    return this.#packetsRetransmitted;
  }
  /** Next RTX sequence number to be used. */
  get rtxSequenceNumber(): number {
    return this.#rtxSeq;
  }

  /**
   * Records a packet as sent on this stream, after the SFU rewrote its header (SSRC,
   * sequence number, timestamp): counters, the SR timestamp mapping and, with NACK, a copy in
   * the retransmission buffer — only its header when its payload is the shared store's
   * packet `sharedHandle` from `payloadFrom` on, unchanged.
   */
  storePacket(view: RtpPacketView, nowMs: number, sharedHandle = -1, payloadFrom = 0): void {
    const ts = view.timestamp;
    if (!this.#started || ((ts - this.#maxPacketTs) | 0) > 0) {
      this.#started = true;
      this.#maxPacketTs = ts;
      this.#maxPacketMs = nowMs;
    }
    this.#packetCount++;
    this.#byteCount += view.length;
    this.#payloadOctets += view.payloadLength;
    this.#rate.update(view.length, nowMs);
    if (this.buffer.capacity === 0) return;
    if (sharedHandle >= 0) this.buffer.storeShared(view, nowMs, sharedHandle, payloadFrom);
    else this.buffer.store(view, nowMs);
  }

  /**
   * A generic NACK for this stream, as the sequence numbers it names (see
   * `nackSequenceNumbers`). Each available packet not resent within the last RTT goes to
   * onRetransmit. Returns how many were resent.
   */
  receiveNack(seqs: ArrayLike<number>, nowMs: number): number {
    this.#nackCount++;
    this.#nackPacketCount += seqs.length;
    let n = 0;
    for (let i = 0; i < seqs.length; i++) n += this.#retransmit(seqs[i], nowMs);
    return n;
  }

  /** As receiveNack, straight from parsed FCI items (PID + BLP, RFC 4585 §6.2.1). */
  receiveNackItems(items: readonly NackItem[], nowMs: number): number {
    this.#nackCount++;
    let n = 0;
    for (const { pid, blp } of items) {
      this.#nackPacketCount++;
      n += this.#retransmit(pid, nowMs);
      for (let b = 0; b < 16; b++) {
        if ((blp & (1 << b)) === 0) continue;
        this.#nackPacketCount++;
        n += this.#retransmit(pid + b + 1, nowMs);
      }
    }
    return n;
  }

  /** Counts a PLI or FIR received for this stream (the caller forwards it to the producer). */
  receiveKeyFrameRequest(kind: 'pli' | 'fir'): void {
    if (kind === 'pli') this.#pliCount++;
    else this.#firCount++;
  }

  /**
   * A sender report for now (RFC 3550 §6.4.1): the RTP timestamp extrapolated from the newest
   * packet sent with the clock rate, packet count and payload octet count. `ntpNow` is the
   * wall-clock time at `nowMs` (see ntpFromUnixMs). Undefined before any packet was sent.
   */
  getSenderReport(nowMs: number, ntpNow: NtpTime): SenderReport | undefined {
    if (!this.#started) return undefined;
    const elapsed = Math.floor(((nowMs - this.#maxPacketMs) * this.clockRate) / 1000);
    this.#srCompact = compactNtp(ntpNow.seconds, ntpNow.fraction);
    this.#srAtMs = nowMs;
    this.#hasSentSr = true;
    return {
      kind: 'sr',
      ssrc: this.ssrc,
      ntpSeconds: ntpNow.seconds >>> 0,
      ntpFraction: ntpNow.fraction >>> 0,
      rtpTimestamp: (this.#maxPacketTs + elapsed) >>> 0,
      packetCount: this.#packetCount % 0x100000000,
      octetCount: this.#payloadOctets % 0x100000000,
      reports: [],
    };
  }

  /**
   * The remote receiver's report block about this stream: RTT = A − LSR − DLSR (RFC 3550
   * §6.4.1, A being now on the NTP clock of our last SR), loss, and a score sample.
   */
  receiveReceiverReport(block: ReportBlock, nowMs: number): void {
    if (block.lastSr !== 0 && this.#hasSentSr) {
      const a = (this.#srCompact + msToCompactNtp(nowMs - this.#srAtMs)) >>> 0;
      const rtt = (a - block.lastSr - block.delaySinceLastSr) >>> 0;
      // Negative (wrapped) values mean a bogus or stale LSR/DLSR.
      if (rtt > 0 && rtt < 0x80000000) {
        this.#rtt = compactNtpToMs(rtt);
        this.#hasRtt = true;
      }
    }
    this.#packetsLost = block.packetsLost;
    this.#fractionLost = block.fractionLost;
    this.#updateScore(block.packetsLost);
  }

  /** Forgets the stored packets (mediasoup does so when a consumer pauses). */
  clearBuffer(): void {
    this.buffer.clear();
  }

  getStats(nowMs: number): RtpStreamSendStats {
    return {
      type: 'outbound-rtp',
      timestamp: nowMs,
      ssrc: this.ssrc,
      rtxSsrc: this.rtxSsrc,
      mimeType: this.mimeType,
      kind: this.kind,
      packetCount: this.#packetCount,
      byteCount: this.#byteCount,
      bitrate: this.#rate.getRate(nowMs),
      packetsLost: this.#packetsLost,
      fractionLost: this.#fractionLost,
      packetsRetransmitted: this.#packetsRetransmitted,
      packetsRepaired: this.#packetsRepaired,
      nackCount: this.#nackCount,
      nackPacketCount: this.#nackPacketCount,
      pliCount: this.#pliCount,
      firCount: this.#firCount,
      // mediasoup writes 0 until an RTT is measured.
      roundTripTime: this.rttMs ?? 0,
      score: this.#score.score,
    };
  }

  /** Resends one packet if held and not resent within the last RTT; returns 1 if sent. */
  #retransmit(seq: number, nowMs: number): number {
    const buf = this.buffer;
    const slot = buf.find(seq, nowMs);
    if (slot < 0) return 0;
    const rtt = this.#hasRtt ? this.#rtt : DEFAULT_RTT_MS;
    if (nowMs - buf.resentAtMs(slot) <= rtt) return 0;
    const bytes = buf.packetBytes(slot, nowMs);
    if (bytes === undefined) return 0;
    const out = this.#out;
    let length: number;
    if (this.rtxSsrc !== undefined && this.rtxPayloadType !== undefined) {
      if (this.#stored.wrap(bytes) !== 'ok') return 0;
      length = encapsulateRtx(this.#stored, out, this.rtxPayloadType, this.rtxSsrc, this.#rtxSeq);
      if (length < 0) return 0;
      this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
    } else {
      out.set(bytes);
      length = bytes.length;
    }
    if (this.#outView.wrap(out, length) !== 'ok') return 0;
    buf.markResent(slot, nowMs);
    this.#packetsRetransmitted++;
    // The first resend of a packet is what repairs a loss (mediasoup counts it so).
    if (buf.resendCount(slot) === 1) this.#packetsRepaired++;
    this.#onRetransmit?.(this.#outView);
    return 1;
  }

  /** One score sample per RR (mediasoup's RtpStreamSend::UpdateScore). */
  #updateScore(totalLostReported: number): void {
    const sent = this.#packetCount - this.#sentPriorScore;
    this.#sentPriorScore = this.#packetCount;
    const totalLost = Math.max(0, totalLostReported);
    const lost = totalLost < this.#lostPriorScore ? 0 : totalLost - this.#lostPriorScore;
    this.#lostPriorScore = totalLost;
    const repaired = this.#packetsRepaired - this.#repairedPriorScore;
    this.#repairedPriorScore = this.#packetsRepaired;
    const retransmitted = this.#packetsRetransmitted - this.#retransmittedPriorScore;
    this.#retransmittedPriorScore = this.#packetsRetransmitted;
    const score = this.#score.add(intervalScore(sent, lost, repaired, retransmitted));
    if (score !== this.#lastNotified) {
      const previous = this.#lastNotified;
      this.#lastNotified = score;
      this.#onScore?.(score, previous);
    }
  }
}
