/**
 * Small checks shared by the validators. Each throws a TypeError whose
 * message starts with the field's path (e.g. `params.codecs[0].payloadType`)
 * so that whoever sent bad JSON can find it.
 */

import { MAX_CODEC_PARAMETERS, MAX_PARAMETER_VALUE_LENGTH, MAX_STRING_LENGTH } from './bounds.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Optional fields may be omitted or null (JSON from other bindings). */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

export function checkObject(value: unknown, name: string): asserts value is JsonObject {
  if (!isObject(value)) throw new TypeError(`${name} is not an object`);
}

/** An array of at most `max` entries (checked before any entry is looked at). */
export function checkArray(value: unknown, name: string, max: number): asserts value is unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} is not an array`);
  if (value.length > max) throw new TypeError(`${name} has more than ${max} entries`);
}

export function checkNonEmptyString(
  value: unknown,
  name: string,
  max = MAX_STRING_LENGTH,
): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  if (value.length > max) throw new TypeError(`${name} is longer than ${max} characters`);
}

export function checkBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean`);
}

export function checkInteger(
  value: unknown,
  name: string,
  min: number,
  max: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer in [${min}, ${max}]`);
  }
}

export function checkPositiveNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number`);
  }
}

/** Deletes an optional field given as null so that only `undefined` means absent later. */
export function dropNull(object: JsonObject, key: string): void {
  if (object[key] === null) delete object[key];
}

/**
 * Format parameters (`a=fmtp`, RFC 8866 §6.15) are flat key/value pairs.
 * A key without value (e.g. `useinbandfec` alone) becomes ''.
 */
export function normalizeFormatParameters(holder: JsonObject, name: string): void {
  if (isAbsent(holder.parameters)) holder.parameters = {};
  const parameters = holder.parameters;
  checkObject(parameters, `${name}.parameters`);
  const keys = Object.keys(parameters);
  if (keys.length > MAX_CODEC_PARAMETERS) {
    throw new TypeError(`${name}.parameters has more than ${MAX_CODEC_PARAMETERS} entries`);
  }
  for (const key of keys) {
    const value = parameters[key];
    if (key.length > MAX_STRING_LENGTH) {
      throw new TypeError(`${name}.parameters has a key longer than ${MAX_STRING_LENGTH}`);
    }
    if (value === undefined || value === null) {
      parameters[key] = '';
    } else if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string') {
      throw new TypeError(`${name}.parameters["${key}"] must be a string or a number`);
    } else if (typeof value === 'string' && value.length > MAX_PARAMETER_VALUE_LENGTH) {
      throw new TypeError(
        `${name}.parameters["${key}"] is longer than ${MAX_PARAMETER_VALUE_LENGTH} characters`,
      );
    }
  }
}
