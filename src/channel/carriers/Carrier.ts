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
   * Starts delivering incoming frames. `onFrame` gets a view that is only
   * valid during the call. `onBatchEnd` runs after each drain.
   */
  start(onFrame: (frame: Uint8Array) => void): void;
  /** Stops reading and writing; idempotent. */
  close(): void;
  /** Incoming frames over the size limit the carrier dropped unread (where it checks). */
  readonly droppedFrames?: number;
}
