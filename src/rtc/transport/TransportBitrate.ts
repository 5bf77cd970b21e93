/**
 * A transport's bitrate control: whether send-side estimation runs and of which kind (the
 * first video consumer that negotiated transport-cc, or else goog-remb with abs-send-time,
 * as mediasoup creates its congestion controller), the limits the application set (with
 * mediasoup's checks), the receivers' feedback into the estimator, and the limit REMB toward
 * the producers' endpoint. The core (RtcTransport) owns the wire: it numbers and sends what
 * the pacer and probation release.
 */
import {
  RtcpIterator,
  RtcpPacketType,
  RtpfbFmt,
  TRANSPORT_CC_NOT_RECEIVED,
  createTransportCcPackets,
  parseTransportCcInto,
  writeRemb,
  type TransportCcFeedback,
} from '../../protocols/rtcp/index.js';
import { TransportBwe } from '../bwe/TransportBwe.js';
import { MIN_OUTGOING_BITRATE, type BweInfo, type BweType } from '../bwe/SendSideBwe.js';
import type { PacedOutput } from '../bwe/Pacer.js';
import { MAX_FEEDBACK_PACKETS } from '../bwe/FeedbackAdapter.js';
import { PacketLossHistory } from '../bwe/PacketLossHistory.js';
import { hasFeedback } from '../rtp/codecFeedback.js';
import { URI, extensionId } from '../rtp/ExtensionMap.js';
import type { Consumer } from '../rtp/Consumer.js';
import type { Producer } from '../rtp/Producer.js';
import { MAX_OUTGOING_RTP_SIZE } from '../rtp/packetLimits.js';

/** The bitrate limits set on a transport (0 = unset), as getStats reports them. */
export interface BitrateLimits {
  maxIncomingBitrate: number;
  maxOutgoingBitrate: number;
  minOutgoingBitrate: number;
}

/** mediasoup's default initialAvailableOutgoingBitrate. */
export const DEFAULT_INITIAL_AVAILABLE_BITRATE = 600_000;

/**
 * Transport-cc feedback is parsed here, bounded; one per thread serves every transport (each
 * feedback is consumed before the next is parsed).
 */
const twccPackets = createTransportCcPackets(MAX_FEEDBACK_PACKETS);
const NO_PROBATION = { bytesSent: 0, bitrate: (): number => 0 };

export interface TransportBitrateOptions {
  initialAvailableOutgoingBitrate?: number;
  /** Where the pacer and probation send (the core numbers and sends). */
  output: PacedOutput;
  /** The estimate's `bwe` trace info, each time it is reported. */
  onBwe: (info: BweInfo) => void;
}

export class TransportBitrate {
  /** The estimator, pacer, probation and allocator, once estimation runs. */
  bwe: TransportBwe | undefined;
  readonly limits: BitrateLimits = {
    maxIncomingBitrate: 0,
    maxOutgoingBitrate: 0,
    minOutgoingBitrate: 0,
  };
  readonly #initialAvailableBitrate: number;
  readonly #output: PacedOutput;
  readonly #onBwe: (info: BweInfo) => void;
  readonly #rtcpIterator = new RtcpIterator();
  /**
   * The receive-side estimation mediasoup would run for this transport's producers (its
   * TransportCongestionControlServer): chosen by the first producer that allows one, kept
   * for the transport's life.
   */
  #recvType: BweType | undefined;
  readonly #recvLoss = new PacketLossHistory();
  /** Loss of what was sent, from each transport-cc feedback received (mediasoup's history). */
  readonly #sendLoss = new PacketLossHistory();

  constructor(options: TransportBitrateOptions) {
    this.#initialAvailableBitrate =
      options.initialAvailableOutgoingBitrate ?? DEFAULT_INITIAL_AVAILABLE_BITRATE;
    this.#output = options.output;
    this.#onBwe = options.onBwe;
  }

  /** The send-side estimate (bits/s) while estimation runs, else undefined. */
  get availableOutgoingBitrate(): number | undefined {
    return this.bwe?.availableBitrate;
  }

  /**
   * The loss fraction (0..1) of what was sent, while send-side estimation runs: the weighted
   * history of the transport-cc feedback received, one sample per feedback packet (its
   * packets reported not received over its packet status count), as mediasoup computes it.
   */
  get packetLossSent(): number | undefined {
    return this.bwe === undefined ? undefined : this.#sendLoss.value;
  }

  /**
   * The receive-side estimate (bits/s): with transport-cc the media sender estimates, and
   * mediasoup reports 0. With goog-remb mediasoup estimates from abs-send-time, which Skein
   * does not (undefined: not reported rather than a made-up figure).
   */
  get availableIncomingBitrate(): number | undefined {
    return this.#recvType === 'transport-cc' ? 0 : undefined;
  }

  /**
   * The loss fraction (0..1) of what the producers' endpoint sent, from the transport-cc
   * feedback sent back (mediasoup's weighted history); 0 with goog-remb (mediasoup measures
   * none there); undefined without receive-side estimation.
   */
  get packetLossReceived(): number | undefined {
    return this.#recvType === undefined ? undefined : this.#recvLoss.value;
  }

  /**
   * A producer joined: the first that negotiated transport-cc (header extension and RTCP
   * feedback on a codec), or else goog-remb with abs-send-time, sets the receive-side
   * estimation kind, as mediasoup creates its congestion control server.
   */
  addProducer(producer: Producer): void {
    if (this.#recvType) return;
    const { codecs, headerExtensions } = producer.rtpParameters;
    const fb = (type: string) =>
      codecs.some((c) => (c.rtcpFeedback ?? []).some((f) => f.type === type));
    if (extensionId(headerExtensions, URI.transportWideCc) !== 0 && fb('transport-cc')) {
      this.#recvType = 'transport-cc';
    } else if (extensionId(headerExtensions, URI.absSendTime) !== 0 && fb('goog-remb')) {
      this.#recvType = 'remb';
    }
  }

  /** A transport-cc feedback packet went out to the producers' endpoint: one loss sample. */
  transportCcSent(feedback: TransportCcFeedback): void {
    if (this.#recvType !== 'transport-cc') return;
    let lost = 0;
    for (const delta of feedback.deltas) if (delta === null) lost++;
    this.#recvLoss.add(lost, feedback.deltas.length);
  }

  /** 'transport-cc' or 'remb' while estimation runs. */
  get type(): BweType | undefined {
    return this.bwe?.type;
  }

  /** mediasoup's bwe trace info (undefined without estimation). */
  get info(): BweInfo | undefined {
    return this.bwe?.bwe.info;
  }

  /** Probation packets sent (getStats' probationBytesSent, probationSendBitrate). */
  get probation(): { bytesSent: number; bitrate(nowMs: number): number } {
    return this.bwe?.probation ?? NO_PROBATION;
  }

  /**
   * 0 = unlimited. mediasoup's checks: at least 30000, and not below the min outgoing bitrate.
   * Throws TypeError.
   */
  setMaxOutgoingBitrate(bitrate: number): void {
    if (bitrate > 0 && bitrate < MIN_OUTGOING_BITRATE) {
      throw new TypeError(`bitrate must be >= ${MIN_OUTGOING_BITRATE} or 0 (unlimited)`);
    }
    const min = this.limits.minOutgoingBitrate;
    if (bitrate > 0 && bitrate < min) {
      throw new TypeError(
        `bitrate must be >= current min outgoing bitrate (${min}) or 0 (unlimited)`,
      );
    }
    this.limits.maxOutgoingBitrate = bitrate;
    this.bwe?.bwe.setMaxOutgoingBitrate(bitrate);
    this.bwe?.requestAllocation();
  }

  /** 0 = unset. At least 30000 and not above the max outgoing bitrate. Throws TypeError. */
  setMinOutgoingBitrate(bitrate: number): void {
    if (bitrate > 0 && bitrate < MIN_OUTGOING_BITRATE) {
      throw new TypeError(`bitrate must be >= ${MIN_OUTGOING_BITRATE} or 0 (unlimited)`);
    }
    const max = this.limits.maxOutgoingBitrate;
    if (bitrate > 0 && max > 0 && bitrate > max) {
      throw new TypeError(
        `bitrate must be <= current max outgoing bitrate (${max}) or 0 (unlimited)`,
      );
    }
    this.limits.minOutgoingBitrate = bitrate;
    this.bwe?.bwe.setMinOutgoingBitrate(bitrate);
    this.bwe?.requestAllocation();
  }

  /**
   * A consumer joined: the first video one that negotiated transport-cc (header extension and
   * RTCP feedback), or else goog-remb with abs-send-time, starts estimation; from then on every
   * consumer's bitrate is managed by the allocation.
   */
  addConsumer(consumer: Consumer, consumers: Iterable<Consumer>): void {
    if (!this.bwe && consumer.kind === 'video') {
      const type = estimatorFor(consumer);
      if (type) {
        this.bwe = new TransportBwe({
          type,
          initialAvailableBitrate: this.#initialAvailableBitrate,
          minOutgoingBitrate: this.limits.minOutgoingBitrate,
          maxOutgoingBitrate: this.limits.maxOutgoingBitrate,
          output: this.#output,
          maxPacketSize: MAX_OUTGOING_RTP_SIZE,
          onBwe: this.#onBwe,
        });
        for (const other of consumers) other.setExternallyManagedBitrate();
      }
    }
    if (this.bwe) {
      consumer.setExternallyManagedBitrate();
      this.bwe.requestAllocation();
    }
  }

  /**
   * Transport-cc feedback packets of an RTCP compound (the compound parser leaves RTPFB FMT 15
   * undecoded). Returns how many were malformed.
   */
  receiveTransportCc(data: Uint8Array, nowMs: number): number {
    const bwe = this.bwe;
    if (bwe?.type !== 'transport-cc') return 0;
    let malformed = 0;
    const it = this.#rtcpIterator.reset(data);
    while (it.next()) {
      if (it.packetType !== RtcpPacketType.RTPFB || it.count !== RtpfbFmt.TWCC) continue;
      if (parseTransportCcInto(data, it, twccPackets) !== undefined) {
        malformed++;
        continue;
      }
      let lost = 0;
      for (let i = 0; i < twccPackets.count; i++)
        if (twccPackets.status[i] === TRANSPORT_CC_NOT_RECEIVED) lost++;
      // Statuses past what is stored were not read: the sample covers the stored ones.
      this.#sendLoss.add(lost, twccPackets.count);
      bwe.onTransportCc(twccPackets, nowMs);
    }
    return malformed;
  }

  /**
   * Writes a REMB with the max incoming bitrate for every producer's media SSRCs into `out`;
   * returns its length (0: no limit set, no producer, or it did not fit).
   */
  writeLimitRemb(producers: Iterable<Producer>, senderSsrc: number, out: Uint8Array): number {
    const bitrate = this.limits.maxIncomingBitrate;
    if (bitrate <= 0) return 0;
    const ssrcs: number[] = [];
    for (const producer of producers) {
      for (const encoding of producer.rtpParameters.encodings ?? []) {
        if (encoding.ssrc !== undefined && ssrcs.length < 255) ssrcs.push(encoding.ssrc);
      }
    }
    if (ssrcs.length === 0) return 0;
    const length = writeRemb({ kind: 'remb', senderSsrc, mediaSsrc: 0, bitrate, ssrcs }, out);
    return length > 0 ? length : 0;
  }
}

/** Which estimator a video consumer's negotiation allows (mediasoup's choice), if any. */
function estimatorFor(consumer: Consumer): BweType | undefined {
  const codecs = consumer.rtpParameters.codecs;
  if (consumer.hop.transportWideCcId !== 0 && codecs.some((c) => hasFeedback(c, 'transport-cc'))) {
    return 'transport-cc';
  }
  if (consumer.hop.absSendTimeId !== 0 && codecs.some((c) => hasFeedback(c, 'goog-remb'))) {
    return 'remb';
  }
  return undefined;
}
