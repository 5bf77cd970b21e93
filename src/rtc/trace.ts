/**
 * mediasoup's trace events: a transport, producer or consumer emits `trace`
 * notifications of the types enabled with `enableTraceEvent(types)`. The
 * enabled set is a bit mask so the hot path's check is one AND.
 *
 * The type lists and the `info` shapes are mediasoup 3.19's (its fbs
 * TraceInfo tables as the Node layer unpacks them): `rtp` and `keyframe`
 * carry `{ rtpPacket, isRtx }`, `pli` and `fir` `{ ssrc }`, a producer's `sr`
 * the sender report's fields, `nack` no info.
 */
import { readU16, type RtpPacketView } from '../protocols/rtp/index.js';
import type { TransportNotifier } from './transport/RtcTransport.js';

export const TRANSPORT_TRACE_TYPES = ['probation', 'bwe'] as const;
export const PRODUCER_TRACE_TYPES = ['rtp', 'keyframe', 'nack', 'pli', 'fir', 'sr'] as const;
export const CONSUMER_TRACE_TYPES = ['rtp', 'keyframe', 'nack', 'pli', 'fir'] as const;

export type TransportTraceType = (typeof TRANSPORT_TRACE_TYPES)[number];
export type ProducerTraceType = (typeof PRODUCER_TRACE_TYPES)[number];
export type ConsumerTraceType = (typeof CONSUMER_TRACE_TYPES)[number];

/** The enabled trace types of one entity. */
export class TraceFlags<T extends string> {
  readonly #known: readonly T[];
  #mask = 0;

  constructor(known: readonly T[]) {
    this.#known = known;
  }

  /** Replaces the enabled set (an empty list disables all); unknown names throw TypeError. */
  set(types: readonly string[]): void {
    let mask = 0;
    for (const type of types) {
      const bit = this.#known.indexOf(type as T);
      if (bit < 0) throw new TypeError(`invalid trace event type: ${type}`);
      mask |= 1 << bit;
    }
    this.#mask = mask;
  }

  has(type: T): boolean {
    return (this.#mask & (1 << this.#known.indexOf(type))) !== 0;
  }

  /** True when any type is enabled (a cheap early exit on the hot path). */
  get any(): boolean {
    return this.#mask !== 0;
  }

  get enabled(): T[] {
    return this.#known.filter((_, bit) => (this.#mask & (1 << bit)) !== 0);
  }
}

/** mediasoup's trace event data: `{ type, timestamp, direction, info }`. */
export interface TraceEventData {
  type: string;
  /** Milliseconds (mediasoup: the worker's monotonic clock). */
  timestamp: number;
  direction: 'in' | 'out';
  /** Absent for types without info (`nack`), as in mediasoup. */
  info?: Record<string, unknown>;
}

/** One trace event, stamped now. */
export function traceEvent(
  type: string,
  direction: 'in' | 'out',
  info?: Record<string, unknown>,
): TraceEventData {
  return { type, timestamp: Math.round(performance.now()), direction, info };
}

/** Emits a trace event for `handlerId` (the transport itself when undefined). */
export function emitTrace(
  notifier: TransportNotifier,
  handlerId: string | undefined,
  type: string,
  direction: 'in' | 'out',
  info?: Record<string, unknown>,
): void {
  const data = traceEvent(type, direction, info);
  if (handlerId === undefined) notifier.notify('trace', data);
  else notifier.notifyEntity(handlerId, 'trace', data);
}

/** Where a packet's mid, rid, repaired-rid and transport-wide sequence number are (0: absent). */
export interface TraceExtensionIds {
  midId: number;
  ridId: number;
  rridId: number;
  transportWideCcId: number;
}

/**
 * mediasoup's RTP packet dump (fbs RtpPacket.Dump) of `packet`, as its
 * extension ids say. Sizes are numbers here (mediasoup's Node layer gives
 * BigInts for these uint64 fields, which JSON cannot carry). Layers are 0
 * when the payload does not tell them, as mediasoup's default.
 */
export function rtpPacketDump(
  packet: RtpPacketView,
  isKeyFrame: boolean,
  ids: TraceExtensionIds,
  spatialLayer = 0,
  temporalLayer = 0,
): Record<string, unknown> {
  let wideSequenceNumber: number | null = null;
  if (ids.transportWideCcId !== 0) {
    const at = packet.findExtension(ids.transportWideCcId);
    if (at >= 0 && packet.foundExtensionLength === 2) {
      wideSequenceNumber = readU16(packet.buffer, at);
    }
  }
  return {
    payloadType: packet.payloadType,
    sequenceNumber: packet.sequenceNumber,
    timestamp: packet.timestamp,
    marker: packet.marker,
    ssrc: packet.ssrc,
    isKeyFrame,
    size: packet.length,
    payloadSize: packet.payloadLength,
    spatialLayer,
    temporalLayer,
    mid: stringExtension(packet, ids.midId),
    rid: stringExtension(packet, ids.ridId),
    rrid: stringExtension(packet, ids.rridId),
    wideSequenceNumber,
  };
}

function stringExtension(packet: RtpPacketView, id: number): string | null {
  if (id === 0) return null;
  const value = packet.getExtension(id);
  if (!value || value.length === 0) return null;
  return Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf8');
}
