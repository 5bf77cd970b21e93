/** Requests addressed to a Producer (handlerId = producer id). */
import type { Producer } from '../../rtc/rtp/Producer.js';
import type { Handler } from './Handler.js';
import { producerStats } from './stats.js';

export class ProducerHandler implements Handler {
  readonly #producer: Producer;
  readonly #onPauseChange: (paused: boolean) => void;

  constructor(producer: Producer, onPauseChange: (paused: boolean) => void) {
    this.#producer = producer;
    this.#onPauseChange = onPauseChange;
  }

  handleRequest(method: string): unknown {
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
        return {
          id: producer.id,
          kind: producer.kind,
          type: producer.type,
          rtpParameters: producer.rtpParameters,
          paused: producer.paused,
          rtpStreams: producer.streams.map((s) => ({ ...s })),
        };
      case 'producer.enableTraceEvent':
        return undefined;
      default:
        throw new TypeError(`unknown method '${method}' for a Producer`);
    }
  }
}
