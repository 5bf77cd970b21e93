/**
 * Peer authentication that werift-dtls 0.5.8 leaves out, checked from the handshake messages
 * themselves (pure functions; `DtlsTransport` decides when to call them):
 *
 * - client role, on ServerHelloDone: the server's certificate matches the signalled
 *   fingerprint and its key signed the ServerKeyExchange (RFC 5246 §7.4.3, RFC 4492 §5.4);
 * - server role, on the client's Finished: the client's certificate matches the fingerprint,
 *   its key signed CertificateVerify over the transcript (RFC 5246 §7.4.8), and the Finished
 *   verify_data is right (§7.4.9);
 * - client role, on the server's Finished: its verify_data is right.
 *
 * Transcripts follow RFC 6347 §4.2.6 (DTLS headers, each message as one fragment; the first
 * ClientHello and HelloVerifyRequest excluded) and are rebuilt here in message_seq order.
 * Each function returns a `DtlsError` on failure and undefined (or the certificate) on success.
 */
import { X509Certificate, timingSafeEqual, verify } from 'node:crypto';

import { DtlsError } from './DtlsError.js';
import { matchRemoteFingerprint, type DtlsFingerprint } from './fingerprints.js';
import {
  encodeForTranscript,
  readCertificateList,
  readCertificateVerify,
  readHelloRandom,
  readServerHelloCipherSuite,
  readServerKeyExchange,
  type DigitallySigned,
  type HandshakeMessage,
} from './handshakeMessages.js';
import { finishedVerifyData } from './prf.js';
import { HandshakeType as T } from './records.js';

/** Signature algorithms Skein (through werift) advertises; nothing else is accepted. */
const ACCEPTED_SIGNATURES: readonly { hash: number; signature: number; keyType: string }[] = [
  { hash: 4, signature: 3, keyType: 'ec' }, // ecdsa + sha256
  { hash: 4, signature: 1, keyType: 'rsa' }, // rsa_pkcs1 + sha256
];

/** RFC 4492 §5.4 / RFC 5289: the signature algorithm an ECDHE suite's SKE must use. */
const SUITE_SIGNATURE: ReadonlyMap<number, number> = new Map([
  [0xc02b, 3], // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  [0xc02f, 1], // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
]);

export interface HandshakeMessages {
  /** The ClientHello that counts (the one answered with ServerHello). */
  clientHello: HandshakeMessage;
  /** ServerHello .. ServerHelloDone. */
  serverFlight: HandshakeMessage[];
  /** Certificate? ClientKeyExchange CertificateVerify? (Finished when it is the local one). */
  clientFlight: HandshakeMessage[];
}

function transcript(messages: readonly HandshakeMessage[]): Buffer {
  return Buffer.concat(messages.map(encodeForTranscript));
}

function fail(code: DtlsError['code'], message: string): DtlsError {
  return new DtlsError(code, message);
}

/** message_seq must increase by one from message to message. */
function isContiguous(messages: readonly HandshakeMessage[], firstSeq?: number): boolean {
  return messages.every(
    (m, i) =>
      (i === 0 ? firstSeq === undefined || m.messageSeq === firstSeq : true) &&
      (i === 0 || m.messageSeq === messages[i - 1].messageSeq + 1),
  );
}

function typesOf(messages: readonly HandshakeMessage[]): string {
  return messages.map((m) => m.msgType).join(',');
}

/** The peer's end-entity certificate, checked against the signalled fingerprints. */
function checkCertificate(
  message: HandshakeMessage | undefined,
  remoteFingerprints: readonly DtlsFingerprint[],
): DtlsError | X509Certificate {
  const list = message && readCertificateList(message.body);
  if (!list) return fail('BAD_CERTIFICATE', 'malformed Certificate message');
  if (list.length === 0) return fail('BAD_CERTIFICATE', 'the peer sent no certificate');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(list[0]);
  } catch {
    return fail('BAD_CERTIFICATE', 'the peer certificate does not parse');
  }
  if (!matchRemoteFingerprint(certificate.raw, remoteFingerprints)) {
    return fail('FINGERPRINT_MISMATCH', 'the peer certificate does not match its fingerprint');
  }
  return certificate;
}

/** A DigitallySigned over `data`, by the key of `certificate`, with an accepted algorithm. */
function checkSignature(
  certificate: X509Certificate,
  signed: DigitallySigned,
  data: Buffer,
  what: string,
): DtlsError | undefined {
  const key = certificate.publicKey;
  const accepted = ACCEPTED_SIGNATURES.find(
    (a) => a.hash === signed.hash && a.signature === signed.signature,
  );
  if (!accepted) {
    return fail(
      'BAD_SIGNATURE',
      `${what} uses unoffered algorithm ${signed.hash}/${signed.signature}`,
    );
  }
  if (key.asymmetricKeyType !== accepted.keyType) {
    return fail('BAD_SIGNATURE', `${what} algorithm does not fit the ${key.asymmetricKeyType} key`);
  }
  let valid = false;
  try {
    valid = verify('sha256', data, key, signed.signatureBytes);
  } catch {
    valid = false; // e.g. an ECDSA signature that is not valid DER
  }
  return valid ? undefined : fail('BAD_SIGNATURE', `${what} signature does not verify`);
}

function checkFinished(
  finished: HandshakeMessage,
  masterSecret: Uint8Array,
  sender: 'client' | 'server',
  covered: readonly HandshakeMessage[],
): DtlsError | undefined {
  const expected = finishedVerifyData(masterSecret, sender, transcript(covered));
  const ok = finished.body.length === expected.length && timingSafeEqual(finished.body, expected);
  return ok ? undefined : fail('BAD_FINISHED', `${sender} Finished verify_data is wrong`);
}

/** Server flight shape: ServerHello Certificate ServerKeyExchange CertificateRequest? Done. */
function checkServerFlight(serverFlight: readonly HandshakeMessage[]): DtlsError | undefined {
  const types = typesOf(serverFlight);
  if ((types !== '2,11,12,14' && types !== '2,11,12,13,14') || !isContiguous(serverFlight)) {
    return fail('UNEXPECTED_MESSAGE', `unexpected server flight [${types}]`);
  }
  return undefined;
}

/**
 * Client role, before answering ServerHelloDone: fingerprint and ServerKeyExchange signature.
 * Returns the server's certificate on success.
 */
export function verifyServerFlight(
  messages: Omit<HandshakeMessages, 'clientFlight'>,
  remoteFingerprints: readonly DtlsFingerprint[],
): DtlsError | X509Certificate {
  const { clientHello, serverFlight } = messages;
  const shapeError = checkServerFlight(serverFlight);
  if (shapeError) return shapeError;
  const [serverHello, certificateMessage, keyExchangeMessage] = serverFlight;
  const certificate = checkCertificate(certificateMessage, remoteFingerprints);
  if (certificate instanceof DtlsError) return certificate;

  const clientRandom = readHelloRandom(clientHello.body);
  const serverRandom = readHelloRandom(serverHello.body);
  const suite = readServerHelloCipherSuite(serverHello.body);
  const keyExchange = readServerKeyExchange(keyExchangeMessage.body);
  if (!clientRandom || !serverRandom || suite === undefined || !keyExchange) {
    return fail('UNEXPECTED_MESSAGE', 'malformed ClientHello, ServerHello or ServerKeyExchange');
  }
  if (SUITE_SIGNATURE.get(suite) !== keyExchange.signature) {
    return fail(
      'BAD_SIGNATURE',
      `ServerKeyExchange signature algorithm does not fit suite ${suite}`,
    );
  }
  // RFC 4492 §5.4: signed_params = client_random + server_random + ServerECDHParams.
  const signedData = Buffer.concat([clientRandom, serverRandom, keyExchange.params]);
  return checkSignature(certificate, keyExchange, signedData, 'ServerKeyExchange') ?? certificate;
}

/**
 * Server role, on the client's Finished: fingerprint, CertificateVerify and Finished. The
 * client flight must be Certificate ClientKeyExchange CertificateVerify, numbered on from the
 * ClientHello. Returns the client's certificate on success.
 */
export function verifyClientFlight(
  messages: HandshakeMessages,
  finished: HandshakeMessage,
  masterSecret: Uint8Array,
  remoteFingerprints: readonly DtlsFingerprint[],
): DtlsError | X509Certificate {
  const { clientHello, serverFlight, clientFlight } = messages;
  const shapeError = checkServerFlight(serverFlight);
  if (shapeError) return shapeError;
  const types = typesOf(clientFlight);
  if (
    types !== '11,16,15' ||
    !isContiguous([...clientFlight, finished], clientHello.messageSeq + 1) ||
    finished.msgType !== T.finished
  ) {
    return fail('UNEXPECTED_MESSAGE', `unexpected client flight [${types}]`);
  }
  const [certificateMessage, , verifyMessage] = clientFlight;
  const certificate = checkCertificate(certificateMessage, remoteFingerprints);
  if (certificate instanceof DtlsError) return certificate;

  const signed = readCertificateVerify(verifyMessage.body);
  if (!signed) return fail('UNEXPECTED_MESSAGE', 'malformed CertificateVerify');
  // RFC 5246 §7.4.8: signed over all handshake messages up to, not including, this one.
  const beforeVerify = [clientHello, ...serverFlight, ...clientFlight.slice(0, 2)];
  const signatureError = checkSignature(
    certificate,
    signed,
    transcript(beforeVerify),
    'CertificateVerify',
  );
  if (signatureError) return signatureError;
  return (
    checkFinished(finished, masterSecret, 'client', [
      clientHello,
      ...serverFlight,
      ...clientFlight,
    ]) ?? certificate
  );
}

/** Client role, on the server's Finished: verify_data over everything up to our Finished. */
export function verifyServerFinished(
  messages: HandshakeMessages,
  finished: HandshakeMessage,
  masterSecret: Uint8Array,
): DtlsError | undefined {
  const { clientHello, serverFlight, clientFlight } = messages;
  const last = clientFlight[clientFlight.length - 1];
  if (
    !last ||
    last.msgType !== T.finished ||
    !isContiguous(clientFlight, clientHello.messageSeq + 1) ||
    finished.msgType !== T.finished
  ) {
    return fail('UNEXPECTED_MESSAGE', `unexpected client flight [${typesOf(clientFlight)}]`);
  }
  return checkFinished(finished, masterSecret, 'server', [
    clientHello,
    ...serverFlight,
    ...clientFlight,
  ]);
}
