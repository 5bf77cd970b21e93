/**
 * The worker side of a channel: receives requests, answers each with a
 * response (data or a serialized typed error), and sends notifications.
 */
import { ChannelMessageTooLargeError, serializeError } from '../common/errors.js';
import type { Carrier } from './carriers/Carrier.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { MAX_CHANNEL_MESSAGE_SIZE } from './limits.js';
import type { ChannelMessage, RequestMessage } from './messages.js';

/** Longest error message sent back (characters). */
const MAX_ERROR_MESSAGE = 1024;

export type RequestHandler = (request: RequestMessage) => unknown;

export class WorkerChannel {
  readonly #carrier: Carrier;
  #closed = false;
  /** Frames that did not decode or were too large: counted, never fatal. */
  droppedFrames = 0;
  /** Notifications not sent because they would break the channel's limits. */
  droppedNotifications = 0;

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

  start(handler: RequestHandler): void {
    this.#carrier.start((frame) => {
      // A carrier delivers at most MAX_CHANNEL_MESSAGE_SIZE; a MessagePort does not check.
      const message =
        frame.byteLength <= MAX_CHANNEL_MESSAGE_SIZE ? decodeMessage(frame, true) : undefined;
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

  notify(handlerId: string, event: string, data?: unknown): void {
    if (this.#closed) return;
    const frame = this.#encode({ t: 'n', handlerId, event, data });
    if (frame) this.#carrier.send(frame);
    else this.droppedNotifications++;
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

  /** The frame, or undefined if it cannot be encoded within the channel's size. */
  #encode(message: ChannelMessage): Buffer | undefined {
    try {
      const frame = encodeMessage(message);
      return frame.byteLength <= MAX_CHANNEL_MESSAGE_SIZE ? frame : undefined;
    } catch {
      return undefined;
    }
  }
}
