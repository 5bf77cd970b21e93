/** SRTP / SRTCP (RFC 3711, RFC 7714): profiles, key derivation and per-direction sessions. */
export {
  AEAD_AES_128_GCM,
  AEAD_AES_256_GCM,
  AES_CM_128_HMAC_SHA1_32,
  AES_CM_128_HMAC_SHA1_80,
  SRTP_PROFILES,
  getSrtpProfile,
  getSrtpProfileByDtlsId,
  splitSrtpKeyingMaterial,
  type SrtpCryptoSuite,
  type SrtpKeyingMaterial,
  type SrtpProfile,
} from './profiles.js';
export {
  SrtpLabel,
  deriveSessionKey,
  deriveSrtpSessionKeys,
  type SrtpSessionKeys,
} from './keyDerivation.js';
export {
  SrtpError,
  SrtpSession,
  SRTP_INTO_EXTRA,
  isSrtpError,
  type SrtpResult,
  type SrtpSessionOptions,
} from './SrtpSession.js';
export { ReplayWindow, DEFAULT_REPLAY_WINDOW_SIZE } from './replayWindow.js';
export { rtpHeaderLength } from './rtpHeader.js';
export { MAX_SRTP_OVERHEAD } from './transform.js';
