import type { RtcpFeedback, RtpCapabilities, RtpCodecCapability } from './rtpTypes.js';
import { validateRtpCapabilities } from './validateRtpCapabilities.js';

/**
 * Everything Skein's media plane can route. A Router offers the subset named
 * in its `mediaCodecs`; RTX is not listed here because the router adds one
 * `video/rtx` (RFC 4588) per video codec itself. Payload types are static
 * only where RFC 3551 assigns one; the rest are chosen per router.
 */

// Opus also offers NACK (libwebrtc retransmits audio when it is negotiated);
// transport-cc lets the sending side estimate bandwidth.
const opusFeedback: RtcpFeedback[] = [{ type: 'nack' }, { type: 'transport-cc' }];
const audioFeedback: RtcpFeedback[] = [{ type: 'transport-cc' }];
const videoFeedback: RtcpFeedback[] = [
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'goog-remb' },
  { type: 'transport-cc' },
];

function audio(
  mimeType: string,
  clockRate: number,
  extra: Partial<RtpCodecCapability> = {},
): RtpCodecCapability {
  const codec: RtpCodecCapability = { kind: 'audio', mimeType, clockRate, ...extra };
  return { ...codec, rtcpFeedback: copyFeedback(extra.rtcpFeedback ?? audioFeedback) };
}

// Comfort noise (RFC 3389) and DTMF (RFC 4733) carry no media to protect: no
// feedback is written at all (as in mediasoup's table; defaults fill in []).
function signal(
  mimeType: string,
  clockRate: number,
  extra: Partial<RtpCodecCapability> = {},
): RtpCodecCapability {
  return { kind: 'audio' as const, mimeType, clockRate, ...extra };
}

function video(mimeType: string, extra: Partial<RtpCodecCapability> = {}): RtpCodecCapability {
  const codec: RtpCodecCapability = { kind: 'video', mimeType, clockRate: 90000, ...extra };
  return { ...codec, rtcpFeedback: copyFeedback(videoFeedback) };
}

// Each codec gets its own entries: structuredClone keeps shared references
// shared, and a caller editing one codec's feedback must not edit another's.
function copyFeedback(list: RtcpFeedback[]): RtcpFeedback[] {
  return list.map((fb) => ({ ...fb }));
}

/**
 * Multichannel opus as Chrome signals it (not standardised): one RTP stream
 * carrying `num_streams` opus streams, `coupled_streams` of them stereo
 * (RFC 7845 §5.1.1 channel mapping family 1).
 */
function multiopus(channels: number, mapping: string, streams: number, coupled: number) {
  return audio('audio/multiopus', 48000, {
    channels,
    parameters: { channel_mapping: mapping, num_streams: streams, coupled_streams: coupled },
    rtcpFeedback: opusFeedback,
  });
}

const supportedRtpCapabilities: RtpCapabilities = {
  codecs: [
    audio('audio/opus', 48000, { channels: 2, rtcpFeedback: opusFeedback }),
    multiopus(4, '0,1,2,3', 2, 2), // quad
    multiopus(6, '0,4,1,2,3,5', 4, 2), // 5.1
    multiopus(8, '0,6,1,2,3,4,5,7', 5, 3), // 7.1
    audio('audio/PCMU', 8000, { preferredPayloadType: 0 }),
    audio('audio/PCMA', 8000, { preferredPayloadType: 8 }),
    audio('audio/ISAC', 32000),
    audio('audio/ISAC', 16000),
    // RFC 3551 §4.5.2: G722's RTP clock is 8000 Hz although it samples at 16 kHz.
    audio('audio/G722', 8000, { preferredPayloadType: 9 }),
    audio('audio/iLBC', 8000),
    audio('audio/SILK', 24000),
    audio('audio/SILK', 16000),
    audio('audio/SILK', 12000),
    audio('audio/SILK', 8000),
    signal('audio/CN', 32000, { preferredPayloadType: 13 }),
    signal('audio/CN', 16000, { preferredPayloadType: 13 }),
    signal('audio/CN', 8000, { preferredPayloadType: 13 }),
    signal('audio/telephone-event', 48000),
    signal('audio/telephone-event', 32000),
    signal('audio/telephone-event', 16000),
    signal('audio/telephone-event', 8000),
    video('video/VP8'),
    video('video/VP9'),
    // H264 profile and packetization mode (RFC 6184 §8.1) come from the
    // router's mediaCodecs; only level asymmetry is a Skein default.
    video('video/H264', { parameters: { 'level-asymmetry-allowed': 1 } }),
    video('video/H264-SVC', { parameters: { 'level-asymmetry-allowed': 1 } }),
    video('video/H265', { parameters: { 'level-asymmetry-allowed': 1 } }),
    video('video/AV1', { parameters: {} }),
  ],
  headerExtensions: [
    // RFC 9143 (BUNDLE): MID lets the router demultiplex streams by m-section.
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
    // RFC 8852: RIDs identify simulcast streams; only received, never sent.
    {
      kind: 'video',
      uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
      preferredId: 2,
      direction: 'recvonly',
    },
    {
      kind: 'video',
      uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
      preferredId: 3,
      direction: 'recvonly',
    },
    {
      kind: 'audio',
      uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
      preferredId: 4,
    },
    {
      kind: 'video',
      uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
      preferredId: 4,
    },
    // Audio transport-wide sequence numbers are only received (for the
    // sender's estimate); the router does not stamp them on outgoing audio.
    {
      kind: 'audio',
      uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      preferredId: 5,
      direction: 'recvonly',
    },
    {
      kind: 'video',
      uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      preferredId: 5,
    },
    // The dependency descriptor is read to select layers, not forwarded as is.
    {
      kind: 'video',
      uri: 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension',
      preferredId: 8,
      direction: 'recvonly',
    },
    // RFC 6464 client-to-mixer audio level.
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 10 },
    // 3GPP TS 26.114 §7.4.5 coordination of video orientation.
    { kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 11 },
    // RFC 5450 transmission time offset.
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:toffset', preferredId: 12 },
    {
      kind: 'audio',
      uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
      preferredId: 13,
    },
    {
      kind: 'video',
      uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
      preferredId: 13,
    },
    {
      kind: 'audio',
      uri: 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
      preferredId: 14,
    },
    {
      kind: 'video',
      uri: 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
      preferredId: 14,
    },
  ],
};

// mediasoup's table spells out every header extension's direction and
// encryption, so they are there from the start.
for (const ext of supportedRtpCapabilities.headerExtensions!) {
  ext.direction ??= 'sendrecv';
  ext.preferredEncrypt ??= false;
}

let normalised = false;

/**
 * The supported capabilities with every codec default filled (channels 1 for
 * mono audio, parameters {}, rtcpFeedback [], feedback parameter ''): what
 * router capabilities are built from. As in mediasoup 3.19.3, the table itself
 * is normalised the first time this runs (the first router), so
 * getSupportedRtpCapabilities() answers the table as written before any
 * router exists and the normalised one afterwards: the same JSON as mediasoup
 * at every point of an application's life.
 */
export function normalisedSupportedRtpCapabilities(): RtpCapabilities {
  if (!normalised) {
    validateRtpCapabilities(supportedRtpCapabilities);
    normalised = true;
  }
  return structuredClone(supportedRtpCapabilities);
}

/** Skein's supported RTP capabilities: a fresh deep copy on every call. */
export function getSupportedRtpCapabilities(): RtpCapabilities {
  return structuredClone(supportedRtpCapabilities);
}
