/** The DTLS layer of a WebRtcTransport: certificate, one association, warm-up. */
export {
  createDtlsCertificate,
  dtlsCertificateFromPem,
  getWorkerDtlsCertificate,
  loadDtlsCertificate,
  type DtlsCertificate,
  type DtlsCertificateFiles,
} from './certificate.js';
export {
  DtlsTransport,
  type DtlsConnectedInfo,
  type DtlsRole,
  type DtlsStartOptions,
  type DtlsState,
  type DtlsTransportEvents,
  type DtlsTransportOptions,
} from './DtlsTransport.js';
export { DtlsError, type DtlsErrorCode } from './DtlsError.js';
export {
  computeFingerprints,
  matchRemoteFingerprint,
  type DtlsFingerprint,
  type FingerprintAlgorithm,
} from './fingerprints.js';
export { DEFAULT_SRTP_CRYPTO_SUITES } from './srtpProfiles.js';
export { inMemoryHandshake, warmUpDtls } from './warmUp.js';
