/**
 * Distributes a transport's available bitrate over its consumers (mediasoup's
 * Transport::DistributeAvailableOutgoingBitrate semantics): consumers with a bitrate priority
 * (0 = not allocated: audio, paused) in descending priority; round by round each may raise
 * its layers by one step (`increaseLayer`) — once each in the first round, so every consumer
 * gets a base layer before anyone gets a second, then up to `priority` steps per round —
 * while bitrate remains and someone took some; then every one applies its layers. Loss is
 * considered only for REMB (transport-cc's estimate already accounts for it), as mediasoup.
 */

/** The consumer side of the allocation API (src/rtc/rtp/Consumer.ts). */
export interface AllocatableConsumer {
  readonly bitratePriority: number;
  increaseLayer(bitrate: number, considerLoss: boolean, nowMs: number): number;
  applyLayers(): void;
}

/** Bounds the rounds: a consumer has a few dozen layer steps at most. */
const MAX_ROUNDS = 256;

export class BitrateAllocator {
  /** Reused between runs (allocation runs about once a second). */
  readonly #order: AllocatableConsumer[] = [];
  /** Rounds, and bitrate left over, of the last run (stats, tests). */
  lastRounds = 0;
  lastLeftover = 0;

  /** Allocates `available` bits/s; returns what was left unused. */
  distribute(
    consumers: Iterable<AllocatableConsumer>,
    available: number,
    considerLoss: boolean,
    nowMs: number,
  ): number {
    const order = this.#order;
    order.length = 0;
    for (const consumer of consumers) if (consumer.bitratePriority > 0) order.push(consumer);
    if (order.length === 0) return available;
    // Stable: consumers of one priority keep their creation order, as a multimap's do.
    order.sort((a, b) => b.bitratePriority - a.bitratePriority);
    let left = Math.max(0, Math.floor(available));
    let base = true;
    let rounds = 0;
    while (left > 0 && rounds < MAX_ROUNDS) {
      rounds++;
      const before = left;
      for (const consumer of order) {
        const steps = base ? 1 : consumer.bitratePriority;
        for (let i = 0; i < steps; i++) {
          const used = consumer.increaseLayer(left, considerLoss, nowMs);
          if (used <= 0) break;
          // A consumer may not take more than it was offered.
          left -= Math.min(used, left);
        }
      }
      if (left === before) break;
      base = false;
    }
    for (const consumer of order) consumer.applyLayers();
    this.lastRounds = rounds;
    this.lastLeftover = left;
    order.length = 0;
    return left;
  }
}
