/**
 * Which consumer kind a producer gets, as mediasoup decides it: on a pipe
 * transport a pipe consumer (every encoding), else a simulcast producer
 * (several encodings, or one VP8/H264 encoding with temporal layers) gets a
 * simulcast consumer, an SVC producer (one VP9 encoding with layers) an SVC
 * consumer, and any other a simple one.
 * The one place that chooses; everything else sees the base class.
 */
import type { RtpParameters } from '../../ortc/index.js';
import type { Consumer, ConsumerOutput } from './Consumer.js';
import type { Producer } from './Producer.js';
import { PipeConsumer } from './PipeConsumer.js';
import { SimpleConsumer } from './SimpleConsumer.js';
import { SimulcastConsumer } from './SimulcastConsumer.js';
import { SvcConsumer } from './SvcConsumer.js';

export interface CreateConsumerOptions {
  id: string;
  producer: Producer;
  rtpParameters: RtpParameters;
  paused: boolean;
  preferredLayers?: { spatialLayer?: number; temporalLayer?: number };
  routerIdForUri: (uri: string) => number | undefined;
  /** The transport carries producers whole to another router (a PipeTransport). */
  pipe: boolean;
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
    sharedPacketStore: () => producer.sharedPacketStore(),
  };
  if (options.pipe) return new PipeConsumer({ ...base, mappedSsrcs: producer.mappedSsrcs }, output);
  if (producer.type === 'svc') {
    return new SvcConsumer(
      {
        ...base,
        preferredLayers: options.preferredLayers,
        producerStream: () => producer.streamOfEncoding(0)?.recv,
      },
      output,
    );
  }
  if (producer.type !== 'simulcast') {
    return new SimpleConsumer(
      { ...base, producerStream: () => producer.streamOfEncoding(0)?.recv },
      output,
    );
  }
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
