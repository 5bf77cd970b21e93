import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  createDtlsCertificate,
  dtlsCertificateFromPem,
  getWorkerDtlsCertificate,
  loadDtlsCertificate,
} from '../../../src/rtc/dtls/certificate.js';
import {
  matchRemoteFingerprint,
  validateRemoteFingerprints,
} from '../../../src/rtc/dtls/fingerprints.js';
import { strayKeyPem } from './helpers.js';

const FINGERPRINT = /^[0-9A-F]{2}(:[0-9A-F]{2})+$/;

void describe('DTLS certificate', () => {
  void it('creates a self-signed ECDSA P-256 certificate with a PKCS#8 key', async () => {
    const cert = await createDtlsCertificate();
    const x509 = new X509Certificate(cert.certificatePem);
    assert.deepEqual(x509.raw, cert.der);
    assert.ok(x509.checkPrivateKey(createPrivateKey(cert.privateKeyPem)));
    assert.match(cert.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(x509.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(x509.verify(x509.publicKey), 'self-signed');
    assert.deepEqual(cert.signatureHash, { hash: 4, signature: 3 });
  });

  void it("has mediasoup-style fingerprints that match node's own", async () => {
    const cert = await createDtlsCertificate();
    const x509 = new X509Certificate(cert.der);
    assert.deepEqual(
      cert.fingerprints.map((f) => f.algorithm),
      ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'],
    );
    for (const f of cert.fingerprints) assert.match(f.value, FINGERPRINT);
    const byAlg = Object.fromEntries(cert.fingerprints.map((f) => [f.algorithm, f.value]));
    assert.equal(byAlg['sha-1'], x509.fingerprint);
    assert.equal(byAlg['sha-256'], x509.fingerprint256);
    assert.equal(byAlg['sha-512'], x509.fingerprint512);
    assert.equal(byAlg['sha-384'].length, 48 * 3 - 1);
  });

  void it('loads dtlsCertificateFile / dtlsPrivateKeyFile (SEC1 key re-encoded as PKCS#8)', async () => {
    const made = await createDtlsCertificate();
    const dir = await mkdtemp(join(tmpdir(), 'skein-dtls-'));
    try {
      const certFile = join(dir, 'cert.pem');
      const keyFile = join(dir, 'key.pem');
      const sec1 = createPrivateKey(made.privateKeyPem).export({ type: 'sec1', format: 'pem' });
      await writeFile(certFile, made.certificatePem);
      await writeFile(keyFile, sec1);
      const loaded = await loadDtlsCertificate({
        dtlsCertificateFile: certFile,
        dtlsPrivateKeyFile: keyFile,
      });
      assert.deepEqual(loaded.der, made.der);
      assert.deepEqual(loaded.fingerprints, made.fingerprints);
      assert.match(loaded.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      await assert.rejects(loadDtlsCertificate({ dtlsCertificateFile: certFile }), TypeError);
      await assert.rejects(
        loadDtlsCertificate({ dtlsCertificateFile: certFile, dtlsPrivateKeyFile: join(dir, 'no') }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('refuses a key that is not the certificate key, and garbage PEM', async () => {
    const made = await createDtlsCertificate();
    assert.throws(
      () => dtlsCertificateFromPem(made.certificatePem, strayKeyPem()),
      /does not belong/,
    );
    assert.throws(() => dtlsCertificateFromPem('nope', made.privateKeyPem), TypeError);
    assert.throws(() => dtlsCertificateFromPem(made.certificatePem, 'nope'), TypeError);
  });

  void it('creates one certificate per worker', async () => {
    const first = getWorkerDtlsCertificate();
    assert.equal(getWorkerDtlsCertificate(), first);
    assert.equal(await getWorkerDtlsCertificate(), await first);
  });
});

void describe('remote fingerprints (RFC 8122 §5)', () => {
  void it('normalises case and checks the strongest signalled algorithm', async () => {
    const a = await createDtlsCertificate();
    const b = await createDtlsCertificate();
    const sha256 = a.fingerprints.find((f) => f.algorithm === 'sha-256')!;
    const signalled = validateRemoteFingerprints([
      { algorithm: 'SHA-256', value: sha256.value.toLowerCase() },
      { algorithm: 'unknown', value: 'AA' },
    ]);
    assert.deepEqual(signalled, [sha256]);
    assert.equal(matchRemoteFingerprint(a.der, signalled), true);
    assert.equal(matchRemoteFingerprint(b.der, signalled), false);
    // A correct SHA-1 does not rescue a wrong SHA-512.
    const mixed = [
      a.fingerprints.find((f) => f.algorithm === 'sha-1')!,
      b.fingerprints.find((f) => f.algorithm === 'sha-512')!,
    ];
    assert.equal(matchRemoteFingerprint(a.der, mixed), false);
    assert.throws(() => validateRemoteFingerprints([]), TypeError);
    assert.throws(
      () => validateRemoteFingerprints([{ algorithm: 'sha-256', value: 'XYZ' }]),
      TypeError,
    );
    assert.throws(() => validateRemoteFingerprints('sha-256 AA'), TypeError);
  });
});
