/**
 * Requests addressed to a Producer (handlerId = producer id), and the
 * `producer.send` notification of a direct producer (its RTP packets).
 */
import type { Producer } from '../../rtc/rtp/Producer.js';
import type { Handler } from './Handler.js';
import { producerStats } from './stats.js';
import { producerDump } from './mediaDumps.js';
import { setTraceTypes } from './trace.js';

export class ProducerHandler implements Handler {
  readonly #producer: Producer;
  readonly #onPauseChange: (paused: boolean) => void;
  /** Where `producer.send` packets go: only a direct transport's producers take them. */
  readonly #onSend: ((packet: Uint8Array) => void) | undefined;

  constructor(
    producer: Producer,
    onPauseChange: (paused: boolean) => void,
    onSend?: (packet: Uint8Array) => void,
  ) {
    this.#producer = producer;
    this.#onPauseChange = onPauseChange;
    this.#onSend = onSend;
  }

  /** The host refuses send() on other producers; a raw one is ignored, as a stale one is. */
  handleNotification(event: string, _data: unknown, payload?: Uint8Array): void {
    if (event === 'producer.send' && payload !== undefined) this.#onSend?.(payload);
  }

  handleRequest(method: string, data?: unknown): unknown {
    const producer = this.#producer;
    switch (method) {
      case 'producer.pause':
        if (!producer.paused) {
          producer.paused = true;
          this.#onPauseChange(true);
        }
        return undefined;
      case 'producer.resume':
        if (producer.paused) {
          producer.paused = false;
          this.#onPauseChange(false);
        }
        return undefined;
      case 'producer.getStats':
        return producerStats(producer);
      case 'producer.dump':
        return producerDump(producer);
      case 'producer.enableTraceEvent':
        setTraceTypes(producer.traceFlags, data);
        return undefined;
      default:
        throw new TypeError(`unknown method '${method}' for a Producer`);
    }
  }
}
