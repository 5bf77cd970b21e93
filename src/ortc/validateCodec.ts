import { MAX_RTCP_FEEDBACK, MAX_STRING_LENGTH } from './bounds.js';
import type { MediaKind, RtcpFeedback } from './rtpTypes.js';
import {
  checkArray,
  checkInteger,
  checkNonEmptyString,
  checkObject,
  isAbsent,
  normalizeFormatParameters,
  type JsonObject,
} from './validationHelpers.js';

/** RTP payload types are 7 bits (RFC 3550 §5.1). */
export const MAX_PAYLOAD_TYPE = 127;

const MIME_TYPE = /^(audio|video)\/(.+)$/i;

/** Validates an RTCP feedback entry; `parameter` defaults to ''. */
export function validateRtcpFeedback(fb: unknown, name = 'fb'): asserts fb is RtcpFeedback {
  checkObject(fb, name);
  checkNonEmptyString(fb.type, `${name}.type`);
  if (isAbsent(fb.parameter)) fb.parameter = '';
  else if (typeof fb.parameter !== 'string' || fb.parameter.length > MAX_STRING_LENGTH) {
    throw new TypeError(`${name}.parameter must be a string of at most ${MAX_STRING_LENGTH}`);
  }
}

/**
 * Checks what codec capabilities and codec parameters share (mimeType,
 * clockRate, channels, parameters, rtcpFeedback) and fills their defaults.
 * Returns the media kind taken from the mimeType.
 */
export function validateCodecFields(codec: JsonObject, name: string): MediaKind {
  checkNonEmptyString(codec.mimeType, `${name}.mimeType`);
  const match = MIME_TYPE.exec(codec.mimeType);
  if (!match)
    throw new TypeError(`${name}.mimeType must look like "audio/<codec>" or "video/<codec>"`);
  const kind = match[1].toLowerCase() as MediaKind;

  checkInteger(codec.clockRate, `${name}.clockRate`, 1, 0xffffffff);

  // Channels only make sense for audio (RFC 8866 §6.6 encoding parameters).
  if (kind === 'audio') {
    if (isAbsent(codec.channels)) codec.channels = 1;
    checkInteger(codec.channels, `${name}.channels`, 1, 255);
  } else {
    delete codec.channels;
  }

  normalizeFormatParameters(codec, name);
  const apt = (codec.parameters as JsonObject).apt;
  // RTX names the payload type it repairs (RFC 4588 §8.1).
  if (apt !== undefined) checkInteger(apt, `${name}.parameters.apt`, 0, MAX_PAYLOAD_TYPE);

  if (isAbsent(codec.rtcpFeedback)) codec.rtcpFeedback = [];
  checkArray(codec.rtcpFeedback, `${name}.rtcpFeedback`, MAX_RTCP_FEEDBACK);
  codec.rtcpFeedback.forEach((fb, i) => validateRtcpFeedback(fb, `${name}.rtcpFeedback[${i}]`));

  return kind;
}
