/**
 * The receive side of transport-wide congestion control
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): remembers when each
 * transport-wide sequence number arrived and reports it back in feedback
 * packets (RTPFB FMT 15), so the media sender (Chrome's GoogCC) can estimate
 * the bandwidth from the delay variation and losses it sees.
 *
 * As libwebrtc's receive side does: feedback goes out periodically (every
 * 100 ms) and at once when many packets wait; it covers every sequence number
 * from the end of the previous feedback up to the newest packet, the missing
 * ones as not received; a packet that arrives after the feedback covering its
 * sequence number is dropped. Pure: time is passed in. Memory is bounded by a
 * ring of arrival times indexed by the unwrapped sequence number; recording a
 * packet allocates nothing.
 */
import { seqDiff } from '../../protocols/rtp/index.js';
import {
  TRANSPORT_CC_DELTA_US,
  TRANSPORT_CC_REFERENCE_US,
  type TransportCcFeedback,
} from '../../protocols/rtcp/index.js';

export interface TransportCcFeedbackGeneratorOptions {
  /** The SSRC feedback is sent from (RFC 4585 §6.1 "packet sender"). */
  senderSsrc: number;
  /** Feedback interval in ms (default 100, libwebrtc's default). */
  intervalMs?: number;
  /** Packets waiting for feedback that make it due at once (default 100). */
  maxPendingPackets?: number;
  /** Sequence numbers per feedback packet (default 500: about 1.2 KB at worst). */
  maxPacketsPerFeedback?: number;
  /** Ring size, a power of two (default 2048): how far feedback can lag the newest packet. */
  capacity?: number;
}

const NONE: readonly TransportCcFeedback[] = Object.freeze([]);
/** Unwrapped sequence numbers start here so they stay positive after early reordering. */
const UNWRAP_ORIGIN = 1 << 20;

export class TransportCcFeedbackGenerator {
  readonly #senderSsrc: number;
  readonly #intervalMs: number;
  readonly #maxPending: number;
  readonly #maxPerFeedback: number;
  readonly #capacity: number;
  /** Arrival time (µs) and the unwrapped sequence number it belongs to, per ring slot. */
  readonly #arrivalUs: Float64Array;
  readonly #slotSeq: Float64Array;
  #started = false;
  /** Newest unwrapped sequence number recorded. */
  #maxSeq = 0;
  /** First unwrapped sequence number the next feedback reports. */
  #nextToReport = 0;
  #pending = 0;
  #feedbackCount = 0;
  #lastFeedbackMs = -Infinity;
  #mediaSsrc = 0;
  /** Packets dropped because their feedback had been sent already. */
  lateDrops = 0;

  constructor(options: TransportCcFeedbackGeneratorOptions) {
    this.#senderSsrc = options.senderSsrc >>> 0;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#maxPending = options.maxPendingPackets ?? 100;
    this.#maxPerFeedback = Math.min(options.maxPacketsPerFeedback ?? 500, 0xffff);
    const capacity = options.capacity ?? 2048;
    if (capacity < 16 || (capacity & (capacity - 1)) !== 0) {
      throw new TypeError('capacity must be a power of two ≥ 16');
    }
    this.#capacity = capacity;
    this.#arrivalUs = new Float64Array(capacity);
    this.#slotSeq = new Float64Array(capacity).fill(-1);
  }

  /** Packets recorded since the last feedback. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Records the arrival of transport-wide sequence number `seq` (16 bits) at `arrivalMs`
   * (a monotonic clock) in a packet of `mediaSsrc`. Returns true when so many packets wait
   * that feedback should go out now (`takeFeedback()`) rather than at the next tick.
   */
  record(seq: number, arrivalMs: number, mediaSsrc: number): boolean {
    seq &= 0xffff;
    let u: number;
    if (!this.#started) {
      u = this.#start(seq);
    } else {
      u = this.#maxSeq + seqDiff(seq, this.#maxSeq & 0xffff);
      if (u < this.#nextToReport) {
        // Far behind anything we reported: the sender restarted its sequence.
        if (this.#nextToReport - u <= this.#capacity) {
          this.lateDrops++;
          return false;
        }
        u = this.#start(seq);
      } else if (u > this.#maxSeq) {
        // The ring holds `capacity` sequence numbers: forget the oldest unreported ones.
        if (u - this.#nextToReport >= this.#capacity) this.#nextToReport = u - this.#capacity + 1;
        this.#maxSeq = u;
      } else if (this.#maxSeq - u >= this.#capacity) {
        this.lateDrops++;
        return false;
      }
    }
    const slot = u & (this.#capacity - 1);
    // A duplicate keeps its first arrival.
    if (this.#slotSeq[slot] === u) return this.#pending >= this.#maxPending;
    this.#slotSeq[slot] = u;
    this.#arrivalUs[slot] = arrivalMs * 1000;
    this.#mediaSsrc = mediaSsrc;
    return ++this.#pending >= this.#maxPending;
  }

  /** Feedback for what arrived since the last one, if the interval has passed (else none). */
  tick(nowMs: number): readonly TransportCcFeedback[] {
    if (nowMs - this.#lastFeedbackMs < this.#intervalMs) return NONE;
    return this.takeFeedback(nowMs);
  }

  /**
   * Feedback packets covering every sequence number from the end of the previous feedback to
   * the newest packet (possibly several: per-packet limit, or a gap in arrival times too long
   * for a 16-bit delta). None when nothing arrived.
   */
  takeFeedback(nowMs: number): readonly TransportCcFeedback[] {
    this.#lastFeedbackMs = nowMs;
    if (!this.#started || this.#pending === 0) return NONE;
    const out: TransportCcFeedback[] = [];
    const last = this.#maxSeq;
    let seq = this.#nextToReport;
    const mask = this.#capacity - 1;
    while (seq <= last) {
      const base = seq;
      const deltas: (number | null)[] = [];
      let referenceTime = -1;
      let clockUs = 0;
      for (; seq <= last && deltas.length < this.#maxPerFeedback; seq++) {
        const slot = seq & mask;
        if (this.#slotSeq[slot] !== seq) {
          deltas.push(null);
          continue;
        }
        const arrivalUs = this.#arrivalUs[slot];
        if (referenceTime < 0) {
          referenceTime = Math.floor(arrivalUs / TRANSPORT_CC_REFERENCE_US);
          clockUs = referenceTime * TRANSPORT_CC_REFERENCE_US;
        }
        // Deltas accumulate in the quantized clock, so rounding errors do not add up.
        const delta = Math.round((arrivalUs - clockUs) / TRANSPORT_CC_DELTA_US);
        if (delta < -0x8000 || delta > 0x7fff) break; // starts the next packet
        deltas.push(delta);
        clockUs += delta * TRANSPORT_CC_DELTA_US;
      }
      // A packet of lost packets only (a long gap) tells the sender nothing: skip it.
      if (referenceTime < 0) continue;
      out.push({
        kind: 'transport-cc',
        senderSsrc: this.#senderSsrc,
        mediaSsrc: this.#mediaSsrc,
        baseSequenceNumber: base & 0xffff,
        referenceTime: referenceTime & 0xffffff,
        feedbackPacketCount: this.#feedbackCount++ & 0xff,
        deltas,
      });
    }
    this.#nextToReport = last + 1;
    this.#pending = 0;
    return out;
  }

  #start(seq: number): number {
    const u = UNWRAP_ORIGIN + seq;
    this.#started = true;
    this.#maxSeq = u;
    this.#nextToReport = u;
    this.#pending = 0;
    this.#slotSeq.fill(-1);
    return u;
  }
}
