/**
 * One WebSocket connection: its participant, its message budget (a token
 * bucket: over the rate a message gets `rate-limited`, and a client that
 * keeps sending over it is closed), its request queue (one request at a
 * time, in order, a bounded number and size waiting) and bounded sends (a reader too
 * slow to take what it is sent is closed).
 */
import type { RawData, WebSocket } from 'ws';
import type { Limits } from './config.js';
import type { RateLimitedLog } from './log.js';
import { Participant, toProtocolError } from './Participant.js';
import { MAX_MESSAGE_BYTES, ProtocolError, parseRequest, requestIdOf } from './protocol.js';
import type { RoomsRegistry } from './RoomsRegistry.js';
import { TokenBucket } from './TokenBucket.js';

/**
 * Bytes of requests waiting behind the one being handled (their count is
 * bounded by the burst): more are refused, so a connection holds at most this.
 */
const MAX_QUEUED_BYTES = 1024 * 1024;

/** WebSocket close codes (RFC 6455 §7.4.1). */
const POLICY_VIOLATION = 1008;
const MESSAGE_TOO_BIG = 1009;

export function serveSession(
  ws: WebSocket,
  registry: RoomsRegistry,
  limits: Limits,
  log: RateLimitedLog,
): void {
  const send = (message: unknown): void => sendBounded(ws, message, limits.maxSendBufferBytes);
  const participant = new Participant(send, registry, limits);
  const bucket = new TokenBucket(limits.messageRate, limits.messageBurst);
  // Over-rate messages in a row; a burst's worth of them means the client ignores the replies.
  let strikes = 0;
  let queued = 0;
  let queuedBytes = 0;
  let queue: Promise<void> = Promise.resolve();
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (size > MAX_MESSAGE_BYTES) {
      reply(
        send,
        null,
        new ProtocolError('too-large', `messages are limited to ${MAX_MESSAGE_BYTES} bytes`),
      );
      ws.close(MESSAGE_TOO_BIG, 'message too large');
      return;
    }
    const text = isBinary ? '' : rawToString(data);
    const full = queued >= limits.messageBurst || queuedBytes + size > MAX_QUEUED_BYTES;
    if (full || !bucket.take()) {
      if (++strikes >= limits.messageBurst) {
        ws.close(POLICY_VIOLATION, 'message rate exceeded');
        return;
      }
      // The id lets the client fail that one request; reading it is bounded by the strikes.
      reply(
        send,
        requestIdOf(text),
        new ProtocolError('rate-limited', `at most ${limits.messageRate} messages per second`),
      );
      return;
    }
    strikes = 0;
    queued++;
    queuedBytes += size;
    queue = queue.then(async () => {
      let id: number | null = requestIdOf(text);
      try {
        const request = parseRequest(text);
        id = request.id;
        const result = await participant.handle(request);
        send({ type: 'response', id, ok: true, data: result });
      } catch (error) {
        const protocolError = toProtocolError(error);
        if (protocolError.code === 'internal') {
          log.line(
            `videorooms: internal error for participant ${participant.id}: ${protocolError.message}`,
          );
        }
        reply(send, id, protocolError);
      } finally {
        queued--;
        queuedBytes -= size;
      }
    });
  });
  ws.on('close', () => {
    void queue.then(() => participant.leave());
  });
  ws.on('error', () => ws.terminate());
}

function reply(send: (message: unknown) => void, id: number | null, error: ProtocolError): void {
  send({ type: 'response', id, ok: false, error: { code: error.code, message: error.message } });
}

/**
 * Sends unless the socket already holds `maxBuffered` bytes its peer has not
 * taken: then the peer is too slow (or gone), and the socket is closed.
 */
export function sendBounded(
  ws: Pick<WebSocket, 'readyState' | 'OPEN' | 'bufferedAmount' | 'send' | 'terminate'>,
  message: unknown,
  maxBuffered: number,
): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > maxBuffered) {
    ws.terminate();
    return;
  }
  ws.send(JSON.stringify(message));
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
