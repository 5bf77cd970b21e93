/**
 * `*.enableTraceEvent` requests: `{ types }`, an array of strings. The
 * control layer drops names the entity does not know (as mediasoup does);
 * one that still arrives here is refused, as a malformed request.
 */
import { asObject, requireArray } from '../validate.js';

/** Replaces the enabled trace types of `flags` with the request's `types`. */
export function setTraceTypes(flags: { set(types: readonly string[]): void }, data: unknown): void {
  const types = requireArray(asObject(data, 'data').types, 'types');
  if (types.some((type) => typeof type !== 'string')) {
    throw new TypeError('every type must be a string');
  }
  flags.set(types as string[]);
}
