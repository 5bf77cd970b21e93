/** Requests addressed to a Consumer (handlerId = consumer id). */
import type { Consumer } from '../../rtc/rtp/Consumer.js';
import type { Producer } from '../../rtc/rtp/Producer.js';
import type { Handler } from './Handler.js';
import { consumerStats } from './stats.js';

export class ConsumerHandler implements Handler {
  readonly #consumer: Consumer;
  readonly #producer: () => Producer | undefined;

  constructor(consumer: Consumer, producer: () => Producer | undefined) {
    this.#consumer = consumer;
    this.#producer = producer;
  }

  handleRequest(method: string): unknown {
    const consumer = this.#consumer;
    switch (method) {
      case 'consumer.pause':
        consumer.pause();
        return undefined;
      case 'consumer.resume':
        consumer.resume();
        return undefined;
      case 'consumer.requestKeyFrame':
        consumer.requestKeyFrame();
        return undefined;
      case 'consumer.getStats':
        return consumerStats(consumer, this.#producer());
      case 'consumer.dump':
        return {
          id: consumer.id,
          producerId: consumer.producerId,
          kind: consumer.kind,
          type: 'simple',
          rtpParameters: consumer.rtpParameters,
          paused: consumer.paused,
          producerPaused: consumer.producerPaused,
        };
      case 'consumer.setPreferredLayers':
      case 'consumer.setPriority':
      case 'consumer.unsetPriority':
      case 'consumer.enableTraceEvent':
        // Simple consumers have one layer and no priority to apply.
        return undefined;
      default:
        throw new TypeError(`unknown method '${method}' for a Consumer`);
    }
  }
}
