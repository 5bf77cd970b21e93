/**
 * Known-answer tests: RFC 7714 §16 (SRTP) and §17 (SRTCP) AES-GCM vectors, which give session
 * keys directly, and the AES_CM_128_HMAC_SHA1_80 packet of libsrtp's self test, which starts
 * from the RFC 3711 B.3 master key (so it covers derivation, AES-CM and HMAC-SHA1 together).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AesGcmTransform } from '../../../src/protocols/srtp/aesGcmTransform.js';
import { SrtpError, SrtpSession, type SrtpCryptoSuite } from '../../../src/protocols/srtp/index.js';
import { WORK_OFFSET } from '../../../src/protocols/srtp/transform.js';
import { hex } from './helpers.js';

const KEY_128 = hex('000102030405060708090a0b0c0d0e0f');
const KEY_256 = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const SALT = hex('517569642070726f2071756f'); // "Quid pro quo"

// "Gallia est omnis divisa in partes tres", SSRC 0x5501a0b2, SEQ 0xf17b, ROC 0.
const RTP = hex(`8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973
                 20646976 69736120 696e2070 61727465 73207472 6573`);
// Sender report of SSRC "Mars", sent with SRTCP index 0x5d4.
const RTCP = hex(`81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
                  deadbeef deadbeef deadbeef deadbeef deadbeef`);

function gcmSession(suite: SrtpCryptoSuite): SrtpSession {
  const key = suite === 'AEAD_AES_128_GCM' ? KEY_128 : KEY_256;
  const keys = { key, salt: SALT, authKey: new Uint8Array(0) };
  return SrtpSession.fromSessionKeys(suite, keys, keys);
}

const rtpVectors: [SrtpCryptoSuite, Buffer][] = [
  [
    'AEAD_AES_128_GCM',
    hex(`8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5
         0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce`),
  ],
  [
    'AEAD_AES_256_GCM',
    hex(`8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238
         9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7 6c13`),
  ],
];

const rtcpVectors: [SrtpCryptoSuite, string, Buffer][] = [
  [
    'AEAD_AES_128_GCM',
    'encrypted',
    hex(`81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d
         c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872
         45d9eade 800005d4`),
  ],
  [
    'AEAD_AES_256_GCM',
    'encrypted',
    hex(`81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50
         a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c
         b26ac3be 800005d4`),
  ],
  [
    'AEAD_AES_128_GCM',
    'authenticated only (E = 0)',
    hex(`81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
         deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790
         125f62b3 000005d4`),
  ],
  [
    'AEAD_AES_256_GCM',
    'authenticated only (E = 0)',
    hex(`81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
         deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb feee5a97 8fab4393
         ed2615fe 000005d4`),
  ],
];

void describe('RFC 7714 §16: SRTP AES-GCM', () => {
  for (const [suite, protectedPacket] of rtpVectors) {
    void it(`${suite}: protectRtp gives the RFC bytes`, () => {
      const result = gcmSession(suite).protectRtp(RTP);
      assert.ok(result instanceof Uint8Array);
      assert.deepEqual(Buffer.from(result), protectedPacket);
    });

    void it(`${suite}: unprotectRtp gives the plain packet, once`, () => {
      const session = gcmSession(suite);
      const result = session.unprotectRtp(protectedPacket);
      assert.ok(result instanceof Uint8Array);
      assert.deepEqual(Buffer.from(result), RTP);
      assert.equal(session.unprotectRtp(protectedPacket), SrtpError.ReplayDetected);
    });

    void it(`${suite}: a flipped ciphertext or tag bit fails authentication`, () => {
      for (const at of [3, 20, protectedPacket.length - 1]) {
        const forged = Buffer.from(protectedPacket);
        forged[at] ^= 0x01;
        assert.equal(gcmSession(suite).unprotectRtp(forged), SrtpError.AuthFailed);
      }
    });
  }
});

void describe('RFC 7714 §17: SRTCP AES-GCM', () => {
  for (const [suite, kind, protectedPacket] of rtcpVectors) {
    void it(`${suite} ${kind}: unprotectRtcp gives the plain packet, once`, () => {
      const session = gcmSession(suite);
      const result = session.unprotectRtcp(protectedPacket);
      assert.ok(result instanceof Uint8Array);
      assert.deepEqual(Buffer.from(result), RTCP);
      assert.equal(session.unprotectRtcp(protectedPacket), SrtpError.ReplayDetected);
      const forged = Buffer.from(protectedPacket);
      forged[10] ^= 0x80;
      assert.equal(gcmSession(suite).unprotectRtcp(forged), SrtpError.AuthFailed);
    });
  }

  for (const [suite, kind, protectedPacket] of rtcpVectors.filter((v) => v[1] === 'encrypted')) {
    void it(`${suite} ${kind}: the transform writes the RFC bytes for index 0x5d4`, () => {
      const key = suite === 'AEAD_AES_128_GCM' ? KEY_128 : KEY_256;
      const transform = new AesGcmTransform({ key, salt: SALT, authKey: new Uint8Array(0) });
      const work = new Uint8Array(WORK_OFFSET + 128);
      const n = transform.protectRtcp(RTCP, RTCP.length, 0x4d617273, 0x5d4, work);
      assert.deepEqual(Buffer.from(work.subarray(WORK_OFFSET, WORK_OFFSET + n)), protectedPacket);
    });
  }
});

void describe('AES_CM_128_HMAC_SHA1_80 packet (libsrtp self test, RFC 3711 B.3 master key)', () => {
  const masterKey = hex('e1f97a0d3e018be0d64fa32c06de4139');
  const masterSalt = hex('0ec675ad498afeebb6960b3aabe6');
  const plain = hex('800f1234 decafbad cafebabe abababab abababab abababab abababab');
  const protectedPacket = hex(`800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402
                               b78d6acc 99ea179b 8dbb`);

  void it('protectRtp gives the known bytes', () => {
    const session = new SrtpSession('AES_CM_128_HMAC_SHA1_80', masterKey, masterSalt);
    const result = session.protectRtp(plain);
    assert.ok(result instanceof Uint8Array);
    assert.deepEqual(Buffer.from(result), protectedPacket);
  });

  void it('unprotectRtp gives the plain packet; a bad tag fails', () => {
    const session = new SrtpSession('AES_CM_128_HMAC_SHA1_80', masterKey, masterSalt);
    const forged = Buffer.from(protectedPacket);
    forged[forged.length - 1] ^= 1;
    assert.equal(session.unprotectRtp(forged), SrtpError.AuthFailed);
    const result = session.unprotectRtp(protectedPacket);
    assert.ok(result instanceof Uint8Array);
    assert.deepEqual(Buffer.from(result), plain);
  });

  void it('AES_CM_128_HMAC_SHA1_32 sends the first 4 bytes of the same tag', () => {
    const session = new SrtpSession('AES_CM_128_HMAC_SHA1_32', masterKey, masterSalt);
    const result = session.protectRtp(plain);
    assert.ok(result instanceof Uint8Array);
    assert.deepEqual(Buffer.from(result), protectedPacket.subarray(0, protectedPacket.length - 6));
  });
});
