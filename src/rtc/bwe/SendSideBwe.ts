/**
 * A transport's send-side bandwidth estimate (mediasoup's TransportCongestionControlClient
 * semantics over GoogCC's design): transport-cc feedback feeds the delay-based and the
 * loss-based controllers and the acknowledged bitrate; a receiver that negotiated only
 * goog-remb sends its estimate (REMB), which is the estimate then and a cap otherwise. The
 * available bitrate is the lowest of them within [min, max], where, as in mediasoup, min is
 * max(minOutgoingBitrate, 30 kbit/s) and max is max(initialAvailableOutgoingBitrate,
 * 1.35 × effective desired bitrate) (initial alone while nothing is desired) capped by
 * maxOutgoingBitrate; maxPaddingBitrate is 0.85 × max. The effective desired bitrate is the
 * desired one smoothed (DesiredBitrateTrend: rises at once, falls slowly).
 */
import type { TransportCcFeedback, TransportCcPackets } from '../../protocols/rtcp/index.js';
import { AckedBitrateEstimator } from './AckedBitrateEstimator.js';
import { DelayBasedBwe } from './DelayBasedBwe.js';
import { FeedbackAdapter } from './FeedbackAdapter.js';
import { LossBasedController } from './LossBasedController.js';
import { SendHistory } from './SendHistory.js';
import { DesiredBitrateTrend } from './DesiredBitrateTrend.js';

export type BweType = 'transport-cc' | 'remb';

/** mediasoup's floor for any outgoing bitrate limit (TransportCongestionControlMinOutgoingBitrate). */
export const MIN_OUTGOING_BITRATE = 30_000;
const MAX_BITRATE_INCREMENT_FACTOR = 1.35;
const MAX_BITRATE_MARGIN_FACTOR = 0.1;
const MAX_PADDING_BITRATE_FACTOR = 0.85;
/** A REMB older than this no longer caps the transport-cc estimate. */
const REMB_TIMEOUT_MS = 5000;

export interface SendSideBweOptions {
  type: BweType;
  initialAvailableBitrate: number;
  /** 0: unset. */
  minOutgoingBitrate?: number;
  maxOutgoingBitrate?: number;
}

/** The fields of mediasoup's `bwe` trace event. */
export interface BweInfo {
  bweType: BweType;
  desiredBitrate: number;
  effectiveDesiredBitrate: number;
  minBitrate: number;
  maxBitrate: number;
  startBitrate: number;
  maxPaddingBitrate: number;
  availableBitrate: number;
}

export class SendSideBwe {
  readonly type: BweType;
  readonly history = new SendHistory();
  readonly feedback = new FeedbackAdapter(this.history);
  readonly acked = new AckedBitrateEstimator();
  readonly delay: DelayBasedBwe;
  readonly loss: LossBasedController;
  readonly #initial: number;
  #minOutgoing: number;
  #maxOutgoing: number;
  desiredBitrate = 0;
  readonly #desiredTrend = new DesiredBitrateTrend();
  minBitrate = MIN_OUTGOING_BITRATE;
  maxBitrate: number;
  startBitrate: number;
  maxPaddingBitrate: number;
  availableBitrate: number;
  #remb = 0;
  #rembAtMs = -Infinity;

  constructor(options: SendSideBweOptions) {
    this.type = options.type;
    this.#initial = options.initialAvailableBitrate;
    this.#minOutgoing = options.minOutgoingBitrate ?? 0;
    this.#maxOutgoing = options.maxOutgoingBitrate ?? 0;
    this.maxBitrate = this.#initial;
    this.maxPaddingBitrate = this.maxBitrate * MAX_PADDING_BITRATE_FACTOR;
    this.#applyBounds();
    this.startBitrate = Math.max(MIN_OUTGOING_BITRATE, this.#initial);
    this.availableBitrate = this.#clamp(this.#initial);
    this.delay = new DelayBasedBwe(this.availableBitrate, this.minBitrate, this.maxBitrate);
    this.loss = new LossBasedController(this.availableBitrate, this.minBitrate, this.maxBitrate);
  }

  get effectiveDesiredBitrate(): number {
    return this.#desiredTrend.value;
  }

  get info(): BweInfo {
    return {
      bweType: this.type,
      desiredBitrate: this.desiredBitrate,
      effectiveDesiredBitrate: this.effectiveDesiredBitrate,
      minBitrate: this.minBitrate,
      maxBitrate: this.maxBitrate,
      startBitrate: this.startBitrate,
      maxPaddingBitrate: this.maxPaddingBitrate,
      availableBitrate: this.availableBitrate,
    };
  }

  /** RTT (ms) measured from receiver reports: paces decreases. */
  setRtt(rttMs: number): void {
    if (!(rttMs > 0)) return;
    this.delay.rate.rttMs = rttMs;
    this.loss.rttMs = rttMs;
  }

  /** `force`: take it at once, not smoothed (a consumer closed or no longer wants any). */
  setDesiredBitrate(bitrate: number, nowMs = performance.now(), force = false): void {
    this.desiredBitrate = Math.max(0, Math.round(bitrate));
    if (force) this.#desiredTrend.forceUpdate(this.desiredBitrate, nowMs);
    else this.#desiredTrend.update(this.desiredBitrate, nowMs);
    this.startBitrate = Math.max(MIN_OUTGOING_BITRATE, this.availableBitrate);
    this.#applyBounds();
  }

  /** 0 unset (the caller validated it against the max). */
  setMinOutgoingBitrate(bitrate: number): void {
    this.#minOutgoing = bitrate;
    this.#applyBounds();
  }

  /** 0 unset (the caller validated it against the min). */
  setMaxOutgoingBitrate(bitrate: number): void {
    this.#maxOutgoing = bitrate;
    this.#applyBounds();
  }

  /** One transport-cc feedback packet; returns the new available bitrate. */
  onTransportCc(packet: TransportCcFeedback | TransportCcPackets, nowMs: number): number {
    const fb = this.feedback;
    fb.adapt(packet, nowMs);
    for (let i = 0; i < fb.count; i++) this.acked.add(fb.arrivalMs[i], fb.size[i]);
    const acked = this.acked.bitrate;
    const delayBased = this.delay.update(fb, acked, nowMs);
    // A probe result is the send rate for the loss-based controller too (libwebrtc sets it
    // on both), else its slow increase would cap what the probe proved.
    if (this.delay.probed) this.loss.setEstimate(delayBased);
    const lossBased = this.loss.update(fb.lost, fb.reported, nowMs, acked);
    // The loss-based rate may not run ahead of the delay-based one for long.
    if (lossBased > delayBased) this.loss.setEstimate(delayBased);
    let rate = Math.min(delayBased, lossBased);
    if (nowMs - this.#rembAtMs < REMB_TIMEOUT_MS && this.#remb > 0)
      rate = Math.min(rate, this.#remb);
    this.availableBitrate = this.#clamp(rate);
    return this.availableBitrate;
  }

  /** A receiver's REMB (bits/s). */
  onRemb(bitrate: number, nowMs: number): number {
    this.#remb = bitrate;
    this.#rembAtMs = nowMs;
    if (this.type === 'remb') this.availableBitrate = this.#clamp(bitrate);
    else this.availableBitrate = Math.min(this.availableBitrate, this.#clamp(bitrate));
    return this.availableBitrate;
  }

  #applyBounds(): void {
    const current = this.maxBitrate;
    let max: number;
    const desired = this.#desiredTrend.value;
    if (desired > 0) {
      max = Math.max(this.#initial, desired * MAX_BITRATE_INCREMENT_FACTOR);
      // Small changes of the desired bitrate keep the bounds (no re-probing for noise).
      const margin = max * MAX_BITRATE_MARGIN_FACTOR;
      if (current > max - margin && current < max + margin) max = current;
    } else {
      max = this.#initial;
    }
    if (this.#maxOutgoing > 0) max = Math.min(this.#maxOutgoing, max);
    this.minBitrate = Math.max(this.#minOutgoing, MIN_OUTGOING_BITRATE);
    max = Math.max(Math.round(max), this.minBitrate);
    if (max !== current) {
      this.maxBitrate = max;
      this.maxPaddingBitrate = Math.round(max * MAX_PADDING_BITRATE_FACTOR);
    }
    if (this.delay) {
      for (const c of [this.delay.rate, this.loss]) {
        c.minBitrate = this.minBitrate;
        c.maxBitrate = this.maxBitrate;
        c.bitrate = this.#clamp(c.bitrate);
      }
      this.availableBitrate = this.#clamp(this.availableBitrate);
    }
  }

  #clamp(bitrate: number): number {
    return Math.round(Math.min(Math.max(bitrate, this.minBitrate), this.maxBitrate));
  }
}
