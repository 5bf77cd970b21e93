/**
 * The signaling messages of PROTOCOL.md: parsing and validation of what a
 * client sends (never trusted), and the shapes of what the server sends.
 */

export const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Nesting of arrays and objects a message may have. Real messages reach 6
 * (rtpParameters.codecs[].rtcpFeedback[]); deeper ones are refused before
 * parsing, so no recursive code downstream can overflow the stack.
 */
export const MAX_DEPTH = 16;

/** Request types are short names; a long one is refused without echoing it. */
const MAX_TYPE_LENGTH = 32;

export type ErrorCode =
  | 'bad-json'
  | 'bad-request'
  | 'too-large'
  | 'not-joined'
  | 'already-joined'
  | 'not-found'
  | 'unsupported'
  | 'limit'
  | 'rate-limited'
  | 'internal';

export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ClientRequest {
  id: number;
  type: string;
  body: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Parses one text frame into a request; throws ProtocolError (with the id when known). */
export function parseRequest(text: string): ClientRequest {
  if (nestingDepth(text) > MAX_DEPTH) {
    throw new ProtocolError('bad-request', `message nests deeper than ${MAX_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError('bad-json', 'message is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('bad-request', 'message must be a JSON object');
  }
  const body = value as Record<string, unknown>;
  if (!Number.isSafeInteger(body.id)) {
    throw new ProtocolError('bad-request', 'id must be an integer');
  }
  if (typeof body.type !== 'string' || body.type.length > MAX_TYPE_LENGTH) {
    throw new ProtocolError('bad-request', `type must be a string of at most ${MAX_TYPE_LENGTH}`);
  }
  return { id: body.id as number, type: body.type, body };
}

/**
 * The deepest nesting of `[` and `{` in JSON text, outside strings: one
 * linear pass, no recursion (a stopped count is enough for the check).
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

/** The id of a request that failed to parse, if one can be read, for the error reply. */
export function requestIdOf(text: string): number | null {
  // V8's JSON.parse does not recurse, so deep text is safe to read here.
  try {
    const value = JSON.parse(text) as { id?: unknown };
    return Number.isSafeInteger(value?.id) ? (value.id as number) : null;
  } catch {
    return null;
  }
}

export function roomIdField(body: Record<string, unknown>): string {
  const roomId = body.roomId;
  if (typeof roomId !== 'string' || !NAME.test(roomId)) {
    throw new ProtocolError('bad-request', 'roomId must be 1-64 characters of [A-Za-z0-9_-]');
  }
  return roomId;
}

export function displayNameField(body: Record<string, unknown>): string {
  const name = body.displayName;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 64) {
    throw new ProtocolError('bad-request', 'displayName must be 1-64 characters');
  }
  return name.trim();
}

export function stringField(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    throw new ProtocolError('bad-request', `${field} must be a non-empty string`);
  }
  return value;
}

export function objectField(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = body[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('bad-request', `${field} must be an object`);
  }
  return value as Record<string, unknown>;
}

export function kindField(body: Record<string, unknown>): 'audio' | 'video' {
  if (body.kind !== 'audio' && body.kind !== 'video') {
    throw new ProtocolError('bad-request', 'kind must be audio or video');
  }
  return body.kind;
}

/** An optional data channel label or protocol: a string of at most 64 characters. */
export function labelField(body: Record<string, unknown>, field: string): string {
  const value = body[field] ?? '';
  if (typeof value !== 'string' || value.length > 64) {
    throw new ProtocolError('bad-request', `${field} must be a string of at most 64 characters`);
  }
  return value;
}

/**
 * An optional list field of a client object, at most `max` long: absent is
 * fine (the library fills it), anything but an array is a bad-request.
 */
export function checkListField(
  value: Record<string, unknown>,
  field: string,
  max: number,
  where: string,
): void {
  const list = value[field];
  if (list === undefined) return;
  if (!Array.isArray(list))
    throw new ProtocolError('bad-request', `${where}.${field} must be an array`);
  if (list.length > max) {
    throw new ProtocolError('bad-request', `${where}.${field} is limited to ${max} entries`);
  }
}

/** An integer field in [min, max]. */
export function integerField(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
): number {
  const value = body[field];
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new ProtocolError('bad-request', `${field} must be an integer in [${min}, ${max}]`);
  }
  return value as number;
}

/** What a producer carries: the microphone, the camera or a shared screen. */
export type MediaSource = 'mic' | 'camera' | 'screen';

/**
 * `appData.source` of a `produce`: 'mic' for audio, 'camera' (the default)
 * or 'screen' for video; anything else is a bad-request.
 */
export function sourceField(appData: unknown, kind: 'audio' | 'video'): MediaSource {
  const source =
    typeof appData === 'object' && appData !== null && !Array.isArray(appData)
      ? (appData as Record<string, unknown>).source
      : undefined;
  if (source === undefined) return kind === 'audio' ? 'mic' : 'camera';
  if (kind === 'audio' && source === 'mic') return source;
  if (kind === 'video' && (source === 'camera' || source === 'screen')) return source;
  throw new ProtocolError(
    'bad-request',
    `appData.source must be ${kind === 'audio' ? "'mic'" : "'camera' or 'screen'"}`,
  );
}
