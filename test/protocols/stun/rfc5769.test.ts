import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  StunAttr,
  StunClass,
  StunMethod,
  StunWriter,
  checkFingerprint,
  checkMessageIntegrity,
  decodePriority,
  decodeTieBreaker,
  decodeUsername,
  decodeXorAddress,
  getAttribute,
  parseStunMessage,
  type StunMessage,
} from '../../../src/protocols/stun/index.js';
import {
  PASSWORD,
  SAMPLE_IPV4_RESPONSE,
  SAMPLE_IPV6_RESPONSE,
  SAMPLE_REQUEST,
  TRANSACTION_ID,
} from './vectors.js';

function parse(buf: Buffer): StunMessage {
  const msg = parseStunMessage(buf);
  assert.ok(typeof msg !== 'string', msg as string);
  return msg;
}

void describe('RFC 5769 §2.1 Sample Request', () => {
  void it('parses header and attributes', () => {
    const msg = parse(SAMPLE_REQUEST);
    assert.equal(msg.method, StunMethod.Binding);
    assert.equal(msg.class, StunClass.Request);
    assert.equal(msg.length, 108);
    assert.deepEqual(msg.transactionId, TRANSACTION_ID);
    assert.deepEqual(
      msg.attributes.map((a) => a.type),
      [
        StunAttr.Software,
        StunAttr.Priority,
        StunAttr.IceControlled,
        StunAttr.Username,
        StunAttr.MessageIntegrity,
        StunAttr.Fingerprint,
      ],
    );
  });

  void it('decodes SOFTWARE, PRIORITY, ICE-CONTROLLED and USERNAME (RFC 8445 §7.1)', () => {
    const msg = parse(SAMPLE_REQUEST);
    assert.equal(getAttribute(msg, StunAttr.Software)!.value.toString(), 'STUN test client');
    assert.equal(decodePriority(getAttribute(msg, StunAttr.Priority)!.value), 0x6e0001ff);
    assert.equal(
      decodeTieBreaker(getAttribute(msg, StunAttr.IceControlled)!.value),
      0x932ff9b151263b36n,
    );
    assert.equal(decodeUsername(getAttribute(msg, StunAttr.Username)!.value), 'evtj:h6vY');
  });

  void it('verifies MESSAGE-INTEGRITY (RFC 5389 §15.4) and FINGERPRINT (§15.5)', () => {
    const msg = parse(SAMPLE_REQUEST);
    assert.equal(checkMessageIntegrity(SAMPLE_REQUEST, msg, PASSWORD), true);
    assert.equal(checkMessageIntegrity(SAMPLE_REQUEST, msg, 'wrong password'), false);
    assert.equal(checkFingerprint(SAMPLE_REQUEST, msg), true);
  });

  void it('is rebuilt byte for byte by StunWriter', () => {
    const out = Buffer.alloc(SAMPLE_REQUEST.length);
    const w = new StunWriter(out, StunMethod.Binding, StunClass.Request, TRANSACTION_ID)
      .text(StunAttr.Software, 'STUN test client')
      .uint32(StunAttr.Priority, 0x6e0001ff)
      .tieBreaker(StunAttr.IceControlled, 0x932ff9b151263b36n)
      .text(StunAttr.Username, 'evtj:h6vY');
    // The vector pads USERNAME with spaces (RFC 5389 §15: padding may be any value).
    out.fill(0x20, 73, 76);
    assert.equal(w.messageIntegrity(PASSWORD).fingerprint().finish(), SAMPLE_REQUEST.length);
    assert.deepEqual(out, SAMPLE_REQUEST);
  });
});

void describe('RFC 5769 §2.2 Sample IPv4 Response', () => {
  void it('decodes XOR-MAPPED-ADDRESS (RFC 5389 §15.2) and verifies MI and FINGERPRINT', () => {
    const msg = parse(SAMPLE_IPV4_RESPONSE);
    assert.equal(msg.class, StunClass.SuccessResponse);
    assert.equal(msg.method, StunMethod.Binding);
    const xma = getAttribute(msg, StunAttr.XorMappedAddress)!;
    assert.deepEqual(decodeXorAddress(xma.value, msg.transactionId), {
      family: 'IPv4',
      address: '192.0.2.1',
      port: 32853,
    });
    assert.equal(checkMessageIntegrity(SAMPLE_IPV4_RESPONSE, msg, PASSWORD), true);
    assert.equal(checkFingerprint(SAMPLE_IPV4_RESPONSE, msg), true);
  });

  void it('is rebuilt byte for byte by StunWriter', () => {
    const out = Buffer.alloc(SAMPLE_IPV4_RESPONSE.length);
    const w = new StunWriter(out, StunMethod.Binding, StunClass.SuccessResponse, TRANSACTION_ID)
      .text(StunAttr.Software, 'test vector')
      .xorMappedAddress('192.0.2.1', 32853);
    out[35] = 0x20; // the vector's SOFTWARE padding byte
    assert.equal(w.messageIntegrity(PASSWORD).fingerprint().finish(), out.length);
    assert.deepEqual(out, SAMPLE_IPV4_RESPONSE);
  });
});

void describe('RFC 5769 §2.3 Sample IPv6 Response', () => {
  void it('decodes XOR-MAPPED-ADDRESS over IPv6 and verifies MI and FINGERPRINT', () => {
    const msg = parse(SAMPLE_IPV6_RESPONSE);
    const xma = getAttribute(msg, StunAttr.XorMappedAddress)!;
    assert.deepEqual(decodeXorAddress(xma.value, msg.transactionId), {
      family: 'IPv6',
      address: '2001:db8:1234:5678:11:2233:4455:6677',
      port: 32853,
    });
    assert.equal(checkMessageIntegrity(SAMPLE_IPV6_RESPONSE, msg, PASSWORD), true);
    assert.equal(checkFingerprint(SAMPLE_IPV6_RESPONSE, msg), true);
  });

  void it('is rebuilt byte for byte by StunWriter', () => {
    const out = Buffer.alloc(SAMPLE_IPV6_RESPONSE.length);
    const w = new StunWriter(out, StunMethod.Binding, StunClass.SuccessResponse, TRANSACTION_ID)
      .text(StunAttr.Software, 'test vector')
      .xorMappedAddress('2001:db8:1234:5678:11:2233:4455:6677', 32853);
    out[35] = 0x20;
    assert.equal(w.messageIntegrity(PASSWORD).fingerprint().finish(), out.length);
    assert.deepEqual(out, SAMPLE_IPV6_RESPONSE);
  });
});
