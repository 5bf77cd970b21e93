/**
 * RTP/SCTP capabilities and parameter negotiation, following mediasoup v3's
 * `ortc` module. Pure functions, shared by the control layer and the worker.
 */
export type * from './rtpTypes.js';
export type * from './sctpTypes.js';
export type { ScalabilityMode } from './scalabilityModes.js';
export type { MatchCodecsOptions } from './codecMatching.js';
export type { GetConsumerRtpParametersOptions } from './consumerParameters.js';

export { getSupportedRtpCapabilities } from './supportedRtpCapabilities.js';
export { validateRtcpFeedback } from './validateCodec.js';
export {
  validateRtpCapabilities,
  validateRtpCodecCapability,
  validateRtpHeaderExtension,
} from './validateRtpCapabilities.js';
export {
  validateRtpParameters,
  validateRtpCodecParameters,
  validateRtpHeaderExtensionParameters,
  validateRtpEncodingParameters,
  validateRtcpParameters,
} from './validateRtpParameters.js';
export {
  validateSctpCapabilities,
  validateNumSctpStreams,
  validateSctpParameters,
  validateSctpStreamParameters,
} from './validateSctp.js';
export { matchCodecs, isMediaCodec, isRtxCodec } from './codecMatching.js';
export { generateRouterRtpCapabilities } from './routerCapabilities.js';
export { getProducerRtpParametersMapping, getConsumableRtpParameters } from './producerMapping.js';
export {
  canConsume,
  getConsumerRtpParameters,
  getPipeConsumerRtpParameters,
} from './consumerParameters.js';
export { parseScalabilityMode } from './scalabilityModes.js';
export { generateRandomSsrc } from './ssrc.js';
export * from './bounds.js';
