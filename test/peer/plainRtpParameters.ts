/**
 * The producer rtpParameters for what a plain RTP peer (ffmpeg, GStreamer) sends: the
 * payload type and SSRC the test gave the tool, no MID, no header extensions (neither tool
 * writes any), as a mediasoup application ingesting from ffmpeg declares them.
 */
import type { RtpParameters } from '../../src/index.js';

export function plainVideoParameters(
  codec: 'vp8' | 'h264',
  payloadType: number,
  ssrc: number,
): RtpParameters {
  return {
    codecs: [
      codec === 'vp8'
        ? { mimeType: 'video/VP8', payloadType, clockRate: 90000 }
        : {
            mimeType: 'video/H264',
            payloadType,
            clockRate: 90000,
            parameters: {
              'packetization-mode': 1,
              'profile-level-id': '42e01f',
              'level-asymmetry-allowed': 1,
            },
          },
    ],
    encodings: [{ ssrc }],
    rtcp: { cname: `plain-${ssrc}`, reducedSize: false },
  };
}

export function plainAudioParameters(payloadType: number, ssrc: number): RtpParameters {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType, clockRate: 48000, channels: 2 }],
    encodings: [{ ssrc }],
    rtcp: { cname: `plain-${ssrc}`, reducedSize: false },
  };
}
