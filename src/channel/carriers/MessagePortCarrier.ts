/**
 * The thread carrier over a MessagePort: the port's 'message' event is the
 * wake-up, and `receiveMessageOnPort` is the read that never blocks, used to
 * drain whatever else is waiting.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Carrier } from './Carrier.js';

export interface MessagePortEnd {
  kind: 'port';
  port: MessagePort;
}

export class MessagePortCarrier implements Carrier {
  readonly #port: MessagePort;
  #closed = false;
  /** Every message is a fresh clone or a transferred buffer. */
  readonly framesOutliveDelivery = true;

  constructor(end: MessagePortEnd) {
    this.#port = end.port;
  }

  send(frame: Uint8Array): void {
    if (!this.#closed) this.#port.postMessage(frame);
  }

  /** Joined into a buffer of its own, which is transferred rather than cloned. */
  sendWithPayload(head: Uint8Array, payload: Uint8Array): void {
    if (this.#closed) return;
    const frame = new Uint8Array(head.byteLength + payload.byteLength);
    frame.set(head, 0);
    frame.set(payload, head.byteLength);
    this.#port.postMessage(frame, [frame.buffer]);
  }

  start(onFrame: (frame: Uint8Array) => void): void {
    this.#port.on('message', (first: Uint8Array) => {
      onFrame(first);
      for (;;) {
        if (this.#closed) return;
        const next = receiveMessageOnPort(this.#port);
        if (!next) return;
        onFrame(next.message as Uint8Array);
      }
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.close();
  }
}
