/**
 * The thread carrier over shared memory: one ring per direction.
 */
import type { Carrier } from './Carrier.js';
import {
  SharedRingReader,
  SharedRingWriter,
  createSharedRingBuffers,
  type SharedRingBuffers,
} from './SharedRing.js';

/** What one end needs to build its carrier; structured-cloneable. */
export interface SharedRingEnd {
  kind: 'ring';
  tx: SharedRingBuffers;
  rx: SharedRingBuffers;
  /** Reader spin budget after each drain, µs (see SharedRingReader). */
  spinMicros?: number;
  /** Host only: how long to poll for a due response before sleeping, µs (0: never). */
  responseSpinMicros?: number;
}

export function createSharedRingPair(capacity?: number): [SharedRingEnd, SharedRingEnd] {
  const a = createSharedRingBuffers(capacity);
  const b = createSharedRingBuffers(capacity);
  return [
    { kind: 'ring', tx: a, rx: b },
    { kind: 'ring', tx: b, rx: a },
  ];
}

export class SharedRingCarrier implements Carrier {
  readonly #writer: SharedRingWriter;
  readonly #reader: SharedRingReader;
  readonly #responseSpinMicros: number;
  #closed = false;

  constructor(end: SharedRingEnd) {
    this.#writer = new SharedRingWriter(end.tx);
    this.#reader = new SharedRingReader(end.rx, end.spinMicros);
    this.#responseSpinMicros = end.responseSpinMicros ?? 0;
  }

  /** The host's polls for due responses (SharedRingReader.awaitBriefly). */
  get responsePolls(): { count: number; hits: number; micros: number } {
    return this.#reader.polls;
  }

  expectResponse(): void {
    if (this.#responseSpinMicros > 0 && !this.#closed) {
      this.#reader.awaitBriefly(this.#responseSpinMicros);
    }
  }

  get droppedFrames(): number {
    return this.#reader.droppedFrames;
  }

  /** Frames are views into the ring, overwritten once read. */
  readonly framesOutliveDelivery = false;

  send(frame: Uint8Array): void {
    if (!this.#closed) this.#writer.write(frame);
  }

  sendWithPayload(head: Uint8Array, payload: Uint8Array): void {
    if (!this.#closed) this.#writer.writeParts(head, payload);
  }

  start(onFrame: (frame: Uint8Array) => void): void {
    this.#reader.start(onFrame);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#writer.close();
    this.#reader.stop();
  }
}
