/**
 * The one message codec both carriers use: a message is UTF-8 JSON. Carriers
 * only move the bytes (DESIGN.md: "one codec for both carriers").
 *
 * Decoding validates the envelope, so a corrupt or hostile frame becomes a
 * dropped message (`undefined`), never an exception in the reader's loop.
 */
import type { ChannelMessage } from './messages.js';

export function encodeMessage(message: ChannelMessage): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

/** Decodes one frame; `bytes` may be a view into shared memory (it is not retained). */
export function decodeMessage(bytes: Uint8Array): ChannelMessage | undefined {
  let value: unknown;
  try {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isChannelMessage(value) ? value : undefined;
}

function isChannelMessage(value: unknown): value is ChannelMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.t) {
    case 'q':
      return (
        Number.isInteger(m.id) &&
        typeof m.method === 'string' &&
        (m.handlerId === undefined || typeof m.handlerId === 'string')
      );
    case 's':
      return (
        Number.isInteger(m.id) &&
        (m.error === undefined ||
          (typeof m.error === 'object' &&
            m.error !== null &&
            typeof (m.error as Record<string, unknown>).message === 'string'))
      );
    case 'n':
      return typeof m.handlerId === 'string' && typeof m.event === 'string';
    default:
      return false;
  }
}
