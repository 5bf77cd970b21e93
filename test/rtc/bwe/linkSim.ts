/**
 * A simulated bottleneck for the estimator's tests, in simulated time (1 ms steps): a sender
 * paced at min(demand, estimate) sends 1200-byte packets through a drop-tail FIFO served at
 * `capacity` bit/s with a one-way delay; the receiver is Skein's own transport-cc feedback
 * generator, its feedback serialized and parsed back as on the wire, delivered after the
 * return delay (optionally reordered). Deterministic: a seeded PRNG drives loss and jitter.
 */
import {
  parseRtcpHeader,
  parseTransportCc,
  writeTransportCc,
  type TransportCcFeedback,
} from '../../../src/protocols/rtcp/index.js';
import { TransportCcFeedbackGenerator } from '../../../src/rtc/bwe/TransportCcFeedbackGenerator.js';
import { SendSideBwe } from '../../../src/rtc/bwe/SendSideBwe.js';

export interface LinkSimOptions {
  /** bit/s as a function of simulated time (ms). */
  capacity: (nowMs: number) => number;
  /** Loss probability as a function of time (random, on top of queue overflow). */
  loss?: (nowMs: number) => number;
  oneWayDelayMs?: number;
  /** Uniform extra delay per packet 0..jitterMs (reorders packets when > spacing). */
  jitterMs?: number;
  /** Feedback interval at the receiver (ms). */
  feedbackIntervalMs?: number;
  /** Probability that a feedback packet is delivered after the next one. */
  reorderFeedback?: number;
  queueBytes?: number;
  /** What the sender would send without limit (bit/s). */
  demand?: number;
  initialBitrate?: number;
  /** Receiver clock offset (ms): puts the 24-bit reference time wrap inside the run. */
  receiverClockOffsetMs?: number;
  /** Starting transport-wide sequence number (to cross the 16-bit wrap). */
  firstSeq?: number;
  seed?: number;
}

const PACKET = 1200;

export class LinkSim {
  readonly bwe: SendSideBwe;
  nowMs = 0;
  readonly samples: { t: number; bitrate: number }[] = [];
  #seq: number;
  #budget = 0;
  #linkCredit = 0;
  readonly #queue: { seq: number; size: number }[] = [];
  #queued = 0;
  readonly #inFlight: { at: number; seq: number }[] = [];
  readonly #feedbackInFlight: { at: number; bytes: Uint8Array }[] = [];
  readonly #receiver: TransportCcFeedbackGenerator;
  readonly #o: Required<LinkSimOptions>;
  #rand: number;
  readonly #out = new Uint8Array(1500);

  constructor(options: LinkSimOptions) {
    this.#o = {
      loss: () => 0,
      oneWayDelayMs: 20,
      jitterMs: 0,
      feedbackIntervalMs: 100,
      reorderFeedback: 0,
      queueBytes: 60_000,
      demand: 5_000_000,
      initialBitrate: 600_000,
      receiverClockOffsetMs: 1_000_000,
      firstSeq: 0,
      seed: 1,
      ...options,
    };
    this.#seq = this.#o.firstSeq;
    this.#rand = this.#o.seed;
    this.bwe = new SendSideBwe({
      type: 'transport-cc',
      initialAvailableBitrate: this.#o.initialBitrate,
    });
    this.bwe.setDesiredBitrate(this.#o.demand);
    this.#receiver = new TransportCcFeedbackGenerator({
      senderSsrc: 1,
      intervalMs: this.#o.feedbackIntervalMs,
    });
  }

  #random(): number {
    // xorshift32: deterministic, seeded.
    let x = this.#rand;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#rand = x >>> 0;
    return this.#rand / 0x100000000;
  }

  /** Runs until `untilMs`, sampling the estimate every 100 ms. */
  run(untilMs: number): void {
    const o = this.#o;
    for (; this.nowMs < untilMs; this.nowMs++) {
      const now = this.nowMs;
      // Sender.
      const rate = Math.min(o.demand, this.bwe.availableBitrate);
      this.#budget = Math.min(this.#budget + rate / 8000, 4 * PACKET);
      while (this.#budget >= PACKET) {
        this.#budget -= PACKET;
        const seq = this.#seq++;
        this.bwe.history.record(seq, now, PACKET);
        if (this.#random() < o.loss(now)) continue;
        if (this.#queued + PACKET > o.queueBytes) continue;
        this.#queue.push({ seq, size: PACKET });
        this.#queued += PACKET;
      }
      // Bottleneck.
      this.#linkCredit += o.capacity(now) / 8000;
      if (this.#queue.length === 0) this.#linkCredit = Math.min(this.#linkCredit, PACKET);
      while (this.#queue.length > 0 && this.#linkCredit >= this.#queue[0].size) {
        const p = this.#queue.shift()!;
        this.#linkCredit -= p.size;
        this.#queued -= p.size;
        const jitter = o.jitterMs > 0 ? this.#random() * o.jitterMs : 0;
        this.#inFlight.push({ at: now + o.oneWayDelayMs + jitter, seq: p.seq });
      }
      // Receiver.
      for (let i = 0; i < this.#inFlight.length;) {
        const p = this.#inFlight[i];
        if (p.at > now) {
          i++;
          continue;
        }
        this.#inFlight.splice(i, 1);
        const recvNow = p.at + o.receiverClockOffsetMs;
        if (this.#receiver.record(p.seq & 0xffff, recvNow, 2)) {
          this.#sendFeedback(this.#receiver.takeFeedback(recvNow), now);
        }
      }
      this.#sendFeedback(this.#receiver.tick(now + o.receiverClockOffsetMs), now);
      // Feedback back at the sender.
      for (let i = 0; i < this.#feedbackInFlight.length;) {
        const f = this.#feedbackInFlight[i];
        if (f.at > now) {
          i++;
          continue;
        }
        this.#feedbackInFlight.splice(i, 1);
        const h = parseRtcpHeader(f.bytes);
        if (typeof h === 'string') throw new Error(h);
        const fb = parseTransportCc(f.bytes, h);
        if (typeof fb === 'string') throw new Error(fb);
        this.bwe.onTransportCc(fb, now);
      }
      if (now % 100 === 0) this.samples.push({ t: now, bitrate: this.bwe.availableBitrate });
    }
  }

  #sendFeedback(packets: readonly TransportCcFeedback[], now: number): void {
    for (const fb of packets) {
      const n = writeTransportCc(fb, this.#out);
      if (n < 0) throw new Error('feedback does not fit');
      let at = now + this.#o.oneWayDelayMs;
      // A reordered feedback packet arrives after the next one.
      if (this.#random() < this.#o.reorderFeedback) at += this.#o.feedbackIntervalMs + 5;
      this.#feedbackInFlight.push({ at, bytes: this.#out.slice(0, n) });
    }
  }

  /** The first sample time ≥ `fromMs` after which every sample stays within [lo, hi]. */
  settledAt(fromMs: number, lo: number, hi: number): number {
    let settled = -1;
    for (const s of this.samples) {
      if (s.t < fromMs) continue;
      const inside = s.bitrate >= lo && s.bitrate <= hi;
      if (inside && settled < 0) settled = s.t;
      else if (!inside) settled = -1;
    }
    return settled;
  }

  /** Mean estimate over [fromMs, toMs). */
  mean(fromMs: number, toMs: number): number {
    const s = this.samples.filter((x) => x.t >= fromMs && x.t < toMs);
    return s.reduce((a, x) => a + x.bitrate, 0) / s.length;
  }
}
