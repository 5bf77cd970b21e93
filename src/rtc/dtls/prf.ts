/**
 * The TLS 1.2 PRF with SHA-256 (RFC 5246 §5) and what DTLS-SRTP derives with it: Finished
 * verify_data (§7.4.9) and exported keying material (RFC 5705 §4, RFC 5764 §4.2). Written
 * here, apart from werift-dtls, so that the peer's Finished is checked by independent code.
 */
import { createHash, createHmac } from 'node:crypto';

/** P_SHA256(secret, seed) truncated to `length` bytes (RFC 5246 §5). */
export function pSha256(secret: Uint8Array, seed: Uint8Array, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let a: Buffer = createHmac('sha256', secret).update(seed).digest(); // A(1)
  let offset = 0;
  while (offset < length) {
    const block = createHmac('sha256', secret).update(a).update(seed).digest();
    offset += block.copy(out, offset);
    a = createHmac('sha256', secret).update(a).digest();
  }
  return out;
}

/** PRF(secret, label, seed) = P_SHA256(secret, label + seed). */
export function prf(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  return pSha256(secret, Buffer.concat([Buffer.from(label, 'ascii'), seed]), length);
}

export type FinishedSender = 'client' | 'server';

/**
 * verify_data = PRF(master_secret, "client finished" | "server finished",
 * SHA-256(handshake_messages))[0..11] (RFC 5246 §7.4.9; the suites are all *_SHA256).
 */
export function finishedVerifyData(
  masterSecret: Uint8Array,
  sender: FinishedSender,
  handshakeMessages: Uint8Array,
): Buffer {
  const hash = createHash('sha256').update(handshakeMessages).digest();
  return prf(masterSecret, `${sender} finished`, hash, 12);
}

/** RFC 5705 keying material exporter without context (as DTLS-SRTP uses it). */
export function exportKeyingMaterial(
  masterSecret: Uint8Array,
  label: string,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  length: number,
): Buffer {
  return prf(masterSecret, label, Buffer.concat([clientRandom, serverRandom]), length);
}
