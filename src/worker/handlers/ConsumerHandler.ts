/** Requests addressed to a Consumer (handlerId = consumer id). */
import type { Consumer } from '../../rtc/rtp/Consumer.js';
import type { Producer } from '../../rtc/rtp/Producer.js';
import type { Handler } from './Handler.js';
import { consumerStats } from './stats.js';
import { validatePreferredLayers } from './layers.js';

export class ConsumerHandler implements Handler {
  readonly #consumer: Consumer;
  readonly #producer: () => Producer | undefined;

  constructor(consumer: Consumer, producer: () => Producer | undefined) {
    this.#consumer = consumer;
    this.#producer = producer;
  }

  handleRequest(method: string, data?: unknown): unknown {
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
          type: consumer.type,
          rtpParameters: consumer.rtpParameters,
          paused: consumer.paused,
          producerPaused: consumer.producerPaused,
          ...consumer.dumpFields(),
        };
      case 'consumer.setPreferredLayers': {
        // mediasoup answers with the preferred layers in force (clamped); a simple consumer has none.
        const layers = validatePreferredLayers(data);
        return layers ? consumer.setPreferredLayers(layers) : undefined;
      }
      case 'consumer.setPriority':
      case 'consumer.unsetPriority':
      case 'consumer.enableTraceEvent':
        // No bandwidth allocation yet: priorities have nothing to weigh.
        return undefined;
      default:
        throw new TypeError(`unknown method '${method}' for a Consumer`);
    }
  }
}
