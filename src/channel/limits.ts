/**
 * What one channel message may carry. mediasoup caps its channel messages at
 * about 4 MiB; so do we, and in both directions. A request's JSON is also
 * bounded in nesting depth and in number of values, checked on the bytes
 * before anything is parsed or allocated: JSON.parse is iterative, but
 * structuredClone, JSON.stringify and validators recurse, and a small text
 * can expand to a heap many times its size (`[{},{},…]`: ~3 bytes of text per
 * ~40 bytes of heap), which a worker with a small heap limit cannot absorb.
 */

/** The largest frame (envelope + JSON + payload) either end sends or accepts. */
export const MAX_CHANNEL_MESSAGE_SIZE = 4 * 1024 * 1024;

/** Deeper than any request needs (RtpParameters nest 5 levels). */
export const MAX_JSON_DEPTH = 32;

/** Values (objects, arrays, strings, numbers, literals) in one request's data. */
export const MAX_JSON_VALUES = 65536;

/**
 * Entries in a list a request carries that has no bound of its own (listen
 * infos, fingerprints, log tags, trace event types…): checked by the control
 * layer and again by the worker.
 */
export const MAX_REQUEST_LIST_LENGTH = 128;

/** Throws TypeError unless `value` is an array of at most MAX_REQUEST_LIST_LENGTH entries. */
export function checkRequestList(value: unknown, name: string): asserts value is unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array`);
  if (value.length > MAX_REQUEST_LIST_LENGTH) {
    throw new TypeError(`${name} has more than ${MAX_REQUEST_LIST_LENGTH} entries`);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Checks the JSON text in `bytes[offset..end)` against the depth and value
 * bounds without parsing it. Returns why it is refused, or undefined. Values
 * are counted as written (each `{`, `[` and `,` starts one), which bounds
 * what parsing allocates whatever the text: one pass, no allocation.
 */
export function checkJsonBounds(
  bytes: Uint8Array,
  offset = 0,
  maxDepth = MAX_JSON_DEPTH,
  maxValues = MAX_JSON_VALUES,
  end = bytes.length,
): string | undefined {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = offset; i < end; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (++depth > maxDepth) return `data nested deeper than ${maxDepth} levels`;
        if (++values > maxValues) return `data has more than ${maxValues} values`;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        depth--;
        break;
      case COMMA:
        if (++values > maxValues) return `data has more than ${maxValues} values`;
        break;
    }
  }
  return undefined;
}
