import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AesCmKeystream } from '../../../src/protocols/srtp/aesCm.js';
import { hex } from './helpers.js';

void describe('AES-CM keystream (RFC 3711 §4.1.1)', () => {
  const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const salt = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD');
  const firstBlocks = hex(`E03EAD0935C95E80E166B16DD92B4EB4
                           D23513162B02D0F72A43A2FE4A5F97AB
                           41E95B3BB0A2E8DD477901E4FCA894C0`);

  void it('RFC 3711 B.2: keystream for SSRC 0, index 0', () => {
    const data = new Uint8Array(48);
    new AesCmKeystream(key, salt).xor(data, 0, 48, 0, 0, 0);
    assert.deepEqual(Buffer.from(data), firstBlocks);
  });

  void it('gives the same bytes at any alignment and length', () => {
    const ks = new AesCmKeystream(key, salt);
    for (const offset of [0, 1, 2, 3, 4, 5]) {
      for (const length of [1, 3, 4, 15, 16, 17, 33, 48]) {
        const data = new Uint8Array(offset + length);
        ks.xor(data, offset, length, 0, 0, 0);
        assert.deepEqual(Buffer.from(data.subarray(offset)), firstBlocks.subarray(0, length));
        assert.ok(data.subarray(0, offset).every((b) => b === 0));
      }
    }
  });

  void it('XOR twice restores the data; SSRC and index change the keystream', () => {
    const ks = new AesCmKeystream(key, salt);
    const plain = Uint8Array.from({ length: 1200 }, (_, i) => i & 0xff);
    const data = Uint8Array.from(plain);
    ks.xor(data, 0, data.length, 0x12345678, 7, 0xfffe);
    assert.notDeepEqual(data, plain);
    const other = Uint8Array.from(plain);
    ks.xor(other, 0, other.length, 0x12345678, 7, 0xffff);
    assert.notDeepEqual(other, data);
    ks.xor(data, 0, data.length, 0x12345678, 7, 0xfffe);
    assert.deepEqual(data, plain);
  });
});
