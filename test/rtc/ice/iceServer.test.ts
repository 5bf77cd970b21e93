/**
 * The ICE-lite agent (RFC 8445 §7.3, RFC 7675 consent) with in-memory tuples:
 * which requests validate a tuple, nomination, consent expiry, ICE restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  StunAttr,
  StunClass,
  StunMethod,
  StunWriter,
  classOf,
  parseStunMessage,
} from '../../../src/protocols/stun/index.js';
import { IceServer, type IceState } from '../../../src/rtc/ice/IceServer.js';
import type { Tuple } from '../../../src/rtc/sockets/TransportTuple.js';

class FakeTuple implements Tuple {
  readonly sent: Buffer[] = [];
  readonly localAddress = '127.0.0.1';
  readonly localPort = 40000;
  readonly remoteIp = '127.0.0.1';
  readonly protocol = 'udp' as const;
  alive = true;
  constructor(readonly remotePort: number) {}
  get key(): string {
    return `udp:${this.remotePort}`;
  }
  send(data: Uint8Array): void {
    this.sent.push(Buffer.from(data));
  }
}

function bindingRequest(
  ufrag: string,
  password: string,
  options: { useCandidate?: boolean; priority?: boolean } = {},
): Buffer {
  const out = Buffer.alloc(512);
  const writer = new StunWriter(out, StunMethod.Binding, StunClass.Request, randomBytes(12))
    .text(StunAttr.Username, `${ufrag}:remote`)
    .tieBreaker(StunAttr.IceControlling, 1n);
  if (options.priority !== false) writer.uint32(StunAttr.Priority, 1845501695);
  if (options.useCandidate) writer.attribute(StunAttr.UseCandidate, new Uint8Array(0));
  const length = writer.messageIntegrity(password).fingerprint().finish();
  assert.ok(length > 0);
  return out.subarray(0, length);
}

function lastClass(tuple: FakeTuple): number | undefined {
  const reply = tuple.sent.at(-1);
  if (!reply) return undefined;
  const message = parseStunMessage(reply);
  assert.notEqual(typeof message, 'string');
  return classOf((message as { type: number }).type);
}

function agent(consentMs = 30_000): { ice: IceServer; states: IceState[]; selected: string[] } {
  const states: IceState[] = [];
  const selected: string[] = [];
  const ice = new IceServer(
    {
      onStateChange: (state) => states.push(state),
      onSelectedTupleChange: (tuple) => selected.push(tuple.key),
      onTupleRemoved: () => undefined,
    },
    consentMs,
  );
  return { ice, states, selected };
}

test('a request with our ufrag and password validates its tuple (connected), USE-CANDIDATE completes', () => {
  const { ice, states, selected } = agent();
  const tuple = new FakeTuple(5000);
  ice.processStunPacket(bindingRequest(ice.usernameFragment, ice.password), tuple, 0);
  assert.equal(lastClass(tuple), StunClass.SuccessResponse);
  assert.ok(ice.isValidTuple(tuple));
  assert.deepEqual(states, ['connected']);
  ice.processStunPacket(
    bindingRequest(ice.usernameFragment, ice.password, { useCandidate: true }),
    tuple,
    10,
  );
  assert.deepEqual(states, ['connected', 'completed']);
  assert.deepEqual(selected, ['udp:5000']);
});

test('a wrong password or ufrag gets 401 and validates nothing; no PRIORITY gets 400', () => {
  const { ice, states } = agent();
  const tuple = new FakeTuple(5001);
  ice.processStunPacket(bindingRequest(ice.usernameFragment, 'x'.repeat(32)), tuple, 0);
  assert.equal(lastClass(tuple), StunClass.ErrorResponse);
  ice.processStunPacket(bindingRequest('someoneelse', ice.password), tuple, 0);
  assert.equal(lastClass(tuple), StunClass.ErrorResponse);
  ice.processStunPacket(
    bindingRequest(ice.usernameFragment, ice.password, { priority: false }),
    tuple,
    0,
  );
  assert.equal(lastClass(tuple), StunClass.ErrorResponse);
  assert.equal(ice.isValidTuple(tuple), false);
  assert.deepEqual(states, []);
  assert.equal(ice.counters.stunUnauthorized, 2);
});

test('consent expires: a silent tuple is removed and the state becomes disconnected', () => {
  const { ice, states } = agent(1000);
  const tuple = new FakeTuple(5002);
  ice.processStunPacket(bindingRequest(ice.usernameFragment, ice.password), tuple, 0);
  ice.tick(900);
  assert.ok(ice.isValidTuple(tuple));
  // A fresh request renews consent.
  ice.processStunPacket(bindingRequest(ice.usernameFragment, ice.password), tuple, 900);
  ice.tick(1800);
  assert.ok(ice.isValidTuple(tuple));
  ice.tick(2000);
  assert.equal(ice.isValidTuple(tuple), false);
  assert.equal(ice.selectedTuple, undefined);
  assert.deepEqual(states, ['connected', 'disconnected']);
  // The peer comes back.
  ice.processStunPacket(bindingRequest(ice.usernameFragment, ice.password), tuple, 2100);
  assert.deepEqual(states, ['connected', 'disconnected', 'connected']);
});

test('a nominated second tuple becomes the selected one; losing it falls back to the other', () => {
  const { ice, selected } = agent(1000);
  const a = new FakeTuple(6000);
  const b = new FakeTuple(6001);
  ice.processStunPacket(bindingRequest(ice.usernameFragment, ice.password), a, 0);
  ice.processStunPacket(
    bindingRequest(ice.usernameFragment, ice.password, { useCandidate: true }),
    b,
    0,
  );
  assert.equal(ice.selectedTuple?.key, 'udp:6001');
  ice.processStunPacket(bindingRequest(ice.usernameFragment, ice.password), a, 800);
  ice.tick(1500); // b silent since 0, a renewed at 800
  assert.equal(ice.selectedTuple?.key, 'udp:6000');
  assert.deepEqual(selected, ['udp:6000', 'udp:6001', 'udp:6000']);
});

test('after restart() the old credentials keep working until the new ones are used', () => {
  const { ice } = agent();
  const tuple = new FakeTuple(7000);
  const old = { ufrag: ice.usernameFragment, password: ice.password };
  const fresh = ice.restart();
  assert.notEqual(fresh.usernameFragment, old.ufrag);
  ice.processStunPacket(bindingRequest(old.ufrag, old.password), tuple, 0);
  assert.equal(lastClass(tuple), StunClass.SuccessResponse);
  ice.processStunPacket(bindingRequest(fresh.usernameFragment, fresh.password), tuple, 1);
  assert.equal(lastClass(tuple), StunClass.SuccessResponse);
  ice.processStunPacket(bindingRequest(old.ufrag, old.password), tuple, 2);
  assert.equal(lastClass(tuple), StunClass.ErrorResponse);
});
