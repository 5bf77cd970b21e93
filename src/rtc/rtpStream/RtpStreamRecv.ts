/**
 * One incoming RTP stream (one producer encoding, one SSRC) as a receiver sees it: RFC 3550
 * appendix A.1 sequence validation, A.8 interarrival jitter, A.3 loss accounting and the
 * §6.4.1 reception report block, plus RTX repair (RFC 4588), NACK scheduling (RFC 4585) and
 * key frame requests (PLI, RFC 4585 §6.3.1; FIR, RFC 5104 §4.3.1), with mediasoup's counters
 * and 0–10 score.
 *
 * Pure logic: time comes in as `nowMs` (monotonic ms); the caller drives `tick(nowMs)` (every
 * ~20–40 ms, for NACK retries and inactivity) and sends what the callbacks ask for.
 */

import { Logger } from '../../common/Logger.js';
import type { ReportBlock } from '../../protocols/rtcp/report-block.js';
import type { RtpPacketView } from '../../protocols/rtp/packet-view.js';
import { decapsulateRtx } from '../../protocols/rtp/rtx.js';
import { NackGenerator } from './NackGenerator.js';
import { compactNtp, compactNtpToMs, unixMsFromNtp } from './ntp.js';
import { RateCalculator } from './RateCalculator.js';
import { RtxSequence } from './RtxSequence.js';
import { LayerBitrates, layersOfPacketFor, type LayersOfPacket } from './LayerBitrates.js';
import { ScoreHistory, intervalScore } from './score.js';

const logger = new Logger('RtpStreamRecv');

/**
 * - accepted: valid and new (in order, or late but filling a gap): forward it.
 * - duplicate: already received (A.1 would count it again; it is not counted here).
 * - too-old: from before the stream's first valid packet (or behind the duplicate window).
 * - probation: the source is not yet validated (A.1 MIN_SEQUENTIAL).
 * - bad-sequence: a jump of MAX_DROPOUT or more; a second packet in sequence with it resyncs.
 */
export type RtpReceiveResult = 'accepted' | 'duplicate' | 'too-old' | 'probation' | 'bad-sequence';
/** As RtpReceiveResult, or invalid-rtx: not this stream's RTX, or no OSN (padding only). */
export type RtxReceiveResult = RtpReceiveResult | 'invalid-rtx';
export type KeyFrameRequestKind = 'pli' | 'fir';

export interface RtpStreamRecvOptions {
  ssrc: number;
  payloadType: number;
  clockRate: number;
  mimeType?: string;
  rtxSsrc?: number;
  rtxPayloadType?: number;
  useNack?: boolean;
  usePli?: boolean;
  useFir?: boolean;
  /**
   * RFC 3550 A.1 MIN_SEQUENTIAL: packets in sequence needed before the source is valid.
   * Default 1 (the first packet is valid, as in mediasoup); A.1 suggests 2.
   */
  minSequential?: number;
  /** A.1 MAX_DROPOUT (default 3000, as mediasoup). */
  maxDropout?: number;
  /** A.1 MAX_MISORDER (default 1500, as mediasoup; A.1 suggests 100). */
  maxMisorder?: number;
  /** No packet for this long makes the stream inactive, score 0 (default 1500 ms). */
  inactivityTimeoutMs?: number;
  /** Sequence numbers to NACK now; the list is reused, read it during the call. */
  onNack?: (seqs: readonly number[]) => void;
  /** Send a PLI or FIR for this stream now. */
  onKeyFrameRequest?: (kind: KeyFrameRequestKind) => void;
  onScore?: (score: number, previousScore: number) => void;
}

export interface RtpStreamRecvStats {
  type: 'inbound-rtp';
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
  jitter: number;
  packetsDiscarded: number;
  packetsRepaired: number;
  packetsRetransmitted: number;
  nackCount: number;
  nackPacketCount: number;
  pliCount: number;
  firCount: number;
  roundTripTime: number;
  /** RTX packets refused for their own sequence number (absent while none, as mediasoup). */
  rtxPacketsDiscarded?: number;
  score: number;
}

/** Received-packet bitmap size; must divide 2^16 and exceed MAX_MISORDER. */
const WINDOW = 4096;
const WINDOW_MASK = WINDOW - 1;
const SEQ_MOD = 0x10000;

export class RtpStreamRecv {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly mimeType: string | undefined;
  /** Known from the start (signalled) or learned later (RFC 8852 repaired-rid), see setRtx(). */
  rtxSsrc: number | undefined;
  rtxPayloadType: number | undefined;
  readonly usePli: boolean;
  readonly useFir: boolean;

  readonly #minSequential: number;
  readonly #maxDropout: number;
  readonly #maxMisorder: number;
  readonly #inactivityMs: number;
  readonly #onKeyFrameRequest: ((kind: KeyFrameRequestKind) => void) | undefined;
  readonly #onScore: ((score: number, previous: number) => void) | undefined;
  readonly #nack: NackGenerator | undefined;
  /** The RTX SSRC's own numbering, while one is known (mediasoup's RtxStream). */
  #rtxSeq: RtxSequence | undefined;

  // RFC 3550 A.1 state.
  #started = false;
  #probation = 0;
  #maxSeq = 0;
  #cycles = 0;
  #baseExt = 0;
  #badSeq = SEQ_MOD + 1;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  readonly #seen = new Uint32Array(WINDOW / 32);

  // RFC 3550 A.8 state.
  #transit = 0;
  #hasTransit = false;
  #jitter = 0;

  // Last SR (RFC 3550 §6.4.1 LSR/DLSR).
  #lastSr = 0;
  #lastSrAtMs = 0;
  #hasSr = false;
  #lastSrNtpMs = 0;
  #lastSrRtpTimestamp = 0;

  #maxPacketTs = 0;
  #maxPacketMs = 0;
  #lastPacketMs = 0;
  #fractionLost = 0;

  #packetCount = 0;
  #byteCount = 0;
  #mediaPackets = 0;
  #packetsDiscarded = 0;
  #packetsRepaired = 0;
  #packetsRetransmitted = 0;
  #nackCount = 0;
  #nackPacketCount = 0;
  #pliCount = 0;
  #firCount = 0;
  #firSeqNr = 0;
  /** From the sender's DLRR (RFC 3611 §4.5), ms; 0 until one gives a positive value. */
  #rtt = 0;
  readonly #rate = new RateCalculator();
  /** Per spatial × temporal layer (video codecs with layer indices only). */
  readonly #layerRates: LayerBitrates | undefined;
  readonly #layersOf: LayersOfPacket | undefined;

  readonly #score = new ScoreHistory(0);
  #inactive = true;
  #activeSinceMs = 0;
  #expectedPriorScore = 0;
  #mediaPriorScore = 0;
  #repairedPriorScore = 0;
  #retransmittedPriorScore = 0;

  constructor(options: RtpStreamRecvOptions) {
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
    this.usePli = options.usePli ?? false;
    this.useFir = options.useFir ?? false;
    this.#minSequential = Math.max(1, options.minSequential ?? 1);
    this.#maxDropout = options.maxDropout ?? 3000;
    this.#maxMisorder = Math.min(options.maxMisorder ?? 1500, WINDOW - 1);
    this.#inactivityMs = options.inactivityTimeoutMs ?? 1500;
    if (this.rtxSsrc !== undefined) this.#rtxSeq = this.#newRtxSequence();
    this.#onKeyFrameRequest = options.onKeyFrameRequest;
    this.#onScore = options.onScore;
    this.#layersOf = layersOfPacketFor(options.mimeType);
    this.#layerRates = this.kind === 'video' ? new LayerBitrates() : undefined;
    if (options.useNack) {
      const onNack = options.onNack;
      this.#nack = new NackGenerator({
        onNack: (seqs) => {
          this.#nackCount++;
          this.#nackPacketCount += seqs.length;
          onNack?.(seqs);
        },
        onKeyFrameRequired: () => {
          logger.debug(`NACK list overflow, requesting key frame [ssrc:${this.ssrc}]`);
          this.requestKeyFrame();
        },
      });
    }
  }

  get kind(): 'audio' | 'video' | undefined {
    const m = this.mimeType?.toLowerCase();
    if (m?.startsWith('audio/')) return 'audio';
    if (m?.startsWith('video/')) return 'video';
    return undefined;
  }
  get useNack(): boolean {
    return this.#nack !== undefined;
  }
  /** Cycles × 2^16 + highest sequence number received (RFC 3550 A.1). */
  get extendedHighestSequenceNumber(): number {
    return this.#cycles + this.#maxSeq;
  }
  /** Interarrival jitter in timestamp units (RFC 3550 A.8). */
  get jitter(): number {
    return this.#jitter;
  }
  get expectedPackets(): number {
    return this.#started && this.#probation === 0
      ? this.#cycles + this.#maxSeq - this.#baseExt + 1
      : 0;
  }
  /** Cumulative lost (expected − received), may be negative (RFC 3550 A.3). */
  get packetsLost(): number {
    return this.expectedPackets - this.#received;
  }
  /** Fraction lost in the last report interval, /256. */
  get fractionLost(): number {
    return this.#fractionLost;
  }
  get score(): number {
    return this.#score.score;
  }
  get active(): boolean {
    return !this.#inactive;
  }
  /** The RTP timestamp of the newest packet and when it arrived. */
  get maxPacketTimestamp(): number {
    return this.#maxPacketTs;
  }
  get maxPacketMs(): number {
    return this.#maxPacketMs;
  }
  /** NTP wall clock (Unix ms) and RTP timestamp of the last SR, for lip sync; 0 before any. */
  get lastSenderReportNtpMs(): number {
    return this.#lastSrNtpMs;
  }
  get lastSenderReportRtpTimestamp(): number {
    return this.#lastSrRtpTimestamp;
  }
  /** Current FIR command sequence number (RFC 5104 §4.3.1.1), bumped by each FIR. */
  get firSequenceNumber(): number {
    return this.#firSeqNr;
  }
  get nackGenerator(): NackGenerator | undefined {
    return this.#nack;
  }
  /** The RTX stream (RFC 4588) of this stream, once learned. */
  setRtx(rtxSsrc: number, rtxPayloadType: number): void {
    this.rtxSsrc = rtxSsrc >>> 0;
    this.rtxPayloadType = rtxPayloadType;
    // As mediasoup's SetRtx: a new RTX stream, counted afresh.
    this.#rtxSeq = this.#newRtxSequence();
  }

  #newRtxSequence(): RtxSequence {
    return new RtxSequence(this.#maxDropout, this.#maxMisorder);
  }

  /** How long the stream has been receiving without an inactivity gap (0: inactive). */
  activeMs(nowMs: number): number {
    return this.#inactive ? 0 : nowMs - this.#activeSinceMs;
  }

  /** Bits per second over the last second, all layers. */
  bitrate(nowMs: number): number {
    return this.#rate.getRate(nowMs);
  }

  /**
   * Bitrate up to this layer (lower spatial layers whole, this one up to `temporalLayer`),
   * 0 if that layer is not received (mediasoup's RtpStreamRecv::GetBitrate(s, t)).
   */
  layersBitrate(nowMs: number, spatialLayer: number, temporalLayer: number): number {
    return this.#layerRates?.bitrate(nowMs, spatialLayer, temporalLayer) ?? 0;
  }

  /** Bitrate of exactly this layer (mediasoup's GetLayerBitrate). */
  layerBitrate(nowMs: number, spatialLayer: number, temporalLayer: number): number {
    return this.#layerRates?.layerBitrate(nowMs, spatialLayer, temporalLayer) ?? 0;
  }

  /** Bitrate of one spatial layer, all its temporal layers (GetSpatialLayerBitrate). */
  spatialLayerBitrate(nowMs: number, spatialLayer: number): number {
    return this.#layerRates?.spatialLayerBitrate(nowMs, spatialLayer) ?? 0;
  }

  /** Media and RTX packets accepted so far. */
  get packetCount(): number {
    return this.#packetCount;
  }

  /** RTT estimate used to space NACK retries. */
  set rttMs(rtt: number) {
    if (this.#nack) this.#nack.rttMs = rtt;
  }

  /**
   * A media packet of this stream (the caller matched the SSRC). `isKeyFrame` comes from the
   * codec helpers (keyFrame.ts). Only 'accepted' packets should be forwarded.
   */
  receivePacket(view: RtpPacketView, nowMs: number, isKeyFrame = false): RtpReceiveResult {
    const seq = view.sequenceNumber;
    const r = this.#updateSeq(seq);
    if (r !== 'accepted') {
      this.#packetsDiscarded++;
      return r;
    }
    this.#mediaPackets++;
    this.#account(view, nowMs);
    this.#updateJitter(view.timestamp, nowMs);
    // Without RTX a NACKed packet comes back on the media SSRC: resent and repaired (mediasoup).
    if (this.#nack?.receivePacket(seq, isKeyFrame, false, nowMs) && this.rtxSsrc === undefined) {
      this.#packetsRetransmitted++;
      this.#packetsRepaired++;
    }
    return r;
  }

  /**
   * A packet on this stream's RTX SSRC (RFC 4588 §4). Its own sequence number is checked
   * (a large jump is refused: rtxPacketsDiscarded), then it is decapsulated in place (the view
   * then holds the original packet: media SSRC, payload type and sequence number) and
   * validated like a media packet; it counts as retransmitted, and as repaired if it fills a
   * gap the NACK list was waiting for.
   */
  receiveRtxPacket(view: RtpPacketView, nowMs: number, isKeyFrame = false): RtxReceiveResult {
    if (this.rtxSsrc === undefined || view.ssrc !== this.rtxSsrc) return 'invalid-rtx';
    if (view.payloadType !== this.rtxPayloadType) return 'invalid-rtx';
    // The RTX stream's own numbering first, as mediasoup checks it before decoding.
    if (this.#rtxSeq && !this.#rtxSeq.accept(view.sequenceNumber)) return 'bad-sequence';
    if (!decapsulateRtx(view, this.payloadType, this.ssrc)) return 'invalid-rtx';
    const seq = view.sequenceNumber;
    const r = this.#updateSeq(seq);
    if (r === 'accepted' || r === 'duplicate') this.#packetsRetransmitted++;
    if (r !== 'accepted') {
      this.#packetsDiscarded++;
      return r;
    }
    this.#account(view, nowMs);
    if (this.#nack?.receivePacket(seq, isKeyFrame, true, nowMs)) this.#packetsRepaired++;
    return r;
  }

  /** Remembers LSR (middle 32 bits of the SR's NTP time) and its arrival (RFC 3550 §6.4.1). */
  receiveSenderReport(
    sr: { ntpSeconds: number; ntpFraction: number; rtpTimestamp: number },
    nowMs: number,
  ): void {
    this.#lastSr = compactNtp(sr.ntpSeconds, sr.ntpFraction);
    this.#lastSrAtMs = nowMs;
    this.#hasSr = true;
    this.#lastSrNtpMs = unixMsFromNtp(sr.ntpSeconds, sr.ntpFraction);
    this.#lastSrRtpTimestamp = sr.rtpTimestamp >>> 0;
    // mediasoup scores a receiving stream once per SR.
    this.updateScore();
  }

  /**
   * The sender's DLRR sub-block about our RRT (RFC 3611 §4.5): RTT = now − LRR − DLRR, all in
   * compact NTP (1/65536 s) on the clock our RRTs carried. As mediasoup, in 32-bit unsigned
   * arithmetic, and 0 when LRR or DLRR is 0 (no RRT reached the sender) or now is not after
   * LRR + DLRR: a DLRR that cannot be measured resets the RTT rather than keeping the last one.
   */
  receiveXrDlrr(lastRr: number, delaySinceLastRr: number, nowCompactNtp: number): void {
    const now = nowCompactNtp >>> 0;
    const lrr = lastRr >>> 0;
    const dlrr = delaySinceLastRr >>> 0;
    const rtt = lrr !== 0 && dlrr !== 0 && now > (lrr + dlrr) >>> 0 ? (now - lrr - dlrr) >>> 0 : 0;
    this.#rtt = compactNtpToMs(rtt);
    // mediasoup hands the RTT to the NACK generator in whole ms (its setter ignores 0).
    if (this.#nack) this.#nack.rttMs = Math.trunc(this.#rtt);
  }

  /** The RTT from the last DLRR, ms (0: none measured). */
  get roundTripTimeMs(): number {
    return this.#rtt;
  }

  /**
   * The reception report block for this source (RFC 3550 §6.4.1, A.3), or undefined before a
   * valid packet. Starts a new fraction-lost interval.
   */
  getReceiverReportBlock(nowMs: number): ReportBlock | undefined {
    if (!this.#started || this.#probation > 0) return undefined;
    const extMax = this.#cycles + this.#maxSeq;
    const expected = extMax - this.#baseExt + 1;
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    this.#fractionLost =
      expectedInterval <= 0 || lostInterval <= 0
        ? 0
        : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    let delaySinceLastSr = 0;
    if (this.#hasSr) delaySinceLastSr = Math.floor(((nowMs - this.#lastSrAtMs) * 65536) / 1000);
    return {
      ssrc: this.ssrc,
      fractionLost: this.#fractionLost,
      packetsLost: clamp24(expected - this.#received),
      highestSequence: extMax % 0x100000000,
      jitter: Math.trunc(this.#jitter) >>> 0,
      lastSr: this.#hasSr ? this.#lastSr : 0,
      delaySinceLastSr: this.#hasSr ? delaySinceLastSr >>> 0 : 0,
    };
  }

  /**
   * Asks for a key frame with PLI if negotiated, else FIR; resets the NACK list (the key frame
   * makes it moot), counts it and calls onKeyFrameRequest. Undefined if neither is negotiated.
   */
  requestKeyFrame(): KeyFrameRequestKind | undefined {
    let kind: KeyFrameRequestKind;
    if (this.usePli) {
      kind = 'pli';
      this.#pliCount++;
    } else if (this.useFir) {
      kind = 'fir';
      this.#firCount++;
      this.#firSeqNr = (this.#firSeqNr + 1) & 0xff;
    } else {
      return undefined;
    }
    this.#nack?.reset();
    this.#onKeyFrameRequest?.(kind);
    return kind;
  }

  /** Periodic work: NACK retries, inactivity (score 0 after the timeout). */
  tick(nowMs: number): void {
    this.#nack?.tick(nowMs);
    if (!this.#inactive && nowMs - this.#lastPacketMs >= this.#inactivityMs) {
      this.#inactive = true;
      this.#resetScore(0);
    }
  }

  /** One score sample over the interval since the last (mediasoup's RtpStreamRecv::UpdateScore). */
  updateScore(): void {
    const expectedTotal = this.expectedPackets;
    const expected = expectedTotal - this.#expectedPriorScore;
    this.#expectedPriorScore = expectedTotal;
    const received = this.#mediaPackets - this.#mediaPriorScore;
    this.#mediaPriorScore = this.#mediaPackets;
    const repaired = this.#packetsRepaired - this.#repairedPriorScore;
    this.#repairedPriorScore = this.#packetsRepaired;
    const retransmitted = this.#packetsRetransmitted - this.#retransmittedPriorScore;
    this.#retransmittedPriorScore = this.#packetsRetransmitted;
    if (this.#inactive) return;
    if (expected <= 0) {
      this.#setScore(this.#score.add(10));
      return;
    }
    // mediasoup's: losses out of what was received (RTX not counted), at most all of it.
    if (received <= 0) {
      this.#setScore(this.#score.add(0));
      return;
    }
    let lost = Math.min(Math.max(0, expected - received), received);
    let fixedRepaired = repaired;
    if (repaired > lost) {
      // Repairs beyond the losses: with RTX they are capped; without, they were losses.
      if (this.rtxSsrc !== undefined) fixedRepaired = lost;
      else lost = repaired;
    }
    this.#setScore(this.#score.add(intervalScore(received, lost, fixedRepaired, retransmitted)));
  }

  getStats(nowMs: number): RtpStreamRecvStats {
    return {
      type: 'inbound-rtp',
      timestamp: nowMs,
      ssrc: this.ssrc,
      rtxSsrc: this.rtxSsrc,
      mimeType: this.mimeType,
      kind: this.kind,
      packetCount: this.#packetCount,
      byteCount: this.#byteCount,
      bitrate: this.#rate.getRate(nowMs),
      packetsLost: this.packetsLost,
      fractionLost: this.#fractionLost,
      jitter: this.#jitter,
      packetsDiscarded: this.#packetsDiscarded,
      packetsRepaired: this.#packetsRepaired,
      packetsRetransmitted: this.#packetsRetransmitted,
      nackCount: this.#nackCount,
      nackPacketCount: this.#nackPacketCount,
      pliCount: this.#pliCount,
      firCount: this.#firCount,
      roundTripTime: this.#rtt,
      rtxPacketsDiscarded: this.#rtxSeq?.discarded || undefined,
      score: this.#score.score,
    };
  }

  #account(view: RtpPacketView, nowMs: number): void {
    this.#packetCount++;
    this.#byteCount += view.length;
    this.#rate.update(view.length, nowMs);
    if (this.#layerRates !== undefined) {
      const layers =
        this.#layersOf === undefined
          ? 0
          : this.#layersOf(view.buffer, view.payloadOffset, view.payloadLength);
      this.#layerRates.update(layers >> 3, layers & 0x07, view.length, nowMs);
    }
    this.#lastPacketMs = nowMs;
    const ts = view.timestamp;
    if (this.#packetCount === 1 || ((ts - this.#maxPacketTs) | 0) > 0) {
      this.#maxPacketTs = ts;
      this.#maxPacketMs = nowMs;
    }
    if (this.#inactive) {
      this.#inactive = false;
      this.#activeSinceMs = nowMs;
      this.#resetScore(10);
    }
  }

  /** RFC 3550 A.1 update_seq, plus duplicate detection over the last WINDOW packets. */
  #updateSeq(seq: number): RtpReceiveResult {
    if (!this.#started) {
      this.#started = true;
      this.#initSeq(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = this.#minSequential;
    }
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      if (udelta === 1) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          return this.#accept(seq);
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
      }
      return 'probation';
    }
    if (udelta === 0) return 'duplicate';
    if (udelta < this.#maxDropout) {
      // In order, with a permissible gap.
      const oldExt = this.#cycles + this.#maxSeq;
      if (seq < this.#maxSeq) this.#cycles += SEQ_MOD; // RFC 3550 A.1: wrapped
      this.#maxSeq = seq;
      const ext = this.#cycles + seq;
      this.#clearSeen(oldExt, ext);
      return this.#accept(seq);
    }
    if (udelta <= SEQ_MOD - this.#maxMisorder) {
      // A very large jump. Two in sequence mean the sender restarted its numbering: resync.
      if (seq !== this.#badSeq) {
        this.#badSeq = (seq + 1) & 0xffff;
        return 'bad-sequence';
      }
      logger.debug(`sequence resync [ssrc:${this.ssrc}, seq:${seq}]`);
      this.#initSeq(seq);
      this.#nack?.reset();
      return this.#accept(seq);
    }
    // Duplicate or reordered (late) packet.
    const ext = this.#cycles + seq - (seq > this.#maxSeq ? SEQ_MOD : 0);
    if (ext < this.#baseExt || ext <= this.#cycles + this.#maxSeq - WINDOW) return 'too-old';
    const i = seq & WINDOW_MASK;
    if (this.#seen[i >>> 5] & (1 << (i & 31))) return 'duplicate';
    return this.#accept(seq);
  }

  #accept(seq: number): 'accepted' {
    const i = seq & WINDOW_MASK;
    this.#seen[i >>> 5] |= 1 << (i & 31);
    this.#received++;
    return 'accepted';
  }

  /** RFC 3550 A.1 init_seq. */
  #initSeq(seq: number): void {
    this.#baseExt = seq;
    this.#maxSeq = seq;
    this.#badSeq = SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
    this.#expectedPriorScore = 0;
    this.#mediaPriorScore = this.#mediaPackets;
    this.#seen.fill(0);
  }

  /** Forgets the received flags of (from, to]: those slots now stand for new seqs. */
  #clearSeen(from: number, to: number): void {
    if (to - from >= WINDOW) {
      this.#seen.fill(0);
      return;
    }
    for (let ext = from + 1; ext <= to; ext++) {
      const i = ext % WINDOW; // ext may exceed 2^31: no bitwise and here
      this.#seen[i >>> 5] &= ~(1 << (i & 31));
    }
  }

  /** RFC 3550 A.8: J += (|D(i−1, i)| − J) / 16, in timestamp units. */
  #updateJitter(timestamp: number, nowMs: number): void {
    const arrival = Math.floor((nowMs * this.clockRate) / 1000);
    const transit = (arrival - timestamp) | 0;
    if (!this.#hasTransit) {
      this.#hasTransit = true;
      this.#transit = transit;
      return;
    }
    let d = (transit - this.#transit) | 0;
    this.#transit = transit;
    if (d < 0) d = -d;
    this.#jitter += (d - this.#jitter) / 16;
  }

  #setScore(score: number, previous = this.#lastNotified): void {
    this.#lastNotified = score;
    if (score !== previous) this.#onScore?.(score, previous);
  }
  #lastNotified = 0;

  #resetScore(score: number): void {
    this.#score.reset(score);
    this.#setScore(score);
  }
}

/** Cumulative lost is a signed 24-bit field (RFC 3550 §6.4.1). */
function clamp24(n: number): number {
  return Math.max(-0x800000, Math.min(0x7fffff, n));
}
