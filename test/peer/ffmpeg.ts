/**
 * ffmpeg as a plain RTP peer (Debian's ffmpeg 5.1, recipes in /work/shared/TESTING.md):
 * a sender of a lavfi test picture (VP8 or H264) and a sine tone (opus) with the SSRCs and
 * payload types the caller gives (so a test can build the producer's rtpParameters), a
 * recorder that reads an SDP file and writes what arrives to a file, and ffprobe's view of
 * that file. Every run is bounded in time (boundedProcess.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runBounded, type BoundedProcess, type ProcessExit } from './boundedProcess.js';
import { receiverSdp, type SdpCrypto, type SdpStream } from './rtpSdp.js';
import { waitForUdpListeners } from './udpPorts.js';

/**
 * Where one stream goes.
 * - `rtp`: ffmpeg's rtp:// (srtp:// with SRTP): RTP from one local socket, RTCP from another
 *   (RTCP to `rtcpPort`; `rtcpPort` = `port`, the default, muxes it on the RTP port).
 * - `udp`: RTP and RTCP from the one socket bound to `localPort` (reuse=1, so several streams
 *   can share it): what a comedia transport taking every stream on one tuple needs. No SRTP.
 */
export type RtpOutput =
  | {
      via: 'rtp';
      ip?: string;
      port: number;
      rtcpPort?: number;
      localPort?: number;
      localRtcpPort?: number;
    }
  | { via: 'udp'; ip?: string; port: number; localPort: number };

export interface FfmpegVideo {
  codec: 'vp8' | 'h264';
  payloadType: number;
  ssrc: number;
  output: RtpOutput;
  /** Default 320×240 (not the browser's 640×480, so a test knows whose frames it sees). */
  width?: number;
  height?: number;
  /** Default 30; a key frame every 30 frames (-g 30) so a late receiver starts within 1 s. */
  fps?: number;
}

export interface FfmpegAudio {
  payloadType: number;
  ssrc: number;
  output: RtpOutput;
}

/** ffmpeg's SDES-style SRTP output; both suites take 30 bytes (16 key + 14 salt) in base64. */
export interface FfmpegSrtp {
  suite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';
  keyBase64: string;
}

export interface FfmpegSenderOptions {
  /** Seconds of media; ffmpeg sends in real time (-re) and then exits. */
  durationSec: number;
  video?: FfmpegVideo;
  audio?: FfmpegAudio;
  /** Applied to every stream (one transport, one key, as mediasoup's srtpParameters). */
  srtp?: FfmpegSrtp;
  /** -rtpflags skip_rtcp: no RTCP at all (a comedia transport then locks onto the RTP socket). */
  skipRtcp?: boolean;
  /** Largest RTP packet (default 1200, below Skein's and Chromium's limits). */
  packetSize?: number;
  /** Kill after this long (default duration + 10 s). */
  timeoutMs?: number;
}

const H264_ARGS = [
  '-c:v', 'libx264', '-profile:v', 'baseline', '-level:v', '3.1', '-preset', 'ultrafast',
  '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-bf', '0',
]; // prettier-ignore
const VP8_ARGS = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '500k'];

function outputUrl(output: RtpOutput, srtp: boolean, packetSize: number): string {
  const ip = output.ip ?? '127.0.0.1';
  if (output.via === 'udp') {
    if (srtp) throw new TypeError("ffmpeg's SRTP output needs via: 'rtp'");
    return `udp://${ip}:${output.port}?localport=${output.localPort}&reuse=1&pkt_size=${packetSize}`;
  }
  const query = [`rtcpport=${output.rtcpPort ?? output.port}`, `pkt_size=${packetSize}`];
  if (output.localPort !== undefined) query.push(`localrtpport=${output.localPort}`);
  if (output.localRtcpPort !== undefined) query.push(`localrtcpport=${output.localRtcpPort}`);
  return `${srtp ? 'srtp' : 'rtp'}://${ip}:${output.port}?${query.join('&')}`;
}

/** The ffmpeg command line for `options` (exported so a README recipe can match it). */
export function ffmpegSenderArgs(options: FfmpegSenderOptions): string[] {
  const { durationSec, video, audio, srtp, skipRtcp = false, packetSize = 1200 } = options;
  if (!video && !audio) throw new TypeError('ffmpeg sender needs video or audio');
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  const duration = String(durationSec);
  // -re and -t go before each input: with one -re the audio ran many times real time.
  if (video) {
    const size = `${video.width ?? 320}x${video.height ?? 240}`;
    const source = `testsrc=size=${size}:rate=${video.fps ?? 30}`;
    args.push('-re', '-t', duration, '-f', 'lavfi', '-i', source);
  }
  if (audio) {
    const source = 'sine=frequency=440:sample_rate=48000';
    args.push('-re', '-t', duration, '-f', 'lavfi', '-i', source);
  }
  const rtpArgs = (payloadType: number, ssrc: number, output: RtpOutput): string[] => {
    // ffmpeg's -ssrc is a signed 32-bit option: SSRCs from 2^31 up go as their negative twin.
    const out = ['-ssrc', String(ssrc | 0), '-payload_type', String(payloadType)];
    if (skipRtcp) out.push('-rtpflags', 'skip_rtcp');
    if (srtp) out.push('-srtp_out_suite', srtp.suite, '-srtp_out_params', srtp.keyBase64);
    out.push('-f', 'rtp', outputUrl(output, srtp !== undefined, packetSize));
    return out;
  };
  if (video) {
    args.push('-map', '0:v', ...(video.codec === 'h264' ? H264_ARGS : VP8_ARGS));
    args.push('-g', '30', ...rtpArgs(video.payloadType, video.ssrc, video.output));
  }
  if (audio) {
    args.push('-map', `${video ? 1 : 0}:a`, '-c:a', 'libopus', '-ac', '2', '-b:a', '64k');
    args.push(...rtpArgs(audio.payloadType, audio.ssrc, audio.output));
  }
  return args;
}

/** Starts ffmpeg sending; it ends by itself after `durationSec` (rc 0). */
export function startFfmpegSender(options: FfmpegSenderOptions): BoundedProcess {
  const timeoutMs = options.timeoutMs ?? options.durationSec * 1000 + 10_000;
  return runBounded('ffmpeg', ffmpegSenderArgs(options), timeoutMs);
}

/** The rtpParameters-relevant facts of a stream ffmpeg sends (for the SDP / producer). */
export const FFMPEG_CODECS = {
  vp8: { kind: 'video', codecName: 'VP8', mimeType: 'video/VP8', clockRate: 90000 },
  h264: {
    kind: 'video',
    codecName: 'H264',
    mimeType: 'video/H264',
    clockRate: 90000,
    // What ffmpeg's baseline -level 3.1 stream is (SPS 42c01f), packetization-mode 1.
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
  opus: { kind: 'audio', codecName: 'opus', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
} as const;

export interface FfmpegRecorderOptions {
  /** One stream per port pair (see rtpSdp.ts). */
  streams: readonly SdpStream[];
  /** The file to write; the extension picks the container (.webm for VP8/opus, .mkv for H264). */
  outPath: string;
  /** Seconds of media to write (-t): ffmpeg then ends at once with a valid file. */
  durationSec: number;
  /** The sender's address (default 127.0.0.1). */
  ip?: string;
  /** SDES key when the sender protects RTP with SRTP. */
  crypto?: SdpCrypto;
  /** Kill after this long (default duration + 15 s). */
  timeoutMs?: number;
}

export interface FfmpegRecorder {
  readonly process: BoundedProcess;
  /** Resolves once ffmpeg listens on every stream's port (send only after this). */
  readonly ready: Promise<void>;
  /** Resolves when ffmpeg has exited and its SDP file is removed. */
  readonly done: Promise<ProcessExit>;
}

/** Writes the SDP file and starts ffmpeg reading it, copying every stream into `outPath`. */
export async function startFfmpegRecorder(options: FfmpegRecorderOptions): Promise<FfmpegRecorder> {
  const dir = await mkdtemp(join(tmpdir(), 'skein-ffmpeg-sdp-'));
  const sdpPath = join(dir, 'in.sdp');
  const sdp = receiverSdp({ ip: options.ip, streams: options.streams, crypto: options.crypto });
  await writeFile(sdpPath, sdp);
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-protocol_whitelist', 'file,udp,rtp', '-i', sdpPath,
    '-map', '0', '-c', 'copy', '-t', String(options.durationSec), '-y', options.outPath,
  ]; // prettier-ignore
  const timeoutMs = options.timeoutMs ?? options.durationSec * 1000 + 15_000;
  const child = runBounded('ffmpeg', args, timeoutMs);
  const done = child.exited.finally(() => rm(dir, { recursive: true, force: true }));
  const ports = options.streams.map((stream) => stream.port);
  // Fail fast (not after the wait) when ffmpeg exits before listening, e.g. a bad SDP.
  const ready = Promise.race([
    waitForUdpListeners(ports, 5000),
    child.exited.then((exit) => {
      throw new Error(`ffmpeg recorder exited before listening: ${exit.stderr}`);
    }),
  ]);
  ready.catch(() => undefined);
  return { process: child, ready, done };
}

export interface ProbedStream {
  codecType: string;
  codecName: string;
  width?: number;
  height?: number;
  /** Frames ffprobe decoded (-count_frames). */
  frames: number;
}

interface FfprobeJson {
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    nb_read_frames?: string;
  }[];
}

/** ffprobe's per-stream view of a media file (codec, size, frames counted by decoding). */
export function probeMedia(path: string, timeoutMs = 15_000): Promise<ProbedStream[]> {
  const args = [
    '-v', 'error', '-count_frames', '-of', 'json',
    '-show_entries', 'stream=codec_type,codec_name,width,height,nb_read_frames', path,
  ]; // prettier-ignore
  return new Promise((resolve, reject) => {
    execFile('ffprobe', args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout) => {
      if (error) {
        reject(new Error(`ffprobe ${path}: ${error.message}`));
        return;
      }
      try {
        const parsed = JSON.parse(stdout) as FfprobeJson;
        resolve(
          (parsed.streams ?? []).map((s) => ({
            codecType: s.codec_type ?? '',
            codecName: s.codec_name ?? '',
            ...(s.width !== undefined ? { width: s.width } : {}),
            ...(s.height !== undefined ? { height: s.height } : {}),
            frames: Number(s.nb_read_frames ?? 0),
          })),
        );
      } catch (parseError) {
        reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
      }
    });
  });
}
