/**
 * GStreamer as a second, independent plain RTP sender (gst-launch-1.0 1.22, recipes in
 * /work/shared/TESTING.md): videotestsrc → vp8enc → rtpvp8pay and audiotestsrc → opusenc →
 * rtpopuspay into udpsink, with the caller's payload types, SSRCs and MTU. Streams to the
 * same host and port go through one funnel into one udpsink, so they leave from one socket
 * (one tuple: what a comedia transport taking both streams needs). No RTCP (no rtpbin).
 */
import { runBounded, type BoundedProcess } from './boundedProcess.js';

export interface GstDestination {
  host?: string;
  port: number;
}

export interface GstVideo {
  payloadType: number;
  ssrc: number;
  destination: GstDestination;
  /** Default 352×288: neither ffmpeg's 320×240 nor the browser's 640×480. */
  width?: number;
  height?: number;
  fps?: number;
}

export interface GstAudio {
  payloadType: number;
  ssrc: number;
  destination: GstDestination;
}

export interface GstSenderOptions {
  /** Seconds of media; udpsink syncs to the clock, so this is real time. */
  durationSec: number;
  video?: GstVideo;
  audio?: GstAudio;
  /** RTP payloader MTU (default 1200; GStreamer's own default is 1400). */
  mtu?: number;
  /** Kill after this long (default duration + 10 s). */
  timeoutMs?: number;
}

const AUDIO_SAMPLES_PER_BUFFER = 960; // 20 ms at 48 kHz

function sink({ host = '127.0.0.1', port }: GstDestination): string[] {
  return ['udpsink', `host=${host}`, `port=${port}`];
}

/** The gst-launch-1.0 arguments for `options` (one token per argument, no shell). */
export function gstSenderArgs(options: GstSenderOptions): string[] {
  const { durationSec, video, audio, mtu = 1200 } = options;
  if (!video && !audio) throw new TypeError('GStreamer sender needs video or audio');
  const shared =
    video !== undefined &&
    audio !== undefined &&
    (video.destination.host ?? '127.0.0.1') === (audio.destination.host ?? '127.0.0.1') &&
    video.destination.port === audio.destination.port;
  const args = ['-q'];
  if (video) {
    const fps = video.fps ?? 30;
    const caps = `video/x-raw,width=${video.width ?? 352},height=${video.height ?? 288},framerate=${fps}/1`;
    args.push(
      'videotestsrc', `num-buffers=${Math.round(durationSec * fps)}`, '!', caps, '!',
      'vp8enc', 'deadline=1', `keyframe-max-dist=${fps}`, '!',
      'rtpvp8pay', `pt=${video.payloadType}`, `ssrc=${video.ssrc >>> 0}`, `mtu=${mtu}`,
      'picture-id-mode=15-bit', '!',
    ); // prettier-ignore
    if (shared) args.push('funnel', 'name=f', '!');
    args.push(...sink(video.destination));
  }
  if (audio) {
    const buffers = Math.round((durationSec * 48000) / AUDIO_SAMPLES_PER_BUFFER);
    args.push(
      'audiotestsrc', `num-buffers=${buffers}`, `samplesperbuffer=${AUDIO_SAMPLES_PER_BUFFER}`,
      '!', 'audio/x-raw,rate=48000', '!', 'audioconvert', '!', 'audioresample', '!',
      'opusenc', '!', 'rtpopuspay', `pt=${audio.payloadType}`, `ssrc=${audio.ssrc >>> 0}`,
      `mtu=${mtu}`, '!',
    ); // prettier-ignore
    if (shared) args.push('f.');
    else args.push(...sink(audio.destination));
  }
  return args;
}

/** Starts gst-launch-1.0; it ends by itself after `durationSec` (rc 0). */
export function startGstSender(options: GstSenderOptions): BoundedProcess {
  const timeoutMs = options.timeoutMs ?? options.durationSec * 1000 + 10_000;
  return runBounded('gst-launch-1.0', gstSenderArgs(options), timeoutMs);
}
