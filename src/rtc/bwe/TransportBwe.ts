/**
 * A transport's congestion control as its core drives it (mediasoup's Transport with a
 * TransportCongestionControlClient): the estimate (SendSideBwe), the allocation of it over
 * the consumers (BitrateAllocator) and when to run it — at the first estimate, when the
 * estimate falls below 0.75× or rises above 1.5× what was allocated, when asked (priority,
 * new consumer) and at least every second; the desired bitrate (sum of the consumers') goes
 * back to the estimator as its bounds. Audio takes no part and is never starved: what audio
 * consumers send is taken off the top before video is allocated.
 */
import type { TransportCcFeedback, TransportCcPackets } from '../../protocols/rtcp/index.js';
import { BitrateAllocator, type AllocatableConsumer } from './BitrateAllocator.js';
import { SendSideBwe, type BweInfo, type BweType } from './SendSideBwe.js';
import { Probation } from './Probation.js';
import { Pacer, type PacedOutput } from './Pacer.js';

export interface BweConsumer extends AllocatableConsumer {
  readonly kind: 'audio' | 'video';
  desiredBitrate(nowMs: number): number;
  /** Its streams' send bitrates: audio's share comes off the top. */
  getStats(nowMs: number): readonly { bitrate: number }[];
}

export interface TransportBweOptions {
  type: BweType;
  initialAvailableBitrate: number;
  minOutgoingBitrate: number;
  maxOutgoingBitrate: number;
  /** Called after each allocation with mediasoup's bwe trace info. */
  onBwe?: (info: BweInfo) => void;
  /** Where the pacer sends what waited and the probe packets. */
  output: PacedOutput;
  /** The largest packet the pacer may have to hold. */
  maxPacketSize: number;
}

const ALLOCATION_INTERVAL_MS = 1000;

export class TransportBwe {
  readonly bwe: SendSideBwe;
  readonly allocator = new BitrateAllocator();
  readonly #onBwe: ((info: BweInfo) => void) | undefined;
  #allocatedAtMs = -Infinity;
  #allocatedFor = 0;
  #allocationDue = true;
  #forceDesired = false;
  readonly probation = new Probation();
  readonly pacer: Pacer;
  /**
   * Whether transport-cc feedback arrived since the last probe cluster went out. A cluster
   * nobody reports on teaches nothing: without feedback no new cluster is sent (libwebrtc's
   * probe controller likewise waits for an estimate before probing further).
   */
  #heardSinceProbe = true;
  /** Allocations run (stats, tests). */
  allocations = 0;

  constructor(options: TransportBweOptions) {
    this.bwe = new SendSideBwe({
      type: options.type,
      initialAvailableBitrate: options.initialAvailableBitrate,
      minOutgoingBitrate: options.minOutgoingBitrate,
      maxOutgoingBitrate: options.maxOutgoingBitrate,
    });
    this.#onBwe = options.onBwe;
    this.pacer = new Pacer(options.output, this.bwe.availableBitrate, options.maxPacketSize);
  }

  get type(): BweType {
    return this.bwe.type;
  }

  get availableBitrate(): number {
    return this.bwe.availableBitrate;
  }

  /** One packet put on the wire with transport-wide sequence number `seq`. */
  onSent(seq: number, nowMs: number, size: number, probeCluster = -1): void {
    this.bwe.history.record(seq, nowMs, size, probeCluster);
  }

  onTransportCc(feedback: TransportCcFeedback | TransportCcPackets, nowMs: number): void {
    this.#heardSinceProbe = true;
    this.pacer.setBitrate(this.bwe.onTransportCc(feedback, nowMs));
    this.#checkChange();
  }

  onRemb(bitrate: number, nowMs: number): void {
    this.pacer.setBitrate(this.bwe.onRemb(bitrate, nowMs));
    this.#checkChange();
  }

  /**
   * Re-allocate at the next tick (a priority changed, a consumer came or went); `force`: the
   * desired bitrate then is taken unsmoothed (a consumer left, as mediasoup forces it).
   */
  requestAllocation(force = false): void {
    this.#allocationDue = true;
    if (force) this.#forceDesired = true;
  }

  /** Periodic (tens of ms): allocates when due. */
  tick(consumers: Iterable<BweConsumer>, nowMs: number): void {
    // Limits may have moved the estimate.
    this.pacer.setBitrate(this.bwe.availableBitrate);
    if (!this.#allocationDue && nowMs - this.#allocatedAtMs < ALLOCATION_INTERVAL_MS) return;
    this.allocate(consumers, nowMs);
  }

  allocate(consumers: Iterable<BweConsumer>, nowMs: number): void {
    this.#allocationDue = false;
    this.#allocatedAtMs = nowMs;
    const bwe = this.bwe;
    const available = bwe.availableBitrate;
    this.#allocatedFor = available;
    let audio = 0;
    let desired = 0;
    for (const consumer of consumers) {
      if (consumer.kind === 'audio') {
        for (const stream of consumer.getStats(nowMs)) audio += stream.bitrate;
      } else {
        desired += consumer.desiredBitrate(nowMs);
      }
    }
    this.allocator.distribute(
      consumers,
      Math.max(0, available - audio),
      bwe.type === 'remb',
      nowMs,
    );
    this.allocations++;
    bwe.setDesiredBitrate(desired + audio, nowMs, this.#forceDesired);
    this.#forceDesired = false;
    this.#onBwe?.(bwe.info);
  }

  /**
   * Packets of a probe cluster to send now (0: none), when the consumers want more than the
   * estimate, the link shows no over-use and the receiver reported since the last cluster:
   * up to twice the estimate, within the max. The cluster is registered with the probe
   * estimator under `clusterId`.
   */
  probe(nowMs: number): { packets: number; clusterId: number; bitrate: number } | undefined {
    const bwe = this.bwe;
    if (bwe.type !== 'transport-cc' || !this.#heardSinceProbe) return undefined;
    const available = bwe.availableBitrate;
    if (bwe.effectiveDesiredBitrate <= available || available >= bwe.maxBitrate) return undefined;
    if (bwe.delay.usage === 'overusing') return undefined;
    const target = Math.min(2 * available, bwe.maxBitrate);
    const packets = this.probation.clusterPackets(target, nowMs);
    if (packets === 0) return undefined;
    const clusterId = this.probation.clusters++;
    this.#heardSinceProbe = false;
    bwe.delay.probes.startCluster(clusterId, packets, target);
    return { packets, clusterId, bitrate: target };
  }

  #checkChange(): void {
    const now = this.bwe.availableBitrate;
    const before = this.#allocatedFor;
    if (now < before * 0.75 || now > before * 1.5) this.#allocationDue = true;
  }
}
