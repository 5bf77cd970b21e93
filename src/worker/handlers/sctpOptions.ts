/**
 * A transport's SCTP options (mediasoup's enableSctp, numSctpStreams,
 * maxSctpMessageSize, sctpSendBufferSize), validated, with mediasoup's defaults.
 */
import { validateNumSctpStreams } from '../../ortc/index.js';
import type { SctpOptions } from '../../rtc/transport/TransportData.js';
import { optionalBoolean, optionalNumber } from '../validate.js';

/** `isDataChannel`: as mediasoup, true for WebRTC transports, false for plain and pipe ones. */
export function sctpOptionsFrom(
  d: Record<string, unknown>,
  isDataChannel: boolean,
): SctpOptions | undefined {
  if (!optionalBoolean(d.enableSctp, 'enableSctp', false)) return undefined;
  const numSctpStreams = d.numSctpStreams ?? { OS: 1024, MIS: 1024 };
  validateNumSctpStreams(numSctpStreams, 'numSctpStreams');
  return {
    OS: numSctpStreams.OS,
    MIS: numSctpStreams.MIS,
    maxMessageSize: optionalNumber(d.maxSctpMessageSize, 'maxSctpMessageSize', 262144, 1, 2 ** 26),
    sendBufferSize: optionalNumber(d.sctpSendBufferSize, 'sctpSendBufferSize', 262144, 1, 2 ** 28),
    isDataChannel,
  };
}
