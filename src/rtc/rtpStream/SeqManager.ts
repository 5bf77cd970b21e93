/**
 * Maps a source's RTP sequence numbers (RFC 3550 §5.1, 16 bits) onto a consumer's outgoing
 * sequence, which must stay continuous across pauses, source restarts and dropped packets
 * (mediasoup's SeqManager):
 *
 * - `sync(input)` re-anchors: the next input after `input` maps to the last output + 1 (call
 *   it with first-new-packet − 1 after a resume or a source switch).
 * - `drop(input)` removes a packet from the output sequence (e.g. padding-only), so later
 *   packets close the gap. Out-of-order packets around a drop still map correctly.
 */

import { isSeqNewer, seqDiff } from '../../protocols/rtp/sequence.js';

/** Dropped inputs further behind the newest than this are forgotten. */
const DROP_MEMORY = 1000;
/** How long after a sync inputs older than the sync point are recognised as stragglers. */
const STRAGGLER_WINDOW = 0x4000;

export class SeqManager {
  /** output = input + base + (dropped inputs newer than input), mod 2^16. */
  #base = 0;
  #started = false;
  #maxInput = 0;
  #maxOutput = 0;
  /** Dropped inputs, oldest first, all newer than `#maxInput − DROP_MEMORY`. */
  readonly #dropped: number[] = [];
  readonly #initialOutput: number | undefined;
  /** The input given to the last sync(): older inputs belong to before it. */
  #syncInput = 0;
  #checkStragglers = false;

  /** Without `initialOutput` the first input maps to itself. */
  constructor(initialOutput?: number) {
    this.#initialOutput = initialOutput === undefined ? undefined : initialOutput & 0xffff;
  }

  get started(): boolean {
    return this.#started;
  }
  /** Highest output sequence number produced, meaningful once started. */
  get maxOutput(): number {
    return this.#maxOutput;
  }
  get maxInput(): number {
    return this.#maxInput;
  }

  /** The next input after `input` continues the output at maxOutput + 1. */
  sync(input: number): void {
    input &= 0xffff;
    if (!this.#started) {
      // Nothing sent yet: the next input maps to initialOutput, or to itself.
      this.#maxOutput =
        this.#initialOutput === undefined ? input : (this.#initialOutput - 1) & 0xffff;
      this.#started = true;
    }
    this.#base = (this.#maxOutput - input) & 0xffff;
    this.#maxInput = input;
    this.#syncInput = input;
    this.#checkStragglers = true;
    this.#dropped.length = 0;
  }

  /** Takes `input` out of the output sequence. Only newer-than-newest inputs can be dropped. */
  drop(input: number): void {
    input &= 0xffff;
    if (!this.#started) return;
    if (!isSeqNewer(input, this.#maxInput)) return;
    this.#maxInput = input;
    this.#base = (this.#base - 1) & 0xffff;
    this.#dropped.push(input);
    this.#forgetOldDrops();
  }

  /**
   * Output sequence number for `input`, or -1 if it was dropped or is a straggler from before
   * the last sync (its number would collide with one already sent).
   */
  input(input: number): number {
    input &= 0xffff;
    if (!this.#started) this.sync((input - 1) & 0xffff);
    if (this.#checkStragglers) {
      const ahead = seqDiff(this.#maxInput, this.#syncInput);
      if (ahead < 0 || ahead >= STRAGGLER_WINDOW) this.#checkStragglers = false;
      else if (seqDiff(input, this.#syncInput) <= 0) return -1;
    }
    let base = this.#base;
    const dropped = this.#dropped;
    for (let i = dropped.length - 1; i >= 0; i--) {
      const d = seqDiff(dropped[i], input);
      if (d === 0) return -1;
      if (d < 0) break;
      base++; // a later drop lowered base after this input was numbered
    }
    const output = (input + base) & 0xffff;
    if (isSeqNewer(input, this.#maxInput)) {
      this.#maxInput = input;
      this.#forgetOldDrops();
    }
    if (isSeqNewer(output, this.#maxOutput)) this.#maxOutput = output;
    return output;
  }

  #forgetOldDrops(): void {
    const dropped = this.#dropped;
    let n = 0;
    while (n < dropped.length && seqDiff(this.#maxInput, dropped[n]) > DROP_MEMORY) n++;
    if (n > 0) dropped.splice(0, n);
  }
}
