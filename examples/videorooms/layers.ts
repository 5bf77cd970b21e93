/**
 * Which simulcast/SVC layer a tile needs: the smallest spatial layer that
 * covers the tile (the page shows video with `object-fit: cover`) without
 * upscaling it by more than UPSCALE_TOLERANCE. Pure, so it is unit-tested
 * without a browser.
 */
import type { ConsumerLayers } from '../../src/index.js';

/** A tile may show a layer stretched by this much before the next layer is asked for. */
export const UPSCALE_TOLERANCE = 1.15;

/** Largest tile side the protocol accepts, in device pixels (an 8K screen). */
export const MAX_TILE_SIDE = 8192;

/** What the server assumes of a publisher that did not say its camera's size. */
export const DEFAULT_SOURCE = { width: 1280, height: 720 } as const;

export interface Size {
  width: number;
  height: number;
}

/**
 * The layers to prefer for a tile of `tile` device pixels showing a source of
 * `source` pixels sent as encodings scaled down by `scales` (lowest layer first,
 * mediasoup's spatial layer order). `temporalLayers` is the count per spatial layer.
 */
export function layersForTile(
  tile: Size,
  source: Size,
  scales: readonly number[],
  temporalLayers: number,
): ConsumerLayers {
  const temporalLayer = Math.max(0, temporalLayers - 1);
  const count = Math.max(1, scales.length);
  for (let spatialLayer = 0; spatialLayer < count; spatialLayer++) {
    const scale = scales[spatialLayer] ?? 1;
    const width = source.width / scale;
    const height = source.height / scale;
    // Cover: the layer is stretched by the larger of the two ratios.
    const stretch = Math.max(tile.width / width, tile.height / height);
    if (stretch <= UPSCALE_TOLERANCE) return { spatialLayer, temporalLayer };
  }
  return { spatialLayer: count - 1, temporalLayer };
}

/**
 * The scale of each encoding of a producer's rtpParameters, lowest layer first.
 * Browsers default to halving per layer below the top (RFC 8853 leaves it to
 * the sender; Chromium's default for missing values is 2^(n-1-i)).
 */
export function encodingScales(
  encodings: readonly { scaleResolutionDownBy?: number }[] | undefined,
): number[] {
  const list = encodings ?? [];
  return list.map((encoding, i) => {
    const scale = encoding.scaleResolutionDownBy;
    return typeof scale === 'number' && Number.isFinite(scale) && scale >= 1
      ? scale
      : 2 ** (list.length - 1 - i);
  });
}

/** Spatial and temporal layer counts of a scalability mode such as 'L1T3' or 'L3T3_KEY'. */
export function layerCountsOf(scalabilityMode: string | undefined): {
  spatial: number;
  temporal: number;
} {
  const match = /^[LS](\d)T(\d)/.exec(scalabilityMode ?? '');
  if (!match) return { spatial: 1, temporal: 1 };
  return { spatial: Math.max(1, Number(match[1])), temporal: Math.max(1, Number(match[2])) };
}

/**
 * The scales of a consumer's spatial layers, lowest first: the producer's
 * encodings when it sends simulcast, halving per layer for SVC (one encoding
 * carrying every spatial layer, as VP9 and AV1 do).
 */
export function layerScales(
  spatialLayers: number,
  producerEncodings: readonly { scaleResolutionDownBy?: number }[] | undefined,
): number[] {
  if ((producerEncodings?.length ?? 0) === spatialLayers) return encodingScales(producerEncodings);
  return Array.from({ length: spatialLayers }, (_, i) => 2 ** (spatialLayers - 1 - i));
}
