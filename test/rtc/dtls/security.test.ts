/**
 * Peer authentication, the part werift-dtls 0.5.8 leaves out: a peer must hold the private key
 * of the certificate whose fingerprint was signalled, and its Finished must be right.
 * Each attack is run against Skein (must fail, no keys) and, as a control showing the attack
 * is real, against plain werift (which accepts it).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { DtlsTransport } from '../../../src/rtc/dtls/DtlsTransport.js';
import type { DtlsRole } from '../../../src/rtc/dtls/DtlsTransport.js';
import { DtlsClient } from '../../../src/rtc/dtls/werift.js';
import {
  outcome,
  plainPeer,
  skeinPair,
  strayKeyPem,
  testCertificates,
  toPlainPeer,
  type Outcome,
  type PlainPeer,
} from './helpers.js';

interface Attack {
  /** Skein's role; the attacker has the other one. */
  skeinRole: DtlsRole;
  /** PEM key the attacker signs with (certificate X's own key when undefined). */
  key?: string;
  /** Corrupts the attacker's Finished verify_data before it is encrypted. */
  tamperFinished?: boolean;
}

/** Runs a plain werift attacker presenting certificate X against Skein. */
async function attackSkein(attack: Attack): Promise<{ result: Outcome; keysEmitted: boolean }> {
  const [skeinCert, certX] = await testCertificates();
  let peer: PlainPeer | undefined = undefined;
  const skein = new DtlsTransport({ certificate: skeinCert, send: toPlainPeer(() => peer) });
  let keysEmitted = false;
  skein.on('connected', () => (keysEmitted = true));
  peer = plainPeer(
    skein,
    attack.skeinRole === 'server' ? 'client' : 'server',
    certX.certificatePem,
    attack.key ?? certX.privateKeyPem,
  );
  if (attack.tamperFinished) {
    const cipher = peer.socket.cipher;
    const verifyData = cipher.verifyData.bind(cipher);
    cipher.verifyData = (messages) => {
      const data = verifyData(messages);
      data[0] ^= 0x01;
      return data;
    };
  }
  const result = outcome(skein);
  skein.start({ localRole: attack.skeinRole, remoteFingerprints: certX.fingerprints });
  if (peer.socket instanceof DtlsClient) peer.socket.connect().catch(() => undefined);
  const settled = await result;
  // Give a late 'connected' every chance to show up.
  await new Promise((resolve) => setTimeout(resolve, 50));
  peer.stop();
  skein.close();
  return { result: settled, keysEmitted };
}

/** The same attacker against a plain werift socket: resolves true if it connects. */
async function attackPlainWerift(skeinRole: DtlsRole, key: string): Promise<boolean> {
  const [victimCert, certX] = await testCertificates();
  let attacker: PlainPeer | undefined = undefined;
  // A DtlsTransport stands in only to route datagrams to the victim below.
  const victim: { peer?: PlainPeer } = {};
  const router = {
    handlePacket: (d: Buffer) =>
      victim.peer?.socket.transport.socket.onData(d, { address: '', port: 0 } as never),
  } as unknown as DtlsTransport;
  const toAttacker = { handlePacket: (d: Buffer) => toPlainPeer(() => attacker)(d) };
  victim.peer = plainPeer(
    toAttacker as unknown as DtlsTransport,
    skeinRole,
    victimCert.certificatePem,
    victimCert.privateKeyPem,
  );
  attacker = plainPeer(
    router,
    skeinRole === 'server' ? 'client' : 'server',
    certX.certificatePem,
    key,
  );
  for (const p of [victim.peer, attacker]) {
    if (p.socket instanceof DtlsClient) p.socket.connect().catch(() => undefined);
  }
  let timer: NodeJS.Timeout | undefined = undefined;
  const connected = await Promise.race([
    victim.peer.connected.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 3000))),
  ]);
  clearTimeout(timer);
  victim.peer.stop();
  attacker.stop();
  return connected;
}

void describe('DTLS peer authentication', () => {
  void it('server role: a client whose CertificateVerify is not signed by its certificate key fails', async () => {
    const { result, keysEmitted } = await attackSkein({ skeinRole: 'server', key: strayKeyPem() });
    assert.deepEqual(result, { state: 'failed', code: 'BAD_SIGNATURE' });
    assert.equal(keysEmitted, false);
  });

  void it('control: plain werift as server accepts that impostor client (the gap)', async () => {
    assert.equal(await attackPlainWerift('server', strayKeyPem()), true);
  });

  void it('client role: a server whose ServerKeyExchange is not signed by its certificate key fails', async () => {
    const { result, keysEmitted } = await attackSkein({ skeinRole: 'client', key: strayKeyPem() });
    assert.deepEqual(result, { state: 'failed', code: 'BAD_SIGNATURE' });
    assert.equal(keysEmitted, false);
  });

  void it('control: plain werift as client accepts that impostor server (the gap)', async () => {
    assert.equal(await attackPlainWerift('client', strayKeyPem()), true);
  });

  for (const skeinRole of ['server', 'client'] as const) {
    void it(`${skeinRole} role: a tampered peer Finished fails`, async () => {
      const { result, keysEmitted } = await attackSkein({ skeinRole, tamperFinished: true });
      assert.deepEqual(result, { state: 'failed', code: 'BAD_FINISHED' });
      assert.equal(keysEmitted, false);
    });

    void it(`${skeinRole} role: the honest peer with the same certificate connects`, async () => {
      const { result, keysEmitted } = await attackSkein({ skeinRole });
      assert.equal(result.state, 'connected');
      assert.equal(keysEmitted, true);
    });

    void it(`${skeinRole} role: a certificate that does not match the fingerprint fails`, async () => {
      const [certA, certB, certC] = await testCertificates();
      const pair = skeinPair(certA, certB);
      let keysEmitted = false;
      pair.a.on('connected', () => (keysEmitted = true));
      const result = outcome(pair.a);
      const other = outcome(pair.b);
      pair.a.start({ localRole: skeinRole, remoteFingerprints: certC.fingerprints });
      pair.b.start({
        localRole: skeinRole === 'client' ? 'server' : 'client',
        remoteFingerprints: certA.fingerprints,
      });
      assert.deepEqual(await result, { state: 'failed', code: 'FINGERPRINT_MISMATCH' });
      // The peer hears our bad_certificate alert (or never gets our keys).
      assert.notEqual((await other).state, 'connected');
      assert.equal(keysEmitted, false);
      pair.close();
    });
  }

  void it('a weaker matching fingerprint does not stand in for a wrong stronger one', async () => {
    const [certA, certB, certC] = await testCertificates();
    const pair = skeinPair(certA, certB);
    const result = outcome(pair.a);
    const sha1 = certB.fingerprints.find((f) => f.algorithm === 'sha-1')!;
    const sha256 = certC.fingerprints.find((f) => f.algorithm === 'sha-256')!;
    pair.a.start({ localRole: 'server', remoteFingerprints: [sha1, sha256] });
    pair.b.start({ localRole: 'client', remoteFingerprints: certA.fingerprints });
    assert.deepEqual(await result, { state: 'failed', code: 'FINGERPRINT_MISMATCH' });
    pair.close();
  });
});

/** Datagrams that are not DTLS, or DTLS that is malformed. */
function garbage(): Buffer[] {
  const record = (type: number, version: number, epoch: number, body: Buffer): Buffer => {
    const header = Buffer.alloc(13);
    header[0] = type;
    header.writeUInt16BE(version, 1);
    header.writeUInt16BE(epoch, 3);
    header.writeUIntBE(7, 5, 6);
    header.writeUInt16BE(body.length, 11);
    return Buffer.concat([header, body]);
  };
  const fragment = (msgType: number, length: number, offset: number, body: Buffer): Buffer => {
    const h = Buffer.alloc(12);
    h[0] = msgType;
    h.writeUIntBE(length, 1, 3);
    h.writeUInt16BE(1, 4);
    h.writeUIntBE(offset, 6, 3);
    h.writeUIntBE(body.length, 9, 3);
    return Buffer.concat([h, body]);
  };
  return [
    Buffer.alloc(0),
    Buffer.from([22]),
    randomBytes(5),
    randomBytes(200),
    Buffer.concat([Buffer.from([22, 0xfe, 0xfd]), randomBytes(40)]),
    Buffer.concat([Buffer.from([23, 0xfe, 0xfd, 0, 1]), randomBytes(60)]),
    record(22, 0xfefd, 0, randomBytes(30)), // not handshake fragments
    record(22, 0xfefd, 0, fragment(2, 10, 8, randomBytes(5))), // fragment beyond its message
    record(22, 0xfefd, 0, fragment(20, 12, 0, randomBytes(12))), // plaintext Finished
    record(22, 0xfefd, 1, randomBytes(48)), // "encrypted" handshake that is not
    record(23, 0xfefd, 1, randomBytes(48)), // application data that is not
    record(21, 0xfefd, 1, randomBytes(26)), // "encrypted" alert that is not
    record(22, 0x0303, 0, randomBytes(20)), // TLS, not DTLS
    record(22, 0xfefd, 0, randomBytes(20)).subarray(0, 20), // truncated
    Buffer.concat([record(20, 0xfefd, 0, Buffer.from([1])), randomBytes(3)]), // trailing junk
  ];
}

void describe('DTLS robustness', () => {
  void it('garbage datagrams are ignored and the handshake still completes', async () => {
    const [certA, certB] = await testCertificates();
    const noisy = (d: Buffer): Buffer[] => [...garbage(), d, ...garbage()];
    const pair = skeinPair(certA, certB, { tapAToB: noisy, tapBToA: noisy });
    for (const d of garbage()) pair.a.handlePacket(d); // before start()
    const results = Promise.all([outcome(pair.a), outcome(pair.b)]);
    pair.a.start({ localRole: 'client', remoteFingerprints: certB.fingerprints });
    pair.b.start({ localRole: 'server', remoteFingerprints: certA.fingerprints });
    for (const d of garbage()) pair.b.handlePacket(d);
    const [a, b] = await results;
    assert.equal(a.state, 'connected');
    assert.equal(b.state, 'connected');
    const infoA = a.info;
    const infoB = b.info;
    assert.deepEqual(infoA.localMasterKey, infoB.remoteMasterKey);
    // And after connecting, too.
    const data = new Promise<Buffer>((resolve) => pair.b.once('applicationdata', resolve));
    for (const d of garbage()) pair.b.handlePacket(d);
    pair.a.sendApplicationData(Buffer.from('still fine'));
    assert.equal((await data).toString(), 'still fine');
    assert.equal(pair.b.state, 'connected');
    pair.close();
  });

  void it('random datagrams never throw', async () => {
    const [certA, certB] = await testCertificates();
    for (const role of ['client', 'server'] as const) {
      const pair = skeinPair(certA, certB);
      pair.a.start({ localRole: role, remoteFingerprints: certB.fingerprints });
      for (let i = 0; i < 2000; i++) {
        const d = randomBytes(1 + (i % 300));
        d[0] = 20 + (i % 4);
        if (i % 2 === 0 && d.length >= 3) d.writeUInt16BE(0xfefd, 1);
        assert.doesNotThrow(() => pair.a.handlePacket(d));
      }
      assert.equal(pair.a.state, 'connecting');
      pair.close();
    }
  });
});
