import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import {
  SRTP_PROFILES,
  SrtpError,
  SrtpSession,
  getSrtpProfile,
  getSrtpProfileByDtlsId,
  isSrtpError,
  splitSrtpKeyingMaterial,
  type SrtpProfile,
  type SrtpResult,
} from '../../../src/protocols/srtp/index.js';
import { rtcpPacket, rtpPacket } from './helpers.js';

/** Sessions made from the same fresh master key and salt. */
function pair(profile: SrtpProfile, count = 2): SrtpSession[] {
  const key = randomBytes(profile.keyLength);
  const salt = randomBytes(profile.saltLength);
  return Array.from({ length: count }, () => new SrtpSession(profile, key, salt));
}

/** A copy of a successful result (results are views of the session's work buffer). */
function ok(result: SrtpResult): Buffer {
  if (isSrtpError(result)) assert.fail(`unexpected ${SrtpError[result]}`);
  return Buffer.from(result);
}

void describe('SRTP profiles', () => {
  void it('have the RFC 5764 / RFC 7714 ids and lengths', () => {
    const table = SRTP_PROFILES.map((p) => [
      p.cryptoSuite,
      p.dtlsProfileId,
      p.keyLength,
      p.saltLength,
      p.rtpAuthTagLength,
      p.rtcpAuthTagLength,
    ]);
    assert.deepEqual(table, [
      ['AEAD_AES_256_GCM', 8, 32, 12, 16, 16],
      ['AEAD_AES_128_GCM', 7, 16, 12, 16, 16],
      ['AES_CM_128_HMAC_SHA1_80', 1, 16, 14, 10, 10],
      ['AES_CM_128_HMAC_SHA1_32', 2, 16, 14, 4, 10],
    ]);
    assert.equal(getSrtpProfileByDtlsId(7)?.cryptoSuite, 'AEAD_AES_128_GCM');
    assert.equal(getSrtpProfileByDtlsId(3), undefined);
    assert.equal(getSrtpProfile('NULL'), undefined);
  });

  void it('splitSrtpKeyingMaterial follows RFC 5764 §4.2 order', () => {
    const p = getSrtpProfile('AES_CM_128_HMAC_SHA1_80')!;
    const material = Uint8Array.from({ length: 60 }, (_, i) => i);
    const keys = splitSrtpKeyingMaterial(p, material);
    assert.equal(keys.clientKey[0], 0);
    assert.equal(keys.serverKey[0], 16);
    assert.equal(keys.clientSalt[0], 32);
    assert.equal(keys.serverSalt[0], 46);
    assert.equal(keys.serverSalt.length, 14);
    assert.throws(() => splitSrtpKeyingMaterial(p, material.subarray(1)), TypeError);
  });

  void it('new SrtpSession() rejects wrong key lengths and unknown suites with TypeError', () => {
    assert.throws(
      () => new SrtpSession('AEAD_AES_256_GCM', new Uint8Array(16), new Uint8Array(12)),
      TypeError,
    );
    assert.throws(
      () => new SrtpSession('AES_CM_128_HMAC_SHA1_80', new Uint8Array(16), new Uint8Array(12)),
      TypeError,
    );
    assert.throws(
      () => new SrtpSession('FOO' as 'AEAD_AES_128_GCM', new Uint8Array(16), new Uint8Array(12)),
      TypeError,
    );
  });
});

for (const profile of SRTP_PROFILES) {
  const suite = profile.cryptoSuite;

  void describe(`SrtpSession ${suite}`, () => {
    void it('RTP round trip: protect → unprotect gives the original packet', () => {
      const [tx, rx] = pair(profile) as [SrtpSession, SrtpSession];
      const shapes = [
        rtpPacket(1, 0x11223344, 1200),
        rtpPacket(2, 0x11223344, 0),
        rtpPacket(3, 0x11223344, 1, { csrcs: 2 }),
        rtpPacket(4, 0x11223344, 37, { extensionWords: 3 }),
        rtpPacket(5, 0x11223344, 160, { csrcs: 15, extensionWords: 0 }),
        rtpPacket(6, 0x11223344, 5000),
      ];
      for (const plain of shapes) {
        const secured = ok(tx.protectRtp(plain));
        assert.equal(secured.length, plain.length + profile.rtpAuthTagLength);
        const header = plain.length - (plain.length > 1200 ? 5000 : 0);
        assert.deepEqual(secured.subarray(0, 12), plain.subarray(0, 12));
        if (plain.length - 12 >= 16 && header > 0) {
          assert.notDeepEqual(
            secured.subarray(plain.length - 16, plain.length),
            plain.subarray(-16),
          );
        }
        assert.deepEqual(ok(rx.unprotectRtp(secured)), plain);
      }
    });

    void it('RTP: the header (CSRCs, extension) stays in the clear, the payload does not', () => {
      const [tx] = pair(profile) as [SrtpSession];
      const plain = rtpPacket(10, 7, 64, { csrcs: 1, extensionWords: 2, fill: 0 });
      const secured = ok(tx.protectRtp(plain));
      const headerLength = 12 + 4 + 4 + 8;
      assert.deepEqual(secured.subarray(0, headerLength), plain.subarray(0, headerLength));
      assert.ok(secured.subarray(headerLength, plain.length).some((b) => b !== 0));
    });

    void it('RTCP round trip, with a 31-bit index and E set', () => {
      const [tx, rx] = pair(profile) as [SrtpSession, SrtpSession];
      for (let i = 0; i < 3; i++) {
        const plain = rtcpPacket(0xdeadbeef);
        const secured = ok(tx.protectRtcp(plain));
        assert.equal(secured.length, plain.length + 4 + profile.rtcpAuthTagLength);
        const at = profile.aead ? secured.length - 4 : plain.length;
        assert.equal(secured.readUInt32BE(at), (0x80000000 | i) >>> 0);
        assert.deepEqual(ok(rx.unprotectRtcp(secured)), plain);
      }
    });

    void it('a tampered RTP or RTCP packet gives AuthFailed, and the real one still decrypts', () => {
      const [tx, rx] = pair(profile) as [SrtpSession, SrtpSession];
      const secured = ok(tx.protectRtp(rtpPacket(100, 1, 200)));
      for (const at of [1, 12, 100, secured.length - 1]) {
        const forged = Buffer.from(secured);
        forged[at] ^= 0x20;
        assert.equal(rx.unprotectRtp(forged), SrtpError.AuthFailed);
      }
      assert.ok(!isSrtpError(rx.unprotectRtp(secured)));

      const rtcp = ok(tx.protectRtcp(rtcpPacket(1)));
      const forged = Buffer.from(rtcp);
      forged[20] ^= 1;
      assert.equal(rx.unprotectRtcp(forged), SrtpError.AuthFailed);
      assert.ok(!isSrtpError(rx.unprotectRtcp(rtcp)));
    });

    void it('a packet from other keys gives AuthFailed', () => {
      const [tx] = pair(profile) as [SrtpSession];
      const [stranger] = pair(profile) as [SrtpSession];
      assert.equal(
        stranger.unprotectRtp(ok(tx.protectRtp(rtpPacket(1, 1, 50)))),
        SrtpError.AuthFailed,
      );
      assert.equal(stranger.unprotectRtcp(ok(tx.protectRtcp(rtcpPacket(1)))), SrtpError.AuthFailed);
    });

    void it('a replayed RTP or RTCP packet gives ReplayDetected', () => {
      const [tx, rx] = pair(profile) as [SrtpSession, SrtpSession];
      const first = ok(tx.protectRtp(rtpPacket(500, 9, 100)));
      const second = ok(tx.protectRtp(rtpPacket(501, 9, 100)));
      assert.ok(!isSrtpError(rx.unprotectRtp(first)));
      assert.ok(!isSrtpError(rx.unprotectRtp(second)));
      assert.equal(rx.unprotectRtp(first), SrtpError.ReplayDetected);
      assert.equal(rx.unprotectRtp(second), SrtpError.ReplayDetected);

      const rtcp = ok(tx.protectRtcp(rtcpPacket(9)));
      assert.ok(!isSrtpError(rx.unprotectRtcp(rtcp)));
      assert.equal(rx.unprotectRtcp(rtcp), SrtpError.ReplayDetected);
    });

    void it('late (reordered) packets inside the window are accepted once', () => {
      const [tx, rx] = pair(profile) as [SrtpSession, SrtpSession];
      const packets = Array.from({ length: 100 }, (_, i) =>
        ok(tx.protectRtp(rtpPacket(1000 + i, 3, 20, { fill: i }))),
      );
      assert.ok(!isSrtpError(rx.unprotectRtp(packets[0])));
      for (const i of [99, 50, 98, 1, 2, 60]) {
        assert.deepEqual(ok(rx.unprotectRtp(packets[i])), rtpPacket(1000 + i, 3, 20, { fill: i }));
        assert.equal(rx.unprotectRtp(packets[i]), SrtpError.ReplayDetected);
      }
      // Far behind the highest index (beyond the 128-packet window): too old.
      for (let i = 100; i < 300; i++) tx.protectRtp(rtpPacket(1000 + i, 3, 20));
      const latest = ok(tx.protectRtp(rtpPacket(1300, 3, 20)));
      assert.ok(!isSrtpError(rx.unprotectRtp(latest)));
      assert.equal(rx.unprotectRtp(packets[70]), SrtpError.ReplayDetected);
    });

    void it('the sequence number wrap 65535 → 0 increments the ROC', () => {
      const [tx, rx, other] = pair(profile, 3) as [SrtpSession, SrtpSession, SrtpSession];
      const ssrc = 0xcafe;
      const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3];
      const secured = seqs.map((seq) =>
        ok(tx.protectRtp(rtpPacket(seq, ssrc, 100, { fill: seq }))),
      );
      assert.equal(tx.getRoc(ssrc), 1);
      // Deliver with a late pre-wrap packet after the wrap.
      const order = [0, 1, 2, 3, 4, 6, 7, 5, 8, 9];
      for (const i of order) {
        assert.deepEqual(
          ok(rx.unprotectRtp(secured[i])),
          rtpPacket(seqs[i], ssrc, 100, { fill: seqs[i] }),
        );
      }
      assert.equal(rx.getRoc(ssrc), 1);
      // The ROC is part of the crypto: a receiver that starts at the post-wrap packet
      // assumes ROC 0 and fails; one that saw the pre-wrap packet first infers ROC 1.
      assert.equal(other.unprotectRtp(secured[9]), SrtpError.AuthFailed);
      assert.ok(!isSrtpError(other.unprotectRtp(secured[0])));
      assert.ok(!isSrtpError(other.unprotectRtp(secured[9])));
    });

    void it('keeps independent state per SSRC', () => {
      const [tx, rx] = pair(profile) as [SrtpSession, SrtpSession];
      const a = ok(tx.protectRtp(rtpPacket(7, 1, 30)));
      const b = ok(tx.protectRtp(rtpPacket(7, 2, 30)));
      assert.ok(!isSrtpError(rx.unprotectRtp(a)));
      assert.ok(!isSrtpError(rx.unprotectRtp(b)));
      assert.equal(rx.unprotectRtp(b), SrtpError.ReplayDetected);
      rx.removeSsrc(2);
      assert.ok(!isSrtpError(rx.unprotectRtp(b)));
    });

    void it('too short, truncated or non-v2 packets give Malformed without throwing', () => {
      const [tx, rx] = pair(profile) as [SrtpSession, SrtpSession];
      const secured = ok(tx.protectRtp(rtpPacket(1, 1, 40, { csrcs: 3, extensionWords: 4 })));
      const rtcp = ok(tx.protectRtcp(rtcpPacket(1)));
      for (let n = 0; n < 12 + profile.rtpAuthTagLength; n++) {
        assert.equal(rx.unprotectRtp(secured.subarray(0, n)), SrtpError.Malformed, `rtp ${n}`);
      }
      for (let n = 0; n < 12 + profile.rtcpAuthTagLength; n++) {
        assert.equal(rx.unprotectRtcp(rtcp.subarray(0, n)), SrtpError.Malformed, `rtcp ${n}`);
      }
      for (let n = 0; n < secured.length; n++) {
        const result = rx.unprotectRtp(secured.subarray(0, n));
        assert.ok(result === SrtpError.Malformed || result === SrtpError.AuthFailed);
      }
      for (let n = 0; n < rtcp.length; n++) {
        const result = rx.unprotectRtcp(rtcp.subarray(0, n));
        assert.ok(result === SrtpError.Malformed || result === SrtpError.AuthFailed);
      }
      const v1 = Buffer.from(secured);
      v1[0] = 0x40;
      assert.equal(rx.unprotectRtp(v1), SrtpError.Malformed);
      // Extension length pointing past the end.
      const overrun = rtpPacket(1, 1, 8, { extensionWords: 1 });
      overrun.writeUInt16BE(100, 14);
      assert.equal(tx.protectRtp(overrun), SrtpError.Malformed);
      assert.equal(tx.protectRtp(new Uint8Array(11)), SrtpError.Malformed);
      assert.equal(tx.protectRtcp(new Uint8Array(7)), SrtpError.Malformed);
    });

    void it('random bytes never throw', () => {
      const [rx] = pair(profile) as [SrtpSession];
      for (let i = 0; i < 500; i++) {
        const junk = randomBytes(i % 80);
        if (i % 2) junk[0] = 0x80 | (junk[0] & 0x3f);
        const r1 = rx.unprotectRtp(junk);
        const r2 = rx.unprotectRtcp(junk);
        assert.ok(isSrtpError(r1) && isSrtpError(r2));
      }
    });

    void it('writes into a caller-provided out buffer; the input is never modified', () => {
      const [tx, rx] = pair(profile) as [SrtpSession, SrtpSession];
      const plain = rtpPacket(42, 5, 300);
      const copy = Buffer.from(plain);
      const out = new Uint8Array(2048);
      const secured = tx.protectRtp(plain, out);
      assert.ok(!isSrtpError(secured));
      assert.equal(secured.buffer, out.buffer);
      assert.deepEqual(plain, copy);
      const securedCopy = Buffer.from(secured);
      const result = rx.unprotectRtp(securedCopy, new Uint8Array(400));
      assert.deepEqual(Buffer.from(result as Uint8Array), plain);
      assert.deepEqual(Buffer.from(secured), securedCopy);
      assert.throws(() => tx.protectRtp(plain, new Uint8Array(10)), RangeError);
    });

    void it('protectRtpInto / protectRtcpInto: the result is a view of the space, the same bytes as protectRtp', () => {
      const [tx, ref, rx] = pair(profile, 3) as [SrtpSession, SrtpSession, SrtpSession];
      const plain = rtpPacket(43, 6, 1100, { extensionWords: 2 });
      const copy = Buffer.from(plain);
      // Room for the work area (written once, no copy), then exactly enough (copied to the start).
      for (const room of [2048, plain.length + profile.rtpAuthTagLength]) {
        const space = new Uint8Array(room);
        const secured = tx.protectRtpInto(plain, space);
        assert.ok(!isSrtpError(secured));
        assert.equal(secured.buffer, space.buffer);
        assert.deepEqual(Buffer.from(secured), ok(ref.protectRtp(plain)));
        assert.deepEqual(ok(rx.unprotectRtp(Buffer.from(secured))), plain);
        plain.writeUInt16BE(44, 2);
        copy.writeUInt16BE(44, 2);
      }
      assert.deepEqual(plain, copy);
      assert.throws(() => tx.protectRtpInto(plain, new Uint8Array(10)), RangeError);
      const rtcp = rtcpPacket(0xfeedface);
      const space = new Uint8Array(2048);
      const securedRtcp = tx.protectRtcpInto(rtcp, space);
      assert.ok(!isSrtpError(securedRtcp));
      assert.equal(securedRtcp.buffer, space.buffer);
      assert.deepEqual(ok(rx.unprotectRtcp(Buffer.from(securedRtcp))), rtcp);
    });
  });
}
