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
 * A request or notification with a payload (raw bytes beside the message:
 * the seed's "payload channel", an RTP or RTCP packet) has its own type, and
 * both its JSON and its payload are length-prefixed, the payload last:
 *
 *   request       [5][u32 id][u16 n][method][u16 n][handlerId][u32 n][json][u32 n][payload]
 *   notification  [6][u16 n][handlerId][u16 n][event][u32 n][json][u32 n][payload]
 *
 * Payload last lets a sender hand the envelope and its own payload buffer to
 * the carrier as two parts (`encodeHead`), which writes both once where it can
 * (the ring copies them straight into shared memory). The payload's length
 * must match the rest of the frame exactly, so a truncated frame is refused
 * rather than delivered short. A decoded payload is a view into the frame,
 * never a copy: it is valid as long as the frame is (see Carrier).
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
const REQUEST_PAYLOAD = 5;
const NOTIFICATION_PAYLOAD = 6;

/** The whole frame, payload included (one buffer). */
export function encodeMessage(message: ChannelMessage): Buffer {
  const head = encodeHead(message);
  const payload = message.t === 's' ? undefined : message.payload;
  return payload === undefined ? head : Buffer.concat([head, payload]);
}

/**
 * The frame up to its payload: the whole frame for a message without one,
 * else the envelope that `message.payload`'s bytes must follow.
 */
export function encodeHead(message: ChannelMessage): Buffer {
  switch (message.t) {
    case 'q': {
      const json = message.data === undefined ? '' : JSON.stringify(message.data);
      const handlerId = message.handlerId ?? '';
      const methodLength = Buffer.byteLength(message.method);
      const handlerLength = Buffer.byteLength(handlerId);
      const jsonLength = Buffer.byteLength(json);
      const withPayload = message.payload !== undefined;
      const frame = Buffer.allocUnsafe(
        9 + methodLength + handlerLength + jsonLength + (withPayload ? 8 : 0),
      );
      frame[0] = withPayload ? REQUEST_PAYLOAD : REQUEST;
      frame.writeUInt32BE(message.id >>> 0, 1);
      frame.writeUInt16BE(methodLength, 5);
      let offset = 7 + frame.write(message.method, 7);
      frame.writeUInt16BE(handlerLength, offset);
      offset += 2 + frame.write(handlerId, offset + 2);
      if (withPayload) writeSections(frame, offset, json, jsonLength, message.payload!);
      else frame.write(json, offset);
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
      // No data, no JSON.stringify: a packet notification costs none.
      const json = message.data === undefined ? '' : JSON.stringify(message.data);
      const handlerLength = Buffer.byteLength(message.handlerId);
      const eventLength = Buffer.byteLength(message.event);
      const jsonLength = json === '' ? 0 : Buffer.byteLength(json);
      const withPayload = message.payload !== undefined;
      const frame = Buffer.allocUnsafe(
        5 + handlerLength + eventLength + jsonLength + (withPayload ? 8 : 0),
      );
      frame[0] = withPayload ? NOTIFICATION_PAYLOAD : NOTIFICATION;
      frame.writeUInt16BE(handlerLength, 1);
      let offset = 3 + frame.write(message.handlerId, 3);
      frame.writeUInt16BE(eventLength, offset);
      offset += 2 + frame.write(message.event, offset + 2);
      if (withPayload) writeSections(frame, offset, json, jsonLength, message.payload!);
      else frame.write(json, offset);
      return frame;
    }
  }
}

/** `[u32 n][json][u32 n]` at `offset`: the payload's bytes follow the frame's head. */
function writeSections(
  frame: Buffer,
  offset: number,
  json: string,
  jsonLength: number,
  payload: Uint8Array,
): void {
  frame.writeUInt32BE(jsonLength, offset);
  if (jsonLength > 0) frame.write(json, offset + 4);
  frame.writeUInt32BE(payload.byteLength, offset + 4 + jsonLength);
}

/**
 * Why a request or notification breaks the channel's limits (size, and the
 * depth and value count of its JSON, see limits.ts), or undefined when it
 * does not. `head` may be the whole frame, or its head with `payloadLength`
 * bytes to follow.
 */
export function checkRequestLimits(head: Uint8Array, payloadLength = 0): string | undefined {
  const size = head.byteLength + payloadLength;
  if (size > MAX_CHANNEL_MESSAGE_SIZE) {
    return `message of ${size} bytes exceeds ${MAX_CHANNEL_MESSAGE_SIZE}`;
  }
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const json = jsonRegion(bytes);
  return json ? checkJsonBounds(bytes, json.start, undefined, undefined, json.end) : undefined;
}

/** Where a request's or notification's JSON lies (end exclusive), if the envelope reads. */
function jsonRegion(frame: Buffer): { start: number; end: number } | undefined {
  const type = frame[0];
  let offset: number;
  if (type === REQUEST || type === REQUEST_PAYLOAD) {
    const method = readString(frame, 5);
    const handlerId = method && readString(frame, method.end);
    if (!handlerId) return undefined;
    offset = handlerId.end;
  } else if (type === NOTIFICATION || type === NOTIFICATION_PAYLOAD) {
    const handlerId = readString(frame, 1);
    const event = handlerId && readString(frame, handlerId.end);
    if (!event) return undefined;
    offset = event.end;
  } else {
    return undefined;
  }
  if (type === REQUEST || type === NOTIFICATION) return { start: offset, end: frame.length };
  if (offset + 4 > frame.length) return undefined;
  const start = offset + 4;
  return { start, end: Math.min(frame.length, start + frame.readUInt32BE(offset)) };
}

/**
 * Decodes one frame; `bytes` may be a view into shared memory (it is not
 * retained, except by a payload, which is a view into it). With
 * `enforceLimits` (the worker), a request over the limits is not parsed: it
 * comes back with `refused` set so that it can be answered; a notification
 * over them is dropped.
 */
export function decodeMessage(
  bytes: Uint8Array,
  enforceLimits = false,
): ChannelMessage | undefined {
  const frame = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    switch (frame[0]) {
      case REQUEST:
      case REQUEST_PAYLOAD: {
        if (frame.length < 9) return undefined;
        const id = frame.readUInt32BE(1);
        const method = readString(frame, 5);
        if (method === undefined) return undefined;
        const handlerId = readString(frame, method.end);
        if (handlerId === undefined) return undefined;
        const sections = readSections(frame, handlerId.end);
        if (sections === undefined) return undefined;
        const message: ChannelMessage = { t: 'q', id, method: method.value };
        if (handlerId.value !== '') message.handlerId = handlerId.value;
        const refused = enforceLimits ? refusal(frame, sections) : undefined;
        if (refused !== undefined) {
          message.refused = refused;
          return message;
        }
        const data = readJson(frame, sections.jsonStart, sections.jsonEnd);
        if (data === INVALID) return undefined;
        if (data !== undefined) message.data = data;
        if (sections.payload !== undefined) message.payload = sections.payload;
        return message;
      }
      case RESPONSE_OK:
      case RESPONSE_ERROR: {
        if (frame.length < 5) return undefined;
        const id = frame.readUInt32BE(1);
        const payload = readJson(frame, 5, frame.length);
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
      case NOTIFICATION:
      case NOTIFICATION_PAYLOAD: {
        const handlerId = readString(frame, 1);
        if (handlerId === undefined) return undefined;
        const event = readString(frame, handlerId.end);
        if (event === undefined) return undefined;
        const sections = readSections(frame, event.end);
        if (sections === undefined) return undefined;
        if (enforceLimits && refusal(frame, sections) !== undefined) return undefined;
        const data = readJson(frame, sections.jsonStart, sections.jsonEnd);
        if (data === INVALID) return undefined;
        const message: ChannelMessage = { t: 'n', handlerId: handlerId.value, event: event.value };
        if (data !== undefined) message.data = data;
        if (sections.payload !== undefined) message.payload = sections.payload;
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

/** Why a decoded frame breaks the limits, from the sections already read. */
function refusal(frame: Buffer, sections: Sections): string | undefined {
  if (frame.length > MAX_CHANNEL_MESSAGE_SIZE) {
    return `message of ${frame.length} bytes exceeds ${MAX_CHANNEL_MESSAGE_SIZE}`;
  }
  if (sections.jsonStart >= sections.jsonEnd) return undefined;
  return checkJsonBounds(frame, sections.jsonStart, undefined, undefined, sections.jsonEnd);
}

interface Sections {
  jsonStart: number;
  jsonEnd: number;
  payload?: Buffer;
}

/**
 * The JSON and payload after the envelope at `offset`: JSON to the end for
 * the plain types; for the payload types, both length-prefixed, the payload
 * ending exactly at the frame's end.
 */
function readSections(frame: Buffer, offset: number): Sections | undefined {
  const type = frame[0];
  if (type !== REQUEST_PAYLOAD && type !== NOTIFICATION_PAYLOAD) {
    return { jsonStart: offset, jsonEnd: frame.length };
  }
  if (offset + 4 > frame.length) return undefined;
  const jsonStart = offset + 4;
  const jsonEnd = jsonStart + frame.readUInt32BE(offset);
  if (jsonEnd + 4 > frame.length) return undefined;
  const payloadStart = jsonEnd + 4;
  if (payloadStart + frame.readUInt32BE(jsonEnd) !== frame.length) return undefined;
  return { jsonStart, jsonEnd, payload: frame.subarray(payloadStart) };
}

/** A u16-length-prefixed UTF-8 string at `offset`, and where it ends. */
function readString(frame: Buffer, offset: number): { value: string; end: number } | undefined {
  if (offset + 2 > frame.length) return undefined;
  const length = frame.readUInt16BE(offset);
  const end = offset + 2 + length;
  if (end > frame.length) return undefined;
  return { value: frame.toString('utf8', offset + 2, end), end };
}

/** The JSON in [start, end); undefined when empty, INVALID when malformed. */
function readJson(frame: Buffer, start: number, end: number): unknown {
  if (start >= end) return undefined;
  try {
    return JSON.parse(frame.toString('utf8', start, end)) as unknown;
  } catch {
    return INVALID;
  }
}
