/** Why a DTLS association failed. `code` is stable; `message` is for humans. */
export type DtlsErrorCode =
  /** The peer's certificate matches none of the signalled fingerprints. */
  | 'FINGERPRINT_MISMATCH'
  /** The peer sent no certificate, or one that does not parse. */
  | 'BAD_CERTIFICATE'
  /** CertificateVerify or ServerKeyExchange did not verify with the certificate's key. */
  | 'BAD_SIGNATURE'
  /** The peer's Finished verify_data is wrong. */
  | 'BAD_FINISHED'
  /** Handshake messages missing, out of order or not what the negotiated suite allows. */
  | 'UNEXPECTED_MESSAGE'
  /** No DTLS-SRTP protection profile in common (mediasoup requires use_srtp). */
  | 'NO_SRTP_PROFILE'
  /** The peer sent a fatal alert. */
  | 'PEER_ALERT'
  /** werift-dtls reported an error, e.g. no answer after all retransmissions. */
  | 'HANDSHAKE_FAILED';

export class DtlsError extends Error {
  readonly code: DtlsErrorCode;

  constructor(code: DtlsErrorCode, message: string) {
    super(message);
    this.name = 'DtlsError';
    this.code = code;
  }
}
