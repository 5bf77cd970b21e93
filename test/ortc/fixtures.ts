/**
 * Realistic inputs for the ortc tests: a router configured as mediasoup
 * demos do, and producer parameters / device capabilities shaped like what
 * mediasoup-client sends from Chrome.
 */
import type {
  RouterRtpCodecCapability,
  RtcpFeedback,
  RtpCapabilities,
  RtpParameters,
} from '../../src/ortc/index.js';

export const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
export const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
export const TRANSPORT_CC_URI =
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

const chromeVideoFeedback = (): RtcpFeedback[] => [
  { type: 'goog-remb', parameter: '' },
  { type: 'transport-cc', parameter: '' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'nack', parameter: '' },
  { type: 'nack', parameter: 'pli' },
];

/**
 * Router media codecs. Payload types the router assigns, in order:
 * opus 100, VP8 101 (+rtx 102), VP9 103 (+rtx 104), H264 4d0032 105
 * (+rtx 106), H264 42e01f 107 (+rtx 108).
 */
export function routerMediaCodecs(): RouterRtpCodecCapability[] {
  return [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      parameters: { useinbandfec: 1 },
    },
    { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
    { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 2 } },
    {
      kind: 'video',
      mimeType: 'video/H264',
      clockRate: 90000,
      parameters: {
        'packetization-mode': 1,
        'profile-level-id': '4d0032',
        'level-asymmetry-allowed': 1,
      },
    },
    {
      kind: 'video',
      mimeType: 'video/H264',
      clockRate: 90000,
      parameters: {
        'packetization-mode': 1,
        'profile-level-id': '42e01f',
        'level-asymmetry-allowed': 1,
      },
    },
  ];
}

/** Chrome sending VP8 with RTX and three simulcast streams signalled by SSRC. */
export function vp8SimulcastProducerParameters(): RtpParameters {
  return {
    mid: '1',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90000,
        parameters: {},
        rtcpFeedback: chromeVideoFeedback(),
      },
      {
        mimeType: 'video/rtx',
        payloadType: 97,
        clockRate: 90000,
        parameters: { apt: 96 },
        rtcpFeedback: [],
      },
    ],
    headerExtensions: [
      { uri: MID_URI, id: 1, encrypt: false, parameters: {} },
      { uri: ABS_SEND_TIME_URI, id: 4, encrypt: false, parameters: {} },
      { uri: TRANSPORT_CC_URI, id: 5, encrypt: false, parameters: {} },
      { uri: 'urn:3gpp:video-orientation', id: 11, encrypt: false, parameters: {} },
      { uri: 'urn:ietf:params:rtp-hdrext:toffset', id: 12, encrypt: false, parameters: {} },
    ],
    encodings: [
      {
        ssrc: 3421709901,
        rtx: { ssrc: 3421709902 },
        scalabilityMode: 'L1T3',
        scaleResolutionDownBy: 4,
        maxBitrate: 150000,
        dtx: false,
      },
      {
        ssrc: 3421709903,
        rtx: { ssrc: 3421709904 },
        scalabilityMode: 'L1T3',
        scaleResolutionDownBy: 2,
        maxBitrate: 500000,
        dtx: false,
      },
      {
        ssrc: 3421709905,
        rtx: { ssrc: 3421709906 },
        scalabilityMode: 'L1T3',
        scaleResolutionDownBy: 1,
        maxBitrate: 1200000,
        dtx: false,
      },
    ],
    rtcp: { cname: 'Kq6l2sYvxHtpO0nR', reducedSize: true },
  };
}

/** Chrome sending opus with the MID and audio level extensions. */
export function opusProducerParameters(): RtpParameters {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1 },
        rtcpFeedback: [{ type: 'transport-cc', parameter: '' }],
      },
    ],
    headerExtensions: [
      { uri: MID_URI, id: 1, encrypt: false, parameters: {} },
      {
        uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
        id: 10,
        encrypt: false,
        parameters: {},
      },
    ],
    encodings: [{ ssrc: 1906183296, dtx: false }],
    rtcp: { cname: 'Kq6l2sYvxHtpO0nR', reducedSize: true },
  };
}

/**
 * A receiving Chrome's capabilities as mediasoup-client derives them from
 * the router's: router payload types, opus, VP8 and H264 42e01f with RTX.
 */
export function chromeDeviceCapabilities(): RtpCapabilities {
  return {
    codecs: [
      {
        kind: 'audio',
        mimeType: 'audio/opus',
        preferredPayloadType: 100,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1 },
        rtcpFeedback: [{ type: 'transport-cc' }],
      },
      {
        kind: 'video',
        mimeType: 'video/VP8',
        preferredPayloadType: 101,
        clockRate: 90000,
        rtcpFeedback: chromeVideoFeedback(),
      },
      {
        kind: 'video',
        mimeType: 'video/rtx',
        preferredPayloadType: 102,
        clockRate: 90000,
        parameters: { apt: 101 },
      },
      {
        kind: 'video',
        mimeType: 'video/H264',
        preferredPayloadType: 107,
        clockRate: 90000,
        parameters: {
          'level-asymmetry-allowed': 1,
          'packetization-mode': 1,
          'profile-level-id': '42e01f',
        },
        rtcpFeedback: chromeVideoFeedback(),
      },
      {
        kind: 'video',
        mimeType: 'video/rtx',
        preferredPayloadType: 108,
        clockRate: 90000,
        parameters: { apt: 107 },
      },
    ],
    headerExtensions: [
      { kind: 'audio', uri: MID_URI, preferredId: 1 },
      { kind: 'video', uri: MID_URI, preferredId: 1 },
      { kind: 'audio', uri: ABS_SEND_TIME_URI, preferredId: 4 },
      { kind: 'video', uri: ABS_SEND_TIME_URI, preferredId: 4 },
      { kind: 'video', uri: TRANSPORT_CC_URI, preferredId: 5 },
      { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 10 },
      { kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 11 },
      { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:toffset', preferredId: 12 },
    ],
  };
}
