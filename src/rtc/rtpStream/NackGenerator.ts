/**
 * Receiver-side generic NACK scheduling (RFC 4585 §6.2.1, §3.5): remembers the sequence
 * numbers missing from an incoming stream and says which to NACK now, the way mediasoup's
 * NackGenerator does.
 *
 * - A new gap is NACKed at once; each missing packet is NACKed again every max(RTT, 20 ms)
 *   (driven by `tick(nowMs)`), at most `maxRetries` times in all.
 * - A packet that arrives (late or via RTX) leaves the list: recovered.
 * - The list is bounded: entries more than 10000 behind the newest are dropped, and when a
 *   gap would push it past 1000 entries, entries older than the latest key frame go first;
 *   if that is not enough the list is cleared and a key frame is requested instead.
 *
 * Sequence numbers are tracked extended (past 16 bits) internally; the output is 16-bit.
 * The seq list handed to `onNack` is reused: read it during the call, do not keep it.
 */

export interface NackGeneratorOptions {
  /** Called with the sequence numbers to NACK now (ascending, 16-bit). */
  onNack: (seqs: readonly number[]) => void;
  /** Called when the list overflowed and was dropped: request a key frame instead. */
  onKeyFrameRequired: () => void;
  /** Initial RTT estimate in ms (default 100). */
  rttMs?: number;
  /** Defaults match the brief: 1000 entries, 10000 seqs of age, 10 NACKs per seq. */
  maxNackPackets?: number;
  maxPacketAge?: number;
  maxRetries?: number;
  /** Floor for the retry spacing in ms (default 20). */
  minRetryIntervalMs?: number;
}

export const NACK_DEFAULT_RTT_MS = 100;
export const NACK_MAX_PACKETS = 1000;
export const NACK_MAX_PACKET_AGE = 10000;
export const NACK_MAX_RETRIES = 10;
export const NACK_MIN_RETRY_INTERVAL_MS = 20;

interface NackEntry {
  /** Last NACKed at this time (ms); -Infinity = not yet. */
  sentAtMs: number;
  retries: number;
}

export class NackGenerator {
  readonly #onNack: (seqs: readonly number[]) => void;
  readonly #onKeyFrameRequired: () => void;
  readonly #maxPackets: number;
  readonly #maxAge: number;
  readonly #maxRetries: number;
  readonly #minInterval: number;
  #rtt: number;

  #started = false;
  /** Highest extended sequence number seen from the media stream. */
  #last = 0;
  /**
   * Missing extended seqs → state. Gaps are always added above every existing key, so Map
   * insertion order is ascending order.
   */
  readonly #nacks = new Map<number, NackEntry>();
  /** Extended seqs of recent key frames, ascending. */
  readonly #keyFrames: number[] = [];
  /** Extended seqs received via RTX ahead of the media stream (not to NACK later). */
  readonly #recovered = new Set<number>();
  readonly #pool: NackEntry[] = [];
  readonly #batch: number[] = [];

  constructor(options: NackGeneratorOptions) {
    this.#onNack = options.onNack;
    this.#onKeyFrameRequired = options.onKeyFrameRequired;
    this.#rtt = options.rttMs ?? NACK_DEFAULT_RTT_MS;
    this.#maxPackets = options.maxNackPackets ?? NACK_MAX_PACKETS;
    this.#maxAge = options.maxPacketAge ?? NACK_MAX_PACKET_AGE;
    this.#maxRetries = options.maxRetries ?? NACK_MAX_RETRIES;
    this.#minInterval = options.minRetryIntervalMs ?? NACK_MIN_RETRY_INTERVAL_MS;
  }

  get rttMs(): number {
    return this.#rtt;
  }
  /** Updates the RTT estimate (e.g. from the sender's SR/RR exchange); 0 or less is ignored. */
  set rttMs(rtt: number) {
    if (rtt > 0) this.#rtt = rtt;
  }

  /** Number of sequence numbers currently awaited. */
  get size(): number {
    return this.#nacks.size;
  }

  /** True if this 16-bit seq is currently in the NACK list. */
  isMissing(seq: number): boolean {
    if (!this.#started) return false;
    return this.#nacks.has(this.#extend(seq));
  }

  /**
   * Feeds one packet (its 16-bit media sequence number). `isRecovered` marks a packet that came
   * via RTX. Returns true if the packet was missing (so this packet repairs a loss). May call
   * `onNack` (new gap) or `onKeyFrameRequired` (overflow) before returning.
   */
  receivePacket(seq: number, isKeyFrame: boolean, isRecovered: boolean, nowMs: number): boolean {
    seq &= 0xffff;
    if (!this.#started) {
      this.#started = true;
      this.#last = seq;
      if (isKeyFrame) this.#keyFrames.push(seq);
      return false;
    }
    const ext = this.#extend(seq);
    if (ext === this.#last) return false;

    if (ext < this.#last) {
      const entry = this.#nacks.get(ext);
      if (entry === undefined) return false; // reordered, duplicate or already given up
      this.#nacks.delete(ext);
      this.#pool.push(entry);
      return true;
    }

    if (isKeyFrame) this.#keyFrames.push(ext);
    this.#dropOldKeyFrames(ext - this.#maxAge);

    if (isRecovered) {
      // Ahead of the media stream via RTX (e.g. a probe): do not NACK it when the gap shows.
      this.#recovered.add(ext);
      this.#dropOldRecovered(ext - this.#maxAge);
      return false;
    }

    const from = this.#last + 1;
    this.#addMissing(from, ext);
    this.#last = ext;
    this.#flushNew(from, ext, nowMs);
    return false;
  }

  /** Resends NACKs for entries not NACKed within max(RTT, 20 ms); call every ~20–40 ms. */
  tick(nowMs: number): void {
    if (this.#nacks.size === 0) return;
    const interval = Math.max(this.#rtt, this.#minInterval);
    const batch = this.#batch;
    batch.length = 0;
    for (const [ext, e] of this.#nacks) {
      if (nowMs - e.sentAtMs < interval) continue;
      this.#send(ext, e, nowMs);
    }
    if (batch.length > 0) this.#onNack(batch);
  }

  /** Forgets everything (mediasoup resets the generator when it asks for a key frame). */
  reset(): void {
    for (const e of this.#nacks.values()) this.#pool.push(e);
    this.#nacks.clear();
    this.#keyFrames.length = 0;
    this.#recovered.clear();
    this.#started = false;
    this.#last = 0;
  }

  /** Extends a 16-bit seq to the extended value closest to the newest seen. */
  #extend(seq: number): number {
    return this.#last + ((((seq - this.#last) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
  }

  #addMissing(from: number, to: number): void {
    // Drop entries too far behind the new packet to be worth asking for (RFC 4585 leaves
    // this to the receiver; the sender's buffer will not hold them either).
    const minAge = to - this.#maxAge;
    if (this.#nacks.size > 0) {
      for (const [ext, e] of this.#nacks) {
        if (ext >= minAge) break;
        this.#nacks.delete(ext);
        this.#pool.push(e);
      }
    }
    const count = to - from;
    if (count <= 0) return;
    if (this.#nacks.size + count > this.#maxPackets) {
      while (this.#nacks.size + count > this.#maxPackets && this.#dropUntilKeyFrame());
      if (this.#nacks.size + count > this.#maxPackets) {
        for (const e of this.#nacks.values()) this.#pool.push(e);
        this.#nacks.clear();
        this.#onKeyFrameRequired();
        return;
      }
    }
    for (let ext = from; ext < to; ext++) {
      if (this.#recovered.has(ext)) continue;
      const e = this.#pool.pop() ?? { sentAtMs: -Infinity, retries: 0 };
      e.sentAtMs = -Infinity;
      e.retries = 0;
      this.#nacks.set(ext, e);
    }
  }

  /**
   * Drops the entries older than the oldest key frame still ahead of some entry: a decoder
   * restarting at that key frame does not need them. False if nothing could be dropped.
   */
  #dropUntilKeyFrame(): boolean {
    while (this.#keyFrames.length > 0) {
      const kf = this.#keyFrames[0];
      let dropped = false;
      for (const [ext, e] of this.#nacks) {
        if (ext >= kf) break;
        this.#nacks.delete(ext);
        this.#pool.push(e);
        dropped = true;
      }
      if (dropped) return true;
      this.#keyFrames.shift(); // older than every entry: useless now
    }
    return false;
  }

  /** NACKs the gap just added, at once (mediasoup's send-at-seq with no delay). */
  #flushNew(from: number, to: number, nowMs: number): void {
    if (to - from > this.#maxPackets) return; // overflowed: nothing was added
    const batch = this.#batch;
    batch.length = 0;
    for (let ext = from; ext < to; ext++) {
      const e = this.#nacks.get(ext);
      if (e !== undefined && e.sentAtMs === -Infinity) this.#send(ext, e, nowMs);
    }
    if (batch.length > 0) this.#onNack(batch);
  }

  #send(ext: number, e: NackEntry, nowMs: number): void {
    this.#batch.push(ext & 0xffff);
    e.sentAtMs = nowMs;
    e.retries++;
    if (e.retries >= this.#maxRetries) {
      this.#nacks.delete(ext);
      this.#pool.push(e);
    }
  }

  #dropOldKeyFrames(min: number): void {
    let n = 0;
    while (n < this.#keyFrames.length && this.#keyFrames[n] < min) n++;
    if (n > 0) this.#keyFrames.splice(0, n);
  }

  #dropOldRecovered(min: number): void {
    for (const ext of this.#recovered) {
      if (ext < min) this.#recovered.delete(ext);
    }
  }
}
