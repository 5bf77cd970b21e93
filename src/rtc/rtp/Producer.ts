/**
 * Worker-side Producer: an incoming media source on a transport. Each packet
 * is matched to one of its encodings by SSRC (RTX by its own SSRC), mapped to
 * the router's payload types, SSRC and header extension ids in place, and
 * handed to the router for its consumers.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';
import { decapsulateRtx } from '../../protocols/rtp/index.js';
import type { MediaKind, RtpMapping, RtpParameters } from '../../ortc/index.js';
import { buildProducerExtensionMap } from './ExtensionMap.js';
import { isKeyFrame } from './keyFrame.js';

export type ProducerType = 'simple' | 'simulcast' | 'svc';

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
  /** Ask the sending endpoint for a key frame on this media SSRC (PLI, RFC 4585 §6.3.1). */
  onKeyFrameNeeded(producer: Producer, ssrc: number): void;
  onScore(producer: Producer): void;
}

/** Per-encoding receive state and counters (the getStats figures). */
export interface ProducerStream {
  ssrc: number;
  rtxSsrc: number | undefined;
  mappedSsrc: number;
  rid: string | undefined;
  mimeType: string;
  clockRate: number;
  packetCount: number;
  byteCount: number;
  packetsDiscarded: number;
  packetsRetransmitted: number;
  firstSeqSeen: boolean;
  highestSeq: number;
  cycles: number;
  baseSeq: number;
  /** 0–10, as mediasoup reports it. */
  score: number;
}

/** PLIs toward the producer are limited to one per second (mediasoup's behaviour). */
const KEY_FRAME_REQUEST_INTERVAL_MS = 1000;

export class Producer {
  readonly id: string;
  readonly kind: MediaKind;
  readonly rtpParameters: RtpParameters;
  readonly type: ProducerType;
  readonly streams: ProducerStream[] = [];
  paused: boolean;
  readonly #bySsrc = new Map<number, ProducerStream>();
  readonly #byRtxSsrc = new Map<number, ProducerStream>();
  /** producer payload type → router payload type (255: unknown). */
  readonly #payloadTypes = new Uint8Array(128).fill(255);
  /** producer RTX payload type → the associated media payload type (255: none). */
  readonly #rtxPayloadTypes = new Uint8Array(128).fill(255);
  readonly #extensionMap: Uint8Array;
  readonly #listener: ProducerListener;
  readonly #keyFrameRequestDelay: number;
  readonly #createdAt: number;
  #lastKeyFrameRequest = -Infinity;
  #pendingKeyFrameRequest: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ProducerOptions, listener: ProducerListener, nowMs: number) {
    this.id = options.id;
    this.kind = options.kind;
    this.rtpParameters = options.rtpParameters;
    this.paused = options.paused;
    this.#listener = listener;
    this.#keyFrameRequestDelay = options.keyFrameRequestDelay;
    this.#createdAt = nowMs;
    const encodings = options.rtpParameters.encodings ?? [];
    this.type = encodings.length > 1 ? 'simulcast' : 'simple';
    for (const { payloadType, mappedPayloadType } of options.rtpMapping.codecs) {
      this.#payloadTypes[payloadType] = mappedPayloadType;
    }
    for (const codec of options.rtpParameters.codecs) {
      if (codec.mimeType.toLowerCase().endsWith('/rtx')) {
        const apt = Number(codec.parameters?.apt);
        if (Number.isInteger(apt)) this.#rtxPayloadTypes[codec.payloadType] = apt;
      }
    }
    const media = options.rtpParameters.codecs.find(
      (c) => !c.mimeType.toLowerCase().endsWith('/rtx'),
    );
    encodings.forEach((encoding, i) => {
      const mapping = options.rtpMapping.encodings[i];
      if (!mapping || encoding.ssrc === undefined) return;
      const stream: ProducerStream = {
        ssrc: encoding.ssrc,
        rtxSsrc: encoding.rtx?.ssrc,
        mappedSsrc: mapping.mappedSsrc,
        rid: encoding.rid,
        mimeType: media?.mimeType ?? '',
        clockRate: media?.clockRate ?? 90000,
        packetCount: 0,
        byteCount: 0,
        packetsDiscarded: 0,
        packetsRetransmitted: 0,
        firstSeqSeen: false,
        highestSeq: 0,
        cycles: 0,
        baseSeq: 0,
        score: 0,
      };
      this.streams.push(stream);
      this.#bySsrc.set(stream.ssrc, stream);
      if (stream.rtxSsrc !== undefined) this.#byRtxSsrc.set(stream.rtxSsrc, stream);
    });
    this.#extensionMap = buildProducerExtensionMap(
      options.rtpParameters.headerExtensions ?? [],
      options.routerIdForUri,
    );
  }

  /** Whether this producer receives the given SSRC (media or RTX). */
  hasSsrc(ssrc: number): boolean {
    return this.#bySsrc.has(ssrc) || this.#byRtxSsrc.has(ssrc);
  }

  /**
   * Handles one decrypted packet. Returns false if it was not ours or was
   * discarded (unknown payload type, malformed RTX).
   */
  receiveRtp(packet: RtpPacketView): boolean {
    let stream = this.#bySsrc.get(packet.ssrc);
    if (!stream) {
      stream = this.#byRtxSsrc.get(packet.ssrc);
      if (!stream) return false;
      const apt = this.#rtxPayloadTypes[packet.payloadType];
      // RFC 4588 §4: restore the original packet; padding-only RTX (probing) is dropped.
      if (apt === 255 || packet.payloadLength < 2 || !decapsulateRtx(packet, apt, stream.ssrc)) {
        stream.packetsDiscarded++;
        return false;
      }
      stream.packetsRetransmitted++;
    }
    const mappedPayloadType = this.#payloadTypes[packet.payloadType];
    if (mappedPayloadType === 255) {
      stream.packetsDiscarded++;
      return false;
    }
    this.#trackSequence(stream, packet.sequenceNumber);
    stream.packetCount++;
    stream.byteCount += packet.length;
    packet.payloadType = mappedPayloadType;
    packet.ssrc = stream.mappedSsrc;
    packet.rewriteExtensionIds(this.#extensionMap);
    if (this.paused) return true;
    const keyFrame = this.kind === 'video' && isKeyFrame(stream.mimeType, packet);
    if (keyFrame) this.#onKeyFrame();
    this.#listener.onRtp(this, packet, keyFrame);
    return true;
  }

  /** A consumer needs a key frame: send a PLI now or when the interval allows. */
  requestKeyFrame(nowMs: number): void {
    if (this.#closed || this.kind !== 'video' || this.paused) return;
    if (this.#pendingKeyFrameRequest) return;
    const earliest = Math.max(
      this.#lastKeyFrameRequest + KEY_FRAME_REQUEST_INTERVAL_MS,
      this.#createdAt + this.#keyFrameRequestDelay,
    );
    if (nowMs >= earliest) {
      this.#sendKeyFrameRequest(nowMs);
      return;
    }
    this.#pendingKeyFrameRequest = setTimeout(() => {
      this.#pendingKeyFrameRequest = undefined;
      this.#sendKeyFrameRequest(performance.now());
    }, earliest - nowMs);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#pendingKeyFrameRequest);
  }

  #sendKeyFrameRequest(nowMs: number): void {
    if (this.#closed) return;
    this.#lastKeyFrameRequest = nowMs;
    for (const stream of this.streams) this.#listener.onKeyFrameNeeded(this, stream.ssrc);
  }

  #onKeyFrame(): void {
    // A key frame satisfies whatever request was waiting.
    clearTimeout(this.#pendingKeyFrameRequest);
    this.#pendingKeyFrameRequest = undefined;
  }

  #trackSequence(stream: ProducerStream, seq: number): void {
    if (!stream.firstSeqSeen) {
      stream.firstSeqSeen = true;
      stream.baseSeq = seq;
      stream.highestSeq = seq;
      stream.score = 10;
      return;
    }
    const delta = (seq - stream.highestSeq) & 0xffff;
    if (delta !== 0 && delta < 0x8000) {
      if (seq < stream.highestSeq) stream.cycles += 0x10000;
      stream.highestSeq = seq;
    }
  }
}
