/**
 * Copying caller input before validating it in place. structuredClone would
 * do, but it recurses: input nested a few thousand levels deep ends in a
 * RangeError ("Maximum call stack size exceeded") instead of a TypeError
 * that names the field. This copy is iterative, linear in the input, and
 * refuses what no valid input has: deep nesting, too many values, and values
 * JSON cannot carry.
 */

/** Deeper than any parameters or capabilities (they nest 5 levels). */
export const MAX_INPUT_DEPTH = 16;

/** Values in one input; a DAG of shared references counts every path. */
export const MAX_INPUT_VALUES = 65536;

/**
 * A plain deep copy of `value` (objects, arrays, strings, finite numbers,
 * booleans, null, undefined). Throws TypeError naming `name` when the input
 * is deeper than `maxDepth`, has more than `maxValues` values, or holds
 * anything else (functions, symbols, BigInts, cycles show up as depth).
 */
export function cloneJsonInput(
  value: unknown,
  name: string,
  maxDepth = MAX_INPUT_DEPTH,
  maxValues = MAX_INPUT_VALUES,
): unknown {
  const root: { value: unknown } = { value: undefined };
  // Each entry: a source value, where its copy goes, and its depth.
  const stack: [unknown, Record<string | number, unknown>, string | number, number][] = [
    [value, root, 'value', 0],
  ];
  let values = 0;
  while (stack.length > 0) {
    const [source, target, key, depth] = stack.pop()!;
    if (++values > maxValues) throw new TypeError(`${name} has more than ${maxValues} values`);
    if (typeof source !== 'object' || source === null) {
      if (
        typeof source === 'function' ||
        typeof source === 'symbol' ||
        typeof source === 'bigint' ||
        (typeof source === 'number' && !Number.isFinite(source))
      ) {
        throw new TypeError(`${name} holds a ${typeof source} that JSON cannot carry`);
      }
      put(target, key, source);
      continue;
    }
    if (depth >= maxDepth) throw new TypeError(`${name} is nested deeper than ${maxDepth} levels`);
    const size = Array.isArray(source) ? source.length : Object.keys(source).length;
    if (values + stack.length + size > maxValues) {
      throw new TypeError(`${name} has more than ${maxValues} values`);
    }
    if (Array.isArray(source)) {
      const copy = new Array<unknown>(source.length);
      put(target, key, copy);
      for (let i = 0; i < source.length; i++) {
        stack.push([source[i], copy as unknown as Record<number, unknown>, i, depth + 1]);
      }
    } else {
      const copy: Record<string, unknown> = {};
      put(target, key, copy);
      for (const field of Object.keys(source)) {
        stack.push([(source as Record<string, unknown>)[field], copy, field, depth + 1]);
      }
    }
  }
  return root.value;
}

/** An own property even for '__proto__' (as JSON.parse makes it), never the prototype. */
function put(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}
