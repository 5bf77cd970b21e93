/**
 * Which producer of a transport an incoming RTP packet belongs to, as
 * mediasoup's RtpListener decides: by SSRC first (one map lookup, the hot
 * path); for an SSRC not seen yet, by the MID header extension (RFC 8843
 * §15), else by the rid (RFC 8852 §3.1, RFC 8853 simulcast without MID).
 * An SSRC is added to the table only once its producer accepted it as one
 * of its encodings' media or RTX streams, so the table holds at most two
 * SSRCs per signalled encoding: a flood of unknown SSRCs costs a lookup
 * each, never memory.
 */
import type { RtpPacketView } from '../../protocols/rtp/index.js';
import type { Producer } from './Producer.js';
import { URI, extensionId } from './ExtensionMap.js';
import { extensionString } from './streamIds.js';

export class RtpListener {
  readonly #bySsrc = new Map<number, Producer>();
  readonly #byMid = new Map<string, Producer>();
  readonly #byRid = new Map<string, Producer>();
  /**
   * The MID and rid extension ids of the latest producer: one SDP negotiates
   * them for every m-section of a transport (mediasoup keeps one set too).
   */
  #midId = 0;
  #ridId = 0;
  #rridId = 0;
  /** The same for the ids only dumps report (mediasoup's recvRtpHeaderExtensions). */
  #absSendTimeId = 0;
  #transportWideCcId = 0;

  /** Registers a producer; a duplicate MID, rid (without MID) or SSRC is a TypeError. */
  add(producer: Producer): void {
    const { mid, encodings = [], headerExtensions = [] } = producer.rtpParameters;
    if (mid !== undefined && this.#byMid.has(mid)) {
      throw new TypeError(`a Producer with mid '${mid}' already exists in this transport`);
    }
    for (const stream of producer.streams) {
      for (const ssrc of [stream.ssrc, stream.rtxSsrc]) {
        if (ssrc !== undefined && this.#bySsrc.has(ssrc)) {
          throw new TypeError(`ssrc ${ssrc} already exists in this transport`);
        }
      }
    }
    if (mid === undefined) {
      for (const { rid } of encodings) {
        if (rid !== undefined && this.#byRid.has(rid)) {
          throw new TypeError(`a Producer with rid '${rid}' already exists in this transport`);
        }
      }
    }
    if (mid !== undefined) this.#byMid.set(mid, producer);
    // As mediasoup: a rid names the first producer that has it, with a MID or not (a packet
    // with a rid and no MID finds it).
    for (const { rid } of encodings) {
      if (rid !== undefined && !this.#byRid.has(rid)) this.#byRid.set(rid, producer);
    }
    for (const stream of producer.streams) this.learn(stream.ssrc, stream.rtxSsrc, producer);
    this.#midId = extensionId(headerExtensions, URI.mid) || this.#midId;
    this.#ridId = extensionId(headerExtensions, URI.rid) || this.#ridId;
    this.#rridId = extensionId(headerExtensions, URI.repairedRid) || this.#rridId;
    this.#absSendTimeId = extensionId(headerExtensions, URI.absSendTime) || this.#absSendTimeId;
    this.#transportWideCcId =
      extensionId(headerExtensions, URI.transportWideCc) || this.#transportWideCcId;
  }

  remove(producer: Producer): void {
    const { mid, encodings = [] } = producer.rtpParameters;
    if (mid !== undefined && this.#byMid.get(mid) === producer) this.#byMid.delete(mid);
    for (const { rid } of encodings) {
      if (rid !== undefined && this.#byRid.get(rid) === producer) this.#byRid.delete(rid);
    }
    for (const stream of producer.streams) {
      this.#bySsrc.delete(stream.ssrc);
      if (stream.rtxSsrc !== undefined) this.#bySsrc.delete(stream.rtxSsrc);
    }
  }

  /** The hot path: the producer of a known SSRC. */
  bySsrc(ssrc: number): Producer | undefined {
    return this.#bySsrc.get(ssrc);
  }

  /** An unknown SSRC: the producer its MID, else its rid or repaired-rid, names. */
  find(packet: RtpPacketView): Producer | undefined {
    const mid = extensionString(packet, this.#midId);
    if (mid !== undefined) return this.#byMid.get(mid);
    const rid = extensionString(packet, this.#ridId) ?? extensionString(packet, this.#rridId);
    return rid === undefined ? undefined : this.#byRid.get(rid);
  }

  /** The producer accepted these SSRCs (media and/or RTX) as its own. */
  learn(ssrc: number | undefined, rtxSsrc: number | undefined, producer: Producer): void {
    if (ssrc !== undefined) this.#bySsrc.set(ssrc, producer);
    if (rtxSsrc !== undefined) this.#bySsrc.set(rtxSsrc, producer);
  }

  get size(): number {
    return this.#bySsrc.size;
  }

  /** The tables as mediasoup's dump lists them (key → producer id); built on request only. */
  dump(): RtpListenerTables {
    const table = <K>(map: Map<K, Producer>): { key: K; value: string }[] =>
      [...map].map(([key, producer]) => ({ key, value: producer.id }));
    return {
      ssrcTable: table(this.#bySsrc),
      midTable: table(this.#byMid),
      ridTable: table(this.#byRid),
    };
  }

  /**
   * The extension ids incoming RTP is read with: the latest producer's that has each, kept
   * after it closes (as mediasoup's transport keeps them). Absent ones are left out.
   */
  get headerExtensionIds(): RecvHeaderExtensionIds {
    const ids: RecvHeaderExtensionIds = {};
    if (this.#midId) ids.mid = this.#midId;
    if (this.#ridId) ids.rid = this.#ridId;
    if (this.#rridId) ids.rrid = this.#rridId;
    if (this.#absSendTimeId) ids.absSendTime = this.#absSendTimeId;
    if (this.#transportWideCcId) ids.transportWideCc01 = this.#transportWideCcId;
    return ids;
  }
}

export interface RtpListenerTables {
  ssrcTable: { key: number; value: string }[];
  midTable: { key: string; value: string }[];
  ridTable: { key: string; value: string }[];
}

export interface RecvHeaderExtensionIds {
  mid?: number;
  rid?: number;
  rrid?: number;
  absSendTime?: number;
  transportWideCc01?: number;
}
