import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { SrtpLabel, deriveSessionKey } from '../../../src/protocols/srtp/index.js';
import { hex } from './helpers.js';

void describe('SRTP key derivation (RFC 3711 §4.3)', () => {
  // RFC 3711 Appendix B.3.
  const masterKey = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
  const masterSalt = hex('0EC675AD498AFEEBB6960B3AABE6');

  void it('RFC 3711 B.3: cipher key, cipher salt and authentication key', () => {
    assert.deepEqual(
      deriveSessionKey(masterKey, masterSalt, SrtpLabel.RtpEncryption, 16),
      hex('C61E7A93744F39EE10734AFE3FF7A087'),
    );
    assert.deepEqual(
      deriveSessionKey(masterKey, masterSalt, SrtpLabel.RtpSalt, 14),
      hex('30CBBC08863D8C85D49DB34A9AE1'),
    );
    assert.deepEqual(
      deriveSessionKey(masterKey, masterSalt, SrtpLabel.RtpAuthentication, 94),
      hex(`CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE
           E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25
           6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2`),
    );
  });

  void it('RFC 6188 §7.2: AES-256 PRF', () => {
    const key = hex('F0F04914B513F2763A1B1FA130F10E2998F6F6E43E4309D1E622A0E332B9F1B6');
    const salt = hex('3B04803DE51EE7C96423AB5B78D2');
    assert.deepEqual(
      deriveSessionKey(key, salt, SrtpLabel.RtpEncryption, 32),
      hex('5BA1064E30EC51613CAD926C5A28EF731EC7FB397F70A960653CAF06554CD8C4'),
    );
    assert.deepEqual(
      deriveSessionKey(key, salt, SrtpLabel.RtpSalt, 14),
      hex('FA31791685CA444A9E07C6C64E93'),
    );
  });

  void it('GCM: the 12-byte master salt is zero-padded to 14 bytes', () => {
    const salt12 = hex('a0a1a2a3a4a5a6a7a8a9aaab');
    const salt14 = hex('a0a1a2a3a4a5a6a7a8a9aaab0000');
    const key = hex('000102030405060708090a0b0c0d0e0f');
    for (const label of Object.values(SrtpLabel)) {
      assert.deepEqual(
        deriveSessionKey(key, salt12, label, 16),
        deriveSessionKey(key, salt14, label, 16),
      );
    }
    // Values cross-checked against an independent implementation (openssl aes-128-ctr).
    assert.deepEqual(
      deriveSessionKey(key, salt12, SrtpLabel.RtpEncryption, 16),
      hex('077c6143cb221bc355ff23d5f984a16e'),
    );
    assert.deepEqual(
      deriveSessionKey(key, salt12, SrtpLabel.RtpSalt, 12),
      hex('9af3e95364ebac9c99c5a7c4'),
    );
    assert.deepEqual(
      deriveSessionKey(key, salt12, SrtpLabel.RtcpSalt, 12),
      hex('fcca937b9112a500dac72269'),
    );
  });

  void it('rejects master keys of the wrong length', () => {
    assert.throws(() => deriveSessionKey(new Uint8Array(15), new Uint8Array(14), 0, 16), TypeError);
    assert.throws(() => deriveSessionKey(new Uint8Array(16), new Uint8Array(15), 0, 16), TypeError);
  });
});
