import { MAX_REQUEST_LIST_LENGTH } from '../channel/limits.js';

/**
 * Checks for request data arriving over the channel: the worker never trusts
 * it, and every failure is a TypeError naming the field.
 */

export function asObject(data: unknown, name: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`${name} must be an object`);
  }
  return data as Record<string, unknown>;
}

export function requireId(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  return value;
}

export function optionalBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean`);
  return value;
}

export function optionalNumber(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new TypeError(`${name} must be a number in [${min}, ${max}]`);
  }
  return value;
}

/** An array of at most `max` entries (checked before any entry is looked at). */
export function requireArray(
  value: unknown,
  name: string,
  max = MAX_REQUEST_LIST_LENGTH,
): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array`);
  if (value.length > max) throw new TypeError(`${name} has more than ${max} entries`);
  return value;
}

export function optionalString(value: unknown, name: string, max = 256): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw new TypeError(`${name} must be a string of at most ${max} characters`);
  }
  return value;
}
