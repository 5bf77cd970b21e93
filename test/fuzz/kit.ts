/**
 * What every parser fuzz test shares: corpora of real captures, mutation of corpus entries,
 * the sentinel check that a parser reads only its view, and a runner that counts the inputs
 * tried and the crashes found (an exception, or a property returning false).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { fuzzRuns, reportFuzz } from './budget.js';

/** The corpus sources live next to this file in the repository (dist/ holds only JS). */
const CORPUS_DIR = fileURLToPath(new URL('../../../test/fuzz/corpus/', import.meta.url));

/**
 * Every packet of `test/fuzz/corpus/<name>.hex` and of `captured/*<name>.hex` (one hex packet
 * per line, `#` comments). Throws if there is none: a fuzz test must not run unseeded.
 */
export function loadCorpus(...names: string[]): Buffer[] {
  const files: string[] = [];
  for (const name of names) {
    files.push(`${CORPUS_DIR}${name}.hex`);
    for (const f of readdirSync(`${CORPUS_DIR}captured`)) {
      if (f === `${name}.hex` || f.endsWith(`-${name}.hex`))
        files.push(`${CORPUS_DIR}captured/${f}`);
    }
  }
  const packets: Buffer[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const hex = line.replace(/#.*/, '').replace(/\s+/g, '');
      if (hex !== '') packets.push(Buffer.from(hex, 'hex'));
    }
  }
  assert.ok(packets.length > 0, `empty corpus ${names.join(', ')}`);
  return packets;
}

/** Values that sit on the edges of length fields and flag bytes. */
const INTERESTING = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x0f, 0x10, 0x1f, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xbe, 0xde, 0xfe,
  0xff,
];

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'set16'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'extend'; bytes: Uint8Array }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'duplicate'; at: number; count: number };

/** Positions are fractions of the current length, so they land inside any entry. */
const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      at: position,
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      at: position,
      value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('set16' as const),
      at: position,
      value: fc.oneof(
        fc.constantFrom(0, 1, 2, 3, 4, 0x7fff, 0x8000, 0xfffe, 0xffff),
        fc.integer({ min: 0, max: 0xffff }),
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extend' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: position,
      count: fc.integer({ min: 1, max: 16 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('duplicate' as const),
      at: position,
      count: fc.integer({ min: 1, max: 32 }),
    }),
  },
);

function index(at: number, length: number): number {
  return Math.min(length - 1, Math.floor(at * length));
}

/** Applies the mutations in order to a copy of `seed`. */
export function mutate(seed: Uint8Array, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const n = b.length;
    switch (m.kind) {
      case 'flip':
        if (n > 0) b[index(m.at, n)] ^= 1 << m.bit;
        break;
      case 'set':
        if (n > 0) b[index(m.at, n)] = m.value;
        break;
      case 'set16':
        if (n > 1) b.writeUInt16BE(m.value, index(m.at, n - 1));
        break;
      case 'truncate':
        b = b.subarray(0, Math.floor(m.at * n));
        break;
      case 'extend':
        b = Buffer.concat([b, m.bytes]);
        break;
      case 'insert': {
        const at = Math.floor(m.at * n);
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      }
      case 'delete': {
        const at = Math.floor(m.at * n);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.count)]);
        break;
      }
      case 'duplicate': {
        const at = Math.floor(m.at * n);
        const chunk = b.subarray(at, at + m.count);
        b = Buffer.concat([b.subarray(0, at + chunk.length), chunk, b.subarray(at + chunk.length)]);
        break;
      }
    }
  }
  return b;
}

/**
 * Inputs shaped like the corpus: mostly entries with a few mutations, some unmutated
 * entries, and some arbitrary bytes (possibly given a plausible first byte by `prefix`).
 */
export function bytesFrom(corpus: readonly Uint8Array[], maxLength = 1500): fc.Arbitrary<Buffer> {
  const seed = fc.constantFrom(...corpus);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(seed, fc.array(mutation, { minLength: 1, maxLength: 6 }))
        .map(([s, m]) => mutate(s, m)),
    },
    { weight: 1, arbitrary: seed.map((s) => Buffer.from(s)) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength }).map((u) => Buffer.from(u)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(seed, fc.uint8Array({ maxLength }))
        .map(([s, tail]) => Buffer.concat([s.subarray(0, Math.min(s.length, 4)), tail])),
    },
  );
}

const SENTINELS = [0x00, 0xff, 0xa5] as const;
const PAD = 64;

/**
 * `bytes` copied into the middle of a larger buffer whose other bytes are `sentinel`, and the
 * view of it. `Buffer`, since several parsers take one.
 */
export function embed(bytes: Uint8Array, sentinel: number): { whole: Buffer; view: Buffer } {
  const whole = Buffer.alloc(PAD + bytes.length + PAD, sentinel);
  whole.set(bytes, PAD);
  return { whole, view: whole.subarray(PAD, PAD + bytes.length) };
}

/** A JSON-comparable form of a value (typed arrays as hex, object keys sorted). */
export function canonical(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, k: string) {
    // The holder's own value: the second argument has already been through Buffer's toJSON.
    const v = (this as Record<string, unknown>)[k];
    if (v instanceof Uint8Array)
      return `bytes:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    if (typeof v === 'bigint') return `bigint:${v}`;
    if (v === undefined) return 'undefined';
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // Keys sorted, prototype ignored: values compare by content alone.
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, o[k]]),
      );
    }
    return v;
  });
}

/**
 * How far from its view a parser might read: the farthest a length field sends a reader is an
 * RTCP header's 16-bit word count, 256 KiB (RFC 3550 §6.4.1).
 */
const REACH = 0x40000 + PAD;
const MAX_VIEW = 0x4000;
const arenas = new Map<number, Buffer>();
let checks = 0;

/** A sentinel-filled buffer with room for REACH bytes on both sides of a view (reused). */
function arena(sentinel: number): Buffer {
  let a = arenas.get(sentinel);
  if (!a) {
    a = Buffer.alloc(REACH + MAX_VIEW + REACH, sentinel);
    arenas.set(sentinel, a);
  }
  return a;
}

/**
 * Runs `parse` on `bytes` placed in the middle of buffers filled with different sentinel bytes,
 * 256 KiB on each side: its results must not differ (a read outside the view would see the
 * sentinel), and neither the view nor the bytes around it may change. Returns the canonical
 * result.
 */
export function parseInViews(bytes: Uint8Array, parse: (view: Buffer) => unknown): string {
  let first: string | undefined;
  const fullCheck = ++checks % 256 === 0;
  for (const sentinel of SENTINELS) {
    const small = bytes.length <= MAX_VIEW;
    const whole = small ? arena(sentinel) : embed(bytes, sentinel).whole;
    const at = small ? REACH : PAD;
    whole.set(bytes, at);
    const view = whole.subarray(at, at + bytes.length);
    let result: string;
    try {
      result = canonical(parse(view));
      assert.ok(Buffer.from(bytes).equals(view), 'a parser modified its input');
      for (let i = 1; i <= PAD; i++) {
        assert.equal(whole[at - i], sentinel, `wrote before the view at -${i}`);
        assert.equal(whole[at + bytes.length + i - 1], sentinel, `wrote after the view at +${i}`);
      }
      if (fullCheck && small) {
        const outside = (b: Buffer): boolean => b.every((x) => x === sentinel);
        assert.ok(outside(whole.subarray(0, at)), 'wrote far before the view');
        assert.ok(outside(whole.subarray(at + bytes.length)), 'wrote far after the view');
      }
    } finally {
      if (small) whole.fill(sentinel, at - PAD, at + bytes.length + PAD);
    }
    if (first === undefined) first = result;
    else
      assert.equal(
        result,
        first,
        `result depends on bytes outside the view (sentinel ${sentinel})`,
      );
  }
  return first!;
}

/**
 * Runs a writer into `out[offset, offset + room)` of a sentinel-filled buffer and checks it
 * wrote nothing outside that range. Returns the written bytes (a copy) or undefined when the
 * writer reported failure (a negative length).
 */
export function writeInRange(
  room: number,
  write: (out: Buffer, offset: number) => number,
): { length: number; bytes: Buffer | undefined } {
  const offset = 7; // an odd offset catches writers that assume offset 0
  const out = Buffer.alloc(offset + room, 0xa5);
  const tail = Buffer.alloc(PAD, 0x5a);
  const whole = Buffer.concat([out, tail]);
  const range = whole.subarray(0, offset + room);
  const length = write(range, offset);
  for (let i = 0; i < offset; i++) assert.equal(whole[i], 0xa5, `wrote before the offset at ${i}`);
  for (let i = 0; i < PAD; i++)
    assert.equal(whole[offset + room + i], 0x5a, `wrote past the buffer at +${i}`);
  if (length < 0) return { length, bytes: undefined };
  assert.ok(length <= room, `claims ${length} bytes in a room of ${room}`);
  for (let i = offset + length; i < offset + room; i++) {
    assert.equal(whole[i], 0xa5, `wrote past its reported length ${length} at ${i - offset}`);
  }
  return { length, bytes: Buffer.from(whole.subarray(offset, offset + length)) };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

export interface FuzzOptions {
  /** The base run count for `npm test` (scaled by SKEIN_FUZZ_SCALE). */
  base: number;
  /** Examples always tried first (e.g. earlier crashes). */
  examples?: unknown[][];
  /** No report line (the kit's own self-test, whose crashes are the point). */
  quiet?: boolean;
}

/**
 * Runs the property over `fuzzRuns(base)` generated inputs. A crash is an input on which the
 * property throws or returns false; all of them are counted (the run does not stop at the
 * first), the target's line is printed, and the test fails with the first few crashing inputs.
 */
export function fuzz<Ts extends [unknown, ...unknown[]]>(
  target: string,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  property: (...args: Ts) => boolean | void,
  options: FuzzOptions,
): void {
  let inputs = 0;
  let crashes = 0;
  const examples: string[] = [];
  const seed = Number(process.env.SKEIN_FUZZ_SEED ?? Date.now() & 0x7fffffff);
  const prop = fc.property(
    ...(arbitraries as unknown as [fc.Arbitrary<unknown>]),
    (...args: unknown[]) => {
      inputs++;
      let failure: string | undefined;
      try {
        if (property(...(args as Ts)) === false) failure = 'property returned false';
      } catch (error) {
        failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (failure !== undefined) {
        crashes++;
        if (examples.length < 5) {
          examples.push(`${clip(failure, 1500)}\n  input: ${clip(canonical(args), 1500)}`);
        }
      }
      return true;
    },
  );
  fc.assert(prop, {
    numRuns: fuzzRuns(options.base),
    seed,
    examples: options.examples as [unknown][] | undefined,
  });
  if (!options.quiet) reportFuzz(target, inputs, crashes);
  assert.equal(
    crashes,
    0,
    `fuzz ${target} (seed ${seed}): ${crashes} crashes, first:\n${examples.join('\n')}`,
  );
}

/** `fuzz` for asynchronous properties (a handshake, a session): same counting and report. */
export async function fuzzAsync<Ts extends [unknown, ...unknown[]]>(
  target: string,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  property: (...args: Ts) => Promise<boolean | void>,
  options: FuzzOptions,
): Promise<void> {
  let inputs = 0;
  let crashes = 0;
  const examples: string[] = [];
  const seed = Number(process.env.SKEIN_FUZZ_SEED ?? Date.now() & 0x7fffffff);
  const prop = fc.asyncProperty(
    ...(arbitraries as unknown as [fc.Arbitrary<unknown>]),
    async (...args: unknown[]) => {
      inputs++;
      let failure: string | undefined;
      try {
        if ((await property(...(args as Ts))) === false) failure = 'property returned false';
      } catch (error) {
        failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (failure !== undefined) {
        crashes++;
        if (examples.length < 5) {
          examples.push(`${clip(failure, 1500)}\n  input: ${clip(canonical(args), 1500)}`);
        }
      }
      return true;
    },
  );
  await fc.assert(prop, { numRuns: fuzzRuns(options.base), seed });
  if (!options.quiet) reportFuzz(target, inputs, crashes);
  assert.equal(
    crashes,
    0,
    `fuzz ${target} (seed ${seed}): ${crashes} crashes, first:\n${examples.join('\n')}`,
  );
}
