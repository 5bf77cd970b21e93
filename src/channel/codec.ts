/**
 * The one message codec both carriers use. Carriers only move the bytes
 * (DESIGN.md: "one codec for both carriers").
 *
 * A frame is a small binary envelope followed by the message's `data` as
 * UTF-8 JSON (absent when the message has none):
 *
 *   request       [1][u32 id][u16 n][method][u16 n][handlerId][json data]
 *   response ok   [2][u32 id][json data]
 *   response err  [3][u32 id][json {name, message, code?}]
 *   notification  [4][u16 n][handlerId][u16 n][event][json data]
 *
 * The envelope is binary because it is on every message: JSON for it alone
 * measured as a quarter of the channel's CPU. `handlerId` is empty for
 * requests to the worker itself. Decoding checks every length, so a corrupt or
 * hostile frame becomes a dropped message (`undefined`), never an exception in
 * the reader's loop.
 */
import type { SerializedError } from '../common/errors.js';
import type { ChannelMessage } from './messages.js';
import { MAX_CHANNEL_MESSAGE_SIZE, checkJsonBounds } from './limits.js';

const REQUEST = 1;
const RESPONSE_OK = 2;
const RESPONSE_ERROR = 3;
const NOTIFICATION = 4;

export function encodeMessage(message: ChannelMessage): Buffer {
  switch (message.t) {
    case 'q': {
      const json = message.data === undefined ? '' : JSON.stringify(message.data);
      const handlerId = message.handlerId ?? '';
      const methodLength = Buffer.byteLength(message.method);
      const handlerLength = Buffer.byteLength(handlerId);
      const jsonLength = Buffer.byteLength(json);
      const frame = Buffer.allocUnsafe(9 + methodLength + handlerLength + jsonLength);
      frame[0] = REQUEST;
      frame.writeUInt32BE(message.id >>> 0, 1);
      frame.writeUInt16BE(methodLength, 5);
      let offset = 7 + frame.write(message.method, 7);
      frame.writeUInt16BE(handlerLength, offset);
      offset += 2 + frame.write(handlerId, offset + 2);
      frame.write(json, offset);
      return frame;
    }
    case 's': {
      const error = message.error !== undefined;
      const payload = error ? message.error : message.data;
      const json = payload === undefined ? '' : JSON.stringify(payload);
      const frame = Buffer.allocUnsafe(5 + Buffer.byteLength(json));
      frame[0] = error ? RESPONSE_ERROR : RESPONSE_OK;
      frame.writeUInt32BE(message.id >>> 0, 1);
      frame.write(json, 5);
      return frame;
    }
    case 'n': {
      const json = message.data === undefined ? '' : JSON.stringify(message.data);
      const handlerLength = Buffer.byteLength(message.handlerId);
      const eventLength = Buffer.byteLength(message.event);
      const frame = Buffer.allocUnsafe(5 + handlerLength + eventLength + Buffer.byteLength(json));
      frame[0] = NOTIFICATION;
      frame.writeUInt16BE(handlerLength, 1);
      let offset = 3 + frame.write(message.handlerId, 3);
      frame.writeUInt16BE(eventLength, offset);
      offset += 2 + frame.write(message.event, offset + 2);
      frame.write(json, offset);
      return frame;
    }
  }
}

/**
 * Why an encoded request breaks the channel's limits (size, and the depth and
 * value count of its JSON, see limits.ts), or undefined when it does not.
 */
export function checkRequestLimits(frame: Uint8Array): string | undefined {
  if (frame.byteLength > MAX_CHANNEL_MESSAGE_SIZE) {
    return `message of ${frame.byteLength} bytes exceeds ${MAX_CHANNEL_MESSAGE_SIZE}`;
  }
  const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const method = readString(bytes, 5);
  const handlerId = method && readString(bytes, method.end);
  return handlerId ? checkJsonBounds(bytes, handlerId.end) : undefined;
}

/**
 * Decodes one frame; `bytes` may be a view into shared memory (it is not
 * retained). With `enforceLimits` (the worker), a request over the limits is
 * not parsed: it comes back with `refused` set so that it can be answered.
 */
export function decodeMessage(
  bytes: Uint8Array,
  enforceLimits = false,
): ChannelMessage | undefined {
  const frame = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    switch (frame[0]) {
      case REQUEST: {
        if (frame.length < 9) return undefined;
        const id = frame.readUInt32BE(1);
        const method = readString(frame, 5);
        if (method === undefined) return undefined;
        const handlerId = readString(frame, method.end);
        if (handlerId === undefined) return undefined;
        const message: ChannelMessage = { t: 'q', id, method: method.value };
        if (handlerId.value !== '') message.handlerId = handlerId.value;
        const refused = enforceLimits ? checkRequestLimits(frame) : undefined;
        if (refused !== undefined) {
          message.refused = refused;
          return message;
        }
        const data = readJson(frame, handlerId.end);
        if (data === INVALID) return undefined;
        if (data !== undefined) message.data = data;
        return message;
      }
      case RESPONSE_OK:
      case RESPONSE_ERROR: {
        if (frame.length < 5) return undefined;
        const id = frame.readUInt32BE(1);
        const payload = readJson(frame, 5);
        if (payload === INVALID) return undefined;
        if (frame[0] === RESPONSE_OK) {
          return payload === undefined ? { t: 's', id } : { t: 's', id, data: payload };
        }
        if (typeof payload !== 'object' || payload === null) return undefined;
        const { name, message, code } = payload as Record<string, unknown>;
        if (typeof message !== 'string') return undefined;
        const error: SerializedError = { name: typeof name === 'string' ? name : 'Error', message };
        if (typeof code === 'string') error.code = code;
        return { t: 's', id, error };
      }
      case NOTIFICATION: {
        const handlerId = readString(frame, 1);
        if (handlerId === undefined) return undefined;
        const event = readString(frame, handlerId.end);
        if (event === undefined) return undefined;
        const data = readJson(frame, event.end);
        if (data === INVALID) return undefined;
        const message: ChannelMessage = { t: 'n', handlerId: handlerId.value, event: event.value };
        if (data !== undefined) message.data = data;
        return message;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

const INVALID = Symbol('invalid');

/** A u16-length-prefixed UTF-8 string at `offset`, and where it ends. */
function readString(frame: Buffer, offset: number): { value: string; end: number } | undefined {
  if (offset + 2 > frame.length) return undefined;
  const length = frame.readUInt16BE(offset);
  const end = offset + 2 + length;
  if (end > frame.length) return undefined;
  return { value: frame.toString('utf8', offset + 2, end), end };
}

/** The JSON from `offset` to the end; undefined when empty, INVALID when malformed. */
function readJson(frame: Buffer, offset: number): unknown {
  if (offset >= frame.length) return undefined;
  try {
    return JSON.parse(frame.toString('utf8', offset)) as unknown;
  } catch {
    return INVALID;
  }
}
