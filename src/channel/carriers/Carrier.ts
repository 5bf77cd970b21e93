import type { PollFigures } from './ResponsePoll.js';

/**
 * How bytes move between the two ends of a channel. A carrier delivers whole
 * frames in order. Following the seed's design, a carrier's reader is woken
 * (the role of `uv_async_send`), then drains every frame that is waiting with
 * reads that never block; wake-ups coalesce.
 */
export interface Carrier {
  /** Queues one frame for the other end; never blocks. */
  send(frame: Uint8Array): void;
  /**
   * Queues one frame made of `head` then `payload` (codec.encodeHead), both
   * copied before it returns, so the caller may reuse its payload buffer at
   * once. Each carrier writes the payload once into its medium where it can,
   * without first joining the two parts.
   */
  sendWithPayload(head: Uint8Array, payload: Uint8Array): void;
  /**
   * True when a delivered frame stays valid after `onFrame` returns (its
   * bytes are never reused): then a decoded payload may be kept as is.
   */
  readonly framesOutliveDelivery: boolean;
  /**
   * Starts delivering incoming frames. `onFrame` gets a view that is only
   * valid during the call. `onBatchEnd` runs after each drain.
   */
  start(onFrame: (frame: Uint8Array) => void): void;
  /**
   * A request just went out and its response is due soon: a carrier may poll for it briefly
   * instead of sleeping (SharedRingReader.awaitBriefly). Optional.
   */
  expectResponse?(): void;
  /** What those polls did (count, hits, time held), where the carrier has them. */
  readonly responsePolls?: PollFigures;
  /** Stops reading and writing; idempotent. */
  close(): void;
  /** Incoming frames over the size limit the carrier dropped unread (where it checks). */
  readonly droppedFrames?: number;
}
