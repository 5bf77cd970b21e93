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
import type { ConsumerLayers, ConsumerOutput, OutgoingHeader } from './Consumer.js';
import { LayeredConsumer, type LayeredConsumerOptions } from './LayeredConsumer.js';
import { Vp8TemporalFilter } from './Vp8TemporalFilter.js';

export type { ConsumerLayers };

/** mediasoup's StreamMinActiveMs. */
const STREAM_MIN_ACTIVE_MS = 2000;

export interface SimulcastConsumerOptions extends LayeredConsumerOptions {
  /** The router SSRC of each producer encoding, in spatial layer order. */
  layerSsrcs: readonly number[];
  /** The producer's receive stream of a spatial layer, once it exists. */
  layerStream: (spatialLayer: number) => RtpStreamRecv | undefined;
}

export class SimulcastConsumer extends LayeredConsumer {
  readonly #layerSsrcs: readonly number[];
  readonly #layerStream: (spatialLayer: number) => RtpStreamRecv | undefined;
  /** VP8 only: temporal filtering and PictureID / TL0PICIDX continuity. */
  readonly #vp8: Vp8TemporalFilter | undefined;
  /** The layer the outgoing timestamps last came from (kept across pauses). */
  #lastLayer = -1;

  constructor(options: SimulcastConsumerOptions, output: ConsumerOutput) {
    const mode = parseScalabilityMode(options.rtpParameters.encodings?.[0]?.scalabilityMode);
    super(options, output, Math.max(1, options.layerSsrcs.length), mode.temporalLayers);
    this.#layerSsrcs = options.layerSsrcs;
    this.#layerStream = options.layerStream;
    const mime = options.rtpParameters.codecs[0]?.mimeType.toLowerCase();
    this.#vp8 = mime === 'video/vp8' ? new Vp8TemporalFilter() : undefined;
    if (options.preferredLayers) this.setPreferredLayers(options.preferredLayers);
  }

  override get type(): 'simulcast' {
    return 'simulcast';
  }

  protected override get producerScoreEncoding(): number {
    return this.currentSpatial;
  }

  /** A key frame of the layer being forwarded, or of the one being switched to. */
  override requestKeyFrame(): void {
    if (this.kind !== 'video' || !this.active) return;
    const layer = this.targetSpatial >= 0 ? this.targetSpatial : this.currentSpatial;
    this.output.requestProducerKeyFrame(this, layer >= 0 ? this.#layerSsrcs[layer] : undefined);
  }

  override prepare(packet: RtpPacketView, isKeyFrame: boolean, out: OutgoingHeader): boolean {
    if (!super.prepare(packet, isKeyFrame, out)) return false;
    const vp8 = this.#vp8;
    out.payloadRewriter = vp8 !== undefined && vp8.rewrites ? vp8 : undefined;
    return true;
  }

  protected override accept(packet: RtpPacketView, isKeyFrame: boolean): boolean {
    const layer = this.#layerOf(packet.ssrc);
    if (layer < 0) return false;
    if (layer !== this.currentSpatial) {
      if (this.targetSpatial < 0) this.updateTarget();
      if (layer !== this.targetSpatial || !isKeyFrame) return false;
      this.#switchTo(layer, packet);
    } else if (this.targetSpatial < 0) {
      return false; // the allocator gave this consumer no layer
    }
    const vp8 = this.#vp8;
    if (vp8 === undefined) return true;
    if (!vp8.process(packet.buffer, packet.payloadOffset, packet.payloadLength, isKeyFrame)) {
      this.dropSequence(packet);
      return false;
    }
    if (vp8.currentTemporalLayer !== this.currentTemporal) {
      this.currentTemporal = vp8.currentTemporalLayer;
      this.notifyLayers();
    }
    return true;
  }

  // ---- Bandwidth allocation (mediasoup's SimulcastConsumer) ----

  override get bitratePriority(): number {
    if (this.kind !== 'video' || !this.active) return 0;
    for (let i = 0; i < this.spatialLayers; i++) if (this.#layerStream(i)) return this.priority;
    return 0;
  }

  /** Each spatial layer is a stream of its own: only a scored, active one can be forwarded. */
  protected override layerBitrate(spatial: number, temporal: number, nowMs: number): number {
    const stream = this.#layerStream(spatial);
    if (stream === undefined || !(stream.score > 0) || !stream.active) return 0;
    return stream.layerBitrate(nowMs, 0, temporal);
  }

  /** Switching streams frees the whole provisional one. */
  protected override provisionalBitrate(spatial: number, temporal: number, nowMs: number): number {
    return this.#layerStream(spatial)?.layersBitrate(nowMs, 0, temporal) ?? 0;
  }

  /**
   * A stream that has only just become active is not switched to while the provisional
   * layer's stream has been active for long enough (mediasoup's StreamMinActiveMs).
   */
  protected override spatialLayerSettled(
    spatial: number,
    provisional: number,
    nowMs: number,
  ): boolean {
    if (spatial === provisional || provisional < 0) return true;
    const stream = this.#layerStream(spatial);
    if (stream === undefined || stream.activeMs(nowMs) >= STREAM_MIN_ACTIVE_MS) return true;
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
   * The highest active layer not above the preferred one, else the lowest active one; the
   * temporal layer is the preferred one on the preferred spatial layer, the highest below it
   * and the lowest above it (as mediasoup).
   */
  protected override updateTarget(): void {
    if (this.externallyManagedBitrate) return;
    const preferred = this.preferredSpatial;
    let target = -1;
    for (let i = preferred; i >= 0 && target < 0; i--) {
      if (this.#layerStream(i)?.active) target = i;
    }
    for (let i = preferred + 1; i < this.spatialLayers && target < 0; i++) {
      if (this.#layerStream(i)?.active) target = i;
    }
    let temporal = -1;
    if (target === preferred) temporal = this.preferredTemporal;
    else if (target >= 0) temporal = target < preferred ? this.temporalLayers - 1 : 0;
    this.setTarget(target, temporal);
  }

  /** A new spatial target needs a key frame of its stream (unless it is being forwarded). */
  protected override setTarget(spatial: number, temporal: number): void {
    if (this.#vp8 !== undefined) this.#vp8.targetTemporalLayer = Math.max(0, temporal);
    this.targetTemporal = temporal;
    if (spatial === this.targetSpatial) return;
    this.targetSpatial = spatial;
    if (spatial < 0) {
      // Nothing to forward: the next layer starts on a key frame.
      this.syncRequired = true;
      this.forwardNone();
      return;
    }
    if (spatial !== this.currentSpatial) this.requestKeyFrame();
  }

  #switchTo(layer: number, packet: RtpPacketView): void {
    this.syncRequired = false;
    this.rebase(packet, this.started ? this.#timestampOffsetFor(layer, packet) : undefined);
    this.#lastLayer = layer;
    if (this.#vp8 !== undefined) {
      this.#vp8.syncRequired = true;
      this.#vp8.currentTemporalLayer = -1;
      this.currentTemporal = -1;
    } else {
      this.currentTemporal = this.temporalLayers - 1;
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

  protected override forwardNone(): void {
    this.#setCurrent(-1);
  }

  #setCurrent(layer: number): void {
    if (layer === this.currentSpatial) return;
    this.setCurrentSpatial(layer);
    if (layer < 0) this.currentTemporal = -1;
    // VP8 reports once its first packet is through (with its temporal layer).
    if (layer < 0 || this.#vp8 === undefined) this.notifyLayers();
  }
}
