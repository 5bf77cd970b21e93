/**
 * Producer-side coalescing of key frame requests (PLI, RFC 4585 §6.3.1; FIR, RFC 5104
 * §4.3.1) from its consumers, per producer stream SSRC, with mediasoup's
 * KeyFrameRequestManager semantics:
 *
 * - A request with none pending asks the sender at once (`onKeyFrameNeeded`) and waits up to
 *   1 s for the key frame.
 * - Requests while waiting are coalesced: if the wait ends without a key frame, one retry is
 *   sent then (and the wait restarts, without a further retry unless asked again).
 * - A key frame arriving ends the wait; the next request goes out at once.
 * - `keyFrameRequestDelay` > 0 (mediasoup's Producer option) additionally spaces requests: a
 *   request goes out at once, and any asked for within the next `keyFrameRequestDelay` ms is
 *   held and sent (once) when that time is up.
 *
 * No timers: call `tick(nowMs)` periodically (every ≤ 100 ms is plenty); callbacks fire from
 * the calls that cause them.
 */

export interface KeyFrameRequestManagerOptions {
  /** Ask the sender of this SSRC for a key frame now (RtpStreamRecv.requestKeyFrame). */
  onKeyFrameNeeded: (ssrc: number) => void;
  /** Minimum spacing of forwarded requests in ms (default 0: only the 1 s wait applies). */
  keyFrameRequestDelay?: number;
  /** How long to wait for a requested key frame before retrying (default 1000 ms). */
  retransmissionWaitMs?: number;
}

interface Pending {
  /** The wait for the key frame ends at this time. */
  deadlineMs: number;
  /** Ask again when the wait ends without a key frame. */
  retry: boolean;
}

interface Delayer {
  untilMs: number;
  requested: boolean;
}

export const KEY_FRAME_WAIT_MS = 1000;

export class KeyFrameRequestManager {
  readonly #onKeyFrameNeeded: (ssrc: number) => void;
  readonly #delay: number;
  readonly #waitMs: number;
  readonly #pending = new Map<number, Pending>();
  readonly #delayers = new Map<number, Delayer>();

  constructor(options: KeyFrameRequestManagerOptions) {
    this.#onKeyFrameNeeded = options.onKeyFrameNeeded;
    this.#delay = Math.max(0, options.keyFrameRequestDelay ?? 0);
    this.#waitMs = options.retransmissionWaitMs ?? KEY_FRAME_WAIT_MS;
  }

  /** A consumer wants a key frame from the producer stream `ssrc`. */
  keyFrameNeeded(ssrc: number, nowMs: number): void {
    if (this.#delay > 0) {
      const d = this.#delayers.get(ssrc);
      if (d !== undefined) {
        d.requested = true; // sent when the delay is up
        return;
      }
      this.#delayers.set(ssrc, { untilMs: nowMs + this.#delay, requested: false });
    }
    const p = this.#pending.get(ssrc);
    if (p !== undefined) {
      p.retry = true;
      return;
    }
    // mediasoup starts a wait with one retry armed: best effort in case the PLI/FIR is lost.
    this.#pending.set(ssrc, { deadlineMs: nowMs + this.#waitMs, retry: true });
    this.#onKeyFrameNeeded(ssrc);
  }

  /**
   * Asks now whatever is pending or delayed (e.g. a consumer resumed and must not wait),
   * restarting the wait.
   */
  forceKeyFrameNeeded(ssrc: number, nowMs: number): void {
    if (this.#delay > 0) {
      this.#delayers.set(ssrc, { untilMs: nowMs + this.#delay, requested: false });
    }
    const p = this.#pending.get(ssrc);
    if (p !== undefined) {
      p.deadlineMs = nowMs + this.#waitMs;
      p.retry = true;
    } else {
      this.#pending.set(ssrc, { deadlineMs: nowMs + this.#waitMs, retry: true });
    }
    this.#onKeyFrameNeeded(ssrc);
  }

  /** A key frame arrived on `ssrc`: the wait is over, nothing more to send for it. */
  keyFrameReceived(ssrc: number): void {
    this.#pending.delete(ssrc);
  }

  /** True while a request for `ssrc` awaits its key frame. */
  isPending(ssrc: number): boolean {
    return this.#pending.has(ssrc);
  }

  /** Fires due retries and delayed requests. */
  tick(nowMs: number): void {
    for (const [ssrc, p] of this.#pending) {
      if (nowMs < p.deadlineMs) continue;
      if (!p.retry) {
        this.#pending.delete(ssrc);
        continue;
      }
      p.retry = false;
      p.deadlineMs = nowMs + this.#waitMs;
      this.#onKeyFrameNeeded(ssrc);
    }
    for (const [ssrc, d] of this.#delayers) {
      if (nowMs < d.untilMs) continue;
      this.#delayers.delete(ssrc);
      if (d.requested) this.keyFrameNeeded(ssrc, nowMs);
    }
  }

  /** Forgets one SSRC (stream closed) or, without an argument, all of them. */
  clear(ssrc?: number): void {
    if (ssrc === undefined) {
      this.#pending.clear();
      this.#delayers.clear();
    } else {
      this.#pending.delete(ssrc);
      this.#delayers.delete(ssrc);
    }
  }
}
