/**
 * The simple consumer: one producer stream to one endpoint, every packet of
 * it (after the base's key frame sync), as mediasoup's SimpleConsumer.
 */
import { Consumer, type ConsumerType } from './Consumer.js';

export class SimpleConsumer extends Consumer {
  override get type(): ConsumerType {
    return 'simple';
  }
}
