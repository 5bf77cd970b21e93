/**
 * Turns one transport-cc feedback packet into per-packet results (send time, arrival time,
 * size, probe cluster) against the send history, as libwebrtc's transport feedback adapter
 * does (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): the 24-bit reference time
 * (64 ms units) is unwrapped against the previous feedback's, receive deltas (250 µs, negative
 * when the network reordered) accumulate from it, and each sequence number is reported once
 * (a duplicate or reordered feedback packet adds nothing new). Results land in preallocated
 * arrays, sorted by arrival time; the work is O(packets in the feedback).
 */
import {
  TRANSPORT_CC_DELTA_US,
  TRANSPORT_CC_REFERENCE_US,
  createTransportCcPackets,
  type TransportCcFeedback,
  type TransportCcPackets,
} from '../../protocols/rtcp/index.js';
import { SlotState, type SendHistory } from './SendHistory.js';

/** The reference time wraps after 2^24 × 64 ms (about 12.4 days). */
const REFERENCE_WRAP = 1 << 24;
/**
 * Packets one feedback may report that are used: Chrome reports ~100 ms (a few hundred
 * packets at most); a hostile packet describing 65535 costs no more than this.
 */
export const MAX_FEEDBACK_PACKETS = 1024;

export class FeedbackAdapter {
  readonly #history: SendHistory;
  readonly #capacity: number;
  /** Results of the last `adapt`, `count` of them, sorted by arrival time. */
  readonly sendMs: Float64Array;
  readonly arrivalMs: Float64Array;
  readonly size: Uint16Array;
  readonly probe: Int16Array;
  readonly #order: Uint16Array;
  readonly #tmpSend: Float64Array;
  readonly #tmpArrival: Float64Array;
  readonly #tmpSize: Uint16Array;
  readonly #tmpProbe: Int16Array;
  /** Where feedback given as an object (tests, recorded sequences) is copied first. */
  #fromObject: TransportCcPackets | undefined;
  count = 0;
  /** Of the packets the last feedback newly reported: lost ones, and all (lost + received). */
  lost = 0;
  reported = 0;
  /** Received bytes newly acknowledged by the last feedback. */
  ackedBytes = 0;
  #started = false;
  #lastReference = 0;
  /** The unwrapped reference time of the last feedback, in ms of the receiver's clock. */
  #referenceMs = 0;
  /** Totals for stats and tests. */
  readonly totals = { feedbacks: 0, unknown: 0, duplicates: 0, lost: 0, received: 0 };

  /** `capacity`: the most packets one feedback contributes (the parser's bound too). */
  constructor(history: SendHistory, capacity = MAX_FEEDBACK_PACKETS) {
    this.#history = history;
    this.#capacity = capacity;
    this.sendMs = new Float64Array(capacity);
    this.arrivalMs = new Float64Array(capacity);
    this.size = new Uint16Array(capacity);
    this.probe = new Int16Array(capacity);
    this.#order = new Uint16Array(capacity);
    this.#tmpSend = new Float64Array(capacity);
    this.#tmpArrival = new Float64Array(capacity);
    this.#tmpSize = new Uint16Array(capacity);
    this.#tmpProbe = new Int16Array(capacity);
  }

  /** Processes one feedback packet received at `nowMs`; fills the result arrays. */
  adapt(feedback: TransportCcFeedback | TransportCcPackets, nowMs: number): void {
    const packets = 'deltas' in feedback ? this.#copy(feedback) : feedback;
    const history = this.#history;
    this.totals.feedbacks++;
    this.count = 0;
    this.lost = 0;
    this.reported = 0;
    this.ackedBytes = 0;
    const reference = packets.referenceTime & 0xffffff;
    if (!this.#started) {
      this.#started = true;
      this.#referenceMs = (reference * TRANSPORT_CC_REFERENCE_US) / 1000;
    } else {
      // Signed 24-bit difference: a wrap or an older (reordered) feedback both unwrap right.
      let diff = (reference - this.#lastReference) & 0xffffff;
      if (diff >= REFERENCE_WRAP / 2) diff -= REFERENCE_WRAP;
      this.#referenceMs += (diff * TRANSPORT_CC_REFERENCE_US) / 1000;
    }
    this.#lastReference = reference;
    let arrivalMs = this.#referenceMs;
    const { status, delta: deltas, count } = packets;
    const base = packets.baseSequenceNumber;
    let n = 0;
    let sorted = true;
    for (let i = 0; i < count; i++) {
      const received = status[i] !== 0;
      if (received) arrivalMs += (deltas[i] * TRANSPORT_CC_DELTA_US) / 1000;
      const slot = history.find(base + i, nowMs);
      if (slot < 0) {
        this.totals.unknown++;
        continue;
      }
      const state = history.state(slot);
      if (!received) {
        // Reported lost; a later feedback may still report it received (it arrived late).
        if (state === SlotState.Pending) {
          history.setState(slot, SlotState.Lost);
          this.lost++;
          this.reported++;
          this.totals.lost++;
        }
        continue;
      }
      if (state === SlotState.Received) {
        this.totals.duplicates++;
        continue;
      }
      if (state === SlotState.Pending) this.reported++;
      else {
        // Was reported lost before: it is not lost after all.
        this.totals.lost--;
      }
      history.setState(slot, SlotState.Received);
      this.totals.received++;
      if (n === this.#capacity) continue;
      const size = history.size(slot);
      this.ackedBytes += size;
      this.#tmpSend[n] = history.sendMs(slot);
      this.#tmpArrival[n] = arrivalMs;
      this.#tmpSize[n] = size;
      this.#tmpProbe[n] = history.probeCluster(slot);
      if (n > 0 && arrivalMs < this.#tmpArrival[n - 1]) sorted = false;
      this.#order[n] = n;
      n++;
    }
    this.count = n;
    if (!sorted) this.#sortByArrival(n);
    const order = this.#order;
    for (let k = 0; k < n; k++) {
      const j = order[k];
      this.sendMs[k] = this.#tmpSend[j];
      this.arrivalMs[k] = this.#tmpArrival[j];
      this.size[k] = this.#tmpSize[j];
      this.probe[k] = this.#tmpProbe[j];
    }
  }

  /** Feedback as an object, copied into preallocated arrays (up to the capacity). */
  #copy(feedback: TransportCcFeedback): TransportCcPackets {
    const out = (this.#fromObject ??= createTransportCcPackets(this.#capacity));
    const { deltas } = feedback;
    const count = Math.min(deltas.length, this.#capacity);
    for (let i = 0; i < count; i++) {
      const delta = deltas[i];
      out.status[i] = delta === null ? 0 : delta >= 0 && delta <= 0xff ? 1 : 2;
      out.delta[i] = delta ?? 0;
    }
    out.baseSequenceNumber = feedback.baseSequenceNumber;
    out.referenceTime = feedback.referenceTime;
    out.statusCount = deltas.length;
    out.count = count;
    return out;
  }

  /** Insertion sort of the indices by arrival (feedback is nearly sorted: close to O(n)). */
  #sortByArrival(n: number): void {
    const order = this.#order;
    const arrival = this.#tmpArrival;
    for (let i = 1; i < n; i++) {
      const v = order[i];
      const t = arrival[v];
      let j = i - 1;
      while (j >= 0 && arrival[order[j]] > t) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = v;
    }
  }
}
