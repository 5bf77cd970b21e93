/**
 * Worker-side SVC consumer (mediasoup's SvcConsumer + VP9 encoding context): one VP9 stream
 * carrying spatial and temporal layers (RFC 9628 §4.2 layer indices SID / TID), of which the
 * endpoint receives those up to the target layers.
 *
 * - Spatial up: only on a key frame. Spatial down: full SVC (L3T3) at the end (E) of a frame
 *   of the target layer; K-SVC (L3T3_KEY, layers independent except on key frames) only on a
 *   key frame, and between key frames only the current spatial layer is forwarded.
 * - Temporal up: at the beginning (B) of a layer frame that is a switching-up point (U);
 *   down: at the end (E) of a frame of the target layer.
 * - The marker bit goes on the last packet (E) of the highest forwarded spatial layer: the
 *   receiver's end of picture (RFC 9628 §4.1, RFC 3550 §5.1 M).
 *
 * Targets are the preferred layers (clamped to the spatial layers the producer sends) or,
 * when the transport's allocator manages the bitrate, the layers it applied.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';
import { Vp9Descriptor, parseVp9Descriptor } from '../../protocols/rtp/vp9.js';
import { parseScalabilityMode } from '../../ortc/index.js';
import type { RtpStreamRecv } from '../rtpStream/index.js';
import {
  Consumer,
  type ConsumerLayers,
  type ConsumerOptions,
  type ConsumerOutput,
  type OutgoingHeader,
} from './Consumer.js';
import { lossAdjusted } from './allocation.js';

/** mediasoup's allocation timings (ms). */
const BWE_DOWNGRADE_CONSERVATIVE_MS = 10_000;
const BWE_DOWNGRADE_MIN_ACTIVE_MS = 8000;

export interface SvcConsumerOptions extends ConsumerOptions {
  preferredLayers?: { spatialLayer?: number; temporalLayer?: number };
  /** The producer's receive stream, once it exists. */
  producerStream: () => RtpStreamRecv | undefined;
}

export class SvcConsumer extends Consumer {
  readonly spatialLayers: number;
  readonly temporalLayers: number;
  readonly ksvc: boolean;
  readonly #producerStream: () => RtpStreamRecv | undefined;
  readonly #descriptor = new Vp9Descriptor();
  #preferredSpatial: number;
  #preferredTemporal: number;
  #targetSpatial = -1;
  #targetTemporal = -1;
  #currentSpatial = -1;
  #currentTemporal = -1;
  #provisionalSpatial = -1;
  #provisionalTemporal = -1;
  /** Highest PictureID seen since the sync: older packets pass the layer switches. */
  #maxPictureId = -1;
  /** The packet being prepared ends the highest forwarded spatial layer's frame. */
  #endOfPicture = false;
  /** When the allocator last lowered the spatial layer (-Infinity: never). */
  #lastBweDowngradeMs = -Infinity;
  /** When forwarding last started (current layer from none), for the downgrade rule. */
  #forwardingSinceMs = 0;

  constructor(options: SvcConsumerOptions, output: ConsumerOutput) {
    super(options, output);
    this.#producerStream = options.producerStream;
    const mode = parseScalabilityMode(options.rtpParameters.encodings?.[0]?.scalabilityMode);
    this.spatialLayers = mode.spatialLayers;
    this.temporalLayers = mode.temporalLayers;
    this.ksvc = mode.ksvc;
    this.#preferredSpatial = this.spatialLayers - 1;
    this.#preferredTemporal = this.temporalLayers - 1;
    if (options.preferredLayers) this.setPreferredLayers(options.preferredLayers);
  }

  override get type(): 'svc' {
    return 'svc';
  }

  override get preferredLayers(): ConsumerLayers {
    return { spatialLayer: this.#preferredSpatial, temporalLayer: this.#preferredTemporal };
  }

  get currentLayers(): ConsumerLayers | undefined {
    if (this.#currentSpatial < 0) return undefined;
    return {
      spatialLayer: this.#currentSpatial,
      temporalLayer: Math.max(0, this.#currentTemporal),
    };
  }

  get targetLayers(): ConsumerLayers {
    return { spatialLayer: this.#targetSpatial, temporalLayer: this.#targetTemporal };
  }

  override dumpFields(): Record<string, unknown> {
    return {
      preferredSpatialLayer: this.#preferredSpatial,
      targetSpatialLayer: this.#targetSpatial,
      currentSpatialLayer: this.#currentSpatial,
      preferredTemporalLayer: this.#preferredTemporal,
      targetTemporalLayer: this.#targetTemporal,
      currentTemporalLayer: this.#currentTemporal,
    };
  }

  override setPreferredLayers(layers: {
    spatialLayer?: number;
    temporalLayer?: number;
  }): ConsumerLayers {
    const clamp = (value: number | undefined, max: number): number =>
      value === undefined || !Number.isFinite(value) ? max : Math.min(max, Math.max(0, value));
    this.#preferredSpatial = clamp(layers.spatialLayer, this.spatialLayers - 1);
    this.#preferredTemporal = clamp(layers.temporalLayer, this.temporalLayers - 1);
    this.#updateTarget(performance.now());
    return this.preferredLayers;
  }

  override tick(nowMs: number): void {
    this.#updateTarget(nowMs);
  }

  override pause(): void {
    super.pause();
    this.#setCurrent(-1, -1);
  }

  override setProducerPaused(paused: boolean): void {
    super.setProducerPaused(paused);
    if (paused) this.#setCurrent(-1, -1);
  }

  protected override requireSync(): void {
    this.#setCurrent(-1, -1);
    super.requireSync();
  }

  override prepare(packet: RtpPacketView, isKeyFrame: boolean, out: OutgoingHeader): boolean {
    this.#endOfPicture = false;
    if (!super.prepare(packet, isKeyFrame, out)) return false;
    if (this.#endOfPicture) out.marker = true;
    return true;
  }

  protected override accept(packet: RtpPacketView, isKeyFrame: boolean): boolean {
    if (this.#targetSpatial < 0) this.#updateTarget(performance.now());
    if (this.#targetSpatial < 0) return false;
    const d = this.#descriptor;
    if (!parseVp9Descriptor(packet.buffer, packet.payloadOffset, packet.payloadLength, d)) {
      this.packetsDiscarded++;
      if (!this.syncRequired) this.dropSequence(packet);
      return false;
    }
    if (this.syncRequired) {
      if (!isKeyFrame) return false;
      this.syncRequired = false;
      this.rebase(packet);
      this.#maxPictureId = -1;
    }
    if (!this.#process(d)) {
      this.dropSequence(packet);
      return false;
    }
    return true;
  }

  /** mediasoup's VP9 PayloadDescriptorHandler::Process: whether this packet goes out. */
  #process(d: Vp9Descriptor): boolean {
    const sid = d.sid;
    const tid = d.tid;
    if (sid >= this.spatialLayers || tid >= this.temporalLayers) return false;
    const old =
      d.hasPictureId &&
      this.#maxPictureId >= 0 &&
      ((d.pictureId - this.#maxPictureId) & 0x7fff) >= 0x4000;
    let spatial = this.#currentSpatial;
    let temporal = this.#currentTemporal;
    const target = this.#targetSpatial;
    if (target > spatial) {
      if (d.keyFrame) {
        spatial = target;
        temporal = 0;
      }
    } else if (target < spatial) {
      if (this.ksvc ? d.keyFrame : sid === target && d.endOfFrame) {
        spatial = target;
        temporal = 0;
      }
    }
    if (!old && (sid > spatial || (this.ksvc && d.predicted && sid !== spatial))) return false;
    if (!old) {
      const targetTemporal = this.#targetTemporal;
      if (targetTemporal > temporal) {
        if (
          tid > temporal &&
          tid <= targetTemporal &&
          (temporal === -1 || d.switchingUp) &&
          d.beginOfFrame
        ) {
          temporal = tid;
        }
      } else if (targetTemporal < temporal) {
        if (tid === targetTemporal && d.endOfFrame) temporal = targetTemporal;
      }
      if (tid > temporal) return false;
    }
    this.#endOfPicture = sid === spatial && d.endOfFrame;
    if (d.hasPictureId && !old) this.#maxPictureId = d.pictureId;
    this.#setCurrent(spatial, temporal);
    return true;
  }

  // ---- Bandwidth allocation (mediasoup's SvcConsumer) ----

  override get bitratePriority(): number {
    return this.kind === 'video' && this.active && this.#producerStream() ? this.priority : 0;
  }

  /**
   * Next step from the provisional layers: temporal layers up within a spatial layer, then
   * the next spatial layer's temporal layer 0, each priced as that layer's own bitrate (K-SVC:
   * a new spatial layer replaces the lower ones, so it costs the difference), never above the
   * preferred layers.
   */
  override increaseLayer(bitrate: number, considerLoss: boolean, nowMs: number): number {
    const stream = this.#producerStream();
    if (stream === undefined || stream.score === 0) return 0;
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
    let spatial = Math.max(0, this.#provisionalSpatial);
    let temporal = 0;
    search: for (; spatial < this.spatialLayers; spatial++) {
      // Soon after a downgrade for lack of bitrate, do not go above the current layer again.
      if (
        nowMs - this.#lastBweDowngradeMs < BWE_DOWNGRADE_CONSERVATIVE_MS &&
        this.#provisionalSpatial > -1 &&
        spatial > this.#currentSpatial
      ) {
        break;
      }
      for (temporal = 0; temporal < this.temporalLayers; temporal++) {
        if (spatial === this.#provisionalSpatial && temporal <= this.#provisionalTemporal) continue;
        if (spatial === this.#preferredSpatial && temporal > this.#preferredTemporal) break;
        required = stream.layerBitrate(nowMs, spatial, temporal);
        if (
          this.ksvc &&
          required &&
          temporal === 0 &&
          this.#provisionalSpatial >= 0 &&
          spatial > this.#provisionalSpatial
        ) {
          const taken = stream.layersBitrate(
            nowMs,
            this.#provisionalSpatial,
            this.#provisionalTemporal,
          );
          required = required > taken ? required - taken : 1;
        }
        if (required) break search;
        break;
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
    if (spatial === this.#targetSpatial && temporal === this.#targetTemporal) return;
    this.#setTarget(spatial, temporal);
    const nowMs = performance.now();
    if (
      this.#currentSpatial >= 0 &&
      nowMs - this.#forwardingSinceMs > BWE_DOWNGRADE_MIN_ACTIVE_MS &&
      spatial < this.#currentSpatial &&
      this.#currentSpatial <= this.#preferredSpatial
    ) {
      this.#lastBweDowngradeMs = nowMs;
    }
  }

  /** The whole stream (full SVC); K-SVC: the highest spatial layer alone. */
  override desiredBitrate(nowMs: number): number {
    if (!this.active) return 0;
    const stream = this.#producerStream();
    let desired = 0;
    if (stream !== undefined) {
      if (this.ksvc) {
        for (let s = this.spatialLayers - 1; s >= 0; s--) {
          desired = Math.max(desired, stream.spatialLayerBitrate(nowMs, s));
        }
      } else {
        desired = stream.bitrate(nowMs);
      }
    }
    return Math.max(desired, this.rtpParameters.encodings?.[0]?.maxBitrate ?? 0);
  }

  /**
   * Without the allocator: the highest spatial layer being received up to the preferred one
   * (else the lowest received above it); temporal as SimulcastConsumer chooses it.
   */
  #updateTarget(nowMs: number): void {
    if (this.externallyManagedBitrate) return;
    const stream = this.#producerStream();
    let spatial = -1;
    if (stream?.active) {
      for (let s = 0; s < this.spatialLayers; s++) {
        if (stream.spatialLayerBitrate(nowMs, s) === 0) continue;
        spatial = s;
        if (s >= this.#preferredSpatial) break;
      }
    }
    let temporal = -1;
    if (spatial === this.#preferredSpatial) temporal = this.#preferredTemporal;
    else if (spatial >= 0)
      temporal = spatial < this.#preferredSpatial ? this.temporalLayers - 1 : 0;
    this.#setTarget(spatial, temporal);
  }

  #setTarget(spatial: number, temporal: number): void {
    if (spatial === this.#targetSpatial && temporal === this.#targetTemporal) return;
    this.#targetSpatial = spatial;
    this.#targetTemporal = temporal;
    if (spatial < 0) {
      this.syncRequired = true;
      this.#setCurrent(-1, -1);
      return;
    }
    // Starting needs a key frame (one that came before the first target was dropped), up
    // needs one, and so does down in K-SVC.
    const current = this.#currentSpatial;
    if (current < 0 || spatial > current || (this.ksvc && spatial < current)) {
      this.requestKeyFrame();
    }
  }

  #setCurrent(spatial: number, temporal: number): void {
    if (this.#currentSpatial < 0 && spatial >= 0) this.#forwardingSinceMs = performance.now();
    this.#currentSpatial = spatial;
    this.#currentTemporal = spatial < 0 ? -1 : temporal;
    // What `currentLayers` reports (temporal -1 reads as 0): notify when that changes.
    const reported = spatial < 0 ? -1 : spatial * 16 + Math.max(0, temporal);
    if (reported === this.#reported) return;
    this.#reported = reported;
    this.output.notifyConsumer(this, 'layerschange', this.currentLayers);
  }
  #reported = -1;
}
