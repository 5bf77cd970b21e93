/**
 * Shared fixtures for the media-path API suites: router codecs, RTP parameters
 * shaped like the ones mediasoup-client sends (the browser's own payload types
 * and header extension ids, which differ from the router's), and small helpers.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { EventEmitter } from 'node:events';
import type {
  DtlsParameters,
  Router,
  RouterRtpCodecCapability,
  RtpParameters,
  WebRtcTransport,
} from '../../src/index.js';

export const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 1000 },
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

/** Header extension URIs (RFC 8285 and webrtc.org). */
export const URI = {
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  transportCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  videoOrientation: 'urn:3gpp:video-orientation',
} as const;

/** What Chrome + mediasoup-client send for a microphone (payload type 111, mid id 4, audio level id 1). */
export function audioRtpParameters(ssrc: number, mid = '0'): RtpParameters {
  return {
    mid,
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1, usedtx: 1 },
        rtcpFeedback: [{ type: 'transport-cc', parameter: '' }],
      },
    ],
    headerExtensions: [
      { uri: URI.mid, id: 4, encrypt: false, parameters: {} },
      { uri: URI.absSendTime, id: 2, encrypt: false, parameters: {} },
      { uri: URI.transportCc, id: 3, encrypt: false, parameters: {} },
      { uri: URI.audioLevel, id: 1, encrypt: false, parameters: {} },
    ],
    encodings: [{ ssrc, dtx: false }],
    rtcp: { cname: 'Dnx0zA2s3d7yxTq6', reducedSize: true },
  };
}

function vp8Codecs(): RtpParameters['codecs'] {
  return [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      parameters: {},
      rtcpFeedback: [
        { type: 'goog-remb', parameter: '' },
        { type: 'transport-cc', parameter: '' },
        { type: 'ccm', parameter: 'fir' },
        { type: 'nack', parameter: '' },
        { type: 'nack', parameter: 'pli' },
      ],
    },
    { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
  ];
}

function videoHeaderExtensions(): RtpParameters['headerExtensions'] {
  return [
    { uri: URI.mid, id: 4, encrypt: false, parameters: {} },
    { uri: URI.absSendTime, id: 2, encrypt: false, parameters: {} },
    { uri: URI.transportCc, id: 3, encrypt: false, parameters: {} },
    { uri: URI.videoOrientation, id: 13, encrypt: false, parameters: {} },
  ];
}

/** A camera sending VP8 with RTX, one encoding. */
export function videoRtpParameters(ssrc: number, rtxSsrc: number, mid = '1'): RtpParameters {
  return {
    mid,
    codecs: vp8Codecs(),
    headerExtensions: videoHeaderExtensions(),
    encodings: [{ ssrc, rtx: { ssrc: rtxSsrc }, maxBitrate: 1_500_000 }],
    rtcp: { cname: 'Dnx0zA2s3d7yxTq6', reducedSize: true },
  };
}

/** A camera sending three VP8 simulcast encodings signalled by SSRC (each with RTX). */
export function simulcastRtpParameters(baseSsrc: number, mid = '2'): RtpParameters {
  return {
    mid,
    codecs: vp8Codecs(),
    headerExtensions: videoHeaderExtensions(),
    encodings: [0, 1, 2].map((i) => ({
      ssrc: baseSsrc + 2 * i,
      rtx: { ssrc: baseSsrc + 2 * i + 1 },
      scalabilityMode: 'L1T3',
      scaleResolutionDownBy: 4 / 2 ** i,
      maxBitrate: 100_000 * 3 ** i,
    })),
    rtcp: { cname: 'Dnx0zA2s3d7yxTq6', reducedSize: true },
  };
}

/** DTLS parameters as a browser would signal them (a valid-looking SHA-256 fingerprint). */
export function remoteDtlsParameters(
  role: 'client' | 'server' | 'auto' = 'client',
): DtlsParameters {
  return {
    role,
    fingerprints: [
      {
        algorithm: 'sha-256',
        value:
          '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD',
      },
    ],
  };
}

export async function udpTransport(router: Router): Promise<WebRtcTransport> {
  return router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
}

/** Resolves with the event's arguments, or rejects after `timeoutMs`. */
export function once<T extends unknown[] = unknown[]>(
  emitter: Pick<EventEmitter, 'once' | 'off'>,
  event: string,
  timeoutMs = 3000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onEvent = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args as T);
    };
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`timeout waiting for '${event}'`));
    }, timeoutMs);
    emitter.once(event, onEvent);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(20);
  }
  return check();
}

/** A port free right now on 127.0.0.1 for the protocol (the OS picks it). */
export async function freePort(protocol: 'udp' | 'tcp'): Promise<number> {
  if (protocol === 'udp') {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return port;
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

/** A random small port range high in the ephemeral-free zone, unlikely to collide. */
export function randomPortRange(size = 10): { min: number; max: number } {
  const min = 20000 + Math.floor(Math.random() * 20000);
  return { min, max: min + size - 1 };
}
