/**
 * The simple consumer: one producer stream to one endpoint, every packet of
 * it (after the base's key frame sync), as mediasoup's SimpleConsumer. It has
 * no layers to give up, but takes part in bitrate allocation honestly: a
 * video consumer claims its stream's bitrate once per round.
 */
import type { RtpStreamRecv } from '../rtpStream/index.js';
import {
  Consumer,
  type ConsumerOptions,
  type ConsumerOutput,
  type ConsumerType,
} from './Consumer.js';

export interface SimpleConsumerOptions extends ConsumerOptions {
  /** The producer's receive stream, once it exists. */
  producerStream?: () => RtpStreamRecv | undefined;
}

export class SimpleConsumer extends Consumer {
  readonly #producerStream: () => RtpStreamRecv | undefined;
  /** Claimed in the allocation round in progress. */
  #claimed = false;

  constructor(options: SimpleConsumerOptions, output: ConsumerOutput) {
    super(options, output);
    this.#producerStream = options.producerStream ?? (() => undefined);
  }

  override get type(): ConsumerType {
    return 'simple';
  }

  override get bitratePriority(): number {
    return this.kind === 'video' && this.active ? this.priority : 0;
  }

  /** Once per round: the stream's bitrate, or all that is left if less. */
  override increaseLayer(bitrate: number, considerLoss: boolean, nowMs: number): number {
    void considerLoss;
    if (this.kind !== 'video' || this.#claimed) return 0;
    this.#claimed = true;
    const desired = this.#producerStream()?.bitrate(nowMs) ?? 0;
    return desired < bitrate ? desired : bitrate;
  }

  override applyLayers(): void {
    this.#claimed = false;
  }

  override desiredBitrate(nowMs: number): number {
    if (this.kind !== 'video' || !this.active) return 0;
    const desired = this.#producerStream()?.bitrate(nowMs) ?? 0;
    return Math.max(desired, this.rtpParameters.encodings?.[0]?.maxBitrate ?? 0);
  }
}
