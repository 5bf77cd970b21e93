/**
 * The worker's DTLS certificate: one self-signed ECDSA P-256 certificate per worker (created
 * with werift's generator, since node:crypto cannot issue X.509 certificates), or one loaded
 * from mediasoup's `dtlsCertificateFile` / `dtlsPrivateKeyFile` PEM files, plus its
 * fingerprints in mediasoup's shape.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { UnsupportedError } from '../../common/errors.js';
import { computeFingerprints, type DtlsFingerprint } from './fingerprints.js';
import { CipherContext } from './werift.js';

/** TLS 1.2 SignatureAndHashAlgorithm (RFC 5246 §7.4.1.4.1) the certificate's key signs with. */
export interface SignatureHash {
  hash: 4; // sha256
  signature: 1 | 3; // rsa | ecdsa
}

export interface DtlsCertificate {
  readonly certificatePem: string;
  /** PKCS#8 PEM, the form werift-dtls reads. */
  readonly privateKeyPem: string;
  readonly der: Buffer;
  readonly signatureHash: SignatureHash;
  readonly fingerprints: readonly DtlsFingerprint[];
}

export interface DtlsCertificateFiles {
  dtlsCertificateFile?: string;
  dtlsPrivateKeyFile?: string;
}

const ECDSA_SHA256: SignatureHash = { hash: 4, signature: 3 };
const RSA_SHA256: SignatureHash = { hash: 4, signature: 1 };
const SECP256R1 = 23;

function signatureHashFor(key: KeyObject): SignatureHash {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return ECDSA_SHA256;
  }
  if (key.asymmetricKeyType === 'rsa') return RSA_SHA256;
  throw new UnsupportedError(
    `DTLS private key must be ECDSA P-256 or RSA, got ${key.asymmetricKeyType ?? 'unknown'}` +
      (key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''),
  );
}

/**
 * Builds a certificate from PEM text. The key may be PKCS#8 or SEC1/PKCS#1; it is re-encoded
 * as PKCS#8. Throws TypeError if either does not parse or the key is not the certificate's.
 */
export function dtlsCertificateFromPem(
  certificatePem: string,
  privateKeyPem: string,
): DtlsCertificate {
  let x509: X509Certificate;
  let key: KeyObject;
  try {
    x509 = new X509Certificate(certificatePem);
  } catch (error) {
    throw new TypeError(`invalid DTLS certificate PEM: ${(error as Error).message}`);
  }
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new TypeError(`invalid DTLS private key PEM: ${(error as Error).message}`);
  }
  if (!x509.checkPrivateKey(key)) {
    throw new TypeError('DTLS private key does not belong to the certificate');
  }
  const signatureHash = signatureHashFor(key);
  return Object.freeze({
    certificatePem: x509.toString(),
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    der: x509.raw,
    signatureHash,
    fingerprints: Object.freeze(computeFingerprints(x509.raw)),
  });
}

/** A fresh self-signed ECDSA P-256 certificate (valid 10 years) and its PKCS#8 key. */
export async function createDtlsCertificate(): Promise<DtlsCertificate> {
  const { certPem, keyPem } = await CipherContext.createSelfSignedCertificateWithKey(
    ECDSA_SHA256,
    SECP256R1,
  );
  return dtlsCertificateFromPem(certPem, keyPem);
}

/** Loads the certificate and key files, or creates a certificate when neither is given. */
export async function loadDtlsCertificate(
  files: DtlsCertificateFiles = {},
): Promise<DtlsCertificate> {
  const { dtlsCertificateFile, dtlsPrivateKeyFile } = files;
  if (!dtlsCertificateFile && !dtlsPrivateKeyFile) return createDtlsCertificate();
  if (!dtlsCertificateFile || !dtlsPrivateKeyFile) {
    throw new TypeError('dtlsCertificateFile and dtlsPrivateKeyFile must be given together');
  }
  const [certificatePem, privateKeyPem] = await Promise.all([
    readFile(dtlsCertificateFile, 'utf8'),
    readFile(dtlsPrivateKeyFile, 'utf8'),
  ]);
  return dtlsCertificateFromPem(certificatePem, privateKeyPem);
}

let workerCertificate: Promise<DtlsCertificate> | undefined;

/**
 * The certificate of this worker (module state is per worker thread / process): loaded or
 * created by the first call; later calls return the same one whatever their arguments.
 */
export function getWorkerDtlsCertificate(
  files: DtlsCertificateFiles = {},
): Promise<DtlsCertificate> {
  if (!workerCertificate) {
    workerCertificate = loadDtlsCertificate(files);
    // A failed load must not poison the worker forever.
    workerCertificate.catch(() => {
      workerCertificate = undefined;
    });
  }
  return workerCertificate;
}
