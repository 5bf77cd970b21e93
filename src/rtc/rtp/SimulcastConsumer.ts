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
 * Temporal layers are not filtered: every packet of the spatial layer is
 * forwarded, and the current temporal layer is reported as the highest.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';
import { parseScalabilityMode } from '../../ortc/index.js';
import type { RtpStreamRecv } from '../rtpStream/index.js';
import {
  Consumer,
  type ConsumerLayers,
  type ConsumerOptions,
  type ConsumerOutput,
} from './Consumer.js';

export type { ConsumerLayers };

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
  #preferredSpatial: number;
  #preferredTemporal: number;
  #target = -1;
  #current = -1;
  /** The layer the outgoing timestamps last came from (kept across pauses). */
  #lastLayer = -1;

  constructor(options: SimulcastConsumerOptions, output: ConsumerOutput) {
    super(options, output);
    this.#layerSsrcs = options.layerSsrcs;
    this.#layerStream = options.layerStream;
    const mode = parseScalabilityMode(options.rtpParameters.encodings?.[0]?.scalabilityMode);
    this.spatialLayers = Math.max(1, options.layerSsrcs.length);
    this.temporalLayers = mode.temporalLayers;
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
    return this.#current < 0 ? undefined : this.#layers(this.#current);
  }

  override dumpFields(): Record<string, unknown> {
    return {
      preferredSpatialLayer: this.#preferredSpatial,
      preferredTemporalLayer: this.#preferredTemporal,
      targetSpatialLayer: this.#target,
      currentSpatialLayer: this.#current,
    };
  }

  get targetSpatialLayer(): number {
    return this.#target;
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

  protected override requireSync(): void {
    this.#setCurrent(-1);
    super.requireSync();
  }

  protected override accept(packet: RtpPacketView, isKeyFrame: boolean): boolean {
    const layer = this.#layerOf(packet.ssrc);
    if (layer < 0) return false;
    if (layer === this.#current) return true;
    if (this.#target < 0) this.#updateTarget();
    if (layer !== this.#target || !isKeyFrame) return false;
    this.#switchTo(layer, packet);
    return true;
  }

  #layerOf(mappedSsrc: number): number {
    const ssrcs = this.#layerSsrcs;
    for (let i = 0; i < ssrcs.length; i++) if (ssrcs[i] === mappedSsrc) return i;
    return -1;
  }

  /** The highest active layer not above the preferred one, else the lowest active one. */
  #updateTarget(): void {
    let target = -1;
    for (let i = this.#preferredSpatial; i >= 0 && target < 0; i--) {
      if (this.#layerStream(i)?.active) target = i;
    }
    for (let i = this.#preferredSpatial + 1; i < this.spatialLayers && target < 0; i++) {
      if (this.#layerStream(i)?.active) target = i;
    }
    if (target === this.#target) return;
    this.#target = target;
    if (target >= 0 && target !== this.#current) this.requestKeyFrame();
  }

  #switchTo(layer: number, packet: RtpPacketView): void {
    this.syncRequired = false;
    this.rebase(packet, this.started ? this.#timestampOffsetFor(layer, packet) : undefined);
    this.#lastLayer = layer;
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

  #layers(spatialLayer: number): ConsumerLayers {
    return { spatialLayer, temporalLayer: this.temporalLayers - 1 };
  }

  #setCurrent(layer: number): void {
    if (layer === this.#current) return;
    this.#current = layer;
    // No data when no layer is forwarded.
    this.output.notifyConsumer(this, 'layerschange', this.currentLayers);
  }
}
