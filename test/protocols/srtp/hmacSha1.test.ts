import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { HMAC_SHA1_PREFIX, HmacSha1 } from '../../../src/protocols/srtp/hmacSha1.js';
import { hex } from './helpers.js';

function mac(key: Uint8Array, message: Uint8Array): Buffer {
  const buf = new Uint8Array(HMAC_SHA1_PREFIX + message.length);
  buf.set(message, HMAC_SHA1_PREFIX);
  const out = new Uint8Array(20);
  new HmacSha1(key).macWithPrefix(buf, buf.length, out);
  return Buffer.from(out);
}

void describe('HMAC-SHA1 (crypto.hash inner + JavaScript outer block)', () => {
  void it('RFC 2202 test cases 1, 2 and 6', () => {
    assert.deepEqual(
      mac(Buffer.alloc(20, 0x0b), Buffer.from('Hi There')),
      hex('b617318655057264e28bc0b6fb378c8ef146be00'),
    );
    assert.deepEqual(
      mac(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?')),
      hex('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'),
    );
    assert.deepEqual(
      mac(
        Buffer.alloc(80, 0xaa),
        Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
      ),
      hex('aa4ae5e15272d00e95705637ce8a3b55ed402112'),
    );
  });

  void it('matches createHmac for SRTP key sizes and many message lengths', () => {
    for (let length = 0; length < 300; length += 7) {
      const key = randomBytes(20);
      const message = randomBytes(length);
      assert.deepEqual(
        mac(key, message),
        createHmac('sha1', key).update(message).digest(),
        `${length}`,
      );
    }
  });
});
