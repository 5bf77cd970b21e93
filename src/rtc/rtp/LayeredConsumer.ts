/**
 * What the consumers of layered video (SimulcastConsumer, SvcConsumer) share: the preferred,
 * target and current spatial / temporal layers, the dump fields and `layerschange` reports,
 * and the allocator side (mediasoup's IncreaseLayer step search over the provisional layers
 * of an allocation round, and ApplyLayers with its BWE-downgrade rule).
 *
 * Each kind says how a layer is priced, how a target is chosen without the allocator, what a
 * new target needs (key frames) and how the current layers follow the packets.
 */
import {
  Consumer,
  type ConsumerLayers,
  type ConsumerOptions,
  type ConsumerOutput,
} from './Consumer.js';
import { lossAdjusted } from './allocation.js';

/** mediasoup's allocation timings (ms). */
const BWE_DOWNGRADE_CONSERVATIVE_MS = 10_000;
const BWE_DOWNGRADE_MIN_ACTIVE_MS = 8000;

export interface LayeredConsumerOptions extends ConsumerOptions {
  preferredLayers?: { spatialLayer?: number; temporalLayer?: number };
}

export abstract class LayeredConsumer extends Consumer {
  readonly spatialLayers: number;
  readonly temporalLayers: number;
  /** Written by setPreferredLayers only. */
  protected preferredSpatial: number;
  protected preferredTemporal: number;
  /** What the consumer moves to (-1: nothing); written by the kind's `setTarget`. */
  protected targetSpatial = -1;
  protected targetTemporal = -1;
  /** What is forwarded (-1: nothing); the spatial layer through `setCurrentSpatial`. */
  protected currentSpatial = -1;
  protected currentTemporal = -1;
  /** The allocator's layers of the round in progress (-1: none yet). */
  #provisionalSpatial = -1;
  #provisionalTemporal = -1;
  /** When the allocator last lowered the spatial layer (-Infinity: never). */
  #lastBweDowngradeMs = -Infinity;
  /** When forwarding last started (current layer from none), for the downgrade rule. */
  #forwardingSinceMs = 0;

  /** The kind applies `options.preferredLayers` once its own fields are set. */
  constructor(
    options: LayeredConsumerOptions,
    output: ConsumerOutput,
    spatialLayers: number,
    temporalLayers: number,
  ) {
    super(options, output);
    this.spatialLayers = spatialLayers;
    this.temporalLayers = temporalLayers;
    this.preferredSpatial = spatialLayers - 1;
    this.preferredTemporal = temporalLayers - 1;
  }

  override get preferredLayers(): ConsumerLayers {
    return { spatialLayer: this.preferredSpatial, temporalLayer: this.preferredTemporal };
  }

  get currentLayers(): ConsumerLayers | undefined {
    if (this.currentSpatial < 0) return undefined;
    return {
      spatialLayer: this.currentSpatial,
      temporalLayer: Math.max(0, this.currentTemporal),
    };
  }

  get targetLayers(): ConsumerLayers {
    return { spatialLayer: this.targetSpatial, temporalLayer: this.targetTemporal };
  }

  get targetSpatialLayer(): number {
    return this.targetSpatial;
  }

  get targetTemporalLayer(): number {
    return this.targetTemporal;
  }

  override dumpFields(): Record<string, unknown> {
    return {
      preferredSpatialLayer: this.preferredSpatial,
      targetSpatialLayer: this.targetSpatial,
      currentSpatialLayer: this.currentSpatial,
      preferredTemporalLayer: this.preferredTemporal,
      targetTemporalLayer: this.targetTemporal,
      currentTemporalLayer: this.currentTemporal,
    };
  }

  /** Clamps to what the producer has; returns the preferred layers now in force. */
  override setPreferredLayers(layers: {
    spatialLayer?: number;
    temporalLayer?: number;
  }): ConsumerLayers {
    const clamp = (value: number | undefined, max: number): number =>
      value === undefined || !Number.isFinite(value) ? max : Math.min(max, Math.max(0, value));
    this.preferredSpatial = clamp(layers.spatialLayer, this.spatialLayers - 1);
    this.preferredTemporal = clamp(layers.temporalLayer, this.temporalLayers - 1);
    this.updateTarget(performance.now());
    return this.preferredLayers;
  }

  override tick(nowMs: number): void {
    this.updateTarget(nowMs);
  }

  override pause(): void {
    super.pause();
    this.forwardNone();
  }

  override setProducerPaused(paused: boolean): void {
    super.setProducerPaused(paused);
    if (paused) this.forwardNone();
  }

  protected override requireSync(): void {
    this.forwardNone();
    super.requireSync();
  }

  /** Without the allocator: the target the preferred layers and the producer allow. */
  protected abstract updateTarget(nowMs: number): void;

  /** Makes these the target layers (spatial -1: none), asking for the key frames needed. */
  protected abstract setTarget(spatial: number, temporal: number): void;

  /** Forwards no layer any more (and reports it). */
  protected abstract forwardNone(): void;

  /** The current spatial layer; notes when forwarding starts, for the downgrade rule. */
  protected setCurrentSpatial(spatial: number): void {
    if (this.currentSpatial < 0 && spatial >= 0) this.#forwardingSinceMs = performance.now();
    this.currentSpatial = spatial;
  }

  /** `currentLayers` as the event's data (none when no layer is forwarded). */
  protected notifyLayers(): void {
    this.output.notifyConsumer(this, 'layerschange', this.currentLayers);
  }

  // ---- Bandwidth allocation (mediasoup's IncreaseLayer / ApplyLayers) ----

  /** What a layer takes on its own (0: it cannot be forwarded now). */
  protected abstract layerBitrate(spatial: number, temporal: number, nowMs: number): number;

  /**
   * What the provisional layers take that stepping up to a higher spatial layer frees (0:
   * the higher layer adds to them).
   */
  protected abstract provisionalBitrate(spatial: number, temporal: number, nowMs: number): number;

  /** Whether the search may stop at `spatial` now; if not, it goes on to the next one. */
  protected spatialLayerSettled(spatial: number, provisional: number, nowMs: number): boolean {
    void spatial;
    void provisional;
    void nowMs;
    return true;
  }

  /**
   * Next step up from the provisional layers: temporal layers of the provisional spatial
   * layer first, then temporal layer 0 of the next spatial layer that has a bitrate (priced
   * less what it frees of the provisional layers), never above the preferred layers.
   */
  override increaseLayer(bitrate: number, considerLoss: boolean, nowMs: number): number {
    const provisionalSpatial = this.#provisionalSpatial;
    const provisionalTemporal = this.#provisionalTemporal;
    if (
      provisionalSpatial === this.preferredSpatial &&
      provisionalTemporal === this.preferredTemporal
    ) {
      return 0;
    }
    const virtualBitrate = considerLoss
      ? lossAdjusted(bitrate, this.stream.lossPercentage)
      : bitrate;
    let required = 0;
    let spatial = Math.max(0, provisionalSpatial);
    let temporal = 0;
    search: for (; spatial < this.spatialLayers; spatial++) {
      // Soon after a downgrade for lack of bitrate, do not go above the current layer again.
      if (
        nowMs - this.#lastBweDowngradeMs < BWE_DOWNGRADE_CONSERVATIVE_MS &&
        provisionalSpatial > -1 &&
        spatial > this.currentSpatial
      ) {
        break;
      }
      if (!this.spatialLayerSettled(spatial, provisionalSpatial, nowMs)) continue;
      for (temporal = 0; temporal < this.temporalLayers; temporal++) {
        if (spatial === provisionalSpatial && temporal <= provisionalTemporal) continue;
        if (spatial === this.preferredSpatial && temporal > this.preferredTemporal) break;
        required = this.layerBitrate(spatial, temporal, nowMs);
        if (required && temporal === 0 && provisionalSpatial >= 0 && spatial > provisionalSpatial) {
          const taken = this.provisionalBitrate(provisionalSpatial, provisionalTemporal, nowMs);
          required = required > taken ? required - taken : 1;
        }
        if (required) break search;
        break;
      }
      if (spatial >= this.preferredSpatial) break;
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
    if (spatial === this.targetSpatial && temporal === this.targetTemporal) return;
    this.setTarget(spatial, temporal);
    const nowMs = performance.now();
    if (
      this.currentSpatial >= 0 &&
      nowMs - this.#forwardingSinceMs > BWE_DOWNGRADE_MIN_ACTIVE_MS &&
      spatial < this.currentSpatial &&
      this.currentSpatial <= this.preferredSpatial
    ) {
      this.#lastBweDowngradeMs = nowMs;
    }
  }
}
