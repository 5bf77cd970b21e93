/**
 * How many of each list input RTP parameters and capabilities may carry, and
 * how long their strings may be. Far above what any endpoint sends (simulcast
 * uses up to 4 encodings; browsers offer 30-60 codecs with RTX, ~20 header
 * extensions, ~5 feedback types per codec), and low enough that validation,
 * mapping and the worker's per-encoding state stay small and fast. The host
 * checks them (validators below) and the worker checks them again.
 */

/** Encodings per producer or consumer. */
export const MAX_ENCODINGS = 32;

/** Codecs in parameters or capabilities: payload types are 7 bits (RFC 3550 §5.1). */
export const MAX_CODECS = 128;

/** Header extensions: ids go up to 255 (RFC 8285 §4.3), for audio and video. */
export const MAX_HEADER_EXTENSIONS = 128;

/** RTCP feedback entries per codec. */
export const MAX_RTCP_FEEDBACK = 32;

/** Format parameters (fmtp keys) per codec or header extension. */
export const MAX_CODEC_PARAMETERS = 64;

/** Names, URIs, ids and other strings. */
export const MAX_STRING_LENGTH = 1024;

/** A format parameter's value (e.g. H264 sprop-parameter-sets can be long). */
export const MAX_PARAMETER_VALUE_LENGTH = 4096;
