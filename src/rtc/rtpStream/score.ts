/**
 * Stream quality scores 0–10 as mediasoup computes them: one sample per report interval from
 * the delivered ratio (lost packets minus a weighted share of repaired ones), smoothed by a
 * weighted average over the last 24 samples in which newer samples weigh more.
 */

const HISTORY = 24;

/**
 * One score sample for an interval in which `count` packets were sent (or received),
 * `lost` were lost, and `repaired` of the `retransmitted` resent packets filled a loss.
 * `count === 0` (nothing expected) scores 10. As mediasoup: the weighted repairs are taken
 * off the losses in whole packets (its counter is an integer) and the ratio is a float.
 */
export function intervalScore(
  count: number,
  lost: number,
  repaired: number,
  retransmitted: number,
): number {
  if (count <= 0) return 10;
  if (lost < 0) lost = 0;
  if (lost > count) lost = count;
  if (repaired > lost) repaired = lost;
  // Repairs count less the more of them there are, and less when most resends were useless.
  let repairedWeight = Math.pow(1 / (repaired / count + 1), 4);
  if (retransmitted > 0) repairedWeight *= Math.min(1, repaired / retransmitted);
  const effectiveLost = Math.trunc(lost - repaired * repairedWeight);
  const delivered = Math.fround((count - effectiveLost) / count);
  return Math.round(Math.pow(delivered, 4) * 10);
}

/** The smoothed score: weights 1, 2, … n from the oldest to the newest of the last 24. */
export class ScoreHistory {
  readonly #samples = new Uint8Array(HISTORY);
  #start = 0;
  #count = 0;
  #score: number;

  constructor(initial = 0) {
    this.#score = initial;
  }

  get score(): number {
    return this.#score;
  }

  /** Adds a sample and returns the new smoothed score. */
  add(sample: number): number {
    const s = Math.max(0, Math.min(10, Math.round(sample)));
    if (this.#count < HISTORY) {
      this.#samples[(this.#start + this.#count) % HISTORY] = s;
      this.#count++;
    } else {
      this.#samples[this.#start] = s;
      this.#start = (this.#start + 1) % HISTORY;
    }
    let weights = 0;
    let total = 0;
    for (let i = 0; i < this.#count; i++) {
      const w = i + 1;
      weights += w;
      total += w * this.#samples[(this.#start + i) % HISTORY];
    }
    this.#score = Math.round(total / weights);
    return this.#score;
  }

  /** Forgets the history and sets the score (mediasoup's ResetScore). */
  reset(score: number): void {
    this.#start = 0;
    this.#count = 0;
    this.#score = score;
  }
}
