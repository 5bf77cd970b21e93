/**
 * enableTraceEvent() on transports, producers and consumers: mediasoup's
 * argument checks and its `trace` event data.
 */
import { checkRequestList } from '../channel/limits.js';
import type { Logger } from '../common/Logger.js';
import {
  CONSUMER_TRACE_TYPES,
  PRODUCER_TRACE_TYPES,
  TRANSPORT_TRACE_TYPES,
  type ConsumerTraceType,
  type ProducerTraceType,
  type TransportTraceType,
} from '../rtc/trace.js';

export { CONSUMER_TRACE_TYPES, PRODUCER_TRACE_TYPES, TRANSPORT_TRACE_TYPES };
export type TransportTraceEventType = TransportTraceType;
export type ProducerTraceEventType = ProducerTraceType;
export type ConsumerTraceEventType = ConsumerTraceType;

/** mediasoup's trace event: `info` as its worker's TraceInfo tables unpack (none for nack). */
export interface TraceEventData<T extends string> {
  type: T;
  timestamp: number;
  direction: 'in' | 'out';
  // mediasoup types it `any`: the shape depends on `type`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  info: any;
}
export type TransportTraceEventData = TraceEventData<TransportTraceEventType>;
export type ProducerTraceEventData = TraceEventData<ProducerTraceEventType>;
export type ConsumerTraceEventData = TraceEventData<ConsumerTraceEventType>;

/**
 * mediasoup's checks: not an array, or an entry not a string, is a TypeError;
 * names this entity does not trace are dropped with a warning (mediasoup
 * ignores them too). Returns what to send to the worker.
 */
export function traceTypesToEnable(
  types: unknown,
  known: readonly string[],
  logger: Logger,
): string[] {
  if (!Array.isArray(types)) throw new TypeError('types must be an array');
  checkRequestList(types, 'types');
  if (types.some((type) => typeof type !== 'string')) {
    throw new TypeError('every type must be a string');
  }
  const enabled: string[] = [];
  for (const type of types as string[]) {
    if (known.includes(type)) enabled.push(type);
    else logger.warn(`enableTraceEvent() | ignoring invalid trace event type "${type}"`);
  }
  return enabled;
}
