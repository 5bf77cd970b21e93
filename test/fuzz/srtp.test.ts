/**
 * Fuzz: SRTP/SRTCP framing (src/protocols/srtp), every profile. Unprotecting arbitrary and
 * mutated protected packets never throws, never authenticates a mutated packet, and reads
 * only its input; protect then unprotect gives back the captured RTP and RTCP packets.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  SRTP_PROFILES,
  SrtpSession,
  isSrtpError,
  rtpHeaderLength,
  type SrtpProfile,
} from '../../src/protocols/srtp/index.js';
import {
  bytesFrom,
  fuzz,
  loadCorpus,
  mutate,
  mutation,
  parseInViews,
  writeInRange,
} from './kit.js';

const rtp = loadCorpus('rtp').filter((b) => rtpHeaderLength(b, b.length) >= 0);
const rtcp = loadCorpus('rtcp', 'transport-cc').filter((b) => b.length >= 8 && b[0] >> 6 === 2);

interface Pair {
  profile: SrtpProfile;
  tx: SrtpSession;
  rx: SrtpSession;
}

function pair(profile: SrtpProfile): Pair {
  const key = randomBytes(profile.keyLength);
  const salt = randomBytes(profile.saltLength);
  return {
    profile,
    tx: new SrtpSession(profile, key, salt),
    rx: new SrtpSession(profile, key, salt),
  };
}

const profile = fc.constantFrom(...SRTP_PROFILES);

/** A copy: the session's result is a view of its work buffer, valid until its next call. */
function copy(r: Uint8Array | number): Buffer | number {
  return typeof r === 'number' ? r : Buffer.from(r);
}

void describe('fuzz: SRTP/SRTCP', () => {
  void it('protect then unprotect gives back captured RTP and RTCP', () => {
    const rtpPacket = fc
      .tuple(fc.constantFrom(...rtp), fc.array(mutation, { maxLength: 2 }))
      .map(([b, m]) => mutate(b, m));
    fuzz(
      'srtp-roundtrip',
      [profile, rtpPacket, fc.constantFrom(...rtcp)],
      (p, plainRtp, plainRtcp) => {
        const { tx, rx } = pair(p);
        const protectedRtp = copy(tx.protectRtp(plainRtp));
        if (rtpHeaderLength(plainRtp, plainRtp.length) < 0) return protectedRtp === 1;
        assert.ok(Buffer.isBuffer(protectedRtp));
        assert.equal(protectedRtp.length, plainRtp.length + p.rtpAuthTagLength);
        const back = copy(rx.unprotectRtp(protectedRtp));
        assert.ok(Buffer.isBuffer(back) && back.equals(plainRtp), 'RTP did not round-trip');
        assert.equal(rx.unprotectRtp(protectedRtp), 3, 'a replay was accepted');
        const protectedRtcp = copy(tx.protectRtcp(plainRtcp));
        assert.ok(Buffer.isBuffer(protectedRtcp));
        const rtcpBack = copy(rx.unprotectRtcp(protectedRtcp));
        return Buffer.isBuffer(rtcpBack) && rtcpBack.equals(plainRtcp);
      },
      { base: 600 },
    );
  });

  void it('decrypts reordered streams across sequence wrap-around (ROC estimation, RFC 3711 §3.3.1)', () => {
    // Strictly increasing packet indices with gaps, delivered with neighbours swapped: every
    // genuine packet decrypts, unless it fell behind the replay window (then ReplayDetected).
    const stream = fc.record({
      start: fc.integer({ min: 0, max: 0xffff }),
      gaps: fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2000 })), {
        minLength: 1,
        maxLength: 60,
      }),
      swaps: fc.array(fc.boolean(), { maxLength: 60 }),
    });
    fuzz(
      'srtp-stream',
      [profile, fc.constantFrom(...rtp), stream],
      (p, seed, { start, gaps, swaps }) => {
        const { tx, rx } = pair(p);
        const sealed: { index: number; plain: Buffer; packet: Buffer }[] = [];
        let index = start;
        for (const gap of [0, ...gaps]) {
          index += gap;
          const plain = Buffer.from(seed);
          plain.writeUInt16BE(index & 0xffff, 2);
          plain[12 % plain.length] ^= index & 0xff; // distinct payloads
          const r = tx.protectRtp(plain);
          assert.ok(!isSrtpError(r));
          sealed.push({ index, plain, packet: Buffer.from(r) });
        }
        for (let i = 0; i + 1 < sealed.length; i++) {
          if (swaps[i]) [sealed[i], sealed[i + 1]] = [sealed[i + 1], sealed[i]];
        }
        let top = -1;
        for (const { index: at, plain, packet } of sealed) {
          const r = rx.unprotectRtp(packet);
          if (top < 0 && at > 0xffff) {
            // RFC 3711 §3.3.1: a receiver starts at ROC 0, so a first packet sent with a higher
            // ROC cannot authenticate (and must not create state).
            assert.equal(r, 2, `first packet at index ${at} accepted`);
            continue;
          }
          if (isSrtpError(r)) {
            assert.equal(r, 3, `index ${at} (top ${top}) refused with ${r}`);
            assert.ok(top - at >= 128, `index ${at} within the window of ${top} refused`);
          } else {
            assert.ok(Buffer.from(r).equals(plain), `index ${at} decrypted wrong`);
            top = Math.max(top, at);
          }
        }
        return true;
      },
      { base: 300 },
    );
  });

  void it('writes into a caller buffer only within it, or throws the documented RangeError', () => {
    fuzz(
      'srtp-out-buffer',
      [profile, fc.constantFrom(...rtp), fc.nat(1600)],
      (p, plain, room) => {
        const { tx } = pair(p);
        const need = plain.length + p.rtpAuthTagLength;
        let threw: unknown;
        const { length } = writeInRange(room, (out, offset) => {
          try {
            const r = tx.protectRtp(plain, out.subarray(offset));
            return typeof r === 'number' ? -1 : r.length;
          } catch (error) {
            threw = error;
            return -1;
          }
        });
        // SrtpSession documents a too-small `out` as a programming error (RangeError).
        if (room < need) return threw instanceof RangeError;
        return threw === undefined && length === need;
      },
      { base: 1000 },
    );
  });

  void it('never authenticates a mutated protected packet, and never throws', () => {
    // One session pair per profile, reused: a fresh receiver per input would be slower and
    // would only ever see first packets.
    const pairs = SRTP_PROFILES.map(pair);
    fuzz(
      'srtp-mutated',
      [
        fc.nat(pairs.length - 1),
        fc.boolean(),
        fc.nat(1000),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
      ],
      (which, isRtcp, pick, m) => {
        const { tx, rx } = pairs[which];
        const plain = isRtcp ? rtcp[pick % rtcp.length] : rtp[pick % rtp.length];
        const sealed = copy(isRtcp ? tx.protectRtcp(plain) : tx.protectRtp(plain));
        assert.ok(Buffer.isBuffer(sealed));
        const forged = mutate(sealed, m);
        if (forged.equals(sealed)) return true;
        const result = isRtcp ? rx.unprotectRtcp(forged) : rx.unprotectRtp(forged);
        return isSrtpError(result);
      },
      { base: 2000 },
    );
  });

  void it('unprotects arbitrary bytes without throwing or reading outside the input', () => {
    const sessions = SRTP_PROFILES.map((p) => pair(p).rx);
    const input = bytesFrom([...rtp, ...rtcp]);
    fuzz(
      'srtp-unprotect-arbitrary',
      [fc.nat(sessions.length - 1), input],
      (which, bytes) => {
        const rx = sessions[which];
        parseInViews(bytes, (v) => [copy(rx.unprotectRtp(v)), copy(rx.unprotectRtcp(v))]);
      },
      { base: 2000 },
    );
  });
});
