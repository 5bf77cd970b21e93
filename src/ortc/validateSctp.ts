import type {
  NumSctpStreams,
  SctpCapabilities,
  SctpParameters,
  SctpStreamParameters,
} from './sctpTypes.js';
import { checkBoolean, checkInteger, checkObject, isAbsent } from './validationHelpers.js';

/** Stream counts are 16-bit and must not be 0 (RFC 4960 §3.3.2). */
const MAX_STREAMS = 65535;
/** Stream id 65535 is reserved (RFC 8831). */
const MAX_STREAM_ID = 65534;
/** The DCEP reliability parameter is 32-bit (RFC 8832 §5.1). */
const MAX_RELIABILITY = 0xffffffff;

/** Validates SctpCapabilities (as sent by mediasoup-client). */
export function validateSctpCapabilities(
  caps: unknown,
  name = 'caps',
): asserts caps is SctpCapabilities {
  checkObject(caps, name);
  if (caps.numStreams === undefined) throw new TypeError(`missing ${name}.numStreams`);
  validateNumSctpStreams(caps.numStreams, `${name}.numStreams`);
}

export function validateNumSctpStreams(
  numStreams: unknown,
  name = 'numStreams',
): asserts numStreams is NumSctpStreams {
  checkObject(numStreams, name);
  checkInteger(numStreams.OS, `${name}.OS`, 1, MAX_STREAMS);
  checkInteger(numStreams.MIS, `${name}.MIS`, 1, MAX_STREAMS);
}

export function validateSctpParameters(
  params: unknown,
  name = 'params',
): asserts params is SctpParameters {
  checkObject(params, name);
  checkInteger(params.port, `${name}.port`, 0, 65535);
  checkInteger(params.OS, `${name}.OS`, 1, MAX_STREAMS);
  checkInteger(params.MIS, `${name}.MIS`, 1, MAX_STREAMS);
  checkInteger(params.maxMessageSize, `${name}.maxMessageSize`, 1, Number.MAX_SAFE_INTEGER);
}

/**
 * Validates one DataChannel's stream and fills `ordered`: true for a
 * reliable channel, false when a partial reliability limit is given. As in
 * mediasoup, an explicit `ordered: true` cannot be combined with a limit,
 * and both limits cannot be given together (RFC 8831, RFC 8832 §5.1).
 */
export function validateSctpStreamParameters(
  params: unknown,
  name = 'params',
): asserts params is SctpStreamParameters {
  checkObject(params, name);
  checkInteger(params.streamId, `${name}.streamId`, 0, MAX_STREAM_ID);

  for (const key of ['maxPacketLifeTime', 'maxRetransmits']) {
    if (params[key] === null) delete params[key];
    if (params[key] !== undefined) checkInteger(params[key], `${name}.${key}`, 0, MAX_RELIABILITY);
  }
  const partial = params.maxPacketLifeTime !== undefined || params.maxRetransmits !== undefined;
  if (params.maxPacketLifeTime !== undefined && params.maxRetransmits !== undefined) {
    throw new TypeError(`${name} cannot have both maxPacketLifeTime and maxRetransmits`);
  }

  if (isAbsent(params.ordered)) {
    params.ordered = !partial;
  } else {
    checkBoolean(params.ordered, `${name}.ordered`);
    if (params.ordered && partial) {
      throw new TypeError(`${name} cannot be ordered with maxPacketLifeTime or maxRetransmits`);
    }
  }
}
