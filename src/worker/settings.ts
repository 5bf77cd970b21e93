/**
 * Worker settings as they reach the worker runtime. The control layer
 * validates them first; the worker checks them again because it never trusts
 * what crosses the channel.
 */

import { checkRequestList } from '../channel/limits.js';

export type WorkerLogLevel = 'debug' | 'warn' | 'error' | 'none';

export type WorkerLogTag =
  | 'info'
  | 'ice'
  | 'dtls'
  | 'rtp'
  | 'srtp'
  | 'rtcp'
  | 'rtx'
  | 'bwe'
  | 'score'
  | 'simulcast'
  | 'svc'
  | 'sctp'
  | 'message';

export const WORKER_LOG_LEVELS: readonly WorkerLogLevel[] = ['debug', 'warn', 'error', 'none'];

export const WORKER_LOG_TAGS: readonly WorkerLogTag[] = [
  'info',
  'ice',
  'dtls',
  'rtp',
  'srtp',
  'rtcp',
  'rtx',
  'bwe',
  'score',
  'simulcast',
  'svc',
  'sctp',
  'message',
];

export interface RuntimeSettings {
  logLevel: WorkerLogLevel;
  logTags: WorkerLogTag[];
  rtcMinPort: number;
  rtcMaxPort: number;
  dtlsCertificateFile?: string;
  dtlsPrivateKeyFile?: string;
}

/** Throws TypeError naming the first bad field. */
export function validateLogSettings(settings: { logLevel?: unknown; logTags?: unknown }): void {
  if (
    settings.logLevel !== undefined &&
    !WORKER_LOG_LEVELS.includes(settings.logLevel as WorkerLogLevel)
  ) {
    throw new TypeError(`invalid logLevel: ${JSON.stringify(settings.logLevel)}`);
  }
  if (settings.logTags !== undefined) {
    checkRequestList(settings.logTags, 'logTags');
    for (const tag of settings.logTags) {
      if (!WORKER_LOG_TAGS.includes(tag as WorkerLogTag)) {
        throw new TypeError(`invalid logTag: ${String(tag)}`);
      }
    }
  }
}

/** Throws TypeError naming the first bad field. */
export function validateRuntimeSettings(settings: unknown): RuntimeSettings {
  if (typeof settings !== 'object' || settings === null) {
    throw new TypeError('worker settings must be an object');
  }
  const s = settings as Record<string, unknown>;
  validateLogSettings(s);
  for (const key of ['rtcMinPort', 'rtcMaxPort'] as const) {
    const port = s[key];
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
      throw new TypeError(`${key} must be an integer in 1..65535`);
    }
  }
  if ((s.rtcMinPort as number) > (s.rtcMaxPort as number)) {
    throw new TypeError('rtcMinPort cannot be greater than rtcMaxPort');
  }
  for (const key of ['dtlsCertificateFile', 'dtlsPrivateKeyFile'] as const) {
    if (s[key] !== undefined && (typeof s[key] !== 'string' || s[key] === '')) {
      throw new TypeError(`${key} must be a non-empty string`);
    }
  }
  if ((s.dtlsCertificateFile === undefined) !== (s.dtlsPrivateKeyFile === undefined)) {
    throw new TypeError('dtlsCertificateFile and dtlsPrivateKeyFile go together');
  }
  return {
    logLevel: (s.logLevel as WorkerLogLevel | undefined) ?? 'error',
    logTags: (s.logTags as WorkerLogTag[] | undefined) ?? [],
    rtcMinPort: s.rtcMinPort as number,
    rtcMaxPort: s.rtcMaxPort as number,
    dtlsCertificateFile: s.dtlsCertificateFile as string | undefined,
    dtlsPrivateKeyFile: s.dtlsPrivateKeyFile as string | undefined,
  };
}
