import * as h264 from 'h264-profile-level-id';
import type {
  RtpCodecCapability,
  RtpCodecParameters,
  RtpCodecParametersParameters,
} from './rtpTypes.js';

type AnyCodec = RtpCodecCapability | RtpCodecParameters;

export interface MatchCodecsOptions {
  /**
   * Also compare the parameters that decide whether a decoder can decode
   * the stream (H264 profile, VP9/AV1 profile). Off when a router codec is
   * looked up among the supported ones; on for producers and consumers.
   */
  strict?: boolean;
  /** With strict H264 matching, write the answered profile-level-id into aCodec. */
  modify?: boolean;
}

/** RTX (RFC 4588) codecs carry retransmissions of another payload type. */
export function isRtxCodec(codec: AnyCodec): boolean {
  return /.+\/rtx$/i.test(codec.mimeType);
}

/** Codecs that carry no media of their own (mediasoup's IsMediaCodec): CN, DTMF, RTX, FEC, RED. */
const NOT_MEDIA = new Set([
  'cn',
  'telephone-event',
  'rtx',
  'ulpfec',
  'x-ulpfecuc',
  'flexfec',
  'flexfec-03',
  'red',
]);

export function isMediaCodec(codec: AnyCodec): boolean {
  const subtype = codec.mimeType.slice(codec.mimeType.indexOf('/') + 1).toLowerCase();
  return !NOT_MEDIA.has(subtype);
}

/**
 * Whether two codecs are the same for negotiation purposes: same mimeType
 * (case-insensitive, RFC 6838 §4.2), clock rate and channels, plus the
 * codec-specific checks below.
 */
export function matchCodecs(
  aCodec: AnyCodec,
  bCodec: AnyCodec,
  { strict = false, modify = false }: MatchCodecsOptions = {},
): boolean {
  const mimeType = aCodec.mimeType.toLowerCase();
  if (mimeType !== bCodec.mimeType.toLowerCase()) return false;
  if (aCodec.clockRate !== bCodec.clockRate) return false;
  if (aCodec.channels !== bCodec.channels) return false;

  const a = aCodec.parameters ?? {};
  const b = bCodec.parameters ?? {};

  switch (mimeType) {
    case 'audio/multiopus':
      // The stream layout must agree or the decoder mixes the wrong channels.
      return (
        sameValue(a.num_streams, b.num_streams) && sameValue(a.coupled_streams, b.coupled_streams)
      );

    case 'video/h264':
    case 'video/h264-svc':
      return strict ? matchH264(aCodec, a, b, modify) : true;

    case 'video/vp9':
      // VP9 RTP payload format (RFC 9628): profile-id defaults to 0.
      return !strict || sameValue(a['profile-id'] ?? 0, b['profile-id'] ?? 0);

    case 'video/av1':
      // AV1 RTP payload spec: profile defaults to 0 (Main).
      return !strict || sameValue(a.profile ?? 0, b.profile ?? 0);

    default:
      return true;
  }
}

/**
 * RFC 6184 §8.1: packetization-mode (default 0) must be equal, and the
 * profile part of profile-level-id must be equal; the level is negotiated
 * (§8.2.2, level-asymmetry-allowed in RFC 6184 §8.1).
 */
function matchH264(
  aCodec: AnyCodec,
  a: RtpCodecParametersParameters,
  b: RtpCodecParametersParameters,
  modify: boolean,
): boolean {
  if (!sameValue(a['packetization-mode'] ?? 0, b['packetization-mode'] ?? 0)) return false;

  // sdp-transform turns an all-digit profile-level-id (e.g. 640032) into a number.
  const aParams = withStringProfile(a);
  const bParams = withStringProfile(b);
  if (!h264.isSameProfile(aParams, bParams)) return false;

  let answered: string | undefined;
  try {
    answered = h264.generateProfileLevelIdStringForAnswer(aParams, bParams);
  } catch {
    return false;
  }

  if (modify) {
    const parameters = (aCodec.parameters ??= {});
    if (answered) parameters['profile-level-id'] = answered;
    else delete parameters['profile-level-id'];
  }
  return true;
}

function withStringProfile(params: RtpCodecParametersParameters): RtpCodecParametersParameters {
  const plid = params['profile-level-id'];
  return typeof plid === 'number' ? { ...params, 'profile-level-id': String(plid) } : params;
}

/** Format parameters may arrive as numbers or as digit strings; 1 and '1' agree. */
function sameValue(a: string | number | undefined, b: string | number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return String(a) === String(b);
}
