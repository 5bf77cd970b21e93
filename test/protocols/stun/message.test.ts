import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  StunAttr,
  StunClass,
  StunMethod,
  checkFingerprint,
  checkMessageIntegrity,
  classOf,
  decodeErrorCode,
  decodePriority,
  decodeTieBreaker,
  decodeXorAddress,
  getAttribute,
  isStunMessage,
  methodOf,
  parseStunMessage,
  stunMessageType,
  unknownRequiredAttributes,
} from '../../../src/protocols/stun/index.js';
import { PASSWORD, SAMPLE_REQUEST, hex } from './vectors.js';

void describe('RFC 5389 §6 message structure', () => {
  void it('interleaves method and class bits in the message type', () => {
    assert.equal(stunMessageType(StunMethod.Binding, StunClass.Request), 0x0001);
    assert.equal(stunMessageType(StunMethod.Binding, StunClass.Indication), 0x0011);
    assert.equal(stunMessageType(StunMethod.Binding, StunClass.SuccessResponse), 0x0101);
    assert.equal(stunMessageType(StunMethod.Binding, StunClass.ErrorResponse), 0x0111);
    for (const m of [0x001, 0x003, 0x00a, 0x0fff]) {
      for (const c of [0, 1, 2, 3] as const) {
        const t = stunMessageType(m, c);
        assert.equal(methodOf(t), m);
        assert.equal(classOf(t), c);
        assert.equal(t & 0xc000, 0);
      }
    }
  });

  void it('isStunMessage accepts the RFC 5769 request and rejects others', () => {
    assert.equal(isStunMessage(SAMPLE_REQUEST), true);
    assert.equal(isStunMessage(SAMPLE_REQUEST.subarray(0, 19)), false);
    assert.equal(isStunMessage(Buffer.from([0x80, 0x60, ...new Array<number>(18).fill(0)])), false);
  });
});

void describe('RFC 5389 §7.3 malformed messages give error codes, never throw', () => {
  void it('truncated header', () => {
    assert.equal(parseStunMessage(Buffer.alloc(0)), 'too-short');
    assert.equal(parseStunMessage(SAMPLE_REQUEST.subarray(0, 19)), 'too-short');
  });

  void it('truncated body: length field past the end', () => {
    for (let n = 20; n < SAMPLE_REQUEST.length; n++) {
      assert.equal(typeof parseStunMessage(SAMPLE_REQUEST.subarray(0, n)), 'string');
    }
  });

  void it('top bits set', () => {
    const b = Buffer.from(SAMPLE_REQUEST);
    b[0] = 0x80;
    assert.equal(parseStunMessage(b), 'not-stun');
  });

  void it('wrong magic cookie', () => {
    const b = Buffer.from(SAMPLE_REQUEST);
    b[4] = 0x22;
    assert.equal(parseStunMessage(b), 'bad-cookie');
  });

  void it('length not a multiple of 4', () => {
    const b = Buffer.concat([SAMPLE_REQUEST, Buffer.alloc(2)]);
    b.writeUInt16BE(b.length - 20, 2);
    assert.equal(parseStunMessage(b), 'bad-length');
  });

  void it('attribute length past the end', () => {
    const b = hex('00 01 00 08 21 12 a4 42 000000000000000000000000 00 06 00 09 61 62 63 64');
    assert.equal(parseStunMessage(b), 'attribute-overflow');
  });

  void it('attribute header cut short', () => {
    const b = hex('00 01 00 04 21 12 a4 42 000000000000000000000000 00 06 00 00');
    assert.ok(typeof parseStunMessage(b) !== 'string');
    const c = hex('00 01 00 04 21 12 a4 42 000000000000000000000000 00 06 00 01');
    assert.equal(parseStunMessage(c), 'attribute-overflow');
  });

  void it('attribute after FINGERPRINT', () => {
    const b = Buffer.concat([SAMPLE_REQUEST, hex('00 25 00 00')]);
    b.writeUInt16BE(b.length - 20, 2);
    assert.equal(parseStunMessage(b), 'fingerprint-not-last');
  });

  void it('random garbage never throws', () => {
    let seed = 1;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(SAMPLE_REQUEST);
      for (let k = 0; k < 4; k++) b[rnd() % b.length] = rnd();
      const msg = parseStunMessage(b);
      if (typeof msg !== 'string') {
        checkMessageIntegrity(b, msg, PASSWORD);
        checkFingerprint(b, msg);
        for (const a of msg.attributes) {
          decodeXorAddress(a.value, msg.transactionId);
          decodeErrorCode(a.value);
          decodePriority(a.value);
          decodeTieBreaker(a.value);
        }
      }
    }
  });
});

void describe('RFC 5389 §15.4 MESSAGE-INTEGRITY verification', () => {
  void it('fails when a covered byte changes', () => {
    const b = Buffer.from(SAMPLE_REQUEST);
    b[47] ^= 1; // PRIORITY value
    const msg = parseStunMessage(b);
    assert.ok(typeof msg !== 'string');
    assert.equal(checkMessageIntegrity(b, msg, PASSWORD), false);
    assert.equal(checkFingerprint(b, msg), false);
  });

  void it('fails when MESSAGE-INTEGRITY is missing or has the wrong size', () => {
    const noMi = hex('00 01 00 00 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae');
    const msg = parseStunMessage(noMi);
    assert.ok(typeof msg !== 'string');
    assert.equal(checkMessageIntegrity(noMi, msg, PASSWORD), false);
    assert.equal(checkFingerprint(noMi, msg), false);
    const short = hex(
      '00 01 00 08 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 00 08 00 04 01 02 03 04',
    );
    const m2 = parseStunMessage(short);
    assert.ok(typeof m2 !== 'string');
    assert.equal(checkMessageIntegrity(short, m2, PASSWORD), false);
  });

  void it('ignores attributes after MESSAGE-INTEGRITY except FINGERPRINT', () => {
    const msg = parseStunMessage(SAMPLE_REQUEST);
    assert.ok(typeof msg !== 'string');
    assert.ok(getAttribute(msg, StunAttr.Fingerprint));
    assert.deepEqual(unknownRequiredAttributes(msg, new Set([StunAttr.Priority])), [
      StunAttr.Username,
      StunAttr.MessageIntegrity,
    ]);
  });
});

void describe('RFC 5389 §15.6 ERROR-CODE', () => {
  void it('decodes class and number', () => {
    assert.deepEqual(decodeErrorCode(hex('00 00 04 57 52 6f 6c 65')), {
      code: 487,
      reason: 'Role',
    });
    assert.equal(decodeErrorCode(hex('00 00 02 00')), undefined);
    assert.equal(decodeErrorCode(hex('00 00 04 64')), undefined);
    assert.equal(decodeErrorCode(hex('00 00 04')), undefined);
  });
});

void describe('RFC 8445 §7.1 ICE attribute sizes', () => {
  void it('rejects wrong lengths', () => {
    assert.equal(decodePriority(hex('01 02 03')), undefined);
    assert.equal(decodeTieBreaker(hex('01 02 03 04')), undefined);
  });
});
