/**
 * A worker-side DataConsumer: a router data sink that sends its producer's messages out on
 * its own transport, on its own SCTP stream with its own reliability (type 'sctp'), or to
 * Node as `message` notifications (type 'direct'). Subchannels filter what a direct
 * producer sends (mediasoup's semantics: any shared subchannel, and the required one).
 */
import type { SctpStreamParameters } from '../../ortc/index.js';
import type { DataType } from './DataProducer.js';

/** Where a data consumer's messages go: its transport. */
export interface DataOutput {
  /** Sends one message; false when it could not be queued (the reason is the output's). */
  sendData(consumer: DataConsumer, ppid: number, data: Uint8Array): boolean;
  /** Takes the consumer off its transport (its producer closed). */
  removeDataConsumer(consumer: DataConsumer): void;
}

export interface DataConsumerOptions {
  id: string;
  dataProducerId: string;
  type: DataType;
  sctpStreamParameters?: SctpStreamParameters;
  label: string;
  protocol: string;
  paused: boolean;
  dataProducerPaused: boolean;
  subchannels: number[];
}

export class DataConsumer {
  readonly id: string;
  readonly dataProducerId: string;
  readonly type: DataType;
  readonly sctpStreamParameters: SctpStreamParameters | undefined;
  readonly label: string;
  readonly protocol: string;
  paused: boolean;
  dataProducerPaused: boolean;
  readonly subchannels: Set<number>;
  bufferedAmountLowThreshold = 0;
  /** Last association buffered amount seen, to tell a crossing of the threshold. */
  lastBufferedAmount = 0;
  messagesSent = 0;
  bytesSent = 0;
  readonly #output: DataOutput;

  constructor(options: DataConsumerOptions, output: DataOutput) {
    this.id = options.id;
    this.dataProducerId = options.dataProducerId;
    this.type = options.type;
    this.sctpStreamParameters = options.sctpStreamParameters;
    this.label = options.label;
    this.protocol = options.protocol;
    this.paused = options.paused;
    this.dataProducerPaused = options.dataProducerPaused;
    this.subchannels = new Set(options.subchannels);
    this.#output = output;
  }

  /** Its transport's data side. */
  get owner(): DataOutput {
    return this.#output;
  }

  /** One message of its producer (or from Node through `dataConsumer.send()`). */
  receiveMessage(
    ppid: number,
    data: Uint8Array,
    subchannels?: readonly number[],
    requiredSubchannel?: number,
  ): void {
    if (this.paused || this.dataProducerPaused) return;
    if (subchannels !== undefined && subchannels.length > 0) {
      let match = false;
      for (const s of subchannels) {
        if (this.subchannels.has(s)) {
          match = true;
          break;
        }
      }
      if (!match) return;
    }
    if (requiredSubchannel !== undefined && !this.subchannels.has(requiredSubchannel)) return;
    this.send(ppid, data);
  }

  /** Sends regardless of subchannels (pause still applies). */
  send(ppid: number, data: Uint8Array): boolean {
    if (!this.#output.sendData(this, ppid, data)) return false;
    this.messagesSent++;
    this.bytesSent += data.length;
    return true;
  }

  dump(): Record<string, unknown> {
    return {
      id: this.id,
      dataProducerId: this.dataProducerId,
      type: this.type,
      sctpStreamParameters: this.sctpStreamParameters,
      label: this.label,
      protocol: this.protocol,
      paused: this.paused,
      dataProducerPaused: this.dataProducerPaused,
      subchannels: [...this.subchannels],
      bufferedAmountLowThreshold: this.bufferedAmountLowThreshold,
    };
  }

  stats(bufferedAmount: number): Record<string, unknown>[] {
    return [
      {
        type: 'data-consumer',
        timestamp: Date.now(),
        label: this.label,
        protocol: this.protocol,
        messagesSent: this.messagesSent,
        bytesSent: this.bytesSent,
        bufferedAmount,
      },
    ];
  }
}
