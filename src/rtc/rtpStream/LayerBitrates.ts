/**
 * Bitrate per spatial × temporal layer of one received stream (mediasoup's RtpStreamRecv
 * TransmissionCounter): what the bitrate allocator prices layers with. One RateCalculator
 * per layer, preallocated; `update` is one counter update. A simulcast stream has one
 * spatial layer (the stream is the layer); VP9 SVC carries several in one stream.
 *
 * The layers of a packet come from its payload descriptor's TID / SID (RFC 7741 §4.2,
 * RFC 9628 §4.2), read by `layersOfPacket` only for the codecs that have them.
 */
import { vp8TemporalLayer } from '../../protocols/rtp/vp8.js';
import { vp9LayerIndices } from '../../protocols/rtp/vp9.js';
import { RateCalculator } from './RateCalculator.js';

/** Layers kept per stream; a packet above them counts in the top one. */
export const MAX_SPATIAL_LAYERS = 4;
export const MAX_TEMPORAL_LAYERS = 4;

/** `SID << 3 | TID` of a payload; 0 for codecs without layer indices. */
export type LayersOfPacket = (buf: Uint8Array, offset: number, length: number) => number;

/** The layer reader for a mime type, or undefined (every packet is layer 0:0). */
export function layersOfPacketFor(mimeType: string | undefined): LayersOfPacket | undefined {
  switch (mimeType?.toLowerCase()) {
    case 'video/vp8':
      return vp8TemporalLayer;
    case 'video/vp9':
      return vp9LayerIndices;
    default:
      return undefined;
  }
}

export class LayerBitrates {
  readonly #rates: RateCalculator[] = [];

  constructor() {
    for (let i = 0; i < MAX_SPATIAL_LAYERS * MAX_TEMPORAL_LAYERS; i++) {
      this.#rates.push(new RateCalculator());
    }
  }

  update(spatialLayer: number, temporalLayer: number, bytes: number, nowMs: number): void {
    const s = spatialLayer < MAX_SPATIAL_LAYERS ? spatialLayer : MAX_SPATIAL_LAYERS - 1;
    const t = temporalLayer < MAX_TEMPORAL_LAYERS ? temporalLayer : MAX_TEMPORAL_LAYERS - 1;
    this.#rates[s * MAX_TEMPORAL_LAYERS + t].update(bytes, nowMs);
  }

  /** The bitrate of exactly this layer (mediasoup's GetLayerBitrate). */
  layerBitrate(nowMs: number, spatialLayer: number, temporalLayer: number): number {
    if (!inRange(spatialLayer, temporalLayer)) return 0;
    return this.#rates[spatialLayer * MAX_TEMPORAL_LAYERS + temporalLayer].getRate(nowMs);
  }

  /**
   * What forwarding up to this layer costs: every temporal layer of the lower spatial layers
   * plus this spatial layer's temporal layers up to this one; 0 if this layer is not being
   * received (mediasoup's GetBitrate(spatial, temporal)).
   */
  bitrate(nowMs: number, spatialLayer: number, temporalLayer: number): number {
    if (this.layerBitrate(nowMs, spatialLayer, temporalLayer) === 0) return 0;
    let rate = 0;
    for (let s = 0; s < spatialLayer; s++) rate += this.spatialLayerBitrate(nowMs, s);
    for (let t = 0; t <= temporalLayer; t++) rate += this.layerBitrate(nowMs, spatialLayer, t);
    return rate;
  }

  /** Every temporal layer of one spatial layer (mediasoup's GetSpatialLayerBitrate). */
  spatialLayerBitrate(nowMs: number, spatialLayer: number): number {
    let rate = 0;
    for (let t = 0; t < MAX_TEMPORAL_LAYERS; t++) rate += this.layerBitrate(nowMs, spatialLayer, t);
    return rate;
  }
}

function inRange(spatialLayer: number, temporalLayer: number): boolean {
  return (
    spatialLayer >= 0 &&
    spatialLayer < MAX_SPATIAL_LAYERS &&
    temporalLayer >= 0 &&
    temporalLayer < MAX_TEMPORAL_LAYERS
  );
}
