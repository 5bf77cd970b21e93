/**
 * Fuzz: STUN into the ICE-lite agent (src/rtc/ice/IceServer.ts), the worker's first contact
 * with a peer. Mutated captured requests, and requests with generated attributes signed with
 * the agent's own credentials (so they pass MESSAGE-INTEGRITY and reach the ICE logic), never
 * throw; every reply is a STUN response that parses and carries the request's transaction id.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  StunAttr,
  StunClass,
  StunMethod,
  StunWriter,
  checkFingerprint,
  parseStunMessage,
} from '../../src/protocols/stun/index.js';
import { IceServer } from '../../src/rtc/ice/IceServer.js';
import type { Tuple } from '../../src/rtc/sockets/TransportTuple.js';
import { bytesFrom, fuzz, loadCorpus } from './kit.js';

const corpus = loadCorpus('stun');

class FakeTuple implements Tuple {
  readonly sent: Buffer[] = [];
  readonly localAddress = '127.0.0.1';
  readonly localPort = 40000;
  readonly protocol = 'udp' as const;
  alive = true;
  constructor(
    readonly remoteIp: string,
    readonly remotePort: number,
  ) {}
  get key(): string {
    return `udp:${this.remoteIp}:${this.remotePort}`;
  }
  send(data: Uint8Array): void {
    this.sent.push(Buffer.from(data));
  }
}

const ice = new IceServer(
  {
    onStateChange: () => undefined,
    onSelectedTupleChange: () => undefined,
    onTupleRemoved: () => undefined,
  },
  30_000,
);

let successes = 0;

/** Replies must be STUN responses to this request. */
function checkReplies(tuple: FakeTuple, request: Buffer): boolean {
  for (const reply of tuple.sent) {
    const msg = parseStunMessage(reply);
    if (typeof msg !== 'string' && msg.class === StunClass.SuccessResponse) successes++;
    assert.ok(typeof msg !== 'string', `unparseable reply: ${msg as string}`);
    assert.ok(msg.class === StunClass.SuccessResponse || msg.class === StunClass.ErrorResponse);
    assert.ok(checkFingerprint(reply, msg));
    assert.ok(msg.transactionId.equals(request.subarray(8, 20)), 'reply to another transaction');
  }
  return true;
}

const attribute = fc.oneof(
  fc.record({
    type: fc.constant(StunAttr.Priority),
    value: fc.uint8Array({ minLength: 0, maxLength: 8 }),
  }),
  fc.record({ type: fc.constant(StunAttr.UseCandidate), value: fc.uint8Array({ maxLength: 4 }) }),
  fc.record({
    type: fc.constantFrom(StunAttr.IceControlling, StunAttr.IceControlled),
    value: fc.uint8Array({ minLength: 0, maxLength: 12 }),
  }),
  fc.record({ type: fc.integer({ min: 0, max: 0xffff }), value: fc.uint8Array({ maxLength: 24 }) }),
);
const username = fc.oneof(
  fc.constant(() => `${ice.usernameFragment}:remote`),
  fc.string({ maxLength: 40 }).map((s) => () => `${ice.usernameFragment}${s}`),
  fc.string({ maxLength: 40 }).map((s) => () => s),
);

void describe('fuzz: ICE server', () => {
  void it('answers mutated captured requests without throwing', () => {
    fuzz(
      'ice-stun-mutated',
      [bytesFrom(corpus, 600), fc.nat(5)],
      (bytes, port) => {
        const tuple = new FakeTuple('127.0.0.1', 50000 + port);
        ice.processStunPacket(bytes, tuple, Date.now());
        return checkReplies(tuple, bytes);
      },
      { base: 3000 },
    );
  });

  void it('answers authenticated requests with generated attributes without throwing', () => {
    const request = fc.record({
      method: fc.oneof(fc.constant(StunMethod.Binding), fc.integer({ min: 0, max: 0xfff })),
      cls: fc.oneof(fc.constant(StunClass.Request), fc.constantFrom(...Object.values(StunClass))),
      transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
      username: fc.option(username, { nil: undefined }),
      attributes: fc.array(attribute, { maxLength: 6 }),
      integrity: fc.oneof(
        { weight: 4, arbitrary: fc.constant('own' as const) },
        fc.constantFrom('none' as const, 'wrong' as const),
      ),
      fingerprint: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
      ip: fc.constantFrom('127.0.0.1', '::1', '10.0.0.1'),
      port: fc.integer({ min: 0, max: 0xffff }),
    });
    fuzz(
      'ice-stun-authenticated',
      [request],
      (r) => {
        const out = Buffer.alloc(1500);
        const w = new StunWriter(out, r.method, r.cls, r.transactionId);
        if (r.username) w.text(StunAttr.Username, r.username());
        for (const a of r.attributes) w.attribute(a.type, a.value);
        if (r.integrity !== 'none') w.messageIntegrity(r.integrity === 'own' ? ice.password : 'x');
        if (r.fingerprint) w.fingerprint();
        const length = w.finish();
        assert.ok(length > 0);
        const bytes = out.subarray(0, length);
        const tuple = new FakeTuple(r.ip, r.port);
        ice.processStunPacket(bytes, tuple, Date.now());
        ice.tick(Date.now());
        return checkReplies(tuple, bytes);
      },
      { base: 3000 },
    );
    assert.ok(successes > 0, 'no request was ever authenticated');
  });
});
