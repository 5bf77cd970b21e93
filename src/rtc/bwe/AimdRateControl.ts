/**
 * Additive-increase / multiplicative-decrease rate control (draft-ietf-rmcat-gcc-02 §5.5,
 * libwebrtc's AIMD rate control): the detector's signal drives a state machine (over-use →
 * decrease, under-use → hold, normal → increase from hold). Far from the link capacity seen
 * at the last decreases the rate grows 8 % a second; near it (within 3 deviations of that
 * capacity) it grows by about one packet per response time. A decrease goes to 0.85 × the
 * acknowledged bitrate. The rate never grows past 1.5 × what is acknowledged (+10 kbit/s).
 */
import type { BandwidthUsage } from './OveruseDetector.js';

const BETA = 0.85;
const MULTIPLICATIVE_PER_SECOND = 1.08;
const DEFAULT_RTT_MS = 200;
const FRAME_RATE = 30;
const PACKET_BITS = 1200 * 8;
const MIN_ADDITIVE_BPS_PER_S = 4000;

type State = 'hold' | 'increase' | 'decrease';

export class AimdRateControl {
  bitrate: number;
  minBitrate: number;
  maxBitrate: number;
  rttMs = DEFAULT_RTT_MS;
  #state: State = 'hold';
  #lastChangeMs = -1;
  #lastDecreaseMs = -1;
  /** The link capacity seen at decreases (EMA, kbit/s) and its normalised variance; −1 unknown. */
  #capacityKbps = -1;
  #capacityVar = 0.4;
  /** Decreases so far (tests, stats). */
  decreases = 0;

  constructor(startBitrate: number, minBitrate: number, maxBitrate: number) {
    this.minBitrate = minBitrate;
    this.maxBitrate = maxBitrate;
    this.bitrate = this.#clamp(startBitrate);
  }

  get state(): State {
    return this.#state;
  }

  /** Whether the rate is near the capacity last seen (increase is additive there). */
  get nearCapacity(): boolean {
    return this.#capacityKbps >= 0;
  }

  /** Forces the estimate (a probe result, bounds changed). */
  setEstimate(bitrate: number, nowMs: number): void {
    this.bitrate = this.#clamp(bitrate);
    this.#lastChangeMs = nowMs;
  }

  /** Applies one detector signal; `acked` is the acknowledged bitrate (0 unknown). */
  update(usage: BandwidthUsage, acked: number, nowMs: number): number {
    // State transitions (gcc-02 §5.5 Figure 2).
    if (usage === 'overusing') this.#state = 'decrease';
    else if (usage === 'underusing') this.#state = 'hold';
    else if (this.#state === 'hold') this.#state = 'increase';
    else if (this.#state === 'decrease') this.#state = 'hold';

    if (this.#lastChangeMs < 0) this.#lastChangeMs = nowMs;
    const dtMs = Math.min(Math.max(nowMs - this.#lastChangeMs, 0), 1000);
    let next = this.bitrate;
    if (this.#state === 'increase') {
      if (this.#capacityKbps >= 0 && acked > 0) {
        const upper = this.#capacityKbps + 3 * this.#deviationKbps();
        // The capacity moved up (cross traffic left): grow multiplicatively again.
        if (acked / 1000 > upper) this.#capacityKbps = -1;
      }
      if (this.#capacityKbps >= 0) next += this.#additivePerSecond() * (dtMs / 1000);
      else
        next += Math.max(
          next * (MULTIPLICATIVE_PER_SECOND ** (dtMs / 1000) - 1),
          1000 * (dtMs / 1000),
        );
      if (acked > 0) next = Math.min(next, Math.max(1.5 * acked + 10_000, this.bitrate));
      this.#lastChangeMs = nowMs;
    } else if (this.#state === 'decrease') {
      // Once per RTT-ish: a detector that keeps signalling does not crash the rate.
      const interval = Math.min(Math.max(this.rttMs, 10), 200);
      if (this.#lastDecreaseMs < 0 || nowMs - this.#lastDecreaseMs >= interval) {
        const base = acked > 0 ? acked : this.bitrate;
        let decreased = BETA * base;
        if (decreased > this.bitrate && this.#capacityKbps >= 0) {
          decreased = BETA * this.#capacityKbps * 1000;
        }
        next = Math.min(this.bitrate, decreased);
        if (acked > 0) this.#updateCapacity(acked / 1000);
        this.#lastDecreaseMs = nowMs;
        this.decreases++;
      }
      this.#lastChangeMs = nowMs;
      this.#state = 'hold';
    } else {
      this.#lastChangeMs = nowMs;
    }
    this.bitrate = this.#clamp(next);
    return this.bitrate;
  }

  /** About one average packet per response time (RTT + 100 ms), at least 4 kbit/s per second. */
  #additivePerSecond(): number {
    const frameBits = this.bitrate / FRAME_RATE;
    const packetsPerFrame = Math.ceil(frameBits / PACKET_BITS);
    const packetBits = frameBits / Math.max(packetsPerFrame, 1);
    const responseS = (this.rttMs + 100) / 1000;
    return Math.max(MIN_ADDITIVE_BPS_PER_S, packetBits / responseS);
  }

  #deviationKbps(): number {
    return Math.sqrt(this.#capacityVar * Math.max(this.#capacityKbps, 1));
  }

  #updateCapacity(sampleKbps: number): void {
    const alpha = 0.05;
    if (this.#capacityKbps < 0) this.#capacityKbps = sampleKbps;
    else this.#capacityKbps = (1 - alpha) * this.#capacityKbps + alpha * sampleKbps;
    const norm = Math.max(this.#capacityKbps, 1);
    const err = this.#capacityKbps - sampleKbps;
    this.#capacityVar = (1 - alpha) * this.#capacityVar + (alpha * err * err) / norm;
    this.#capacityVar = Math.min(Math.max(this.#capacityVar, 0.4), 2.5);
  }

  #clamp(bitrate: number): number {
    return Math.min(Math.max(bitrate, this.minBitrate), this.maxBitrate);
  }
}
