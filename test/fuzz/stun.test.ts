/**
 * Fuzz: STUN (src/protocols/stun). Parsing and every attribute decoder on mutated captures
 * from Chromium and RFC 5769 vectors read only their view and never throw; MESSAGE-INTEGRITY
 * and FINGERPRINT never accept a mutated message; the writer stays in its buffer and what it
 * writes parses back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  StunAttr,
  StunClass,
  StunWriter,
  checkFingerprint,
  checkMessageIntegrity,
  computeFingerprint,
  computeMessageIntegrity,
  decodeErrorCode,
  decodePriority,
  decodeTieBreaker,
  decodeUsername,
  decodeXorAddress,
  formatIp,
  getAttribute,
  isStunMessage,
  parseIp,
  parseStunMessage,
  splitIceUsername,
  unknownRequiredAttributes,
  writeBindingSuccessResponse,
  bindingSuccessResponseSize,
  writeErrorResponse,
  errorResponseSize,
} from '../../src/protocols/stun/index.js';
import { bytesFrom, fuzz, loadCorpus, mutate, parseInViews, writeInRange } from './kit.js';

const corpus = loadCorpus('stun');
const KEY = 'VOkJxbRl1RmTxUk/WvJxBt';
const KNOWN = new Set<number>([StunAttr.Username, StunAttr.MessageIntegrity, StunAttr.Priority]);

/** Everything a receiver may derive from a datagram. */
function parseAll(view: Buffer): unknown {
  const msg = parseStunMessage(view);
  const pre = isStunMessage(view);
  if (typeof msg === 'string') return { pre, error: msg };
  for (const a of msg.attributes) {
    const end = a.value.byteOffset - view.byteOffset + a.value.length;
    assert.ok(
      a.value.byteOffset >= view.byteOffset && end <= view.length,
      'value outside the view',
    );
  }
  const decoded = msg.attributes.map((a) => {
    const username = decodeUsername(a.value);
    return [
      a.type,
      username,
      username === undefined ? undefined : splitIceUsername(username),
      decodeErrorCode(a.value),
      decodeXorAddress(a.value, msg.transactionId),
      decodePriority(a.value),
      decodeTieBreaker(a.value),
      computeMessageIntegrity(view, a.offset, KEY),
      computeFingerprint(view, a.offset),
    ];
  });
  return {
    pre,
    msg,
    decoded,
    username: getAttribute(msg, StunAttr.Username),
    unknown: unknownRequiredAttributes(msg, KNOWN),
    integrity: checkMessageIntegrity(view, msg, KEY),
    fingerprint: checkFingerprint(view, msg),
  };
}

const attribute = fc.record({
  type: fc.oneof(
    fc.constantFrom(StunAttr.Username, StunAttr.Software, StunAttr.Priority, StunAttr.UseCandidate),
    fc
      .integer({ min: 0, max: 0xffff })
      .filter((t) => t !== StunAttr.MessageIntegrity && t !== StunAttr.Fingerprint),
  ),
  value: fc.uint8Array({ maxLength: 40 }),
});

const message = fc.record({
  method: fc.integer({ min: 0, max: 0xfff }),
  cls: fc.constantFrom(...Object.values(StunClass)),
  transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attributes: fc.array(attribute, { maxLength: 6 }),
  integrity: fc.boolean(),
  fingerprint: fc.boolean(),
});

type Message = typeof message extends fc.Arbitrary<infer T> ? T : never;

function writeMessage(m: Message, out: Uint8Array, offset: number): number {
  const w = new StunWriter(out, m.method, m.cls, m.transactionId, offset);
  for (const a of m.attributes) w.attribute(a.type, a.value);
  if (m.integrity) w.messageIntegrity(KEY);
  if (m.fingerprint) w.fingerprint();
  return w.finish();
}

void describe('fuzz: STUN', () => {
  void it('parses mutated captures without throwing or reading outside the view', () => {
    fuzz(
      'stun-parse',
      [bytesFrom(corpus, 600)],
      (bytes) => {
        parseInViews(bytes, parseAll);
      },
      { base: 3000 },
    );
  });

  void it('MESSAGE-INTEGRITY and FINGERPRINT never accept a mutated message', () => {
    // Captured requests carry FINGERPRINT (their ICE password is unknown); RFC 5769 vectors and
    // written messages also verify with KEY. Only same-length byte changes: RFC 5389 §15.4 lets
    // a receiver ignore attributes appended after MESSAGE-INTEGRITY, so growing is no forgery.
    const written = fc.sample(
      message.filter((m) => m.integrity || m.fingerprint),
      { numRuns: 50, seed: 1 },
    );
    const seeds = [
      ...corpus,
      ...written.map((m) => {
        const out = Buffer.alloc(2000);
        return out.subarray(0, writeMessage(m, out, 0));
      }),
    ].flatMap((b) => {
      const msg = parseStunMessage(b);
      if (typeof msg === 'string') return [];
      const mi = checkMessageIntegrity(b, msg, KEY);
      const fp = checkFingerprint(b, msg);
      return mi || fp ? [{ b, mi, fp }] : [];
    });
    assert.ok(seeds.some((s) => s.mi) && seeds.some((s) => s.fp && !s.mi));
    const change = fc.record({
      kind: fc.constantFrom('flip' as const, 'set' as const),
      at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      bit: fc.integer({ min: 0, max: 7 }),
      value: fc.integer({ min: 0, max: 255 }),
    });
    fuzz(
      'stun-integrity',
      [fc.constantFrom(...seeds), fc.array(change, { minLength: 1, maxLength: 3 })],
      (seed, changes) => {
        const b = mutate(seed.b, changes);
        if (b.equals(seed.b)) return true;
        const msg = parseStunMessage(b);
        if (typeof msg === 'string') return true;
        const accepted =
          (!seed.mi || checkMessageIntegrity(b, msg, KEY)) &&
          (!seed.fp || checkFingerprint(b, msg));
        return !accepted;
      },
      { base: 2000 },
    );
  });

  void it('writes within its buffer, and what it writes parses back and verifies', () => {
    fuzz(
      'stun-write',
      [message, fc.integer({ min: 0, max: 400 })],
      (m, room) => {
        const { length, bytes } = writeInRange(room, (out, offset) => writeMessage(m, out, offset));
        const need = writeMessage(m, new Uint8Array(2000), 0);
        if (room < need) return length === -1;
        assert.equal(length, need);
        const msg = parseStunMessage(bytes!);
        assert.ok(typeof msg !== 'string', `wrote an unparseable message: ${msg as string}`);
        assert.equal(msg.method, m.method);
        assert.equal(msg.class, m.cls);
        assert.deepEqual(
          msg.attributes.slice(0, m.attributes.length).map((a) => [a.type, Buffer.from(a.value)]),
          m.attributes.map((a) => [a.type, Buffer.from(a.value)]),
        );
        if (m.integrity) assert.ok(checkMessageIntegrity(bytes!, msg, KEY));
        if (m.fingerprint) assert.ok(checkFingerprint(bytes!, msg));
        return true;
      },
      { base: 1500 },
    );
  });

  void it('XOR-MAPPED-ADDRESS and IP text round-trip through a binding response', () => {
    const ip = fc.oneof(
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
    );
    const tid = fc.uint8Array({ minLength: 12, maxLength: 12 });
    fuzz(
      'stun-xor-address',
      [ip, fc.integer({ min: 0, max: 0xffff }), tid, fc.integer({ min: 0, max: 120 })],
      (raw, port, transactionId, room) => {
        const address = formatIp(raw)!;
        assert.deepEqual(parseIp(address), raw);
        const opts = { transactionId, address, port, password: KEY };
        const { length, bytes } = writeInRange(room, (out, offset) =>
          writeBindingSuccessResponse(out, opts, offset),
        );
        if (room < bindingSuccessResponseSize(address)) return length === -1;
        const msg = parseStunMessage(bytes!);
        assert.ok(typeof msg !== 'string');
        const xor = getAttribute(msg, StunAttr.XorMappedAddress)!;
        assert.deepEqual(decodeXorAddress(xor.value, msg.transactionId), {
          family: raw.length === 4 ? 'IPv4' : 'IPv6',
          address,
          port,
        });
        return checkMessageIntegrity(bytes!, msg, KEY) && checkFingerprint(bytes!, msg);
      },
      { base: 1000 },
    );
  });

  void it('writes error responses within the buffer, sized as errorResponseSize says', () => {
    const opts = fc.record(
      {
        transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
        code: fc.oneof(fc.constantFrom(400, 401, 420, 487, 500), fc.integer({ min: 0, max: 1000 })),
        reason: fc.string({ unit: 'grapheme', maxLength: 200 }),
        password: fc.constant(KEY),
      },
      { requiredKeys: ['transactionId', 'code'] },
    );
    fuzz(
      'stun-error-response',
      [opts, fc.nat(1000)],
      (o, room) => {
        const { length, bytes } = writeInRange(room, (out, offset) =>
          writeErrorResponse(out, o, offset),
        );
        const valid = o.code >= 300 && o.code <= 699 && Buffer.byteLength(o.reason ?? '') <= 763;
        if (!valid || room < errorResponseSize(o)) return length === -1;
        const msg = parseStunMessage(bytes!);
        assert.ok(typeof msg !== 'string');
        const error = decodeErrorCode(getAttribute(msg, StunAttr.ErrorCode)!.value);
        return (
          length === errorResponseSize(o) &&
          error?.code === o.code &&
          checkFingerprint(bytes!, msg) &&
          (o.password === undefined || checkMessageIntegrity(bytes!, msg, KEY))
        );
      },
      { base: 1000 },
    );
  });

  void it('parses arbitrary IP text without throwing', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 45 }),
      fc.stringMatching(/^[0-9a-fA-F:.%]{0,45}$/),
    );
    fuzz(
      'stun-ip-text',
      [text],
      (t) => {
        const ip = parseIp(t);
        if (ip !== undefined) assert.ok(ip.length === 4 || ip.length === 16);
      },
      { base: 2000 },
    );
  });
});
