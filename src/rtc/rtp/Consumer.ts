/**
 * The consumer base: what every consumer kind (simple, simulcast, later SVC
 * and pipe) shares. A consumer is a sink of the router: it receives each
 * packet of its producer, decides whether it goes out and with which header
 * (SSRC, payload type, sequence number, timestamp, rewritten so the stream
 * the endpoint sees stays continuous across pauses and switches) and sends it
 * through its transport (`ConsumerOutput`). Video waits for a key frame after
 * it starts or resumes, and asks the producer for one. Kinds differ only in
 * which packets they accept and how they re-base.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';
import type { NackItem, ReportBlock, SenderReport } from '../../protocols/rtcp/index.js';
import type { MediaKind, RtpCodecParameters, RtpParameters } from '../../ortc/index.js';
import {
  RtpStreamSend,
  isKeyFrame as detectKeyFrame,
  keyFrameDetectorFor,
  type KeyFrameDetector,
  type NtpTime,
  type RtpStreamSendStats,
  type SharedPacketStore,
} from '../rtpStream/index.js';
import { CONSUMER_TRACE_TYPES, TraceFlags, rtpPacketDump, traceEvent } from '../trace.js';
import type { TraceExtensionIds } from '../trace.js';
import { URI, buildConsumerExtensionMap, extensionId } from './ExtensionMap.js';
import type { HopExtensions, OutgoingHeader } from './OutgoingPacketWriter.js';
import { hasFeedback } from './codecFeedback.js';
import { MAX_OUTGOING_RTP_SIZE } from './packetLimits.js';

export interface ConsumerOptions {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  paused: boolean;
  producerPaused: boolean;
  routerIdForUri: (uri: string) => number | undefined;
  /** The producer's shared packet store (created when a stream of this consumer keeps packets). */
  sharedPacketStore?: () => SharedPacketStore;
}

export type { OutgoingHeader };

/** What a consumer sends through: its transport. */
export interface ConsumerOutput {
  /** Writes `packet` with this header and the consumer's extensions, protects it, sends it. */
  sendRtp(consumer: Consumer, packet: RtpPacketView, header: OutgoingHeader): void;
  /** Resend this (already rewritten, possibly RTX-wrapped) packet now. */
  sendRetransmission(packet: RtpPacketView): void;
  /** The consumer needs a key frame from its producer (of one stream: its router SSRC). */
  requestProducerKeyFrame(consumer: Consumer, mappedSsrc?: number): void;
  /** A notification for the consumer's handler (layerschange, ...). */
  notifyConsumer(consumer: Consumer, event: string, data?: unknown): void;
}

export type ConsumerType = 'simple' | 'simulcast' | 'svc' | 'pipe';

/** Spatial and temporal layers (simulcast and SVC consumers). */
export interface ConsumerLayers {
  spatialLayer: number;
  temporalLayer: number;
}

/** A router sink: receives every packet of the producer it is attached to. */
export interface RtpSink {
  receiveRtp(packet: RtpPacketView, isKeyFrame: boolean): void;
}

export abstract class Consumer implements RtpSink {
  readonly id: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly rtpParameters: RtpParameters;
  readonly ssrc: number;
  readonly rtxSsrc: number | undefined;
  readonly rtxPayloadType: number | undefined;
  readonly clockRate: number;
  readonly extensionMap: Uint8Array;
  readonly hop: HopExtensions;
  /** Send-side RTP state: counters, retransmission buffer, sender reports. */
  readonly stream: RtpStreamSend;
  packetsDiscarded = 0;
  paused: boolean;
  producerPaused: boolean;
  /** router payload type → consumer payload type (255: not negotiated). */
  readonly #payloadTypes = new Uint8Array(128).fill(255);
  readonly #mediaCodec: RtpCodecParameters | undefined;
  readonly #sharedPacketStore: (() => SharedPacketStore) | undefined;
  /** Where this consumer's kept packets' payloads are, once a stream keeps packets. */
  #shared: SharedPacketStore | undefined;
  protected readonly output: ConsumerOutput;
  /** The outgoing header of the packet being sent (one per consumer, reused). */
  readonly #header: OutgoingHeader = {
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    marker: false,
    payloadRewriter: undefined,
  };
  /** Input sequence numbers of the latest packets a kind dropped (`dropSequence`), a ring. */
  readonly #drops = new Uint16Array(64);
  #dropCount = 0;
  /** Video must restart on a key frame; audio on any packet. */
  protected syncRequired = true;
  protected seqOffset = 0;
  protected timestampOffset = 0;
  /** The last sequence number and timestamp sent (outgoing numbering). */
  protected lastSeq = 0;
  protected lastTimestamp = 0;
  /** When the last packet went out (ms, monotonic). */
  protected lastSentMs = 0;
  protected started = false;
  #lastScore = '';
  /** consumer.enableTraceEvent(): what `trace` notifications to emit. */
  readonly traceFlags = new TraceFlags(CONSUMER_TRACE_TYPES);
  readonly #traceIds: TraceExtensionIds;
  readonly #detector: KeyFrameDetector | undefined;

  constructor(options: ConsumerOptions, output: ConsumerOutput) {
    this.id = options.id;
    this.producerId = options.producerId;
    this.kind = options.kind;
    this.rtpParameters = options.rtpParameters;
    this.paused = options.paused;
    this.producerPaused = options.producerPaused;
    this.output = output;
    this.#sharedPacketStore = options.sharedPacketStore;
    const encoding = options.rtpParameters.encodings?.[0];
    if (encoding?.ssrc === undefined) throw new TypeError('consumer encoding without ssrc');
    this.ssrc = encoding.ssrc;
    this.rtxSsrc = encoding.rtx?.ssrc;
    const media = options.rtpParameters.codecs.filter((c) => !c.mimeType.endsWith('/rtx'));
    const rtx = options.rtpParameters.codecs.find((c) => c.mimeType.toLowerCase().endsWith('/rtx'));
    this.rtxPayloadType = rtx?.payloadType;
    this.clockRate = media[0]?.clockRate ?? 90000;
    this.#mediaCodec = media[0];
    this.#detector = media[0] ? keyFrameDetectorFor(media[0].mimeType) : undefined;
    this.stream = this.createSendStream(this.ssrc, this.rtxSsrc);
    // Consumer payload types are the router's (ortc keeps them): identity for what was negotiated.
    for (const codec of media) this.#payloadTypes[codec.payloadType] = codec.payloadType;
    const extensions = options.rtpParameters.headerExtensions ?? [];
    this.extensionMap = buildConsumerExtensionMap(extensions, options.routerIdForUri);
    this.hop = {
      midId: options.rtpParameters.mid ? extensionId(extensions, URI.mid) : 0,
      mid: Buffer.from(options.rtpParameters.mid ?? '', 'utf8'),
      absSendTimeId: extensionId(extensions, URI.absSendTime),
      transportWideCcId: extensionId(extensions, URI.transportWideCc),
    };
    this.#traceIds = {
      midId: this.hop.midId,
      ridId: extensionId(extensions, URI.rid),
      rridId: extensionId(extensions, URI.repairedRid),
      transportWideCcId: this.hop.transportWideCcId,
    };
  }

  abstract get type(): ConsumerType;

  /** Every SSRC this consumer sends (media and RTX): what RTCP feedback addresses. */
  get ssrcs(): number[] {
    return this.rtxSsrc === undefined ? [this.ssrc] : [this.ssrc, this.rtxSsrc];
  }

  /** The send streams, in encoding order (one but for a pipe consumer's): dumps read them. */
  get sendStreams(): readonly RtpStreamSend[] {
    return [this.stream];
  }

  /** A send stream with this consumer's codec, feedback and retransmission settings. */
  protected createSendStream(ssrc: number, rtxSsrc: number | undefined): RtpStreamSend {
    const media = this.#mediaCodec;
    const output = this.output;
    const useNack = hasFeedback(media, 'nack');
    if (useNack) this.#shared ??= this.#sharedPacketStore?.();
    return new RtpStreamSend({
      ssrc,
      payloadType: media?.payloadType ?? 0,
      clockRate: this.clockRate,
      mimeType: media?.mimeType,
      rtxSsrc,
      rtxPayloadType: rtxSsrc === undefined ? undefined : this.rtxPayloadType,
      useNack,
      shared: this.#shared,
      usePli: hasFeedback(media, 'nack', 'pli'),
      useFir: hasFeedback(media, 'ccm', 'fir'),
      // Every packet this consumer can send can be kept for a NACK.
      maxPacketSize: MAX_OUTGOING_RTP_SIZE,
      onRetransmit: (packet) => {
        output.sendRetransmission(packet);
        if (this.traceFlags.any) this.traceRtpOut(packet, rtxSsrc !== undefined);
      },
    });
  }

  /** The consumer payload type for a router payload type (255: not negotiated). */
  protected consumerPayloadType(routerPayloadType: number): number {
    return this.#payloadTypes[routerPayloadType];
  }

  /** Preferred layers (simulcast, SVC), undefined for kinds without layers. */
  get preferredLayers(): ConsumerLayers | undefined {
    return undefined;
  }

  /** Sets the preferred layers; returns those in force (undefined: the kind has none). */
  setPreferredLayers(layers: {
    spatialLayer?: number;
    temporalLayer?: number;
  }): ConsumerLayers | undefined {
    void layers;
    return undefined;
  }

  /** The kind's own dump() fields (mediasoup's layer fields for simulcast). */
  dumpFields(): Record<string, unknown> {
    return {};
  }

  // ---- Bandwidth allocation (mediasoup's Consumer bitrate API) ----
  // The transport's allocator calls these when send-side estimation is on:
  // `increaseLayer` repeatedly in priority order while bitrate remains, then
  // `applyLayers` on every consumer. Kinds without layers keep the defaults.

  /** consumer.setPriority() (1..255; unsetPriority() restores 1). */
  priority = 1;
  /** Set once the transport's estimator allocates this consumer's layers. */
  protected externallyManagedBitrate = false;

  setExternallyManagedBitrate(): void {
    this.externallyManagedBitrate = true;
  }

  /** 0: takes no part in allocation (audio, inactive); otherwise `priority`. */
  get bitratePriority(): number {
    return 0;
  }

  /**
   * Raises the provisional layers one step if that fits in `bitrate`; returns
   * the bitrate the step takes (0: nothing to raise, or it does not fit).
   * The first call of an allocation round starts from no layer at all.
   */
  increaseLayer(bitrate: number, considerLoss: boolean, nowMs: number): number {
    void bitrate;
    void considerLoss;
    void nowMs;
    return 0;
  }

  /** Makes the provisional layers of the last allocation round the target. */
  applyLayers(): void {}

  /** What this consumer would send at its preferred layers, bits per second. */
  desiredBitrate(nowMs: number): number {
    void nowMs;
    return 0;
  }

  /** The router hands every packet of the producer here (the hot path). */
  receiveRtp(packet: RtpPacketView, isKeyFrame: boolean): void {
    const header = this.#header;
    if (!this.prepare(packet, isKeyFrame, header)) return;
    this.output.sendRtp(this, packet, header);
  }

  get active(): boolean {
    return !this.paused && !this.producerPaused;
  }

  /**
   * Decides whether `packet` goes out and computes its outgoing header fields
   * into `out`. Returns false to skip it.
   */
  prepare(packet: RtpPacketView, isKeyFrame: boolean, out: OutgoingHeader): boolean {
    if (!this.active) return false;
    const payloadType = this.#payloadTypes[packet.payloadType];
    if (payloadType === 255) {
      this.packetsDiscarded++;
      return false;
    }
    if (!this.accept(packet, isKeyFrame)) return false;
    let seq = (packet.sequenceNumber + this.seqOffset) & 0xffff;
    const ahead = (seq - this.lastSeq) & 0xffff;
    if (this.#dropCount > 0 && (ahead === 0 || ahead >= 0x8000)) {
      seq = (seq + this.#dropsAfter(packet.sequenceNumber)) & 0xffff;
    }
    const timestamp = (packet.timestamp + this.timestampOffset) >>> 0;
    // Only advance on newer packets; late ones keep their rewritten numbers.
    if (((seq - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = seq;
      this.lastTimestamp = timestamp;
    }
    out.payloadType = payloadType;
    out.sequenceNumber = seq;
    out.timestamp = timestamp;
    out.ssrc = this.ssrc;
    out.marker = packet.marker;
    return true;
  }

  /**
   * A kind drops `packet` (a filtered layer): later packets close the sequence gap it would
   * leave. Late packets from before it keep their numbers (the ring remembers recent drops).
   */
  protected dropSequence(packet: RtpPacketView): void {
    const seq = (packet.sequenceNumber + this.seqOffset) & 0xffff;
    if (((seq - this.lastSeq) & 0xffff) - 1 >= 0x7fff) return; // not newer than the last sent
    this.seqOffset = (this.seqOffset - 1) & 0xffff;
    this.#drops[this.#dropCount++ & 63] = packet.sequenceNumber;
  }

  /** How many remembered drops came after input `seq` (the offset moved down once for each). */
  #dropsAfter(seq: number): number {
    const n = Math.min(this.#dropCount, 64);
    let after = 0;
    for (let i = 0; i < n; i++) {
      const d = (this.#drops[i] - seq) & 0xffff;
      if (d !== 0 && d < 0x8000) after++;
    }
    return after;
  }

  /** Called with the rewritten packet as it goes out (kept for NACKs, counted). */
  /**
   * `packet` went out. `source`: the producer's packet it was written from, when its payload
   * went out unchanged (its retransmission copy then shares the producer's).
   */
  sent(packet: RtpPacketView, nowMs: number, source?: RtpPacketView): void {
    this.lastSentMs = nowMs;
    this.stream.storePacket(packet, nowMs, this.sharedHandle(source), source?.payloadOffset);
    if (this.traceFlags.any) this.traceRtpOut(packet, false);
  }

  /** The shared store's handle of `source` (-1: none; the packet is then copied whole). */
  protected sharedHandle(source: RtpPacketView | undefined): number {
    return source === undefined || this.#shared === undefined ? -1 : this.#shared.current(source);
  }

  /** Periodic work (every few tens of ms); a simple consumer has none. */
  tick(nowMs: number): void {
    void nowMs;
  }

  /**
   * Whether this packet of the producer goes out; re-bases the numbering
   * when the stream (re)starts. Video restarts on a key frame.
   */
  protected accept(packet: RtpPacketView, isKeyFrame: boolean): boolean {
    if (!this.syncRequired) return true;
    if (this.kind === 'video' && !isKeyFrame) return false;
    this.syncRequired = false;
    this.rebase(packet);
    return true;
  }

  /** A NACK for `ssrc`, one of `ssrcs` (kinds with one stream need not look at it). */
  receiveNack(items: readonly NackItem[], nowMs: number, ssrc: number): void {
    void ssrc;
    if (this.traceFlags.any && this.active) this.traceFeedbackIn('nack', ssrc);
    this.stream.receiveNackItems(items, nowMs);
  }

  /** A PLI or FIR for `ssrc`, one of `ssrcs`. */
  receiveKeyFrameRequest(kind: 'pli' | 'fir', ssrc: number): void {
    if (this.traceFlags.any) this.traceFeedbackIn(kind, ssrc);
    this.stream.receiveKeyFrameRequest(kind);
    this.requestKeyFrame();
  }

  /** A report block about one of `ssrcs`; the RTX stream's is ignored (as mediasoup). */
  receiveReceiverReport(block: ReportBlock, nowMs: number): void {
    if (block.ssrc !== this.ssrc) return;
    this.stream.receiveReceiverReport(block, nowMs);
  }

  /** The sender reports of what this consumer sends (one per stream that sent). */
  getSenderReports(nowMs: number, ntpNow: NtpTime, out: SenderReport[]): void {
    if (!this.active) return;
    const sr = this.stream.getSenderReport(nowMs, ntpNow);
    if (sr) out.push(sr);
  }

  // ---- Trace events (mediasoup's consumer trace types; callers test `traceFlags.any` first) ----

  /** An outgoing (rewritten) packet: `keyframe` when enabled and it is one, else `rtp`. */
  protected traceRtpOut(packet: RtpPacketView, isRtx: boolean): void {
    const flags = this.traceFlags;
    // An RTX payload starts with the original sequence number (RFC 4588 §4): not parsed here.
    const keyFrame = !isRtx && detectKeyFrame(packet, this.#detector);
    const type = keyFrame && flags.has('keyframe') ? 'keyframe' : flags.has('rtp') ? 'rtp' : '';
    if (type === '') return;
    const rtpPacket = rtpPacketDump(packet, keyFrame, this.#traceIds);
    this.output.notifyConsumer(this, 'trace', traceEvent(type, 'out', { rtpPacket, isRtx }));
  }

  /** Feedback from the endpoint: a NACK (no info, as mediasoup), a PLI or a FIR. */
  protected traceFeedbackIn(type: 'nack' | 'pli' | 'fir', ssrc: number): void {
    if (!this.traceFlags.has(type)) return;
    const info = type === 'nack' ? undefined : { ssrc };
    this.output.notifyConsumer(this, 'trace', traceEvent(type, 'in', info));
  }

  /**
   * The producer encoding whose score is this consumer's `producerScore`: what it forwards
   * (mediasoup's producer stream; a simulcast consumer's current layer, -1 for none).
   */
  protected get producerScoreEncoding(): number {
    return 0;
  }

  /**
   * mediasoup's consumer score (`producerScores`: one per producer encoding), when it differs
   * from the last one reported.
   */
  scoreIfChanged(
    producerScores: number[],
  ): { score: number; producerScore: number; producerScores: number[] } | undefined {
    const score = {
      score: this.stream.score,
      producerScore: producerScores[this.producerScoreEncoding] ?? 0,
      producerScores,
    };
    const key = `${score.score}|${score.producerScore}|${producerScores.join(',')}`;
    if (key === this.#lastScore) return undefined;
    this.#lastScore = key;
    return score;
  }

  /** One entry per send stream (a pipe consumer has one per encoding). */
  getStats(nowMs: number): RtpStreamSendStats[] {
    return [this.stream.getStats(nowMs)];
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.requireSync();
  }

  setProducerPaused(paused: boolean): void {
    if (this.producerPaused === paused) return;
    this.producerPaused = paused;
    if (!paused) this.requireSync();
  }

  /** Starts the stream (after creation): video asks for a key frame. */
  start(): void {
    this.requireSync();
  }

  requestKeyFrame(): void {
    if (this.kind === 'video' && this.active) this.output.requestProducerKeyFrame(this);
  }

  protected requireSync(): void {
    this.syncRequired = true;
    this.requestKeyFrame();
  }

  /**
   * Re-bases the outgoing numbering so the first packet after a (re)start
   * follows the last one sent: no sequence gap the endpoint would NACK.
   * `timestampOffset` replaces the current one (a simulcast layer switch);
   * either way the outgoing timestamp does not go back.
   */
  protected rebase(packet: RtpPacketView, timestampOffset?: number): void {
    this.#dropCount = 0;
    if (!this.started) {
      this.started = true;
      this.seqOffset = 0;
      this.timestampOffset = 0;
      this.lastSeq = (packet.sequenceNumber - 1) & 0xffff;
      this.lastTimestamp = packet.timestamp;
      return;
    }
    this.seqOffset = (this.lastSeq + 1 - packet.sequenceNumber) & 0xffff;
    if (timestampOffset !== undefined) this.timestampOffset = timestampOffset >>> 0;
    // Keep the producer's timestamp progression; just make sure time moves forward.
    const candidate = (packet.timestamp + this.timestampOffset) >>> 0;
    if ((candidate - this.lastTimestamp) >>> 0 >= 0x80000000) {
      this.timestampOffset = (this.lastTimestamp + 1 - packet.timestamp) >>> 0;
    }
  }
}
