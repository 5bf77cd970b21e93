/**
 * A worker-side DataProducer: messages from one SCTP stream of its transport (type
 * 'sctp'), or from Node through `dataProducer.send()` (type 'direct'). It forwards each to
 * the router, which hands it to the data consumers of this producer.
 */
import type { SctpStreamParameters } from '../../ortc/index.js';

export type DataType = 'sctp' | 'direct';

export interface DataProducerOptions {
  id: string;
  type: DataType;
  sctpStreamParameters?: SctpStreamParameters;
  label: string;
  protocol: string;
  paused: boolean;
}

export class DataProducer {
  readonly id: string;
  readonly type: DataType;
  readonly sctpStreamParameters: SctpStreamParameters | undefined;
  readonly label: string;
  readonly protocol: string;
  paused: boolean;
  messagesReceived = 0;
  bytesReceived = 0;

  constructor(options: DataProducerOptions) {
    this.id = options.id;
    this.type = options.type;
    this.sctpStreamParameters = options.sctpStreamParameters;
    this.label = options.label;
    this.protocol = options.protocol;
    this.paused = options.paused;
  }

  dump(): Record<string, unknown> {
    return {
      id: this.id,
      type: this.type,
      sctpStreamParameters: this.sctpStreamParameters,
      label: this.label,
      protocol: this.protocol,
      paused: this.paused,
    };
  }

  stats(): Record<string, unknown>[] {
    return [
      {
        type: 'data-producer',
        timestamp: Date.now(),
        label: this.label,
        protocol: this.protocol,
        messagesReceived: this.messagesReceived,
        bytesReceived: this.bytesReceived,
      },
    ];
  }
}
