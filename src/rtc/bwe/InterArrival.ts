/**
 * Groups packets into bursts and yields the delay variation between consecutive groups
 * (draft-ietf-rmcat-gcc-02 §5.2): packets sent within 5 ms of a group's first packet belong
 * to it, and so does a packet that arrived within 5 ms of the previous one with a negative
 * propagation delta (it queued behind it: a burst), up to 100 ms. For each completed group:
 * its send-time and arrival-time deltas to the previous group.
 */

const GROUP_MS = 5;
const BURST_MS = 5;
const MAX_BURST_MS = 100;
/** An arrival/send drift this large means the receiver's clock jumped: start over. */
const RESET_MS = 3000;

export class InterArrival {
  #hasCurrent = false;
  #hasPrevious = false;
  #curFirstSend = 0;
  #curLastSend = 0;
  #curFirstArrival = 0;
  #curLastArrival = 0;
  #prevLastSend = 0;
  #prevLastArrival = 0;
  /** Output of the last `add` that returned true. */
  sendDeltaMs = 0;
  arrivalDeltaMs = 0;
  /** Packets older than the current group (reordered across feedback): ignored. */
  outOfOrder = 0;

  reset(): void {
    this.#hasCurrent = false;
    this.#hasPrevious = false;
  }

  /** Adds one packet (in arrival order); true when a group completed and the deltas are set. */
  add(sendMs: number, arrivalMs: number): boolean {
    if (!this.#hasCurrent) {
      this.#start(sendMs, arrivalMs);
      return false;
    }
    if (sendMs < this.#curFirstSend) {
      this.outOfOrder++;
      return false;
    }
    if (this.#belongs(sendMs, arrivalMs)) {
      if (sendMs > this.#curLastSend) this.#curLastSend = sendMs;
      if (arrivalMs > this.#curLastArrival) this.#curLastArrival = arrivalMs;
      return false;
    }
    let ready = false;
    if (this.#hasPrevious) {
      const sendDelta = this.#curLastSend - this.#prevLastSend;
      const arrivalDelta = this.#curLastArrival - this.#prevLastArrival;
      if (arrivalDelta - sendDelta > RESET_MS || arrivalDelta < 0) {
        // A clock jump or a reordered group: forget the history rather than misread it.
        this.reset();
        this.#start(sendMs, arrivalMs);
        return false;
      }
      this.sendDeltaMs = sendDelta;
      this.arrivalDeltaMs = arrivalDelta;
      ready = true;
    }
    this.#prevLastSend = this.#curLastSend;
    this.#prevLastArrival = this.#curLastArrival;
    this.#hasPrevious = true;
    this.#start(sendMs, arrivalMs);
    return ready;
  }

  #start(sendMs: number, arrivalMs: number): void {
    this.#hasCurrent = true;
    this.#curFirstSend = sendMs;
    this.#curLastSend = sendMs;
    this.#curFirstArrival = arrivalMs;
    this.#curLastArrival = arrivalMs;
  }

  #belongs(sendMs: number, arrivalMs: number): boolean {
    if (sendMs - this.#curFirstSend <= GROUP_MS) return true;
    const arrivalDelta = arrivalMs - this.#curLastArrival;
    const propagationDelta = arrivalDelta - (sendMs - this.#curLastSend);
    return (
      propagationDelta < 0 &&
      arrivalDelta <= BURST_MS &&
      arrivalMs - this.#curFirstArrival < MAX_BURST_MS
    );
  }
}
