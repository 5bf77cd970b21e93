/**
 * What the transport sent, by transport-wide sequence number: send time, size and whether the
 * packet was a probe, so transport-cc feedback (which names packets only by that number) can
 * be matched to send times (libwebrtc's send-time history, draft-holmer-rmcat-transport-wide-cc
 * -extensions-01 §1). A ring of typed arrays indexed by the 16-bit number: recording a packet
 * allocates nothing; a slot is trusted only while it still holds that number and is younger
 * than `maxAgeMs`.
 */

/** Feedback state of a slot: not yet reported, reported received, reported lost. */
export enum SlotState {
  Pending = 0,
  Received = 1,
  Lost = 2,
}

export class SendHistory {
  readonly #mask: number;
  readonly #seq: Int32Array;
  readonly #sendMs: Float64Array;
  readonly #size: Uint16Array;
  readonly #probe: Int16Array;
  readonly #state: Uint8Array;
  readonly #maxAgeMs: number;
  /** Packets recorded (all time). */
  recorded = 0;

  /** `capacity`: a power of two ≤ 65536 (default 4096: seconds of video at a few Mbit/s). */
  constructor(capacity = 4096, maxAgeMs = 10_000) {
    if (capacity < 16 || capacity > 0x10000 || (capacity & (capacity - 1)) !== 0) {
      throw new TypeError('capacity must be a power of two in 16..65536');
    }
    this.#mask = capacity - 1;
    this.#seq = new Int32Array(capacity).fill(-1);
    this.#sendMs = new Float64Array(capacity);
    this.#size = new Uint16Array(capacity);
    this.#probe = new Int16Array(capacity);
    this.#state = new Uint8Array(capacity);
    this.#maxAgeMs = maxAgeMs;
  }

  /** One packet sent now; `probeCluster` ≥ 0 for a probation packet of that cluster, else −1. */
  record(seq: number, sendMs: number, size: number, probeCluster = -1): void {
    const s = seq & 0xffff;
    const i = s & this.#mask;
    this.#seq[i] = s;
    this.#sendMs[i] = sendMs;
    this.#size[i] = size > 0xffff ? 0xffff : size;
    this.#probe[i] = probeCluster;
    this.#state[i] = SlotState.Pending;
    this.recorded++;
  }

  /** The slot holding `seq` if it is still known (sent less than maxAgeMs ago), else −1. */
  find(seq: number, nowMs: number): number {
    const s = seq & 0xffff;
    const i = s & this.#mask;
    if (this.#seq[i] !== s || nowMs - this.#sendMs[i] > this.#maxAgeMs) return -1;
    return i;
  }

  sendMs(slot: number): number {
    return this.#sendMs[slot];
  }

  size(slot: number): number {
    return this.#size[slot];
  }

  probeCluster(slot: number): number {
    return this.#probe[slot];
  }

  state(slot: number): SlotState {
    return this.#state[slot];
  }

  setState(slot: number, state: SlotState): void {
    this.#state[slot] = state;
  }
}
