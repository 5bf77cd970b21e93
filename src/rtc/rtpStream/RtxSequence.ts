/**
 * The RTX stream's own sequence numbers (RFC 4588 §4: the RTX SSRC numbers its packets
 * independently), checked as mediasoup's RtxStream does before an RTX packet is decoded:
 * RFC 3550 A.1's update_seq without probation (the first packet is accepted) and without
 * duplicate detection. A jump of MAX_DROPOUT or more is discarded unless the next packet
 * follows it (the sender restarted its numbering); what was discarded is getStats'
 * `rtxPacketsDiscarded`.
 */
const SEQ_MOD = 0x10000;

export class RtxSequence {
  readonly #maxDropout: number;
  readonly #maxMisorder: number;
  #started = false;
  #maxSeq = 0;
  #badSeq = SEQ_MOD + 1;
  /** RTX packets refused for their sequence number. */
  discarded = 0;

  constructor(maxDropout: number, maxMisorder: number) {
    this.#maxDropout = maxDropout;
    this.#maxMisorder = maxMisorder;
  }

  /** Whether an RTX packet with this (16-bit) sequence number is accepted. */
  accept(seq: number): boolean {
    if (!this.#started) {
      this.#started = true;
      this.#maxSeq = (seq - 1) & 0xffff;
    }
    const udelta = (seq - this.#maxSeq) & 0xffff;
    // In order with a permissible gap, or reordered within MAX_MISORDER: accepted.
    if (udelta < this.#maxDropout) {
      this.#maxSeq = seq;
      return true;
    }
    if (udelta > SEQ_MOD - this.#maxMisorder) return true;
    // A very large jump: two in sequence resync.
    if (seq === this.#badSeq) {
      this.#maxSeq = seq;
      this.#badSeq = SEQ_MOD + 1;
      return true;
    }
    this.#badSeq = (seq + 1) & 0xffff;
    this.discarded++;
    return false;
  }
}
