import { MAX_CODECS, MAX_HEADER_EXTENSIONS } from './bounds.js';
import type { RtpCapabilities, RtpCodecCapability, RtpHeaderExtension } from './rtpTypes.js';
import { MAX_PAYLOAD_TYPE, validateCodecFields } from './validateCodec.js';
import {
  checkArray,
  checkBoolean,
  checkInteger,
  checkNonEmptyString,
  checkObject,
  dropNull,
  isAbsent,
} from './validationHelpers.js';

/** Header extension ids: 1-14 one-byte, up to 255 two-byte (RFC 8285 §4.2, §4.3). */
export const MAX_HEADER_EXTENSION_ID = 255;

const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/**
 * Validates RtpCapabilities (e.g. a device's, sent by mediasoup-client) and
 * fills missing fields in place: absent lists become [].
 * Throws TypeError naming the offending field.
 */
export function validateRtpCapabilities(
  caps: unknown,
  name = 'caps',
): asserts caps is RtpCapabilities {
  checkObject(caps, name);

  if (isAbsent(caps.codecs)) caps.codecs = [];
  checkArray(caps.codecs, `${name}.codecs`, MAX_CODECS);
  caps.codecs.forEach((codec, i) => validateRtpCodecCapability(codec, `${name}.codecs[${i}]`));

  if (isAbsent(caps.headerExtensions)) caps.headerExtensions = [];
  checkArray(caps.headerExtensions, `${name}.headerExtensions`, MAX_HEADER_EXTENSIONS);
  caps.headerExtensions.forEach((ext, i) =>
    validateRtpHeaderExtension(ext, `${name}.headerExtensions[${i}]`),
  );
}

/**
 * Validates a codec capability and fills defaults in place: `kind` is set
 * from the mimeType, audio channels default to 1, parameters to {},
 * rtcpFeedback to [].
 */
export function validateRtpCodecCapability(
  codec: unknown,
  name = 'codec',
): asserts codec is RtpCodecCapability {
  checkObject(codec, name);
  codec.kind = validateCodecFields(codec, name);
  dropNull(codec, 'preferredPayloadType');
  if (codec.preferredPayloadType !== undefined) {
    checkInteger(codec.preferredPayloadType, `${name}.preferredPayloadType`, 0, MAX_PAYLOAD_TYPE);
  }
}

/**
 * Validates a header extension capability; `preferredEncrypt` defaults to
 * false (RFC 6904 encryption is not used) and `direction` to 'sendrecv'.
 */
export function validateRtpHeaderExtension(
  ext: unknown,
  name = 'ext',
): asserts ext is RtpHeaderExtension {
  checkObject(ext, name);
  if (ext.kind !== 'audio' && ext.kind !== 'video') {
    throw new TypeError(`${name}.kind must be "audio" or "video"`);
  }
  checkNonEmptyString(ext.uri, `${name}.uri`);
  checkInteger(ext.preferredId, `${name}.preferredId`, 1, MAX_HEADER_EXTENSION_ID);

  if (isAbsent(ext.preferredEncrypt)) ext.preferredEncrypt = false;
  checkBoolean(ext.preferredEncrypt, `${name}.preferredEncrypt`);

  if (isAbsent(ext.direction)) ext.direction = 'sendrecv';
  if (typeof ext.direction !== 'string' || !DIRECTIONS.has(ext.direction)) {
    throw new TypeError(`${name}.direction must be one of ${[...DIRECTIONS].join(', ')}`);
  }
}
