/**
 * Worker-side Producer: an incoming media source on a transport. Each packet
 * is matched to one of its encodings by SSRC (RTX by its own SSRC), checked
 * by the stream's receive state (RFC 3550 A.1: duplicates and stale packets
 * stop here, losses become NACKs), mapped to the router's payload type, SSRC
 * and header extension ids in place, and handed to the router.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';
import {
  NO_VIDEO_ORIENTATION,
  readVideoOrientation,
} from '../../protocols/rtp/video-orientation.js';
import type { ReportBlock, SenderReport, XrDlrrItem } from '../../protocols/rtcp/index.js';
import type { MediaKind, RtpCodecParameters, RtpMapping, RtpParameters } from '../../ortc/index.js';
import {
  KeyFrameRequestManager,
  RtpStreamRecv,
  SharedPacketStore,
  isKeyFrame,
  keyFrameDetectorFor,
  type KeyFrameDetector,
  type KeyFrameRequestKind,
  type RtpStreamRecvStats,
} from '../rtpStream/index.js';
import { URI, buildProducerExtensionMap, extensionId } from './ExtensionMap.js';
import { extensionEquals } from './streamIds.js';
import { hasFeedback } from './codecFeedback.js';
import {
  PRODUCER_TRACE_TYPES,
  TraceFlags,
  rtpPacketDump,
  type TraceExtensionIds,
} from '../trace.js';
import { producerType, type ProducerType } from './producerType.js';
import { MAX_RTP_PACKET_SIZE } from './packetLimits.js';

export type { ProducerType };

const byEncoding = (a: ProducerStream, b: ProducerStream): number => a.encodingIdx - b.encodingIdx;

export interface ProducerOptions {
  id: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  rtpMapping: RtpMapping;
  paused: boolean;
  keyFrameRequestDelay: number;
  routerIdForUri: (uri: string) => number | undefined;
}

export interface ProducerListener {
  /** A packet ready for the router (router SSRC, payload type and extension ids). */
  onRtp(producer: Producer, packet: RtpPacketView, isKeyFrame: boolean): void;
  /** Send a generic NACK for these sequence numbers of `ssrc` (RFC 4585 §6.2.1). */
  onNack(ssrc: number, seqs: readonly number[]): void;
  /** Send a PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1) for `ssrc`. */
  onKeyFrameRequest(ssrc: number, kind: KeyFrameRequestKind, firSequenceNumber: number): void;
  onScore(producer: Producer): void;
  /**
   * The video orientation extension (3GPP TS 26.114 §7.4.5) read for the first time or
   * changed: its C F R1 R0 bits (video/orientation.ts reads them).
   */
  onVideoOrientationChange(producer: Producer, bits: number): void;
  /** A trace event of an enabled type (producer.enableTraceEvent()). */
  onTrace(type: string, direction: 'in' | 'out', info?: Record<string, unknown>): void;
}

export interface ProducerStream {
  encodingIdx: number;
  ssrc: number;
  rtxSsrc: number | undefined;
  mappedSsrc: number;
  rid: string | undefined;
  recv: RtpStreamRecv;
}

/** One encoding as signalled; its stream exists once its SSRC is known (signalled or learned). */
interface EncodingSlot {
  encodingIdx: number;
  rid: string | undefined;
  ridBytes: Uint8Array | undefined;
  mappedSsrc: number;
  codec: RtpCodecParameters;
  rtxPayloadType: number | undefined;
  stream: ProducerStream | undefined;
}

export interface ProducerScore {
  encodingIdx: number;
  ssrc: number;
  rid?: string;
  score: number;
}

export class Producer {
  readonly id: string;
  readonly kind: MediaKind;
  readonly rtpParameters: RtpParameters;
  readonly type: ProducerType;
  /** The control layer's mapping to router payload types and SSRCs (as validated). */
  readonly rtpMapping: RtpMapping;
  readonly streams: ProducerStream[] = [];
  paused: boolean;
  /** Packets that were ours but not forwarded (unknown payload type, bad RTX, duplicates). */
  packetsDiscarded = 0;
  readonly #bySsrc = new Map<number, ProducerStream>();
  readonly #byRtxSsrc = new Map<number, ProducerStream>();
  /** producer payload type → router payload type (255: unknown). */
  readonly #payloadTypes = new Uint8Array(128).fill(255);
  readonly #extensionMap: Uint8Array;
  readonly #listener: ProducerListener;
  readonly #keyFrames: KeyFrameRequestManager;
  readonly #detector: KeyFrameDetector | undefined;
  readonly #slots: EncodingSlot[] = [];
  /** The producer's own ids of the rid and repaired-rid extensions (0: not negotiated). */
  readonly #ridId: number;
  readonly #rridId: number;
  /** The video orientation extension's id (0: not negotiated, or audio). */
  readonly #videoOrientationId: number;
  /** Its last bits (NO_VIDEO_ORIENTATION until one is read: the first one is reported too). */
  #videoOrientation = NO_VIDEO_ORIENTATION;
  #lastScores = '';
  #closed = false;
  /** producer.enableTraceEvent(): what `trace` notifications to emit. */
  readonly traceFlags = new TraceFlags(PRODUCER_TRACE_TYPES);
  readonly #traceIds: TraceExtensionIds;

  constructor(options: ProducerOptions, listener: ProducerListener) {
    this.id = options.id;
    this.kind = options.kind;
    this.rtpParameters = options.rtpParameters;
    this.paused = options.paused;
    this.rtpMapping = options.rtpMapping;
    this.#listener = listener;
    const encodings = options.rtpParameters.encodings ?? [];
    this.type = producerType(options.rtpParameters);
    for (const { payloadType, mappedPayloadType } of options.rtpMapping.codecs) {
      this.#payloadTypes[payloadType] = mappedPayloadType;
    }
    const codecs = options.rtpParameters.codecs;
    const media = codecs.find((c) => !c.mimeType.toLowerCase().endsWith('/rtx'));
    this.#detector = media ? keyFrameDetectorFor(media.mimeType) : undefined;
    this.#keyFrames = new KeyFrameRequestManager({
      onKeyFrameNeeded: (ssrc) => this.#bySsrc.get(ssrc)?.recv.requestKeyFrame(),
      keyFrameRequestDelay: options.keyFrameRequestDelay,
    });
    encodings.forEach((encoding, encodingIdx) => {
      const mapping = options.rtpMapping.encodings[encodingIdx];
      if (!mapping || !media) return;
      const codec = codecs.find((c) => c.payloadType === encoding.codecPayloadType) ?? media;
      const rtx = codecs.find(
        (c) =>
          c.mimeType.toLowerCase().endsWith('/rtx') &&
          Number(c.parameters?.apt) === codec.payloadType,
      );
      const slot: EncodingSlot = {
        encodingIdx,
        rid: encoding.rid,
        ridBytes: encoding.rid === undefined ? undefined : Buffer.from(encoding.rid, 'latin1'),
        mappedSsrc: mapping.mappedSsrc,
        codec,
        rtxPayloadType: rtx?.payloadType,
        stream: undefined,
      };
      this.#slots.push(slot);
      if (encoding.ssrc !== undefined) {
        this.#createStream(slot, encoding.ssrc);
        if (encoding.rtx?.ssrc !== undefined) this.#setRtx(slot, encoding.rtx.ssrc);
      }
    });
    const extensions = options.rtpParameters.headerExtensions ?? [];
    this.#ridId = extensionId(extensions, URI.rid);
    this.#rridId = extensionId(extensions, URI.repairedRid);
    this.#videoOrientationId =
      this.kind === 'video' ? extensionId(extensions, URI.videoOrientation) : 0;
    this.#traceIds = {
      midId: extensionId(extensions, URI.mid),
      ridId: this.#ridId,
      rridId: this.#rridId,
      transportWideCcId: extensionId(extensions, URI.transportWideCc),
    };
    this.#extensionMap = buildProducerExtensionMap(
      options.rtpParameters.headerExtensions ?? [],
      options.routerIdForUri,
    );
  }

  #packetStore: SharedPacketStore | undefined;

  /**
   * The one copy of each fanned-out packet its consumers' retransmissions read, once the first
   * consumer that keeps packets asked for it (`sharedPacketStore`); the router fills it before
   * each fan-out.
   */
  get packetStore(): SharedPacketStore | undefined {
    return this.#packetStore;
  }

  /** The shared packet store, created on first use. */
  sharedPacketStore(): SharedPacketStore {
    this.#packetStore ??= new SharedPacketStore({ slotSize: MAX_RTP_PACKET_SIZE });
    return this.#packetStore;
  }

  /** The stream of encoding `encodingIdx` (spatial layer), once its SSRC is known. */
  streamOfEncoding(encodingIdx: number): ProducerStream | undefined {
    return this.#slots[encodingIdx]?.stream;
  }

  /** The router SSRCs of the encodings, in encoding (spatial layer) order. */
  get mappedSsrcs(): number[] {
    return this.#slots.map((slot) => slot.mappedSsrc);
  }

  /** Whether this producer receives the given SSRC (media or RTX). */
  hasSsrc(ssrc: number): boolean {
    return this.#bySsrc.has(ssrc) || this.#byRtxSsrc.has(ssrc);
  }

  /**
   * Handles one decrypted packet of one of our SSRCs; forwards it if it is
   * new. Returns whether the SSRC was ours, and whether it was RTX.
   */
  receiveRtp(packet: RtpPacketView, nowMs: number): 'unknown' | 'media' | 'rtx' {
    let stream = this.#bySsrc.get(packet.ssrc);
    if (!stream && !this.#byRtxSsrc.has(packet.ssrc)) {
      if (!this.#learn(packet)) return 'unknown';
      stream = this.#bySsrc.get(packet.ssrc);
    }
    let keyFrame: boolean;
    let rtx = false;
    if (stream) {
      keyFrame = isKeyFrame(packet, this.#detector);
      if (stream.recv.receivePacket(packet, nowMs, keyFrame) !== 'accepted') {
        this.packetsDiscarded++;
        return 'media';
      }
    } else {
      stream = this.#byRtxSsrc.get(packet.ssrc);
      if (!stream) return 'unknown';
      // RFC 4588 §4: restored in place to the original packet (padding-only
      // RTX, used for probing, is refused here).
      if (stream.recv.receiveRtxPacket(packet, nowMs) !== 'accepted') {
        this.packetsDiscarded++;
        return 'rtx';
      }
      rtx = true;
      keyFrame = isKeyFrame(packet, this.#detector);
    }
    const mappedPayloadType = this.#payloadTypes[packet.payloadType];
    if (mappedPayloadType === 255) {
      this.packetsDiscarded++;
      return rtx ? 'rtx' : 'media';
    }
    if (keyFrame) this.#keyFrames.keyFrameReceived(stream.ssrc);
    // mediasoup traces what it forwards, as received (before the router's ids).
    if (this.traceFlags.any && !this.paused) this.#traceRtp(packet, keyFrame, rtx);
    // As mediasoup: what is forwarded (not while paused), with the producer's own id.
    if (this.#videoOrientationId !== 0 && !this.paused) this.#readVideoOrientation(packet);
    packet.payloadType = mappedPayloadType;
    packet.ssrc = stream.mappedSsrc;
    packet.rewriteExtensionIds(this.#extensionMap);
    if (!this.paused) this.#listener.onRtp(this, packet, keyFrame);
    return rtx ? 'rtx' : 'media';
  }

  receiveSenderReport(sr: SenderReport, nowMs: number): void {
    const stream = this.#bySsrc.get(sr.ssrc);
    if (!stream) return;
    stream.recv.receiveSenderReport(sr, nowMs);
    if (this.traceFlags.any && this.traceFlags.has('sr')) {
      this.#listener.onTrace('sr', 'in', {
        ssrc: sr.ssrc,
        ntpSec: sr.ntpSeconds,
        ntpFrac: sr.ntpFraction,
        rtpTs: sr.rtpTimestamp,
        packetCount: sr.packetCount,
        octetCount: sr.octetCount,
      });
    }
  }

  /**
   * The sender's DLRR sub-block for media SSRC `ssrc` (RFC 3611 §4.5): that stream measures
   * its RTT. An RTX or unknown SSRC is ignored, as mediasoup does.
   */
  receiveXrDlrr(ssrc: number, item: XrDlrrItem, nowCompactNtp: number): void {
    this.#bySsrc.get(ssrc)?.recv.receiveXrDlrr(item.lastRr, item.delaySinceLastRr, nowCompactNtp);
  }

  /** Report blocks for our receiver report (RFC 3550 §6.4.2). */
  getReportBlocks(nowMs: number, out: ReportBlock[]): void {
    for (const stream of this.streams) {
      const block = stream.recv.getReceiverReportBlock(nowMs);
      if (block) out.push(block);
    }
  }

  /**
   * A consumer needs a key frame (throttled as mediasoup does): of the stream
   * with router SSRC `mappedSsrc` (a simulcast layer), or of every stream.
   */
  requestKeyFrame(nowMs: number, mappedSsrc?: number): void {
    if (this.#closed || this.kind !== 'video' || this.paused) return;
    for (const stream of this.streams) {
      if (mappedSsrc === undefined || stream.mappedSsrc === mappedSsrc) {
        this.#keyFrames.keyFrameNeeded(stream.ssrc, nowMs);
      }
    }
  }

  /** Periodic work: NACK retries, key frame request retries, score changes. */
  tick(nowMs: number): void {
    for (const stream of this.streams) stream.recv.tick(nowMs);
    this.#keyFrames.tick(nowMs);
    const scores = this.scores.map((s) => s.score).join(',');
    if (scores !== this.#lastScores) {
      this.#lastScores = scores;
      this.#listener.onScore(this);
    }
  }

  /** The RTT of the sending endpoint, for NACK pacing. */
  setRtt(rttMs: number): void {
    for (const stream of this.streams) stream.recv.rttMs = rttMs;
  }

  get scores(): ProducerScore[] {
    return this.streams.map((s) => ({
      encodingIdx: s.encodingIdx,
      ssrc: s.ssrc,
      rid: s.rid,
      score: s.recv.score,
    }));
  }

  /** One score per encoding, 0 until its stream exists (mediasoup's rtpStreamScores). */
  get encodingScores(): number[] {
    return this.#slots.map((slot) => slot.stream?.recv.score ?? 0);
  }

  getStats(nowMs: number): (RtpStreamRecvStats & { rid: string | undefined })[] {
    return this.streams.map((s) => ({ ...s.recv.getStats(nowMs), rid: s.rid }));
  }

  /**
   * An SSRC we do not know yet: mediasoup's Producer::GetRtpStream. A media
   * payload type with a rid (RFC 8852 §3.1) naming an encoding without a
   * stream starts that encoding's stream; an RTX payload type with a
   * repaired-rid (RFC 8852 §3.2) names the stream it repairs (RFC 4588). A
   * producer with one encoding and no rid takes the first SSRC of the right
   * payload type (the transport matched it by MID, RFC 8843 §15). Every
   * encoding learns at most one media and one RTX SSRC: this table is bounded.
   */
  #learn(packet: RtpPacketView): boolean {
    const pt = packet.payloadType;
    const single = this.#slots.length === 1 ? this.#slots[0] : undefined;
    for (const slot of this.#slots) {
      if (pt === slot.codec.payloadType) {
        if (slot.stream || !slot.ridBytes) continue;
        if (!extensionEquals(packet, this.#ridId, slot.ridBytes)) continue;
        this.#createStream(slot, packet.ssrc);
        return true;
      }
      if (pt === slot.rtxPayloadType) {
        if (!slot.stream || slot.stream.rtxSsrc !== undefined || !slot.ridBytes) continue;
        if (!extensionEquals(packet, this.#rridId, slot.ridBytes)) continue;
        this.#setRtx(slot, packet.ssrc);
        return true;
      }
    }
    if (!single || single.rid !== undefined) return false;
    if (pt === single.codec.payloadType && !single.stream) {
      this.#createStream(single, packet.ssrc);
      return true;
    }
    if (pt === single.rtxPayloadType && single.stream && single.stream.rtxSsrc === undefined) {
      this.#setRtx(single, packet.ssrc);
      return true;
    }
    return false;
  }

  #createStream(slot: EncodingSlot, ssrc: number): void {
    const codec = slot.codec;
    const recv = new RtpStreamRecv({
      ssrc,
      payloadType: codec.payloadType,
      clockRate: codec.clockRate,
      mimeType: codec.mimeType,
      useNack: hasFeedback(codec, 'nack'),
      usePli: hasFeedback(codec, 'nack', 'pli'),
      useFir: hasFeedback(codec, 'ccm', 'fir'),
      onNack: (seqs) => {
        this.#listener.onNack(ssrc, seqs);
        if (this.traceFlags.any && this.traceFlags.has('nack')) {
          this.#listener.onTrace('nack', 'out');
        }
      },
      onKeyFrameRequest: (kind) => {
        this.#listener.onKeyFrameRequest(ssrc, kind, recv.firSequenceNumber);
        if (this.traceFlags.any && this.traceFlags.has(kind)) {
          this.#listener.onTrace(kind, 'out', { ssrc });
        }
      },
    });
    const stream: ProducerStream = {
      encodingIdx: slot.encodingIdx,
      ssrc,
      rtxSsrc: undefined,
      mappedSsrc: slot.mappedSsrc,
      rid: slot.rid,
      recv,
    };
    slot.stream = stream;
    // Streams stay in encoding order (spatial layers), whatever order they were learned in.
    this.streams.push(stream);
    if ((this.streams.at(-2)?.encodingIdx ?? -1) > slot.encodingIdx) this.streams.sort(byEncoding);
    this.#bySsrc.set(ssrc, stream);
  }

  #setRtx(slot: EncodingSlot, rtxSsrc: number): void {
    const stream = slot.stream;
    if (!stream || slot.rtxPayloadType === undefined) return;
    stream.rtxSsrc = rtxSsrc;
    stream.recv.setRtx(rtxSsrc, slot.rtxPayloadType);
    this.#byRtxSsrc.set(rtxSsrc, stream);
  }

  #readVideoOrientation(packet: RtpPacketView): void {
    const at = packet.findExtension(this.#videoOrientationId);
    if (at < 0) return;
    const bits = readVideoOrientation(packet.buffer, at, packet.foundExtensionLength);
    if (bits === NO_VIDEO_ORIENTATION || bits === this.#videoOrientation) return;
    this.#videoOrientation = bits;
    this.#listener.onVideoOrientationChange(this, bits);
  }

  /** mediasoup's rtp/keyframe trace: a key frame traces as `keyframe` when enabled, else `rtp`. */
  #traceRtp(packet: RtpPacketView, keyFrame: boolean, rtx: boolean): void {
    const flags = this.traceFlags;
    const type = keyFrame && flags.has('keyframe') ? 'keyframe' : flags.has('rtp') ? 'rtp' : '';
    if (type === '') return;
    const rtpPacket = rtpPacketDump(packet, keyFrame, this.#traceIds);
    this.#listener.onTrace(type, 'in', { rtpPacket, isRtx: rtx });
  }

  close(): void {
    this.#closed = true;
    this.#keyFrames.clear();
  }
}
