/**
 * The control side of a channel: sends requests, matches responses by id and
 * delivers notifications to the entity they name (`handlerId`).
 *
 * Ordering rule (DESIGN.md): a notification never overtakes the response that
 * precedes it. Resolving a response only schedules the awaiting code (a
 * microtask chain), so notifications that arrive right after a response are
 * held until the next macrotask, by which time the caller has created and
 * subscribed the entity the notifications are for.
 */
import { EventEmitter } from 'node:events';
import {
  ChannelMessageTooLargeError,
  ChannelTimeoutError,
  InvalidStateError,
  deserializeError,
} from '../common/errors.js';
import { Logger } from '../common/Logger.js';
import type { Carrier } from './carriers/Carrier.js';
import { checkRequestLimits, decodeMessage, encodeHead, encodeMessage } from './codec.js';
import { MAX_CHANNEL_MESSAGE_SIZE } from './limits.js';
import type { ChannelMessage, NotificationMessage, ResponseMessage } from './messages.js';

const logger = new Logger('Channel');

const MAX_REQUEST_ID = 0x7fffffff;

/**
 * A method whose last round trip took longer (ms) is not polled for (Carrier.expectResponse):
 * a poll that cannot catch the response only costs the host, and on 2 cores the worker too.
 */
const QUICK_RESPONSE_MS = 0.1;

/** How often pending requests are checked for their deadline. */
const SWEEP_INTERVAL_MS = 1000;

interface Pending {
  method: string;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  deadline: number;
  sentAt: number;
}

/** `payload` is the listener's to keep (never a view into shared memory). */
export type NotificationListener = (event: string, data: unknown, payload?: Buffer) => void;

export class Channel {
  readonly #carrier: Carrier;
  readonly #pending = new Map<number, Pending>();
  readonly #notifications = new EventEmitter();
  #nextId = 0;
  #closed = false;
  /** closeAfter()'s request, while its response is awaited. */
  #lastRequest: { id: number; finish: () => void } | undefined;
  /** Messages waiting behind a just-delivered response (see the ordering rule). */
  readonly #inbox: ChannelMessage[] = [];
  #holding = false;
  /** Methods whose last round trip was too long to poll for (QUICK_RESPONSE_MS). */
  readonly #slowMethods = new Set<string>();
  /** One sweeping timer instead of a timer per request: timers cost more than requests. */
  #sweeper: NodeJS.Timeout | undefined;

  constructor(carrier: Carrier) {
    this.#carrier = carrier;
    this.#notifications.setMaxListeners(Infinity);
    carrier.start((frame) => this.#onFrame(frame));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Number of requests still waiting for their response. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Sends a request; `payload` (raw bytes, not JSON) travels beside `data`
   * and is copied before this returns.
   */
  request(
    method: string,
    handlerId?: string,
    data?: unknown,
    payload?: Uint8Array,
  ): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(new InvalidStateError(`Channel closed [method:${method}]`));
    }
    this.#nextId = this.#nextId < MAX_REQUEST_ID ? this.#nextId + 1 : 1;
    const id = this.#nextId;
    let head: Buffer;
    try {
      head = this.#encode({ t: 'q', id, method, handlerId, data, payload }, `method:${method}`);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new TypeError(String(error)));
    }
    // Like mediasoup: a generous timeout that grows with the backlog.
    const deadline = Date.now() + 1000 * (15 + 0.1 * this.#pending.size);
    return new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { method, resolve, reject, deadline, sentAt: performance.now() });
      this.#sweeper ??= setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS).unref();
      this.#send(head, payload);
      if (!this.#slowMethods.has(method)) this.#carrier.expectResponse?.();
    });
  }

  /**
   * Sends a notification to the worker: fire-and-forget, handled in order
   * with requests, never answered (mediasoup's `producer.send()`). `payload`
   * is copied before this returns. Throws InvalidStateError once closed,
   * TypeError (ChannelMessageTooLargeError) for what cannot cross.
   */
  notify(event: string, handlerId: string, data?: unknown, payload?: Uint8Array): void {
    if (this.#closed) throw new InvalidStateError(`Channel closed [event:${event}]`);
    this.#send(
      this.#encode({ t: 'n', handlerId, event, data, payload }, `event:${event}`),
      payload,
    );
  }

  /** The frame's head, or throws what the caller should get (see request()). */
  #encode(message: ChannelMessage, what: string): Buffer {
    const payload = message.t === 's' ? undefined : message.payload;
    if (payload !== undefined && !(payload instanceof Uint8Array)) {
      throw new TypeError(`payload must be a Buffer or Uint8Array [${what}]`);
    }
    let head: Buffer;
    try {
      head = encodeHead(message);
    } catch (error) {
      // Too deep for JSON.stringify (RangeError), a cycle or a BigInt (TypeError).
      const reason = `data cannot be encoded [${what}]: ${(error as Error).message}`;
      throw error instanceof RangeError
        ? new ChannelMessageTooLargeError(reason)
        : new TypeError(reason);
    }
    // Refused here, before it crosses: the worker would refuse it too. Without data (a
    // packet) only the size can break them: no pass over the envelope per packet.
    const size = head.byteLength + (payload?.byteLength ?? 0);
    const refused =
      message.data !== undefined
        ? checkRequestLimits(head, payload?.byteLength)
        : size > MAX_CHANNEL_MESSAGE_SIZE
          ? `message of ${size} bytes exceeds ${MAX_CHANNEL_MESSAGE_SIZE}`
          : undefined;
    if (refused !== undefined) throw new ChannelMessageTooLargeError(`${refused} [${what}]`);
    return head;
  }

  #send(head: Buffer, payload: Uint8Array | undefined): void {
    if (payload === undefined) this.#carrier.send(head);
    else this.#carrier.sendWithPayload(head, payload);
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, pending] of this.#pending) {
      if (pending.deadline > now) continue;
      this.#pending.delete(id);
      pending.reject(new ChannelTimeoutError(`Channel request timeout [method:${pending.method}]`));
    }
    if (this.#pending.size === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  /** Subscribes to the notifications addressed to `handlerId`. */
  onNotification(handlerId: string, listener: NotificationListener): void {
    this.#notifications.on(handlerId, listener);
  }

  offNotification(handlerId: string, listener?: NotificationListener): void {
    if (listener) this.#notifications.off(handlerId, listener);
    else this.#notifications.removeAllListeners(handlerId);
  }

  /** Closes the channel; every pending request is rejected with InvalidStateError. */
  close(): void {
    if (this.#closed) return;
    this.#shutDown();
    this.#carrier.close();
  }

  /**
   * Closes the channel for its users as close() does, but first sends one last
   * request (`method`, no data) and keeps the carrier open until its response
   * arrives or `timeoutMs` passed; then closes the carrier and calls `then`.
   * A thread worker uses it to close its sockets before it is terminated.
   */
  closeAfter(method: string, timeoutMs: number, then: () => void): void {
    if (this.#closed) {
      then();
      return;
    }
    this.#shutDown();
    this.#nextId = this.#nextId < MAX_REQUEST_ID ? this.#nextId + 1 : 1;
    const id = this.#nextId;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.#lastRequest = undefined;
      this.#carrier.close();
      then();
    };
    const timer = setTimeout(finish, timeoutMs);
    this.#lastRequest = { id, finish };
    this.#carrier.send(encodeMessage({ t: 'q', id, method }));
  }

  #shutDown(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(new InvalidStateError(`Channel closed [method:${pending.method}]`));
    }
    this.#inbox.length = 0;
    this.#notifications.removeAllListeners();
  }

  #onFrame(frame: Uint8Array): void {
    if (this.#closed) {
      // Closed: only the response to closeAfter()'s request matters.
      const last = this.#lastRequest;
      const message = last ? decodeMessage(frame) : undefined;
      if (last && message?.t === 's' && message.id === last.id) last.finish();
      return;
    }
    const message = decodeMessage(frame);
    if (!message) {
      logger.error('dropping an undecodable frame from the worker');
      return;
    }
    // Listeners keep payloads, and held messages outlive the frame.
    if (
      message.t === 'n' &&
      message.payload !== undefined &&
      !this.#carrier.framesOutliveDelivery
    ) {
      message.payload = Buffer.from(message.payload);
    }
    if (this.#inbox.length > 0 || (this.#holding && message.t === 'n')) {
      this.#inbox.push(message);
      return;
    }
    this.#dispatch(message);
  }

  #dispatch(message: ChannelMessage): void {
    if (this.#closed) return;
    switch (message.t) {
      case 's':
        this.#onResponse(message);
        if (!this.#holding) {
          this.#holding = true;
          setImmediate(() => this.#release());
        }
        break;
      case 'n':
        this.#onNotification(message);
        break;
      default:
        logger.error(`dropping an unexpected message from the worker [t:${message.t}]`);
    }
  }

  #release(): void {
    this.#holding = false;
    while (this.#inbox.length > 0 && !this.#holding) {
      this.#dispatch(this.#inbox.shift()!);
    }
  }

  #onResponse(message: ResponseMessage): void {
    const pending = this.#pending.get(message.id);
    if (!pending) {
      logger.error(`response for an unknown request [id:${message.id}]`);
      return;
    }
    this.#pending.delete(message.id);
    if (performance.now() - pending.sentAt > QUICK_RESPONSE_MS)
      this.#slowMethods.add(pending.method);
    else this.#slowMethods.delete(pending.method);
    if (message.error) pending.reject(deserializeError(message.error));
    else pending.resolve(message.data);
  }

  #onNotification(message: NotificationMessage): void {
    try {
      const { handlerId, event, data, payload } = message;
      this.#notifications.emit(handlerId, event, data, payload);
    } catch (error) {
      logger.error(`notification listener threw [event:${message.event}]: ${String(error)}`);
    }
  }
}
