/** Requests addressed to a Consumer (handlerId = consumer id). */
import type { RtpEncodingParameters } from '../../ortc/index.js';
import type { Consumer } from '../../rtc/rtp/Consumer.js';
import type { Producer } from '../../rtc/rtp/Producer.js';
import type { Handler } from './Handler.js';
import { consumerStats } from './stats.js';
import { consumerDump } from './mediaDumps.js';
import { validatePreferredLayers } from './layers.js';
import { asObject } from '../validate.js';
import { setTraceTypes } from './trace.js';

export class ConsumerHandler implements Handler {
  readonly #consumer: Consumer;
  readonly #producer: () => Producer | undefined;
  /** The consumer's transport re-shares its bitrate (the allocator's entry point). */
  readonly #onPriorityChanged: () => void;
  /** The producer's consumable encodings the control layer sent (dump() reports them). */
  readonly #consumableRtpEncodings: readonly RtpEncodingParameters[] | undefined;

  constructor(
    consumer: Consumer,
    producer: () => Producer | undefined,
    onPriorityChanged: () => void,
    consumableRtpEncodings?: readonly RtpEncodingParameters[],
  ) {
    this.#consumer = consumer;
    this.#producer = producer;
    this.#onPriorityChanged = onPriorityChanged;
    this.#consumableRtpEncodings = consumableRtpEncodings;
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
        return consumerDump(consumer, this.#consumableRtpEncodings);
      case 'consumer.setPreferredLayers': {
        // mediasoup answers with the preferred layers in force (clamped); a simple consumer has none.
        const layers = validatePreferredLayers(data);
        return layers ? consumer.setPreferredLayers(layers) : undefined;
      }
      case 'consumer.setPriority':
        return this.#setPriority(asObject(data, 'data').priority);
      case 'consumer.unsetPriority':
        return this.#setPriority(1);
      case 'consumer.enableTraceEvent':
        setTraceTypes(consumer.traceFlags, data);
        return undefined;
      default:
        throw new TypeError(`unknown method '${method}' for a Consumer`);
    }
  }

  /**
   * mediasoup's priority: the host checks for a non-negative number, its channel carries a
   * uint8 (so 256 arrives as 0, 2.5 as 2) and the worker refuses 0. Answers `{ priority }`.
   */
  #setPriority(value: unknown): { priority: number } {
    if (typeof value !== 'number') throw new TypeError('priority must be a positive number');
    const priority = value & 0xff;
    if (priority < 1) throw new TypeError('wrong priority (must be higher than 0)');
    if (priority !== this.#consumer.priority) {
      this.#consumer.priority = priority;
      this.#onPriorityChanged();
    }
    return { priority };
  }
}
