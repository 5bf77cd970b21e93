/**
 * The application's settings, read from the environment as a deployed demo server reads them:
 * unset variables stay undefined, and the numbers are converted where they are used (so an
 * unset port reaches the SFU as Number(undefined), NaN).
 */
import { cpus } from 'node:os';
import type { types } from './sfu.js';

export interface DemoConfig {
  http: { listenIp: string; listenPort: string | number };
  mediasoup: {
    numWorkers: number;
    workerSettings: {
      dtlsCertificateFile: string | undefined;
      dtlsPrivateKeyFile: string | undefined;
      logLevel: types.WorkerLogLevel;
      logTags: types.WorkerLogTag[];
      rtcMinPort: string | undefined;
      rtcMaxPort: string | undefined;
      disableLiburing: boolean;
    };
    routerOptions: { mediaCodecs: types.RouterRtpCodecCapability[] };
    webRtcServerOptions: { listenInfos: types.TransportListenInfo[] };
    webRtcTransportOptions: {
      listenInfos: types.TransportListenInfo[];
      initialAvailableOutgoingBitrate: number;
      minimumAvailableOutgoingBitrate: number;
      maxSctpMessageSize: number;
      /** Not a transport option: the room applies it with setMaxIncomingBitrate(). */
      maxIncomingBitrate: number;
    };
    plainTransportOptions: {
      listenInfo: types.TransportListenInfo;
      maxSctpMessageSize: number;
    };
  };
}

export function makeConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const listenIp = env.MEDIASOUP_LISTEN_IP || '0.0.0.0';
  const announcedAddress = env.MEDIASOUP_ANNOUNCED_IP;
  const portRange = {
    min: Number(env.MEDIASOUP_MIN_PORT) || 40000,
    max: Number(env.MEDIASOUP_MAX_PORT) || 49999,
  };
  const webRtcServerPort = Number(env.MEDIASOUP_WEBRTC_SERVER_PORT) || 44444;
  return {
    http: {
      listenIp: env.DEMOAPP_HTTP_IP || '0.0.0.0',
      listenPort: env.DEMOAPP_HTTP_PORT || 4443,
    },
    mediasoup: {
      numWorkers: Number(env.DEMOAPP_WORKERS) || cpus().length,
      workerSettings: {
        dtlsCertificateFile: env.WORKER_CERT_FULLCHAIN,
        dtlsPrivateKeyFile: env.WORKER_CERT_PRIVKEY,
        logLevel: 'warn',
        logTags: [
          'info', 'ice', 'dtls', 'rtp', 'srtp', 'rtcp', 'rtx', 'bwe', 'score', 'simulcast',
          'svc', 'sctp',
        ], // prettier-ignore
        rtcMinPort: env.MEDIASOUP_RTC_MIN_PORT,
        rtcMaxPort: env.MEDIASOUP_RTC_MAX_PORT,
        disableLiburing: false,
      },
      routerOptions: {
        mediaCodecs: [
          { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
          {
            kind: 'video',
            mimeType: 'video/VP8',
            clockRate: 90000,
            parameters: { 'x-google-start-bitrate': 1000 },
          },
          {
            kind: 'video',
            mimeType: 'video/VP9',
            clockRate: 90000,
            parameters: { 'profile-id': 2, 'x-google-start-bitrate': 1000 },
          },
          {
            kind: 'video',
            mimeType: 'video/h264',
            clockRate: 90000,
            parameters: {
              'packetization-mode': 1,
              'profile-level-id': '4d0032',
              'level-asymmetry-allowed': 1,
              'x-google-start-bitrate': 1000,
            },
          },
          {
            kind: 'video',
            mimeType: 'video/h264',
            clockRate: 90000,
            parameters: {
              'packetization-mode': 1,
              'profile-level-id': '42e01f',
              'level-asymmetry-allowed': 1,
              'x-google-start-bitrate': 1000,
            },
          },
        ],
      },
      // One server per worker: the room code adds the worker's index to these ports.
      webRtcServerOptions: {
        listenInfos: [
          { protocol: 'udp', ip: listenIp, announcedAddress, port: webRtcServerPort },
          { protocol: 'tcp', ip: listenIp, announcedAddress, port: webRtcServerPort },
        ],
      },
      // Used only without a WebRtcServer; given beside it as deployed configurations do.
      webRtcTransportOptions: {
        listenInfos: [
          { protocol: 'udp', ip: listenIp, announcedAddress, portRange },
          { protocol: 'tcp', ip: listenIp, announcedAddress, portRange },
        ],
        initialAvailableOutgoingBitrate: 1000000,
        minimumAvailableOutgoingBitrate: 600000,
        maxSctpMessageSize: 262144,
        maxIncomingBitrate: 1500000,
      },
      plainTransportOptions: {
        listenInfo: { protocol: 'udp', ip: listenIp, announcedAddress, portRange },
        maxSctpMessageSize: 262144,
      },
    },
  };
}
