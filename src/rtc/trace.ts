/**
 * mediasoup's trace events: a transport, producer or consumer emits `trace`
 * notifications of the types enabled with `enableTraceEvent(types)`. The
 * enabled set is a bit mask so the hot path's check is one AND.
 */
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
  info: Record<string, unknown>;
}

/** Emits a trace event for `handlerId` (the transport itself when undefined). */
export function emitTrace(
  notifier: TransportNotifier,
  handlerId: string | undefined,
  type: string,
  direction: 'in' | 'out',
  info: Record<string, unknown>,
): void {
  const data: TraceEventData = { type, timestamp: Math.round(performance.now()), direction, info };
  if (handlerId === undefined) notifier.notify('trace', data);
  else notifier.notifyEntity(handlerId, 'trace', data);
}
