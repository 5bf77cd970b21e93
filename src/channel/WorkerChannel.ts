/**
 * The worker side of a channel: receives requests, answers each with a
 * response (data or a serialized typed error), and sends notifications.
 */
import { serializeError } from '../common/errors.js';
import type { Carrier } from './carriers/Carrier.js';
import { decodeMessage, encodeMessage } from './codec.js';
import type { RequestMessage } from './messages.js';

export type RequestHandler = (request: RequestMessage) => unknown;

export class WorkerChannel {
  readonly #carrier: Carrier;
  #closed = false;
  /** Frames that did not decode: counted, never fatal. */
  droppedFrames = 0;

  constructor(carrier: Carrier) {
    this.#carrier = carrier;
  }

  start(handler: RequestHandler): void {
    this.#carrier.start((frame) => {
      const message = decodeMessage(frame);
      if (message?.t !== 'q') {
        this.droppedFrames++;
        return;
      }
      this.#handle(handler, message);
    });
  }

  notify(handlerId: string, event: string, data?: unknown): void {
    if (this.#closed) return;
    this.#carrier.send(encodeMessage({ t: 'n', handlerId, event, data }));
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
    this.#carrier.send(encodeMessage({ t: 's', id, data }));
  }

  #respondError(id: number, error: unknown): void {
    if (this.#closed) return;
    this.#carrier.send(encodeMessage({ t: 's', id, error: serializeError(error) }));
  }
}
