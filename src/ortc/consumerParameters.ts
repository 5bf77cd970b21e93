import { UnsupportedError } from '../common/errors.js';
import { isRtxCodec, matchCodecs } from './codecMatching.js';
import type {
  RtcpFeedback,
  RtpCapabilities,
  RtpCodecParameters,
  RtpEncodingParameters,
  RtpParameters,
} from './rtpTypes.js';
import { parseScalabilityMode } from './scalabilityModes.js';
import { generateRandomSsrc } from './ssrc.js';
import { validateRtpCapabilities, validateRtpCodecCapability } from './validateRtpCapabilities.js';

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const TRANSPORT_CC_URI =
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/**
 * Whether an endpoint with these capabilities can receive the producer:
 * at least one of its media codecs must match strictly. Validates `caps`
 * (TypeError when invalid).
 */
export function canConsume(consumableParams: RtpParameters, caps: RtpCapabilities): boolean {
  validateRtpCapabilities(caps);
  const capCodecs = caps.codecs!;
  return consumableParams.codecs.some(
    (codec) => !isRtxCodec(codec) && capCodecs.some((c) => matchCodecs(c, codec, { strict: true })),
  );
}

export interface GetConsumerRtpParametersOptions {
  consumableRtpParameters: RtpParameters;
  remoteRtpCapabilities: RtpCapabilities;
  /** Keep every encoding (a consumer on a PipeTransport) instead of one. */
  pipe: boolean;
  /** Keep RTX codecs and NACK feedback. */
  enableRtx: boolean;
}

/**
 * RTP parameters for one consumer: the consumable codecs the remote can
 * decode (with the remote's RTCP feedback), RTX only if the remote has it
 * for a kept media codec, the header extensions the remote knows under the
 * same id, and one congestion control feedback (transport-cc if its header
 * extension survived, else REMB with abs-send-time, else none).
 *
 * A regular consumer gets one encoding with fresh SSRCs; its scalability
 * mode summarises the producer's (simulcast streams become spatial layers).
 * A pipe consumer keeps one encoding per producer stream.
 *
 * Throws UnsupportedError when no media codec is compatible.
 */
export function getConsumerRtpParameters({
  consumableRtpParameters,
  remoteRtpCapabilities,
  pipe,
  enableRtx,
}: GetConsumerRtpParametersOptions): RtpParameters {
  const remoteCodecs = remoteRtpCapabilities.codecs ?? [];
  remoteCodecs.forEach((codec, i) =>
    validateRtpCodecCapability(codec, `remoteRtpCapabilities.codecs[${i}]`),
  );

  const codecs: RtpCodecParameters[] = [];
  for (const consumable of consumableRtpParameters.codecs) {
    if (!enableRtx && isRtxCodec(consumable)) continue;
    const remote = remoteCodecs.find((c) => matchCodecs(c, consumable, { strict: true }));
    if (!remote) continue;
    const codec = structuredClone(consumable);
    // Plain NACK (RFC 4585 §6.2.1) is pointless without retransmissions.
    codec.rtcpFeedback = structuredClone(remote.rtcpFeedback ?? []).filter(
      (fb) => enableRtx || fb.type !== 'nack' || Boolean(fb.parameter),
    );
    codecs.push(codec);
  }

  // An RTX codec is useful only next to the media codec it repairs.
  const kept = codecs.filter(
    (codec) =>
      !isRtxCodec(codec) ||
      codecs.some((m) => !isRtxCodec(m) && m.payloadType === codec.parameters?.apt),
  );
  if (kept.length === 0 || isRtxCodec(kept[0])) {
    throw new UnsupportedError('no compatible media codecs');
  }
  const rtxSupported = kept.some(isRtxCodec);

  const remoteExtensions = remoteRtpCapabilities.headerExtensions ?? [];
  const headerExtensions = structuredClone(consumableRtpParameters.headerExtensions ?? []).filter(
    (ext) => remoteExtensions.some((r) => r.preferredId === ext.id && r.uri === ext.uri),
  );

  const has = (uri: string) => headerExtensions.some((ext) => ext.uri === uri);
  const dropped: (fb: RtcpFeedback) => boolean = has(TRANSPORT_CC_URI)
    ? (fb) => fb.type === 'goog-remb'
    : has(ABS_SEND_TIME_URI)
      ? (fb) => fb.type === 'transport-cc'
      : (fb) => fb.type === 'transport-cc' || fb.type === 'goog-remb';
  for (const codec of kept) {
    codec.rtcpFeedback = (codec.rtcpFeedback ?? []).filter((fb) => !dropped(fb));
  }

  const consumableEncodings = consumableRtpParameters.encodings ?? [];
  const encodings = pipe
    ? renumberEncodings(consumableEncodings, rtxSupported)
    : [singleConsumerEncoding(consumableEncodings, rtxSupported)];

  return {
    codecs: kept,
    headerExtensions,
    encodings,
    rtcp: structuredClone(consumableRtpParameters.rtcp ?? {}),
  };
}

/**
 * RTP parameters for a consumer on a PipeTransport (router to router): all
 * encodings are kept, BWE feedback and transport-level extensions (MID,
 * abs-send-time, transport-cc) are removed since the link is not a browser's;
 * without enableRtx, RTX codecs and plain NACK go too.
 */
export function getPipeConsumerRtpParameters({
  consumableRtpParameters,
  enableRtx,
}: {
  consumableRtpParameters: RtpParameters;
  enableRtx: boolean;
}): RtpParameters {
  const codecs = structuredClone(consumableRtpParameters.codecs)
    .filter((codec) => enableRtx || !isRtxCodec(codec))
    .map((codec) => ({
      ...codec,
      rtcpFeedback: (codec.rtcpFeedback ?? []).filter(
        (fb) =>
          (fb.type === 'nack' && fb.parameter === 'pli') ||
          (fb.type === 'ccm' && fb.parameter === 'fir') ||
          (enableRtx && fb.type === 'nack' && !fb.parameter),
      ),
    }));

  const headerExtensions = structuredClone(consumableRtpParameters.headerExtensions ?? []).filter(
    (ext) => ext.uri !== MID_URI && ext.uri !== ABS_SEND_TIME_URI && ext.uri !== TRANSPORT_CC_URI,
  );

  return {
    codecs,
    headerExtensions,
    encodings: renumberEncodings(consumableRtpParameters.encodings ?? [], enableRtx),
    rtcp: structuredClone(consumableRtpParameters.rtcp ?? {}),
  };
}

/** One encoding per producer stream, with consecutive fresh SSRCs. */
function renumberEncodings(
  encodings: RtpEncodingParameters[],
  withRtx: boolean,
): RtpEncodingParameters[] {
  const baseSsrc = generateRandomSsrc();
  const baseRtxSsrc = generateRandomSsrc();
  return encodings.map((original, i) => {
    const encoding = structuredClone(original);
    encoding.ssrc = baseSsrc + i;
    if (withRtx) encoding.rtx = { ssrc: baseRtxSsrc + i };
    else delete encoding.rtx;
    return encoding;
  });
}

/**
 * The single encoding a regular consumer receives. N simulcast streams are
 * presented as N spatial layers (`L<N>T<temporal>`, mediasoup's convention),
 * and the highest maxBitrate of any stream is kept.
 */
function singleConsumerEncoding(
  encodings: RtpEncodingParameters[],
  withRtx: boolean,
): RtpEncodingParameters {
  const ssrc = generateRandomSsrc();
  const encoding: RtpEncodingParameters = { ssrc };
  if (withRtx) encoding.rtx = { ssrc: ssrc + 1 };

  // Streams of one producer share a scalability mode; take the first given.
  let scalabilityMode = encodings.find((e) => e.scalabilityMode)?.scalabilityMode;
  if (encodings.length > 1) {
    const { temporalLayers } = parseScalabilityMode(scalabilityMode);
    scalabilityMode = `L${encodings.length}T${temporalLayers}`;
  }
  if (scalabilityMode) encoding.scalabilityMode = scalabilityMode;

  const maxBitrate = Math.max(0, ...encodings.map((e) => e.maxBitrate ?? 0));
  if (maxBitrate > 0) encoding.maxBitrate = maxBitrate;

  return encoding;
}
