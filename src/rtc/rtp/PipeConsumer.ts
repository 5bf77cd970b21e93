/**
 * The pipe consumer (mediasoup's PipeConsumer): a producer carried whole to
 * another router over a PipeTransport. Every encoding travels as its own RTP
 * stream, unchanged but for its SSRC (the consumer's SSRC of that encoding)
 * and a sequence number kept continuous across pauses; timestamps, payloads
 * and marker bits are the producer's. The far router selects simulcast layers
 * itself. Each stream has its own send state (NACK/RTX, sender reports), and
 * feedback from the far side names the stream it is about: a key frame
 * request for one encoding reaches the producer for that encoding only.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';
import type { NackItem, ReportBlock, SenderReport } from '../../protocols/rtcp/index.js';
import type { NtpTime, RtpStreamSend, RtpStreamSendStats } from '../rtpStream/index.js';
import { SeqManager } from '../rtpStream/index.js';
import {
  Consumer,
  type ConsumerOptions,
  type ConsumerOutput,
  type ConsumerType,
  type OutgoingHeader,
} from './Consumer.js';

export interface PipeConsumerOptions extends ConsumerOptions {
  /** The router SSRC of each producer encoding, in encoding order (as the consumer's). */
  mappedSsrcs: readonly number[];
}

export class PipeConsumer extends Consumer {
  /** Per encoding i: the router SSRC it comes with, the SSRC it leaves with, its state. */
  readonly #mapped: Uint32Array;
  readonly #streams: RtpStreamSend[];
  readonly #seq: SeqManager[];
  readonly #syncRequired: Uint8Array;
  readonly #ssrcs: number[];

  constructor(options: PipeConsumerOptions, output: ConsumerOutput) {
    super(options, output);
    const encodings = options.rtpParameters.encodings ?? [];
    if (encodings.length !== options.mappedSsrcs.length) {
      throw new TypeError('number of rtpParameters.encodings and producer encodings do not match');
    }
    const n = encodings.length;
    this.#mapped = Uint32Array.from(options.mappedSsrcs);
    this.#streams = encodings.map((encoding, i) => {
      if (i === 0) return this.stream;
      if (encoding.ssrc === undefined) throw new TypeError('pipe consumer encoding without ssrc');
      return this.createSendStream(encoding.ssrc, encoding.rtx?.ssrc);
    });
    this.#seq = Array.from({ length: n }, () => new SeqManager());
    this.#syncRequired = new Uint8Array(n);
    this.#ssrcs = [];
    for (const stream of this.#streams) {
      this.#ssrcs.push(stream.ssrc);
      if (stream.rtxSsrc !== undefined) this.#ssrcs.push(stream.rtxSsrc);
    }
  }

  override get type(): ConsumerType {
    return 'pipe';
  }

  override get ssrcs(): number[] {
    return this.#ssrcs;
  }

  /** The hot path: the stream of the packet's encoding, its SSRC, a continuous sequence. */
  override prepare(packet: RtpPacketView, isKeyFrame: boolean, out: OutgoingHeader): boolean {
    if (!this.active) return false;
    const payloadType = this.consumerPayloadType(packet.payloadType);
    const i = this.#indexOf(packet.ssrc);
    if (payloadType === 255 || i < 0) {
      this.packetsDiscarded++;
      return false;
    }
    const seq = this.#seq[i];
    if (this.#syncRequired[i]) {
      // Video restarts on a key frame so the far decoder never sees a broken reference.
      if (this.kind === 'video' && !isKeyFrame) return false;
      seq.sync((packet.sequenceNumber - 1) & 0xffff);
      this.#syncRequired[i] = 0;
    }
    // Padding-only packets (bandwidth probes) mean nothing to the far router.
    if (packet.payloadLength === 0) {
      seq.drop(packet.sequenceNumber);
      return false;
    }
    const outSeq = seq.input(packet.sequenceNumber);
    if (outSeq < 0) return false;
    out.payloadType = payloadType;
    out.sequenceNumber = outSeq;
    out.timestamp = packet.timestamp;
    out.ssrc = this.#streams[i].ssrc;
    out.marker = packet.marker;
    return true;
  }

  override sent(packet: RtpPacketView, nowMs: number, source?: RtpPacketView): void {
    this.lastSentMs = nowMs;
    this.#streamOf(packet.ssrc)?.storePacket(
      packet,
      nowMs,
      this.sharedHandle(source),
      source?.payloadOffset,
    );
    if (this.traceFlags.any) this.traceRtpOut(packet, false);
  }

  override receiveNack(items: readonly NackItem[], nowMs: number, ssrc: number): void {
    if (!this.active) return;
    if (this.traceFlags.any) this.traceFeedbackIn('nack', ssrc);
    this.#streamOf(ssrc)?.receiveNackItems(items, nowMs);
  }

  /** A far consumer needs a key frame of one encoding: ask the producer for that one. */
  override receiveKeyFrameRequest(kind: 'pli' | 'fir', ssrc: number): void {
    const i = this.#streamIndexOf(ssrc);
    if (i < 0) return;
    if (this.traceFlags.any) this.traceFeedbackIn(kind, ssrc);
    this.#streams[i].receiveKeyFrameRequest(kind);
    if (this.kind === 'video' && this.active) {
      this.output.requestProducerKeyFrame(this, this.#mapped[i]);
    }
  }

  override receiveReceiverReport(block: ReportBlock, nowMs: number): void {
    // About an encoding's media SSRC only: an RTX stream's report would skew its score.
    const stream = this.#streamOf(block.ssrc);
    if (stream?.ssrc === block.ssrc) stream.receiveReceiverReport(block, nowMs);
  }

  override getSenderReports(nowMs: number, ntpNow: NtpTime, out: SenderReport[]): void {
    if (!this.active) return;
    for (const stream of this.#streams) {
      const sr = stream.getSenderReport(nowMs, ntpNow);
      if (sr) out.push(sr);
    }
  }

  override getStats(nowMs: number): RtpStreamSendStats[] {
    return this.#streams.map((stream) => stream.getStats(nowMs));
  }

  /** mediasoup reports a fixed score for pipe consumers (the link is not scored). */
  override scoreIfChanged(
    producerScores: number[],
  ): { score: number; producerScore: number; producerScores: number[] } | undefined {
    const scored = super.scoreIfChanged(producerScores);
    return scored && { score: 10, producerScore: 10, producerScores };
  }

  override get sendStreams(): readonly RtpStreamSend[] {
    return this.#streams;
  }

  protected override requireSync(): void {
    this.#syncRequired.fill(1);
    this.requestKeyFrame();
  }

  #indexOf(mappedSsrc: number): number {
    const mapped = this.#mapped;
    for (let i = 0; i < mapped.length; i++) if (mapped[i] === mappedSsrc) return i;
    return -1;
  }

  /** The encoding a consumer SSRC (media or RTX) belongs to. */
  #streamIndexOf(ssrc: number): number {
    const streams = this.#streams;
    for (let i = 0; i < streams.length; i++) {
      if (streams[i].ssrc === ssrc || streams[i].rtxSsrc === ssrc) return i;
    }
    return -1;
  }

  #streamOf(ssrc: number): RtpStreamSend | undefined {
    const i = this.#streamIndexOf(ssrc);
    return i < 0 ? undefined : this.#streams[i];
  }
}
