/**
 * The packet loss a transport reports in getStats (rtpPacketLossReceived), as mediasoup
 * computes it: each transport-cc feedback packet gives one sample, the fraction of the
 * sequence numbers it covers that are reported not received; the value is the average of
 * the last 24 samples weighted 1 (oldest) to n (newest). 0 before any sample.
 */
const HISTORY_LENGTH = 24;

export class PacketLossHistory {
  readonly #samples = new Float64Array(HISTORY_LENGTH);
  /** Index of the oldest sample; `#count` samples follow it (ring). */
  #start = 0;
  #count = 0;
  /** The weighted average of the samples held. */
  value = 0;

  /** One feedback packet: `lost` of its `expected` sequence numbers were not received. */
  add(lost: number, expected: number): void {
    if (expected <= 0) return;
    if (this.#count === HISTORY_LENGTH) {
      this.#samples[this.#start] = lost / expected;
      this.#start = (this.#start + 1) % HISTORY_LENGTH;
    } else {
      this.#samples[(this.#start + this.#count++) % HISTORY_LENGTH] = lost / expected;
    }
    let total = 0;
    let weights = 0;
    for (let i = 0; i < this.#count; i++) {
      total += (i + 1) * this.#samples[(this.#start + i) % HISTORY_LENGTH];
      weights += i + 1;
    }
    this.value = total / weights;
  }
}
