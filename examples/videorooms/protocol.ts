/**
 * The signaling messages of PROTOCOL.md: parsing and validation of what a
 * client sends (never trusted), and the shapes of what the server sends.
 */

export const MAX_MESSAGE_BYTES = 64 * 1024;

export type ErrorCode =
  | 'bad-json'
  | 'bad-request'
  | 'too-large'
  | 'not-joined'
  | 'already-joined'
  | 'not-found'
  | 'unsupported'
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
  if (typeof body.type !== 'string')
    throw new ProtocolError('bad-request', 'type must be a string');
  return { id: body.id as number, type: body.type, body };
}

/** The id of a request that failed to parse, if one can be read, for the error reply. */
export function requestIdOf(text: string): number | null {
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
