/**
 * Worker-side simulcast Consumer (mediasoup's SimulcastConsumer): the
 * producer's encodings are spatial layers 0..n-1 (RFC 8853 simulcast, one
 * RTP stream each, told apart by rid, RFC 8852); the endpoint receives one of
 * them at a time as a single stream. The target layer is the highest active
 * one not above the preferred spatial layer (else the lowest active one);
 * the consumer switches to it only on a key frame of that layer, which it
 * requests when the target changes. Sequence numbers continue across
 * switches; timestamps are carried over through the sender reports' NTP ↔
 * RTP mapping (RFC 3550 §6.4.1) of the two streams when both have one, and
 * else by the wall-clock time since the last packet sent; they never go back.
 *
 * Temporal layers (VP8, by TID, RFC 7741 §4.2) are filtered to the target
 * temporal layer by Vp8TemporalFilter, which also renumbers PictureID and
 * TL0PICIDX so the endpoint sees one continuous VP8 stream; other codecs
 * forward every packet of the spatial layer (current temporal = the highest).
 *
 * Targets: the preferred layers (clamped to what is active) or, once the
 * transport's allocator manages the bitrate, the layers it applied
 * (mediasoup's IncreaseLayer / ApplyLayers semantics).
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';
import { parseScalabilityMode } from '../../ortc/index.js';
import type { RtpStreamRecv } from '../rtpStream/index.js';
import {
  Consumer,
  type ConsumerLayers,
  type ConsumerOptions,
  type ConsumerOutput,
  type OutgoingHeader,
} from './Consumer.js';
import { Vp8TemporalFilter } from './Vp8TemporalFilter.js';
import { lossAdjusted } from './allocation.js';

export type { ConsumerLayers };

/** mediasoup's allocation timings (ms). */
const STREAM_MIN_ACTIVE_MS = 2000;
const BWE_DOWNGRADE_CONSERVATIVE_MS = 10_000;
const BWE_DOWNGRADE_MIN_ACTIVE_MS = 8000;

export interface SimulcastConsumerOptions extends ConsumerOptions {
  /** The router SSRC of each producer encoding, in spatial layer order. */
  layerSsrcs: readonly number[];
  preferredLayers?: { spatialLayer?: number; temporalLayer?: number };
  /** The producer's receive stream of a spatial layer, once it exists. */
  layerStream: (spatialLayer: number) => RtpStreamRecv | undefined;
}

export class SimulcastConsumer extends Consumer {
  readonly spatialLayers: number;
  readonly temporalLayers: number;
  readonly #layerSsrcs: readonly number[];
  readonly #layerStream: (spatialLayer: number) => RtpStreamRecv | undefined;
  /** VP8 only: temporal filtering and PictureID / TL0PICIDX continuity. */
  readonly #vp8: Vp8TemporalFilter | undefined;
  #preferredSpatial: number;
  #preferredTemporal: number;
  #target = -1;
  #targetTemporal = -1;
  #current = -1;
  #currentTemporal = -1;
  /** The allocator's layers of the round in progress (-1: none yet). */
  #provisionalSpatial = -1;
  #provisionalTemporal = -1;
  /** The layer the outgoing timestamps last came from (kept across pauses). */
  #lastLayer = -1;
  /** When the allocator last lowered the spatial layer (-Infinity: never). */
  #lastBweDowngradeMs = -Infinity;
  /** When forwarding last started (current layer from none), for the downgrade rule. */
  #forwardingSinceMs = 0;

  constructor(options: SimulcastConsumerOptions, output: ConsumerOutput) {
    super(options, output);
    this.#layerSsrcs = options.layerSsrcs;
    this.#layerStream = options.layerStream;
    const mode = parseScalabilityMode(options.rtpParameters.encodings?.[0]?.scalabilityMode);
    this.spatialLayers = Math.max(1, options.layerSsrcs.length);
    this.temporalLayers = mode.temporalLayers;
    const mime = options.rtpParameters.codecs[0]?.mimeType.toLowerCase();
    this.#vp8 = mime === 'video/vp8' ? new Vp8TemporalFilter() : undefined;
    this.#preferredSpatial = this.spatialLayers - 1;
    this.#preferredTemporal = this.temporalLayers - 1;
    if (options.preferredLayers) this.setPreferredLayers(options.preferredLayers);
  }

  override get type(): 'simulcast' {
    return 'simulcast';
  }

  override get preferredLayers(): ConsumerLayers {
    return { spatialLayer: this.#preferredSpatial, temporalLayer: this.#preferredTemporal };
  }

  protected override get producerScoreEncoding(): number {
    return this.#current;
  }

  get currentLayers(): ConsumerLayers | undefined {
    return this.#current < 0
      ? undefined
      : { spatialLayer: this.#current, temporalLayer: Math.max(0, this.#currentTemporal) };
  }

  override dumpFields(): Record<string, unknown> {
    return {
      preferredSpatialLayer: this.#preferredSpatial,
      targetSpatialLayer: this.#target,
      currentSpatialLayer: this.#current,
      preferredTemporalLayer: this.#preferredTemporal,
      targetTemporalLayer: this.#targetTemporal,
      currentTemporalLayer: this.#currentTemporal,
    };
  }

  get targetSpatialLayer(): number {
    return this.#target;
  }

  get targetTemporalLayer(): number {
    return this.#targetTemporal;
  }

  /** Clamps to what the producer has; returns the preferred layers now in force. */
  override setPreferredLayers(layers: {
    spatialLayer?: number;
    temporalLayer?: number;
  }): ConsumerLayers {
    const clamp = (value: number | undefined, max: number): number =>
      value === undefined || !Number.isFinite(value) ? max : Math.min(max, Math.max(0, value));
    this.#preferredSpatial = clamp(layers.spatialLayer, this.spatialLayers - 1);
    this.#preferredTemporal = clamp(layers.temporalLayer, this.temporalLayers - 1);
    this.#updateTarget();
    return this.preferredLayers;
  }

  override tick(nowMs: number): void {
    void nowMs;
    this.#updateTarget();
  }

  override pause(): void {
    super.pause();
    this.#setCurrent(-1);
  }

  override setProducerPaused(paused: boolean): void {
    super.setProducerPaused(paused);
    if (paused) this.#setCurrent(-1);
  }

  /** A key frame of the layer being forwarded, or of the one being switched to. */
  override requestKeyFrame(): void {
    if (this.kind !== 'video' || !this.active) return;
    const layer = this.#target >= 0 ? this.#target : this.#current;
    this.output.requestProducerKeyFrame(this, layer >= 0 ? this.#layerSsrcs[layer] : undefined);
  }

  override prepare(packet: RtpPacketView, isKeyFrame: boolean, out: OutgoingHeader): boolean {
    if (!super.prepare(packet, isKeyFrame, out)) return false;
    const vp8 = this.#vp8;
    out.payloadRewriter = vp8 !== undefined && vp8.rewrites ? vp8 : undefined;
    return true;
  }

  protected override requireSync(): void {
    this.#setCurrent(-1);
    super.requireSync();
  }

  protected override accept(packet: RtpPacketView, isKeyFrame: boolean): boolean {
    const layer = this.#layerOf(packet.ssrc);
    if (layer < 0) return false;
    if (layer !== this.#current) {
      if (this.#target < 0) this.#updateTarget();
      if (layer !== this.#target || !isKeyFrame) return false;
      this.#switchTo(layer, packet);
    } else if (this.#target < 0) {
      return false; // the allocator gave this consumer no layer
    }
    const vp8 = this.#vp8;
    if (vp8 === undefined) return true;
    if (!vp8.process(packet.buffer, packet.payloadOffset, packet.payloadLength, isKeyFrame)) {
      this.dropSequence(packet);
      return false;
    }
    if (vp8.currentTemporalLayer !== this.#currentTemporal) {
      this.#currentTemporal = vp8.currentTemporalLayer;
      this.#notifyLayers();
    }
    return true;
  }

  // ---- Bandwidth allocation (mediasoup's SimulcastConsumer) ----

  override get bitratePriority(): number {
    if (this.kind !== 'video' || !this.active) return 0;
    for (let i = 0; i < this.spatialLayers; i++) if (this.#layerStream(i)) return this.priority;
    return 0;
  }

  /**
   * Next step up from the provisional layers: temporal layers of the provisional spatial
   * layer first, then temporal layer 0 of the next active spatial layer (priced as its
   * bitrate minus what the provisional layers already take), never above the preferred
   * layers.
   */
  override increaseLayer(bitrate: number, considerLoss: boolean, nowMs: number): number {
    if (
      this.#provisionalSpatial === this.#preferredSpatial &&
      this.#provisionalTemporal === this.#preferredTemporal
    ) {
      return 0;
    }
    const virtualBitrate = considerLoss
      ? lossAdjusted(bitrate, this.stream.lossPercentage)
      : bitrate;
    let required = 0;
    let spatial = 0;
    let temporal = 0;
    search: for (
      spatial = Math.max(0, this.#provisionalSpatial);
      spatial < this.spatialLayers;
      spatial++
    ) {
      // Soon after a downgrade for lack of bitrate, do not go above the current layer again.
      if (
        nowMs - this.#lastBweDowngradeMs < BWE_DOWNGRADE_CONSERVATIVE_MS &&
        this.#provisionalSpatial > -1 &&
        spatial > this.#current
      ) {
        break;
      }
      const stream = this.#layerStream(spatial);
      if (stream !== undefined && !this.#settled(stream, spatial, nowMs)) continue;
      if (stream !== undefined && stream.score > 0 && stream.active) {
        for (temporal = 0; temporal < this.temporalLayers; temporal++) {
          if (spatial === this.#provisionalSpatial && temporal <= this.#provisionalTemporal)
            continue;
          // Never above the preferred layers.
          if (spatial === this.#preferredSpatial && temporal > this.#preferredTemporal) break;
          required = stream.layerBitrate(nowMs, 0, temporal);
          if (
            required &&
            temporal === 0 &&
            this.#provisionalSpatial >= 0 &&
            spatial > this.#provisionalSpatial
          ) {
            const taken =
              this.#layerStream(this.#provisionalSpatial)?.layersBitrate(
                nowMs,
                0,
                this.#provisionalTemporal,
              ) ?? 0;
            required = required > taken ? required - taken : 1;
          }
          if (required) break search;
          break;
        }
      }
      if (spatial >= this.#preferredSpatial) break;
    }
    if (!required || required > virtualBitrate) return 0;
    this.#provisionalSpatial = spatial;
    this.#provisionalTemporal = temporal;
    return required <= bitrate ? required : bitrate;
  }

  override applyLayers(): void {
    const spatial = this.#provisionalSpatial;
    const temporal = this.#provisionalTemporal;
    this.#provisionalSpatial = -1;
    this.#provisionalTemporal = -1;
    if (!this.active) return;
    if (spatial === this.#target && temporal === this.#targetTemporal) return;
    this.#setTarget(spatial, temporal);
    const nowMs = performance.now();
    if (
      this.#current >= 0 &&
      nowMs - this.#forwardingSinceMs > BWE_DOWNGRADE_MIN_ACTIVE_MS &&
      this.#target < this.#current &&
      this.#current <= this.#preferredSpatial
    ) {
      this.#lastBweDowngradeMs = nowMs;
    }
  }

  /**
   * A stream that has only just become active is not switched to while the provisional
   * layer's stream has been active for long enough (mediasoup's StreamMinActiveMs).
   */
  #settled(stream: RtpStreamRecv, spatial: number, nowMs: number): boolean {
    const provisional = this.#provisionalSpatial;
    if (spatial === provisional || provisional < 0) return true;
    if (stream.activeMs(nowMs) >= STREAM_MIN_ACTIVE_MS) return true;
    const current = this.#layerStream(provisional);
    return current === undefined || current.activeMs(nowMs) < STREAM_MIN_ACTIVE_MS;
  }

  /** The highest stream bitrate (a newly enabled stream may start below a lower one). */
  override desiredBitrate(nowMs: number): number {
    if (!this.active) return 0;
    let desired = 0;
    for (let i = this.spatialLayers - 1; i >= 0; i--) {
      desired = Math.max(desired, this.#layerStream(i)?.bitrate(nowMs) ?? 0);
    }
    return Math.max(desired, this.rtpParameters.encodings?.[0]?.maxBitrate ?? 0);
  }

  #layerOf(mappedSsrc: number): number {
    const ssrcs = this.#layerSsrcs;
    for (let i = 0; i < ssrcs.length; i++) if (ssrcs[i] === mappedSsrc) return i;
    return -1;
  }

  /**
   * Without the allocator: the highest active layer not above the preferred one, else the
   * lowest active one; the temporal layer is the preferred one on the preferred spatial
   * layer, the highest below it and the lowest above it (as mediasoup).
   */
  #updateTarget(): void {
    if (this.externallyManagedBitrate) return;
    let target = -1;
    for (let i = this.#preferredSpatial; i >= 0 && target < 0; i--) {
      if (this.#layerStream(i)?.active) target = i;
    }
    for (let i = this.#preferredSpatial + 1; i < this.spatialLayers && target < 0; i++) {
      if (this.#layerStream(i)?.active) target = i;
    }
    let temporal = -1;
    if (target === this.#preferredSpatial) temporal = this.#preferredTemporal;
    else if (target >= 0) temporal = target < this.#preferredSpatial ? this.temporalLayers - 1 : 0;
    this.#setTarget(target, temporal);
  }

  #setTarget(spatial: number, temporal: number): void {
    if (this.#vp8 !== undefined) this.#vp8.targetTemporalLayer = Math.max(0, temporal);
    this.#targetTemporal = temporal;
    if (spatial === this.#target) return;
    this.#target = spatial;
    if (spatial < 0) {
      // Nothing to forward: the next layer starts on a key frame.
      this.syncRequired = true;
      this.#setCurrent(-1);
      return;
    }
    if (spatial !== this.#current) this.requestKeyFrame();
  }

  #switchTo(layer: number, packet: RtpPacketView): void {
    this.syncRequired = false;
    this.rebase(packet, this.started ? this.#timestampOffsetFor(layer, packet) : undefined);
    this.#lastLayer = layer;
    if (this.#vp8 !== undefined) {
      this.#vp8.syncRequired = true;
      this.#vp8.currentTemporalLayer = -1;
      this.#currentTemporal = -1;
    } else {
      this.#currentTemporal = this.temporalLayers - 1;
    }
    this.#setCurrent(layer);
  }

  /**
   * The offset that puts this packet of `layer` where it belongs on the
   * outgoing timeline: its capture time (from the layer's last SR) expressed
   * in the previous layer's RTP clock (from that layer's last SR), shifted
   * as the previous layer was. Without both SRs: the last timestamp sent plus
   * the time elapsed since. At least one tick after the last timestamp sent.
   */
  #timestampOffsetFor(layer: number, packet: RtpPacketView): number {
    const clock = this.clockRate;
    const from = this.#lastLayer >= 0 ? this.#layerStream(this.#lastLayer) : undefined;
    const to = this.#layerStream(layer);
    let wanted: number;
    if (from?.lastSenderReportNtpMs && to?.lastSenderReportNtpMs) {
      const sinceToSr = (packet.timestamp - to.lastSenderReportRtpTimestamp) | 0;
      const captureMs = to.lastSenderReportNtpMs + (sinceToSr * 1000) / clock;
      const inFrom =
        from.lastSenderReportRtpTimestamp +
        Math.round(((captureMs - from.lastSenderReportNtpMs) * clock) / 1000);
      wanted = (inFrom + this.timestampOffset) >>> 0;
    } else {
      const elapsedMs = Math.max(0, performance.now() - this.lastSentMs);
      wanted = (this.lastTimestamp + Math.round((elapsedMs * clock) / 1000)) >>> 0;
    }
    const ahead = (wanted - this.lastTimestamp) | 0;
    if (ahead <= 0) wanted = (this.lastTimestamp + 1) >>> 0;
    return (wanted - packet.timestamp) >>> 0;
  }

  #setCurrent(layer: number): void {
    if (layer === this.#current) return;
    if (this.#current < 0) this.#forwardingSinceMs = performance.now();
    this.#current = layer;
    if (layer < 0) this.#currentTemporal = -1;
    // VP8 reports once its first packet is through (with its temporal layer).
    if (layer < 0 || this.#vp8 === undefined) this.#notifyLayers();
  }

  /** No data when no layer is forwarded. */
  #notifyLayers(): void {
    this.output.notifyConsumer(this, 'layerschange', this.currentLayers);
  }
}
