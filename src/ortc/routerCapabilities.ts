import { UnsupportedError } from '../common/errors.js';
import { MAX_CODECS } from './bounds.js';
import { matchCodecs } from './codecMatching.js';
import type { RouterRtpCodecCapability, RtpCapabilities, RtpCodecCapability } from './rtpTypes.js';
import { normalisedSupportedRtpCapabilities } from './supportedRtpCapabilities.js';
import { validateRtpCodecCapability } from './validateRtpCapabilities.js';

/**
 * Dynamic payload types (RFC 3551 §3: 96-127), handed out from 100 up
 * first as browsers and mediasoup do, so that routers look familiar.
 */
const DYNAMIC_PAYLOAD_TYPES = [
  ...Array.from({ length: 28 }, (_, i) => 100 + i),
  ...Array.from({ length: 4 }, (_, i) => 96 + i),
];

/**
 * With RTP/RTCP multiplexing (mandatory in WebRTC, RFC 8834 §4.5) payload
 * types 64-95 collide with RTCP packet types (RFC 5761 §4).
 */
function collidesWithRtcp(payloadType: number): boolean {
  return payloadType >= 64 && payloadType <= 95;
}

/**
 * Builds a Router's RTP capabilities from its `mediaCodecs`: each codec is
 * validated, looked up among the supported ones (UnsupportedError if absent
 * or with another clock rate or channel count), given a payload type and,
 * for video, followed by a `video/rtx` codec pointing at it (RFC 4588 §8.1
 * `apt`). All supported header extensions are offered.
 *
 * Payload types: a codec keeps the one it asks for (or the static one of
 * RFC 3551) unless an earlier codec already has it or it is in the RTCP
 * range; every other codec and every RTX codec gets a free dynamic one.
 */
export function generateRouterRtpCapabilities(
  mediaCodecs: RouterRtpCodecCapability[] = [],
): RtpCapabilities {
  // First, as mediasoup: even a router refused for its mediaCodecs normalises the table.
  const supported = normalisedSupportedRtpCapabilities();
  if (!Array.isArray(mediaCodecs)) throw new TypeError('mediaCodecs must be an array');
  if (mediaCodecs.length > MAX_CODECS) {
    throw new TypeError(`mediaCodecs has more than ${MAX_CODECS} entries`);
  }

  const matched = mediaCodecs.map((mediaCodec, i) => {
    validateRtpCodecCapability(mediaCodec, `mediaCodecs[${i}]`);
    const supportedCodec = supported.codecs!.find((codec) =>
      matchCodecs(mediaCodec, codec, { strict: false }),
    );
    if (!supportedCodec) {
      throw new UnsupportedError(
        `media codec not supported [mimeType:${mediaCodec.mimeType}, clockRate:${mediaCodec.clockRate}` +
          `${mediaCodec.channels !== undefined ? `, channels:${mediaCodec.channels}` : ''}]`,
      );
    }
    return { mediaCodec, supportedCodec };
  });

  // Reserve every wanted payload type before handing out dynamic ones, so
  // that a codec listed later keeps what it asked for.
  const taken = new Set<number>();
  const wanted = matched.map(({ mediaCodec, supportedCodec }) => {
    const pt = mediaCodec.preferredPayloadType ?? supportedCodec.preferredPayloadType;
    if (pt === undefined || taken.has(pt) || collidesWithRtcp(pt)) return undefined;
    taken.add(pt);
    return pt;
  });
  const free = DYNAMIC_PAYLOAD_TYPES.filter((pt) => !taken.has(pt));
  const nextDynamic = (mimeType: string): number => {
    const pt = free.shift();
    if (pt === undefined) {
      throw new UnsupportedError(`no dynamic payload type left for ${mimeType}`);
    }
    return pt;
  };

  const codecs: RtpCodecCapability[] = [];
  matched.forEach(({ mediaCodec, supportedCodec }, i) => {
    const codec: RtpCodecCapability = {
      ...supportedCodec,
      preferredPayloadType: wanted[i] ?? nextDynamic(supportedCodec.mimeType),
      parameters: { ...supportedCodec.parameters, ...mediaCodec.parameters },
    };
    codecs.push(codec);

    if (codec.kind === 'video') {
      codecs.push({
        kind: 'video',
        mimeType: 'video/rtx',
        preferredPayloadType: nextDynamic('video/rtx'),
        clockRate: codec.clockRate,
        parameters: { apt: codec.preferredPayloadType! },
        rtcpFeedback: [],
      });
    }
  });

  return { codecs, headerExtensions: supported.headerExtensions };
}
