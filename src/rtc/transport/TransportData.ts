/**
 * The data side of the transport core (every kind has one): its DataProducers and
 * DataConsumers, the SCTP association when the kind carries one, and the routing between
 * them and the router. Messages arrive from the association (by stream id) or from Node
 * (a direct data producer); they leave through the association (by the consumer's stream)
 * or to Node (`message` notifications of a direct data consumer).
 */
import { InvalidStateError } from '../../common/errors.js';
import { DataConsumer, type DataConsumerOptions, type DataOutput } from '../data/DataConsumer.js';
import { DataProducer, type DataProducerOptions } from '../data/DataProducer.js';
import type { FaultBoundary } from '../FaultBoundary.js';
import type { RtcRouter } from '../Router.js';
import { SctpAssociation, type SctpState } from '../sctp/SctpAssociation.js';
import type { TransportNotifier } from './RtcTransport.js';

export interface SctpOptions {
  OS: number;
  MIS: number;
  maxMessageSize: number;
  sendBufferSize: number;
  /** Send INIT too (pipe transports, as mediasoup); otherwise wait for the peer's. */
  initiate?: boolean;
  /** mediasoup's sctpParameters.isDataChannel: true for WebRTC transports (the default). */
  isDataChannel?: boolean;
}

/** Messages dropped on the data side, by reason (getStats' sctp drops beside the packet ones). */
export interface DataDropCounters {
  /** An SCTP message on a stream no DataProducer uses. */
  noDataProducer: number;
  /** Larger than the transport's maxMessageSize (direct) or the peer's (SCTP). */
  messageTooBig: number;
  /** The association's send buffer was full (the consumer got `sctpsendbufferfull`). */
  sendBufferFull: number;
  /** The association was not connected yet. */
  notConnected: number;
  /** A `dataProducer.send` / `dataConsumer.send` from Node with malformed data (raw channel). */
  malformedSend: number;
}

export class TransportData implements DataOutput {
  readonly dataProducers = new Map<string, DataProducer>();
  readonly dataConsumers = new Map<string, DataConsumer>();
  readonly drops: DataDropCounters = {
    noDataProducer: 0,
    messageTooBig: 0,
    sendBufferFull: 0,
    notConnected: 0,
    malformedSend: 0,
  };
  readonly #router: RtcRouter;
  readonly #notifier: TransportNotifier;
  readonly #boundary: FaultBoundary;
  readonly #producerByStream = new Map<number, DataProducer>();
  readonly #consumerByStream = new Map<number, DataConsumer>();
  #sctp: SctpAssociation | undefined;
  /** Loss injection for tests: every Nth SCTP packet received / sent dropped (0 = none). */
  #dropIncomingEvery = 0;
  #dropOutgoingEvery = 0;
  #incoming = 0;
  #outgoing = 0;

  constructor(router: RtcRouter, notifier: TransportNotifier, boundary: FaultBoundary) {
    this.#router = router;
    this.#notifier = notifier;
    this.#boundary = boundary;
  }

  get sctp(): SctpAssociation | undefined {
    return this.#sctp;
  }

  get sctpState(): SctpState | undefined {
    return this.#sctp?.state;
  }

  /** The kind carries SCTP: `send` puts one SCTP packet on its wire. */
  attachSctp(options: SctpOptions, send: (packet: Buffer) => void): SctpAssociation {
    const sctp = new SctpAssociation({
      ...options,
      send: (packet) => {
        if (this.#dropOutgoingEvery && ++this.#outgoing % this.#dropOutgoingEvery === 0) return;
        send(packet);
      },
      onStateChange: (sctpState) => this.#notifier.notify('sctpstatechange', { sctpState }),
      onMessage: (streamId, ppid, data) => this.#receiveSctpMessage(streamId, ppid, data),
      onBufferedAmount: (amount) => this.#onBufferedAmount(amount),
      onFault: (error) => this.#boundary.report('datagram', error),
    });
    this.#sctp = sctp;
    return sctp;
  }

  /** Test hook (with the transport's RTP loss): drop every Nth SCTP packet in / out. */
  setPacketLoss(incomingEvery: number, outgoingEvery: number): void {
    this.#dropIncomingEvery = incomingEvery;
    this.#dropOutgoingEvery = outgoingEvery;
  }

  /** One SCTP packet from the kind's wire (decrypted). */
  receiveSctpPacket(packet: Buffer): void {
    const sctp = this.#sctp;
    if (!sctp) return;
    if (this.#dropIncomingEvery && ++this.#incoming % this.#dropIncomingEvery === 0) return;
    sctp.receivePacket(packet);
  }

  /** transport.dump's sctpListener: which data producer each stream feeds (mediasoup's entries). */
  sctpListener(): { streamIdTable: { key: number; value: string }[] } {
    const streamIdTable = [...this.#producerByStream].map(([key, producer]) => ({
      key,
      value: producer.id,
    }));
    return { streamIdTable };
  }

  produceData(options: DataProducerOptions): DataProducer {
    const streamId = options.sctpStreamParameters?.streamId;
    if (options.type === 'sctp') {
      const sctp = this.#sctp;
      if (!sctp) throw new InvalidStateError('SCTP not enabled');
      if (streamId === undefined) throw new TypeError('missing sctpStreamParameters');
      if (streamId >= sctp.MIS) throw new TypeError(`sctpStreamId ${streamId} >= MIS`);
      if (this.#producerByStream.has(streamId)) {
        throw new TypeError(`sctpStreamId ${streamId} already in use`);
      }
    }
    const producer = new DataProducer(options);
    this.#router.addDataProducer(producer);
    this.dataProducers.set(producer.id, producer);
    if (streamId !== undefined && options.type === 'sctp') {
      this.#producerByStream.set(streamId, producer);
    }
    return producer;
  }

  removeDataProducer(producer: DataProducer): DataConsumer[] {
    this.dataProducers.delete(producer.id);
    const streamId = producer.sctpStreamParameters?.streamId;
    if (streamId !== undefined && this.#producerByStream.get(streamId) === producer) {
      this.#producerByStream.delete(streamId);
    }
    return this.#router.removeDataProducer(producer.id);
  }

  consumeData(options: DataConsumerOptions): DataConsumer {
    const streamId = options.sctpStreamParameters?.streamId;
    if (options.type === 'sctp') {
      const sctp = this.#sctp;
      if (!sctp) throw new InvalidStateError('SCTP not enabled');
      if (streamId === undefined) throw new TypeError('missing sctpStreamParameters');
      if (streamId >= sctp.OS) throw new TypeError(`sctpStreamId ${streamId} >= OS`);
      if (this.#consumerByStream.has(streamId)) {
        throw new TypeError(`sctpStreamId ${streamId} already in use`);
      }
    }
    const consumer = new DataConsumer(options, this);
    this.#router.addDataConsumer(consumer);
    this.dataConsumers.set(consumer.id, consumer);
    if (streamId !== undefined && options.type === 'sctp') {
      this.#consumerByStream.set(streamId, consumer);
    }
    return consumer;
  }

  removeDataConsumer(consumer: DataConsumer): void {
    this.dataConsumers.delete(consumer.id);
    const streamId = consumer.sctpStreamParameters?.streamId;
    if (streamId !== undefined && this.#consumerByStream.get(streamId) === consumer) {
      this.#consumerByStream.delete(streamId);
    }
    this.#router.removeDataConsumer(consumer);
  }

  /** A direct data producer's message from Node (`dataProducer.send()`); `data` valid during the call. */
  receiveDirectMessage(
    producer: DataProducer,
    ppid: number,
    data: Uint8Array,
    maxMessageSize: number,
    subchannels?: readonly number[],
    requiredSubchannel?: number,
  ): void {
    if (data.length > maxMessageSize) {
      this.drops.messageTooBig++;
      return;
    }
    producer.messagesReceived++;
    producer.bytesReceived += data.length;
    this.#router.onDataProducerMessage(producer, ppid, data, subchannels, requiredSubchannel);
  }

  /** DataOutput: one message of a data consumer of this transport. */
  sendData(consumer: DataConsumer, ppid: number, data: Uint8Array): boolean {
    if (consumer.type === 'direct') {
      this.#notifier.notifyEntity(consumer.id, 'message', { ppid }, data);
      return true;
    }
    const sctp = this.#sctp;
    const params = consumer.sctpStreamParameters;
    if (!sctp || !params) return false;
    const result = sctp.send(params.streamId, ppid, data, {
      ordered: params.ordered ?? true,
      maxPacketLifeTime: params.maxPacketLifeTime,
      maxRetransmits: params.maxRetransmits,
    });
    switch (result) {
      case 'sent':
        return true;
      case 'bufferFull':
        this.drops.sendBufferFull++;
        this.#notifier.notifyEntity(consumer.id, 'sctpsendbufferfull');
        return false;
      case 'tooBig':
        this.drops.messageTooBig++;
        return false;
      default:
        this.drops.notConnected++;
        return false;
    }
  }

  close(): void {
    this.#sctp?.close();
  }

  #receiveSctpMessage(streamId: number, ppid: number, data: Buffer): void {
    const producer = this.#producerByStream.get(streamId);
    if (!producer) {
      this.drops.noDataProducer++;
      return;
    }
    producer.messagesReceived++;
    producer.bytesReceived += data.length;
    this.#router.onDataProducerMessage(producer, ppid, data);
  }

  /** mediasoup: `bufferedamountlow` when the buffered amount falls to the threshold or below. */
  #onBufferedAmount(amount: number): void {
    for (const consumer of this.#consumerByStream.values()) {
      const before = consumer.lastBufferedAmount;
      consumer.lastBufferedAmount = amount;
      const threshold = consumer.bufferedAmountLowThreshold;
      if (before > threshold && amount <= threshold) {
        this.#notifier.notifyEntity(consumer.id, 'bufferedamountlow', { bufferedAmount: amount });
      }
    }
  }
}
