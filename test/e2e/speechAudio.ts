/**
 * A speech-like microphone for Chromium's fake capture (`--use-file-for-fake-audio-capture`):
 * a voiced tone (220 Hz and its octave) that starts and stops three times a second, as
 * syllables do (noise would not do: the browser's noise suppression removes it). Chromium's
 * built-in fake microphone beeps once in a while; the dominant speaker algorithm (Volfin &
 * Cohen) rates a speaker on how many of its recent blocks were active, and a beep is active in
 * too few of them to outweigh a speaker who just stopped: with it a turn change was missed for
 * 20 s in one run of three.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Writes the WAV into `dir` (12 s; Chromium loops it) and returns its path. */
export function writeSpeechLikeWav(dir: string): string {
  const path = join(dir, 'speech.wav');
  const made = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'aevalsrc=0.4*(sin(2*PI*220*t)+0.5*sin(2*PI*440*t))*gt(sin(2*PI*3*t)\\,0):s=48000:d=12',
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      '-y',
      path,
    ],
    { timeout: 30_000 },
  );
  if (made.status !== 0) throw new Error(`ffmpeg: ${String(made.stderr)}`);
  return path;
}

/** The Chromium flag that makes the fake microphone play `path`. */
export function fakeMicrophoneArgs(path: string): string[] {
  return [`--use-file-for-fake-audio-capture=${path}`];
}
