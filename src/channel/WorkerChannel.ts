/**
 * The worker side of a channel: receives requests, answers each with a
 * response (data or a serialized typed error), and sends notifications.
 */
import { ChannelMessageTooLargeError, serializeError } from '../common/errors.js';
import type { Carrier } from './carriers/Carrier.js';
import { decodeMessage, encodeHead, encodeMessage } from './codec.js';
import { MAX_CHANNEL_MESSAGE_SIZE } from './limits.js';
import type { ChannelMessage, NotificationMessage, RequestMessage } from './messages.js';

/** Longest error message sent back (characters). */
const MAX_ERROR_MESSAGE = 1024;

/**
 * A request's or notification's `payload` is a view valid only during the
 * call unless `payloadsOutliveCall`: copy what must be kept.
 */
export type RequestHandler = (request: RequestMessage) => unknown;

/** Handles a notification from the host; nothing is answered. */
export type NotificationHandler = (notification: NotificationMessage) => void;

export class WorkerChannel {
  readonly #carrier: Carrier;
  #closed = false;
  /** Frames that did not decode or were too large: counted, never fatal. */
  droppedFrames = 0;
  /** Notifications not sent because they would break the channel's limits. */
  droppedNotifications = 0;
  /** Notifications from the host whose handler threw (logged by nobody else). */
  failedNotifications = 0;

  constructor(carrier: Carrier) {
    this.#carrier = carrier;
  }

  /** What this end dropped, the carrier's oversized frames included (for worker.dump). */
  get drops(): { frames: number; notifications: number } {
    return {
      frames: this.droppedFrames + (this.#carrier.droppedFrames ?? 0),
      notifications: this.droppedNotifications,
    };
  }

  /** Whether an incoming payload stays valid after its handler returns. */
  get payloadsOutliveCall(): boolean {
    return this.#carrier.framesOutliveDelivery;
  }

  /**
   * Starts serving. Requests and notifications are handled in the order they
   * were sent, each synchronously as its frame is read.
   */
  start(handler: RequestHandler, onNotification?: NotificationHandler): void {
    this.#carrier.start((frame) => {
      // A carrier delivers at most MAX_CHANNEL_MESSAGE_SIZE; a MessagePort does not check.
      const message =
        frame.byteLength <= MAX_CHANNEL_MESSAGE_SIZE ? decodeMessage(frame, true) : undefined;
      if (message?.t === 'n' && onNotification) {
        try {
          onNotification(message);
        } catch {
          this.failedNotifications++;
        }
        return;
      }
      if (message?.t !== 'q') {
        this.droppedFrames++;
        return;
      }
      if (message.refused !== undefined) {
        this.#respondError(
          message.id,
          new ChannelMessageTooLargeError(`${message.refused} [method:${message.method}]`),
        );
        return;
      }
      this.#handle(handler, message);
    });
  }

  /** `payload` (raw bytes beside `data`) is copied before this returns. */
  notify(handlerId: string, event: string, data?: unknown, payload?: Uint8Array): void {
    if (this.#closed) return;
    const head = this.#encode({ t: 'n', handlerId, event, data, payload });
    if (!head) this.droppedNotifications++;
    else if (payload === undefined) this.#carrier.send(head);
    else this.#carrier.sendWithPayload(head, payload);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#carrier.close();
  }

  #handle(handler: RequestHandler, request: RequestMessage): void {
    let result: unknown;
    try {
      result = handler(request);
    } catch (error) {
      this.#respondError(request.id, error);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (data: unknown) => this.#respond(request.id, data),
        (error: unknown) => this.#respondError(request.id, error),
      );
    } else {
      this.#respond(request.id, result);
    }
  }

  #respond(id: number, data: unknown): void {
    if (this.#closed) return;
    const frame = this.#encode({ t: 's', id, data });
    if (frame) this.#carrier.send(frame);
    else {
      this.#respondError(
        id,
        new ChannelMessageTooLargeError(
          `response does not fit in ${MAX_CHANNEL_MESSAGE_SIZE} bytes`,
        ),
      );
    }
  }

  #respondError(id: number, error: unknown): void {
    if (this.#closed) return;
    const wire = serializeError(error);
    // An error message is ours, but it may quote input: keep it small.
    if (wire.message.length > MAX_ERROR_MESSAGE) {
      wire.message = `${wire.message.slice(0, MAX_ERROR_MESSAGE)}…`;
    }
    this.#carrier.send(encodeMessage({ t: 's', id, error: wire }));
  }

  /** The frame's head, or undefined if the frame cannot be encoded within the channel's size. */
  #encode(message: ChannelMessage): Buffer | undefined {
    try {
      const head = encodeHead(message);
      const payloadLength = message.t === 's' ? 0 : (message.payload?.byteLength ?? 0);
      return head.byteLength + payloadLength <= MAX_CHANNEL_MESSAGE_SIZE ? head : undefined;
    } catch {
      return undefined;
    }
  }
}
