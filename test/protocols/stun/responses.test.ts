import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  StunAttr,
  StunClass,
  StunMethod,
  bindingSuccessResponseSize,
  checkFingerprint,
  checkMessageIntegrity,
  decodeErrorCode,
  decodeXorAddress,
  errorResponseSize,
  formatIp,
  getAttribute,
  parseIp,
  parseStunMessage,
  writeBindingSuccessResponse,
  writeErrorResponse,
} from '../../../src/protocols/stun/index.js';
import { TRANSACTION_ID } from './vectors.js';

const PWD = 'localIcePasswordXYZ1234';

void describe('RFC 8445 §7.3.1.4 binding success response', () => {
  for (const [address, port] of [
    ['10.1.2.3', 5000],
    ['2001:db8::1', 443],
    ['::ffff:192.0.2.128', 1],
  ] as const) {
    void it(`carries XOR-MAPPED-ADDRESS ${address}:${port}, MESSAGE-INTEGRITY and FINGERPRINT`, () => {
      const size = bindingSuccessResponseSize(address);
      const out = Buffer.alloc(size);
      assert.equal(
        writeBindingSuccessResponse(out, {
          transactionId: TRANSACTION_ID,
          address,
          port,
          password: PWD,
        }),
        size,
      );
      const msg = parseStunMessage(out);
      assert.ok(typeof msg !== 'string');
      assert.equal(msg.class, StunClass.SuccessResponse);
      assert.equal(msg.method, StunMethod.Binding);
      assert.deepEqual(msg.transactionId, TRANSACTION_ID);
      const xma = decodeXorAddress(
        getAttribute(msg, StunAttr.XorMappedAddress)!.value,
        msg.transactionId,
      );
      assert.equal(xma?.port, port);
      assert.deepEqual(parseIp(xma.address), parseIp(address));
      assert.equal(checkMessageIntegrity(out, msg, PWD), true);
      assert.equal(checkFingerprint(out, msg), true);
    });
  }

  void it('returns -1 when the buffer is too small or the address is not an IP', () => {
    const out = Buffer.alloc(bindingSuccessResponseSize('10.0.0.1') - 1);
    const opts = { transactionId: TRANSACTION_ID, address: '10.0.0.1', port: 1, password: PWD };
    assert.equal(writeBindingSuccessResponse(out, opts), -1);
    assert.equal(bindingSuccessResponseSize('example.com'), 0);
    assert.equal(
      writeBindingSuccessResponse(Buffer.alloc(100), { ...opts, address: 'example.com' }),
      -1,
    );
    assert.equal(writeBindingSuccessResponse(Buffer.alloc(100), { ...opts, port: 70000 }), -1);
  });
});

void describe('RFC 5389 §10.1.2 / RFC 8445 §7.3.1.1 error responses', () => {
  for (const code of [400, 401, 487]) {
    void it(`writes a ${code} with ERROR-CODE and FINGERPRINT`, () => {
      const password = code === 487 ? PWD : undefined;
      const size = errorResponseSize({ code, password });
      const out = Buffer.alloc(size);
      assert.equal(
        writeErrorResponse(out, { transactionId: TRANSACTION_ID, code, password }),
        size,
      );
      const msg = parseStunMessage(out);
      assert.ok(typeof msg !== 'string');
      assert.equal(msg.class, StunClass.ErrorResponse);
      const err = decodeErrorCode(getAttribute(msg, StunAttr.ErrorCode)!.value);
      assert.equal(err?.code, code);
      assert.ok(err.reason.length > 0);
      assert.equal(checkFingerprint(out, msg), true);
      assert.equal(checkMessageIntegrity(out, msg, PWD), password !== undefined);
    });
  }

  void it('rejects an invalid code', () => {
    assert.equal(
      writeErrorResponse(Buffer.alloc(64), { transactionId: TRANSACTION_ID, code: 200 }),
      -1,
    );
  });
});

void describe('addresses (RFC 4291 §2.2 text, RFC 5952 §4 output)', () => {
  void it('round-trips', () => {
    for (const [text, canon] of [
      ['1.2.3.4', '1.2.3.4'],
      ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
      ['::', '::'],
      ['::1', '::1'],
      ['fe80::1%eth0', 'fe80::1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ]) {
      assert.equal(formatIp(parseIp(text)!), canon);
    }
    for (const bad of ['1.2.3', '256.1.1.1', '1::2::3', '1:2:3:4:5:6:7', 'x::', '1.2.3.4.5', '']) {
      assert.equal(parseIp(bad), undefined, bad);
    }
  });
});
