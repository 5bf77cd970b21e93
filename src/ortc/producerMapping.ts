import { UnsupportedError } from '../common/errors.js';
import { isRtxCodec, matchCodecs } from './codecMatching.js';
import type {
  MediaKind,
  RtpCapabilities,
  RtpCodecCapability,
  RtpCodecParameters,
  RtpEncodingParameters,
  RtpHeaderExtensionParameters,
  RtpMapping,
  RtpParameters,
} from './rtpTypes.js';
import { generateRandomSsrc } from './ssrc.js';

/**
 * Maps a producer's payload types and streams to the router's. Each media
 * codec must match a router codec strictly (for H264 the producer's
 * profile-level-id is rewritten to the answered one); each RTX codec must
 * repair a media codec of the producer whose router codec has RTX too.
 * Every encoding gets a router-side SSRC, consecutive from a random base.
 *
 * `params` must have been validated (validateRtpParameters).
 * Throws UnsupportedError when the router cannot take a codec.
 */
export function getProducerRtpParametersMapping(
  params: RtpParameters,
  caps: RtpCapabilities,
): RtpMapping {
  const capCodecs = caps.codecs ?? [];
  const codecToCapCodec = new Map<RtpCodecParameters, RtpCodecCapability>();

  for (const codec of params.codecs) {
    if (isRtxCodec(codec)) continue;
    const capCodec = capCodecs.find((c) => matchCodecs(codec, c, { strict: true, modify: true }));
    if (!capCodec) {
      throw new UnsupportedError(
        `unsupported codec [mimeType:${codec.mimeType}, payloadType:${codec.payloadType}]`,
      );
    }
    codecToCapCodec.set(codec, capCodec);
  }

  // Looked up by payload type, not searched per RTX codec: linear in the codecs.
  const mediaByPayloadType = new Map<number, RtpCodecParameters>();
  for (const codec of codecToCapCodec.keys()) {
    if (!mediaByPayloadType.has(codec.payloadType))
      mediaByPayloadType.set(codec.payloadType, codec);
  }
  for (const codec of params.codecs) {
    if (!isRtxCodec(codec)) continue;
    const apt = codec.parameters?.apt;
    const mediaCodec = typeof apt === 'number' ? mediaByPayloadType.get(apt) : undefined;
    if (!mediaCodec) {
      throw new TypeError(`missing media codec for RTX payloadType ${codec.payloadType}`);
    }
    const capMediaCodec = codecToCapCodec.get(mediaCodec)!;
    const capRtxCodec = capCodecs.find(
      (c) => isRtxCodec(c) && c.parameters?.apt === capMediaCodec.preferredPayloadType,
    );
    if (!capRtxCodec) {
      throw new UnsupportedError(
        `no RTX codec for router codec payloadType ${capMediaCodec.preferredPayloadType}`,
      );
    }
    codecToCapCodec.set(codec, capRtxCodec);
  }

  const codecs = [...codecToCapCodec].map(([codec, capCodec]) => ({
    payloadType: codec.payloadType,
    mappedPayloadType: capCodec.preferredPayloadType!,
  }));

  const baseSsrc = generateRandomSsrc();
  const encodings = (params.encodings ?? []).map((encoding, i) => {
    const mapped: RtpMapping['encodings'][number] = { mappedSsrc: baseSsrc + i };
    if (encoding.rid !== undefined) mapped.rid = encoding.rid;
    if (encoding.ssrc !== undefined) mapped.ssrc = encoding.ssrc;
    if (encoding.scalabilityMode !== undefined) mapped.scalabilityMode = encoding.scalabilityMode;
    return mapped;
  });

  return { codecs, encodings };
}

/**
 * The producer's stream as every consumer sees it before per-consumer
 * negotiation: router payload types (each media codec followed by its RTX
 * codec when the router has one), the producer's codec parameters, the
 * router's RTCP feedback, every header extension the router can send for
 * this kind, and the mapped SSRCs (without rid or RTX, which the router
 * regenerates per consumer).
 */
export function getConsumableRtpParameters(
  kind: MediaKind,
  params: RtpParameters,
  caps: RtpCapabilities,
  rtpMapping: RtpMapping,
): RtpParameters {
  const capCodecs = caps.codecs ?? [];
  const codecs: RtpCodecParameters[] = [];
  const entries = new Map<number, RtpMapping['codecs'][number]>();
  for (const entry of rtpMapping.codecs) {
    if (!entries.has(entry.payloadType)) entries.set(entry.payloadType, entry);
  }

  for (const codec of params.codecs) {
    if (isRtxCodec(codec)) continue;
    const entry = entries.get(codec.payloadType);
    const capCodec = capCodecs.find((c) => c.preferredPayloadType === entry?.mappedPayloadType);
    if (!entry || !capCodec) {
      throw new TypeError(`no mapped router codec for payloadType ${codec.payloadType}`);
    }
    codecs.push(
      withoutUndefined({
        mimeType: capCodec.mimeType,
        payloadType: capCodec.preferredPayloadType!,
        clockRate: capCodec.clockRate,
        channels: capCodec.channels,
        parameters: { ...codec.parameters },
        rtcpFeedback: structuredClone(capCodec.rtcpFeedback ?? []),
      }),
    );

    const capRtxCodec = capCodecs.find(
      (c) => isRtxCodec(c) && c.parameters?.apt === capCodec.preferredPayloadType,
    );
    if (capRtxCodec) {
      codecs.push({
        mimeType: capRtxCodec.mimeType,
        payloadType: capRtxCodec.preferredPayloadType!,
        clockRate: capRtxCodec.clockRate,
        parameters: { ...capRtxCodec.parameters },
        rtcpFeedback: structuredClone(capRtxCodec.rtcpFeedback ?? []),
      });
    }
  }

  // Extensions the router only receives ('recvonly', e.g. rid) are not sent.
  const headerExtensions: RtpHeaderExtensionParameters[] = (caps.headerExtensions ?? [])
    .filter(
      (ext) => ext.kind === kind && (ext.direction === 'sendrecv' || ext.direction === 'sendonly'),
    )
    .map((ext) => ({
      uri: ext.uri,
      id: ext.preferredId,
      encrypt: ext.preferredEncrypt ?? false,
      parameters: {},
    }));

  const encodings = (params.encodings ?? []).map((encoding, i) => {
    const mapped = rtpMapping.encodings[i];
    if (!mapped) throw new TypeError(`no mapped SSRC for encoding ${i}`);
    const consumable: RtpEncodingParameters = structuredClone(encoding);
    delete consumable.rid;
    delete consumable.rtx;
    delete consumable.codecPayloadType;
    consumable.ssrc = mapped.mappedSsrc;
    return consumable;
  });

  const rtcp = withoutUndefined({ cname: params.rtcp?.cname, reducedSize: true });
  return { codecs, headerExtensions, encodings, rtcp };
}

/** Drops keys whose value is undefined so that results compare and serialise cleanly. */
function withoutUndefined<T extends object>(object: T): T {
  for (const key of Object.keys(object) as (keyof T)[]) {
    if (object[key] === undefined) delete object[key];
  }
  return object;
}
