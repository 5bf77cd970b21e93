/**
 * The transport's pacer (libwebrtc's pacing controller, simplified for an SFU): video goes
 * out at up to PACING_FACTOR × the estimate, but never slower than OFFERED_FACTOR × what the
 * consumers offered over the last second: an SFU cannot slow its sources (the allocator
 * lowers layers instead), so pacing below their rate would only build a standing queue; the
 * pacer smooths bursts above it. A token bucket holds BURST_MS of that rate, so
 * ordinary frames leave at once, untouched and uncopied; only a burst the bucket cannot
 * cover (key frames of many consumers at once) is copied into a bounded pool and drained
 * every INTERVAL_MS. Audio and retransmissions are never delayed behind video (libwebrtc's
 * priorities): they go out at once and are charged to the bucket. The queue is bounded in
 * packets (what overflows is dropped and counted; the receiver NACKs it) and in time (a
 * packet that waited MAX_QUEUE_MS goes out whatever the budget).
 *
 * Probe clusters are spread too: each tick sends its share of the cluster's rate, so a
 * cluster of CLUSTER_MS leaves over about that long instead of in one burst.
 */
import { RateCalculator } from '../rtpStream/index.js';

/**
 * Below libwebrtc's 2.5: an SFU's bursts are key frames of layers it just switched to, and a
 * key frame sent at 2.5 × the estimate into a shallow bottleneck queue (a 300 kbit/s tbf with
 * 100 ms of queue) lost packets, the receiver asked again, and the switch took seconds.
 */
export const PACING_FACTOR = 1.5;
/** The pacing rate is at least this multiple of the rate offered over the last second. */
export const OFFERED_FACTOR = 1.25;
/** Drain period while packets wait (libwebrtc's 5 ms process interval). */
export const PACER_INTERVAL_MS = 5;
/** What the bucket holds: a frame interval's worth at the pacing rate, so steady video never waits. */
const BURST_MS = 40;
/** A packet that waited this long goes out at its turn whatever the budget. */
export const MAX_QUEUE_MS = 500;
/** The queue holds at most this many packets (copies in a pool grown on demand up to it). */
export const MAX_QUEUE_PACKETS = 256;

/** Where the pacer sends what waited (the transport): numbers it and puts it on the wire. */
export interface PacedOutput {
  /**
   * One queued packet, `length` bytes of `buffer`; `twccAt` is the offset of its
   * transport-wide sequence number (−1: none). Returns the bytes sent (0: not sent).
   */
  sendPaced(buffer: Buffer, length: number, twccAt: number, nowMs: number): number;
  /** Sends one packet of probe cluster `clusterId`; returns the bytes sent (0: stop). */
  sendProbe(clusterId: number, nowMs: number): number;
}

export class Pacer {
  readonly #output: PacedOutput;
  /** Everything offered (sent at once, charged or queued), for the pacing rate's floor. */
  readonly #offered = new RateCalculator();
  /** Bytes per ms from the estimate alone. */
  #estimateBytesPerMs = 0;
  readonly #bufferSize: number;
  /** Bytes per ms at the pacing rate. */
  #bytesPerMs: number;
  #capacity: number;
  #budget: number;
  #refilledAtMs = -1;
  // The queue: a ring over the pool's slots.
  readonly #pool: Buffer[] = [];
  readonly #length = new Uint16Array(MAX_QUEUE_PACKETS);
  readonly #twccAt = new Int16Array(MAX_QUEUE_PACKETS);
  readonly #queuedAtMs = new Float64Array(MAX_QUEUE_PACKETS);
  #head = 0;
  #size = 0;
  // The probe cluster being sent.
  #probeCluster = -1;
  #probePackets = 0;
  #probeBytesPerMs = 0;
  #probeBudget = 0;
  #probeAtMs = 0;
  /** Counters (stats, tests). */
  readonly counts = { queued: 0, dropped: 0, sentFromQueue: 0, probesSent: 0, maxQueue: 0 };

  constructor(output: PacedOutput, bitrate: number, bufferSize: number) {
    this.#output = output;
    this.#bufferSize = bufferSize;
    this.#bytesPerMs = 0;
    this.#capacity = 0;
    this.setBitrate(bitrate);
    this.#budget = this.#capacity;
  }

  /** Packets waiting. */
  get queued(): number {
    return this.#size;
  }

  /** Whether a drain tick is needed (packets wait or a probe cluster is under way). */
  get busy(): boolean {
    return this.#size > 0 || this.#probePackets > 0;
  }

  get pacingBitrate(): number {
    return this.#bytesPerMs * 8000;
  }

  /** The estimate changed (bits/s): the pacing rate follows it. */
  setBitrate(bitrate: number): void {
    this.#estimateBytesPerMs = (Math.max(bitrate, 0) * PACING_FACTOR) / 8000;
    this.#setRate(this.#estimateBytesPerMs);
  }

  #setRate(bytesPerMs: number): void {
    this.#bytesPerMs = bytesPerMs;
    this.#capacity = Math.max(this.#bytesPerMs * BURST_MS, this.#bufferSize);
    if (this.#budget > this.#capacity) this.#budget = this.#capacity;
  }

  /**
   * The common path: may a video packet of `size` bytes go now? Yes (charged) while nothing
   * waits and the bucket is not empty; no means the caller queues it with `enqueue`.
   */
  admit(size: number, nowMs: number): boolean {
    this.#refill(nowMs);
    this.#offered.update(size, nowMs);
    if (this.#size > 0) {
      this.drain(nowMs);
      if (this.#size > 0) return false;
    }
    if (this.#budget <= 0) return false;
    this.#budget -= size;
    return true;
  }

  /** A packet that went out regardless (audio, a retransmission): it uses the budget too. */
  charge(size: number, nowMs: number): void {
    this.#refill(nowMs);
    this.#offered.update(size, nowMs);
    this.#budget -= size;
    if (this.#budget < -this.#capacity) this.#budget = -this.#capacity;
  }

  /**
   * Copies `length` bytes of `packet` to the back of the queue. Returns false (dropped and
   * counted) when the queue is full.
   */
  enqueue(packet: Uint8Array, length: number, twccAt: number, nowMs: number): boolean {
    if (this.#size === MAX_QUEUE_PACKETS || length > this.#bufferSize) {
      this.counts.dropped++;
      return false;
    }
    const slot = (this.#head + this.#size) % MAX_QUEUE_PACKETS;
    let buffer = this.#pool[slot];
    if (buffer === undefined) {
      buffer = Buffer.allocUnsafe(this.#bufferSize);
      this.#pool[slot] = buffer;
    }
    buffer.set(packet.subarray(0, length));
    this.#length[slot] = length;
    this.#twccAt[slot] = twccAt;
    this.#queuedAtMs[slot] = nowMs;
    this.#size++;
    this.counts.queued++;
    if (this.#size > this.counts.maxQueue) this.counts.maxQueue = this.#size;
    return true;
  }

  /** Starts sending a probe cluster of `packets` at `bitrate` over the next ticks. */
  startProbe(clusterId: number, packets: number, bitrate: number, nowMs: number): void {
    this.#probeCluster = clusterId;
    this.#probePackets = packets;
    this.#probeBytesPerMs = bitrate / 8000;
    // The first packet goes at once; the rest follow at the cluster's rate.
    this.#probeBudget = 1;
    this.#probeAtMs = nowMs;
    this.#sendProbes(nowMs);
  }

  /** Sends what the budget allows now: the queue in order, then the probe cluster's share. */
  drain(nowMs: number): void {
    // While packets wait (every tick, not per packet): the floor of what is offered.
    const floor = (this.#offered.getRate(nowMs) * OFFERED_FACTOR) / 8000;
    this.#setRate(floor > this.#estimateBytesPerMs ? floor : this.#estimateBytesPerMs);
    this.#refill(nowMs);
    const output = this.#output;
    while (this.#size > 0) {
      const slot = this.#head;
      // A packet that waited its limit goes regardless of the budget (libwebrtc paces faster
      // to keep its queue under its limit): late beats lost, which the receiver would NACK.
      if (this.#budget <= 0 && nowMs - this.#queuedAtMs[slot] < MAX_QUEUE_MS) break;
      const sent = output.sendPaced(
        this.#pool[slot],
        this.#length[slot],
        this.#twccAt[slot],
        nowMs,
      );
      this.#budget -= sent > 0 ? sent : this.#length[slot];
      if (this.#budget < -this.#capacity) this.#budget = -this.#capacity;
      this.counts.sentFromQueue++;
      this.#head = (slot + 1) % MAX_QUEUE_PACKETS;
      this.#size--;
    }
    if (this.#probePackets > 0) this.#sendProbes(nowMs);
  }

  #sendProbes(nowMs: number): void {
    this.#probeBudget += (nowMs - this.#probeAtMs) * this.#probeBytesPerMs;
    this.#probeAtMs = nowMs;
    while (this.#probePackets > 0 && this.#probeBudget > 0) {
      const sent = this.#output.sendProbe(this.#probeCluster, nowMs);
      if (sent === 0) {
        this.#probePackets = 0;
        break;
      }
      this.#probeBudget -= sent;
      this.#probePackets--;
      this.counts.probesSent++;
    }
  }

  #refill(nowMs: number): void {
    const last = this.#refilledAtMs;
    this.#refilledAtMs = nowMs;
    if (last < 0 || nowMs <= last) return;
    const budget = this.#budget + (nowMs - last) * this.#bytesPerMs;
    this.#budget = budget > this.#capacity ? this.#capacity : budget;
  }
}
