import type {
  RtcpParameters,
  RtpCodecParameters,
  RtpEncodingParameters,
  RtpHeaderExtensionParameters,
  RtpParameters,
} from './rtpTypes.js';
import { MAX_CODECS, MAX_ENCODINGS, MAX_HEADER_EXTENSIONS, MAX_STRING_LENGTH } from './bounds.js';
import { MAX_PAYLOAD_TYPE, validateCodecFields } from './validateCodec.js';
import { MAX_HEADER_EXTENSION_ID } from './validateRtpCapabilities.js';
import {
  checkArray,
  checkBoolean,
  checkInteger,
  checkNonEmptyString,
  checkObject,
  checkPositiveNumber,
  dropNull,
  isAbsent,
  normalizeFormatParameters,
  type JsonObject,
} from './validationHelpers.js';

/** SSRCs are 32-bit (RFC 3550 §5.1). */
const MAX_SSRC = 0xffffffff;

/**
 * Validates RtpParameters (e.g. a producer's, sent by mediasoup-client) and
 * fills missing fields in place: absent headerExtensions/encodings become [],
 * absent rtcp becomes {} with its own defaults.
 * Throws TypeError naming the offending field.
 */
export function validateRtpParameters(
  params: unknown,
  name = 'params',
): asserts params is RtpParameters {
  checkObject(params, name);

  checkOptionalString(params, 'mid', name);
  checkOptionalString(params, 'msid', name);

  if (params.codecs === undefined) throw new TypeError(`missing ${name}.codecs`);
  checkArray(params.codecs, `${name}.codecs`, MAX_CODECS);
  params.codecs.forEach((codec, i) => validateRtpCodecParameters(codec, `${name}.codecs[${i}]`));

  if (isAbsent(params.headerExtensions)) params.headerExtensions = [];
  checkArray(params.headerExtensions, `${name}.headerExtensions`, MAX_HEADER_EXTENSIONS);
  params.headerExtensions.forEach((ext, i) =>
    validateRtpHeaderExtensionParameters(ext, `${name}.headerExtensions[${i}]`),
  );

  if (isAbsent(params.encodings)) params.encodings = [];
  checkArray(params.encodings, `${name}.encodings`, MAX_ENCODINGS);
  params.encodings.forEach((encoding, i) =>
    validateRtpEncodingParameters(encoding, `${name}.encodings[${i}]`),
  );

  if (isAbsent(params.rtcp)) params.rtcp = {};
  validateRtcpParameters(params.rtcp, `${name}.rtcp`);
}

/** Validates a codec of RtpParameters; defaults as for capabilities. */
export function validateRtpCodecParameters(
  codec: unknown,
  name = 'codec',
): asserts codec is RtpCodecParameters {
  checkObject(codec, name);
  if (codec.payloadType === undefined) throw new TypeError(`missing ${name}.payloadType`);
  checkInteger(codec.payloadType, `${name}.payloadType`, 0, MAX_PAYLOAD_TYPE);
  validateCodecFields(codec, name);
}

/** Validates a header extension of RtpParameters; `encrypt` defaults to false. */
export function validateRtpHeaderExtensionParameters(
  ext: unknown,
  name = 'ext',
): asserts ext is RtpHeaderExtensionParameters {
  checkObject(ext, name);
  checkNonEmptyString(ext.uri, `${name}.uri`);
  checkInteger(ext.id, `${name}.id`, 1, MAX_HEADER_EXTENSION_ID);

  if (isAbsent(ext.encrypt)) ext.encrypt = false;
  checkBoolean(ext.encrypt, `${name}.encrypt`);

  normalizeFormatParameters(ext, name);
}

/** Validates one encoding; `dtx` defaults to false. */
export function validateRtpEncodingParameters(
  encoding: unknown,
  name = 'encoding',
): asserts encoding is RtpEncodingParameters {
  checkObject(encoding, name);

  for (const key of ['ssrc', 'rid', 'codecPayloadType', 'rtx', 'scalabilityMode']) {
    dropNull(encoding, key);
  }
  if (encoding.ssrc !== undefined) checkInteger(encoding.ssrc, `${name}.ssrc`, 0, MAX_SSRC);
  if (encoding.rid !== undefined) checkNonEmptyString(encoding.rid, `${name}.rid`);
  if (encoding.codecPayloadType !== undefined) {
    checkInteger(encoding.codecPayloadType, `${name}.codecPayloadType`, 0, MAX_PAYLOAD_TYPE);
  }
  if (encoding.rtx !== undefined) {
    checkObject(encoding.rtx, `${name}.rtx`);
    if (encoding.rtx.ssrc === undefined) throw new TypeError(`missing ${name}.rtx.ssrc`);
    checkInteger(encoding.rtx.ssrc, `${name}.rtx.ssrc`, 0, MAX_SSRC);
  }

  if (isAbsent(encoding.dtx)) encoding.dtx = false;
  checkBoolean(encoding.dtx, `${name}.dtx`);

  if (encoding.scalabilityMode !== undefined) {
    checkNonEmptyString(encoding.scalabilityMode, `${name}.scalabilityMode`);
  }
  checkOptionalNumber(encoding, 'maxBitrate', name);
  checkOptionalNumber(encoding, 'maxFramerate', name);
  checkOptionalNumber(encoding, 'scaleResolutionDownBy', name);
  if (typeof encoding.scaleResolutionDownBy === 'number' && encoding.scaleResolutionDownBy < 1) {
    throw new TypeError(`${name}.scaleResolutionDownBy must be >= 1`);
  }
}

/**
 * Validates RTCP parameters; `reducedSize` defaults to true (RFC 5506
 * reduced-size RTCP, which WebRTC endpoints accept).
 */
export function validateRtcpParameters(
  rtcp: unknown,
  name = 'rtcp',
): asserts rtcp is RtcpParameters {
  checkObject(rtcp, name);
  checkOptionalString(rtcp, 'cname', name);
  if (isAbsent(rtcp.reducedSize)) rtcp.reducedSize = true;
  checkBoolean(rtcp.reducedSize, `${name}.reducedSize`);
}

function checkOptionalString(object: JsonObject, key: string, name: string): void {
  dropNull(object, key);
  const value = object[key];
  if (value !== undefined && (typeof value !== 'string' || value.length > MAX_STRING_LENGTH)) {
    throw new TypeError(`${name}.${key} must be a string of at most ${MAX_STRING_LENGTH}`);
  }
}

function checkOptionalNumber(object: JsonObject, key: string, name: string): void {
  dropNull(object, key);
  if (object[key] !== undefined) checkPositiveNumber(object[key], `${name}.${key}`);
}
