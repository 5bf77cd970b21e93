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
import type { ConsumerOutput, OutgoingHeader } from './Consumer.js';
import { LayeredConsumer, type LayeredConsumerOptions } from './LayeredConsumer.js';

export interface SvcConsumerOptions extends LayeredConsumerOptions {
  /** The producer's receive stream, once it exists. */
  producerStream: () => RtpStreamRecv | undefined;
}

export class SvcConsumer extends LayeredConsumer {
  readonly ksvc: boolean;
  readonly #producerStream: () => RtpStreamRecv | undefined;
  readonly #descriptor = new Vp9Descriptor();
  /** Highest PictureID seen since the sync: older packets pass the layer switches. */
  #maxPictureId = -1;
  /** The packet being prepared ends the highest forwarded spatial layer's frame. */
  #endOfPicture = false;
  /** What `currentLayers` last reported (spatial * 16 + temporal; -1: none). */
  #reported = -1;

  constructor(options: SvcConsumerOptions, output: ConsumerOutput) {
    const mode = parseScalabilityMode(options.rtpParameters.encodings?.[0]?.scalabilityMode);
    super(options, output, mode.spatialLayers, mode.temporalLayers);
    this.#producerStream = options.producerStream;
    this.ksvc = mode.ksvc;
    if (options.preferredLayers) this.setPreferredLayers(options.preferredLayers);
  }

  override get type(): 'svc' {
    return 'svc';
  }

  override prepare(packet: RtpPacketView, isKeyFrame: boolean, out: OutgoingHeader): boolean {
    this.#endOfPicture = false;
    if (!super.prepare(packet, isKeyFrame, out)) return false;
    if (this.#endOfPicture) out.marker = true;
    return true;
  }

  protected override accept(packet: RtpPacketView, isKeyFrame: boolean): boolean {
    if (this.targetSpatial < 0) this.updateTarget(performance.now());
    if (this.targetSpatial < 0) return false;
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
    let spatial = this.currentSpatial;
    let temporal = this.currentTemporal;
    const target = this.targetSpatial;
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
      const targetTemporal = this.targetTemporal;
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

  override increaseLayer(bitrate: number, considerLoss: boolean, nowMs: number): number {
    const stream = this.#producerStream();
    if (stream === undefined || stream.score === 0) return 0;
    return super.increaseLayer(bitrate, considerLoss, nowMs);
  }

  /** Each layer priced as its own bitrate in the one stream. */
  protected override layerBitrate(spatial: number, temporal: number, nowMs: number): number {
    return this.#producerStream()?.layerBitrate(nowMs, spatial, temporal) ?? 0;
  }

  /** K-SVC: a new spatial layer replaces the lower ones; full SVC adds to them. */
  protected override provisionalBitrate(spatial: number, temporal: number, nowMs: number): number {
    if (!this.ksvc) return 0;
    return this.#producerStream()?.layersBitrate(nowMs, spatial, temporal) ?? 0;
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
  protected override updateTarget(nowMs: number): void {
    if (this.externallyManagedBitrate) return;
    const stream = this.#producerStream();
    const preferred = this.preferredSpatial;
    let spatial = -1;
    if (stream?.active) {
      for (let s = 0; s < this.spatialLayers; s++) {
        if (stream.spatialLayerBitrate(nowMs, s) === 0) continue;
        spatial = s;
        if (s >= preferred) break;
      }
    }
    let temporal = -1;
    if (spatial === preferred) temporal = this.preferredTemporal;
    else if (spatial >= 0) temporal = spatial < preferred ? this.temporalLayers - 1 : 0;
    this.setTarget(spatial, temporal);
  }

  protected override setTarget(spatial: number, temporal: number): void {
    if (spatial === this.targetSpatial && temporal === this.targetTemporal) return;
    this.targetSpatial = spatial;
    this.targetTemporal = temporal;
    if (spatial < 0) {
      this.syncRequired = true;
      this.forwardNone();
      return;
    }
    // Starting needs a key frame (one that came before the first target was dropped), up
    // needs one, and so does down in K-SVC.
    const current = this.currentSpatial;
    if (current < 0 || spatial > current || (this.ksvc && spatial < current)) {
      this.requestKeyFrame();
    }
  }

  protected override forwardNone(): void {
    this.#setCurrent(-1, -1);
  }

  #setCurrent(spatial: number, temporal: number): void {
    this.setCurrentSpatial(spatial);
    this.currentTemporal = spatial < 0 ? -1 : temporal;
    // What `currentLayers` reports (temporal -1 reads as 0): notify when that changes.
    const reported = spatial < 0 ? -1 : spatial * 16 + Math.max(0, temporal);
    if (reported === this.#reported) return;
    this.#reported = reported;
    this.notifyLayers();
  }
}
