/**
 * Bounds-checked readers for the handshake message bodies the peer verification needs
 * (RFC 5246 §7.4, RFC 4492 §5.4, RFC 6347 §4.2), and the transcript encoding of RFC 6347
 * §4.2.6. Every reader returns undefined on malformed input; none throws.
 */
import { HANDSHAKE_HEADER_LENGTH } from './records.js';

/** A whole (reassembled) handshake message. */
export interface HandshakeMessage {
  msgType: number;
  messageSeq: number;
  body: Buffer;
}

/**
 * RFC 6347 §4.2.6: the handshake hash covers each message with its DTLS header as if it had
 * been sent as a single fragment (fragment_offset 0, fragment_length = length).
 */
export function encodeForTranscript(message: HandshakeMessage): Buffer {
  const out = Buffer.allocUnsafe(HANDSHAKE_HEADER_LENGTH + message.body.length);
  out[0] = message.msgType;
  out.writeUIntBE(message.body.length, 1, 3);
  out.writeUInt16BE(message.messageSeq, 4);
  out.writeUIntBE(0, 6, 3);
  out.writeUIntBE(message.body.length, 9, 3);
  message.body.copy(out, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/** ClientHello / ServerHello: client_version (2) then random (32), RFC 5246 §7.4.1.2-3. */
export function readHelloRandom(body: Buffer): Buffer | undefined {
  return body.length >= 34 ? body.subarray(2, 34) : undefined;
}

/** ServerHello cipher_suite: after version, random and session_id<0..32>. */
export function readServerHelloCipherSuite(body: Buffer): number | undefined {
  if (body.length < 35) return undefined;
  const sessionIdLength = body[34];
  if (sessionIdLength > 32 || body.length < 35 + sessionIdLength + 2) return undefined;
  return body.readUInt16BE(35 + sessionIdLength);
}

/** Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1> (RFC 5246 §7.4.2). */
export function readCertificateList(body: Buffer): Buffer[] | undefined {
  if (body.length < 3) return undefined;
  const listLength = body.readUIntBE(0, 3);
  if (listLength !== body.length - 3) return undefined;
  const certificates: Buffer[] = [];
  let offset = 3;
  while (offset < body.length) {
    if (body.length - offset < 3) return undefined;
    const length = body.readUIntBE(offset, 3);
    offset += 3;
    if (length === 0 || offset + length > body.length) return undefined;
    certificates.push(body.subarray(offset, offset + length));
    offset += length;
  }
  return certificates;
}

/** DigitallySigned (RFC 5246 §4.7): SignatureAndHashAlgorithm then signature<0..2^16-1>. */
export interface DigitallySigned {
  hash: number;
  signature: number;
  signatureBytes: Buffer;
}

function readDigitallySigned(body: Buffer, offset: number): DigitallySigned | undefined {
  if (body.length - offset < 4) return undefined;
  const length = body.readUInt16BE(offset + 2);
  if (length === 0 || offset + 4 + length !== body.length) return undefined;
  return {
    hash: body[offset],
    signature: body[offset + 1],
    signatureBytes: body.subarray(offset + 4),
  };
}

/** CertificateVerify (RFC 5246 §7.4.8) is one DigitallySigned. */
export function readCertificateVerify(body: Buffer): DigitallySigned | undefined {
  return readDigitallySigned(body, 0);
}

export interface ServerKeyExchange extends DigitallySigned {
  /** ServerECDHParams as sent: curve_type, named_curve, ECPoint (RFC 4492 §5.4). */
  params: Buffer;
}

/** ServerKeyExchange for ECDHE with a named curve (curve_type 3). */
export function readServerKeyExchange(body: Buffer): ServerKeyExchange | undefined {
  if (body.length < 4 || body[0] !== 3) return undefined;
  const pointLength = body[3];
  const paramsLength = 4 + pointLength;
  if (pointLength === 0 || body.length < paramsLength) return undefined;
  const signed = readDigitallySigned(body, paramsLength);
  return signed && { ...signed, params: body.subarray(0, paramsLength) };
}
