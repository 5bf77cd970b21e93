/**
 * How big each of a participant's video consumers is shown: the page reports
 * a tile's size (`setTileSize`), the server turns it into preferred layers
 * (`consumer.setPreferredLayers`) and pauses the consumer of a tile that is
 * not shown at all (zero size), resuming it when it shows again. The client's
 * own `resumeConsumer` and the view both have to agree for media to flow.
 */
import type { Consumer, ConsumerLayers } from '../../src/index.js';
import { layerCountsOf, layerScales, layersForTile, type Size } from './layers.js';
import { ProtocolError } from './protocol.js';
import { TokenBucket } from './TokenBucket.js';

/** `setTileSize` requests per second and burst per participant (a page debounces resizes). */
export const TILE_SIZE_RATE = 10;
export const TILE_SIZE_BURST = 20;

interface View {
  consumer: Consumer;
  source: Size;
  scales: number[];
  temporalLayers: number;
  /** The client asked for media (`resumeConsumer`). */
  resumed: boolean;
  /** The tile has no area on screen. */
  hidden: boolean;
  /** The layers last asked of the consumer, as `spatial/temporal`. */
  layers: string;
}

export interface TileSizeResult {
  paused: boolean;
  preferredLayers: ConsumerLayers | null;
}

export class TileViews {
  readonly #views = new Map<string, View>();
  readonly #bucket: TokenBucket;

  constructor(now?: () => number) {
    this.#bucket = new TokenBucket(TILE_SIZE_RATE, TILE_SIZE_BURST, now);
  }

  /** A new consumer (created paused); `source` is its producer's camera size. */
  add(consumer: Consumer, source: Size, producerEncodings: Consumer['rtpParameters']['encodings']) {
    const mode = consumer.rtpParameters.encodings?.[0]?.scalabilityMode;
    const counts = layerCountsOf(mode);
    const layered = consumer.type === 'simulcast' || consumer.type === 'svc';
    this.#views.set(consumer.id, {
      consumer,
      source,
      scales: layered ? layerScales(counts.spatial, producerEncodings) : [1],
      temporalLayers: layered ? counts.temporal : 1,
      resumed: false,
      hidden: false,
      layers: '',
    });
  }

  delete(consumerId: string): void {
    this.#views.delete(consumerId);
  }

  clear(): void {
    this.#views.clear();
  }

  /** The client's `resumeConsumer`: media flows unless the tile is hidden. */
  async resume(consumer: Consumer): Promise<void> {
    const view = this.#views.get(consumer.id);
    if (view) view.resumed = true;
    if (!view?.hidden) await consumer.resume();
  }

  async setTileSize(consumer: Consumer, tile: Size): Promise<TileSizeResult> {
    if (!this.#bucket.take()) {
      throw new ProtocolError(
        'rate-limited',
        `at most ${TILE_SIZE_RATE} setTileSize requests per second`,
      );
    }
    const view = this.#views.get(consumer.id);
    if (!view || consumer.kind !== 'video') {
      throw new ProtocolError('bad-request', 'setTileSize needs a video consumer');
    }
    const hidden = tile.width === 0 || tile.height === 0;
    if (hidden !== view.hidden) {
      view.hidden = hidden;
      if (hidden) await consumer.pause();
      else if (view.resumed) await consumer.resume();
    }
    let preferredLayers: ConsumerLayers | null = null;
    if (!hidden && view.scales.length > 1) {
      preferredLayers = layersForTile(tile, view.source, view.scales, view.temporalLayers);
      const key = `${preferredLayers.spatialLayer}/${preferredLayers.temporalLayer}`;
      if (key !== view.layers) {
        await consumer.setPreferredLayers(preferredLayers);
        view.layers = key;
      }
    }
    return { paused: consumer.paused, preferredLayers };
  }
}
