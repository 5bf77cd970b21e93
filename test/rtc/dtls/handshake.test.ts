/** Two Skein DtlsTransports in memory: both roles, SRTP keys, profiles, data, close. */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';

import {
  SrtpSession,
  isSrtpError,
  type SrtpCryptoSuite,
} from '../../../src/protocols/srtp/index.js';
import { InvalidStateError } from '../../../src/common/errors.js';
import type { DtlsConnectedInfo, DtlsRole } from '../../../src/rtc/dtls/DtlsTransport.js';
import { warmUpDtls } from '../../../src/rtc/dtls/warmUp.js';
import { rtpPacket } from '../../protocols/srtp/helpers.js';
import { outcome, skeinPair, testCertificates, type Outcome } from './helpers.js';

function connectedInfo(result: Outcome): DtlsConnectedInfo {
  assert.equal(result.state, 'connected', `expected connected, got ${JSON.stringify(result)}`);
  return (result as { info: DtlsConnectedInfo }).info;
}

async function handshake(
  roleOfA: DtlsRole,
  suites: { a?: SrtpCryptoSuite[]; b?: SrtpCryptoSuite[] } = {},
): Promise<{ a: DtlsConnectedInfo; b: DtlsConnectedInfo }> {
  const [certA, certB] = await testCertificates();
  const pair = skeinPair(certA, certB, {
    a: suites.a ? { srtpProfiles: suites.a } : {},
    b: suites.b ? { srtpProfiles: suites.b } : {},
  });
  const results = Promise.all([outcome(pair.a), outcome(pair.b)]);
  pair.a.start({
    localRole: roleOfA,
    remoteFingerprints: certB.fingerprints,
  });
  pair.b.start({
    localRole: roleOfA === 'client' ? 'server' : 'client',
    remoteFingerprints: certA.fingerprints,
  });
  const [a, b] = await results;
  pair.close();
  return { a: connectedInfo(a), b: connectedInfo(b) };
}

/** A's SRTP sender and B's receiver from the emitted keys: one RTP packet must survive. */
function assertSrtpRoundTrip(a: DtlsConnectedInfo, b: DtlsConnectedInfo): void {
  const tx = new SrtpSession(a.srtpCryptoSuite, a.localMasterKey, a.localMasterSalt);
  const rx = new SrtpSession(b.srtpCryptoSuite, b.remoteMasterKey, b.remoteMasterSalt);
  const packet = rtpPacket(1234, 0x11223344, 1000);
  const protectedPacket = tx.protectRtp(packet);
  assert.ok(!isSrtpError(protectedPacket));
  const copy = Buffer.from(protectedPacket);
  assert.notDeepEqual(copy.subarray(12, 12 + 1000), packet.subarray(12));
  const unprotected = rx.unprotectRtp(copy);
  assert.ok(!isSrtpError(unprotected), `unprotect failed: ${String(unprotected)}`);
  assert.deepEqual(Buffer.from(unprotected), packet);
}

void describe('DtlsTransport ↔ DtlsTransport', () => {
  for (const roleOfA of ['client', 'server'] as const) {
    void it(`completes a handshake with A as ${roleOfA}; the keys mirror each other`, async () => {
      const [certA, certB] = await testCertificates();
      const { a, b } = await handshake(roleOfA);
      assert.equal(a.srtpCryptoSuite, 'AEAD_AES_256_GCM');
      assert.equal(b.srtpCryptoSuite, 'AEAD_AES_256_GCM');
      assert.equal(a.localMasterKey.length, 32);
      assert.equal(a.localMasterSalt.length, 12);
      assert.deepEqual(a.localMasterKey, b.remoteMasterKey);
      assert.deepEqual(a.localMasterSalt, b.remoteMasterSalt);
      assert.deepEqual(a.remoteMasterKey, b.localMasterKey);
      assert.deepEqual(a.remoteMasterSalt, b.localMasterSalt);
      assert.notDeepEqual(a.localMasterKey, a.remoteMasterKey);
      assert.deepEqual(new X509Certificate(a.remoteCertificate).raw, certB.der);
      assert.deepEqual(new X509Certificate(b.remoteCertificate).raw, certA.der);
      assertSrtpRoundTrip(a, b);
      assertSrtpRoundTrip(b, a);
    });
  }

  const profileCases: [SrtpCryptoSuite, number, number][] = [
    ['AEAD_AES_256_GCM', 32, 12],
    ['AEAD_AES_128_GCM', 16, 12],
    ['AES_CM_128_HMAC_SHA1_80', 16, 14],
    ['AES_CM_128_HMAC_SHA1_32', 16, 14],
  ];
  for (const [suite, keyLength, saltLength] of profileCases) {
    void it(`negotiates ${suite} alone and SRTP built from its keys round-trips`, async () => {
      const { a, b } = await handshake('client', { a: [suite], b: [suite] });
      assert.equal(a.srtpCryptoSuite, suite);
      assert.equal(a.localMasterKey.length, keyLength);
      assert.equal(a.localMasterSalt.length, saltLength);
      assertSrtpRoundTrip(a, b);
      assertSrtpRoundTrip(b, a);
    });
  }

  void it('the DTLS server picks by its own preference order', async () => {
    const { a } = await handshake('client', {
      b: ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'],
    });
    assert.equal(a.srtpCryptoSuite, 'AES_CM_128_HMAC_SHA1_80');
    const second = await handshake('server', { b: ['AEAD_AES_128_GCM'] });
    assert.equal(second.a.srtpCryptoSuite, 'AEAD_AES_128_GCM');
  });

  void it('fails with NO_SRTP_PROFILE when the profiles have nothing in common', async () => {
    const [certA, certB] = await testCertificates();
    const pair = skeinPair(certA, certB, {
      a: { srtpProfiles: ['AEAD_AES_128_GCM'] },
      b: { srtpProfiles: ['AES_CM_128_HMAC_SHA1_80'] },
    });
    const results = Promise.all([outcome(pair.a), outcome(pair.b)]);
    pair.a.start({ localRole: 'client', remoteFingerprints: certB.fingerprints });
    pair.b.start({ localRole: 'server', remoteFingerprints: certA.fingerprints });
    const [a, b] = await results;
    assert.equal(a.state, 'failed');
    assert.equal(b.state, 'failed');
    pair.close();
  });

  void it('carries application data both ways and close() ends the peer with close_notify', async () => {
    const [certA, certB] = await testCertificates();
    const pair = skeinPair(certA, certB);
    const results = Promise.all([outcome(pair.a), outcome(pair.b)]);
    pair.a.start({ localRole: 'server', remoteFingerprints: certB.fingerprints });
    pair.b.start({ localRole: 'client', remoteFingerprints: certA.fingerprints });
    await results;
    const atB = new Promise<Buffer>((resolve) => pair.b.once('applicationdata', resolve));
    const atA = new Promise<Buffer>((resolve) => pair.a.once('applicationdata', resolve));
    pair.a.sendApplicationData(Buffer.from('sctp from A'));
    pair.b.sendApplicationData(Buffer.from('sctp from B'));
    assert.equal((await atB).toString(), 'sctp from A');
    assert.equal((await atA).toString(), 'sctp from B');

    const closedB = outcome(pair.b);
    pair.a.close();
    assert.equal(pair.a.state, 'closed');
    assert.deepEqual(await closedB, { state: 'closed', code: undefined });
    assert.throws(() => pair.a.sendApplicationData(Buffer.from('x')), InvalidStateError);
  });

  void it('keeps datagrams that arrive before start() and uses them', async () => {
    const [certA, certB] = await testCertificates();
    const pair = skeinPair(certA, certB);
    const results = Promise.all([outcome(pair.a), outcome(pair.b)]);
    pair.a.start({ localRole: 'client', remoteFingerprints: certB.fingerprints });
    // B learns its role only after A's ClientHello has arrived.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pair.b.state, 'new');
    const started = performance.now();
    pair.b.start({ localRole: 'server', remoteFingerprints: certA.fingerprints });
    const [a, b] = await results;
    assert.equal(a.state, 'connected');
    assert.equal(b.state, 'connected');
    // No retransmission was needed (werift's first resend is after 500 ms).
    assert.ok(performance.now() - started < 450);
    pair.close();
  });

  void it('start() twice, bad roles and sendApplicationData() before connecting throw', async () => {
    const [certA, certB] = await testCertificates();
    const pair = skeinPair(certA, certB);
    assert.throws(() => pair.a.sendApplicationData(Buffer.from('x')), InvalidStateError);
    assert.throws(
      () => pair.a.start({ localRole: 'auto' as DtlsRole, remoteFingerprints: certB.fingerprints }),
      TypeError,
    );
    assert.throws(
      () =>
        pair.a.start({
          localRole: 'client',
          remoteFingerprints: [{ algorithm: 'md5', value: 'AA' }],
        }),
      TypeError,
    );
    pair.a.start({ localRole: 'client', remoteFingerprints: certB.fingerprints });
    assert.throws(
      () => pair.a.start({ localRole: 'client', remoteFingerprints: certB.fingerprints }),
      InvalidStateError,
    );
    pair.close();
    assert.equal(pair.a.state, 'closed');
    pair.close(); // idempotent
  });

  void it('warmUpDtls() runs one handshake per worker and shares it', async () => {
    const [certA] = await testCertificates();
    const first = warmUpDtls(certA);
    assert.equal(warmUpDtls(), first);
    assert.ok((await first) > 0);
  });
});
