/**
 * Which consumer kind a producer gets, as mediasoup decides it: a simulcast
 * producer (several encodings) gets a simulcast consumer, any other a simple
 * one. The one place that chooses; everything else sees the base class.
 */
import type { RtpParameters } from '../../ortc/index.js';
import type { Consumer, ConsumerOutput } from './Consumer.js';
import type { Producer } from './Producer.js';
import { SimpleConsumer } from './SimpleConsumer.js';
import { SimulcastConsumer } from './SimulcastConsumer.js';

export interface CreateConsumerOptions {
  id: string;
  producer: Producer;
  rtpParameters: RtpParameters;
  paused: boolean;
  preferredLayers?: { spatialLayer?: number; temporalLayer?: number };
  routerIdForUri: (uri: string) => number | undefined;
}

export function createConsumer(options: CreateConsumerOptions, output: ConsumerOutput): Consumer {
  const { producer } = options;
  const base = {
    id: options.id,
    producerId: producer.id,
    kind: producer.kind,
    rtpParameters: options.rtpParameters,
    paused: options.paused,
    producerPaused: producer.paused,
    routerIdForUri: options.routerIdForUri,
  };
  if (producer.type !== 'simulcast') return new SimpleConsumer(base, output);
  return new SimulcastConsumer(
    {
      ...base,
      layerSsrcs: producer.mappedSsrcs,
      preferredLayers: options.preferredLayers,
      layerStream: (layer) => producer.streamOfEncoding(layer)?.recv,
    },
    output,
  );
}
