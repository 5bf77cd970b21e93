/**
 * The media routing table of one router in the worker: which sinks each
 * producer feeds (its consumers now, RTP observers next), and the router's
 * header extension ids. Producers push packets here; the router hands each
 * to every sink of that producer, all inside the media plane.
 */
import type { RtpPacketView } from '../protocols/rtp/index.js';
import type { MediaKind } from '../ortc/index.js';
import type { Producer } from './rtp/Producer.js';
import type { Consumer } from './rtp/Consumer.js';
import type { DataProducer } from './data/DataProducer.js';
import type { DataConsumer } from './data/DataConsumer.js';

export interface RouterHeaderExtension {
  kind: MediaKind;
  uri: string;
  preferredId: number;
}

export class RtcRouter {
  readonly id: string;
  readonly #extensionIds = new Map<string, number>();
  readonly #producers = new Map<string, Producer>();
  /** producer id → its consumers (sinks), in creation order. */
  readonly #consumers = new Map<string, Set<Consumer>>();
  /** The data plane: data producer id → its data consumers (sinks). */
  readonly #dataProducers = new Map<string, DataProducer>();
  readonly #dataConsumers = new Map<string, Set<DataConsumer>>();

  constructor(id: string, headerExtensions: readonly RouterHeaderExtension[]) {
    this.id = id;
    for (const ext of headerExtensions) {
      this.#extensionIds.set(`${ext.kind} ${ext.uri}`, ext.preferredId);
    }
  }

  routerIdForUri(kind: MediaKind): (uri: string) => number | undefined {
    return (uri) => this.#extensionIds.get(`${kind} ${uri}`);
  }

  getProducer(id: string): Producer | undefined {
    return this.#producers.get(id);
  }

  get producerIds(): string[] {
    return [...this.#producers.keys()];
  }

  addProducer(producer: Producer): void {
    if (this.#producers.has(producer.id)) {
      throw new TypeError(`a Producer with id '${producer.id}' already exists`);
    }
    this.#producers.set(producer.id, producer);
    this.#consumers.set(producer.id, new Set());
  }

  /** Removes the producer; returns the consumers it fed (they close with it). */
  removeProducer(producerId: string): Consumer[] {
    this.#producers.delete(producerId);
    const consumers = this.#consumers.get(producerId);
    this.#consumers.delete(producerId);
    return consumers ? [...consumers] : [];
  }

  addConsumer(consumer: Consumer): void {
    const set = this.#consumers.get(consumer.producerId);
    if (!set) throw new TypeError(`Producer not found [producerId:${consumer.producerId}]`);
    set.add(consumer);
  }

  removeConsumer(consumer: Consumer): void {
    this.#consumers.get(consumer.producerId)?.delete(consumer);
  }

  forEachConsumerOf(producerId: string, fn: (consumer: Consumer) => void): void {
    for (const consumer of this.#consumers.get(producerId) ?? []) fn(consumer);
  }

  consumerIdsOf(producerId: string): string[] {
    return [...(this.#consumers.get(producerId) ?? [])].map((c) => c.id);
  }

  /** The hot path: one producer packet to every sink of it. */
  onProducerRtp(producer: Producer, packet: RtpPacketView, isKeyFrame: boolean): void {
    const sinks = this.#consumers.get(producer.id);
    if (!sinks) return;
    for (const sink of sinks) sink.receiveRtp(packet, isKeyFrame);
  }

  /** A key frame of one producer stream (its router SSRC), or of all of them. */
  onConsumerKeyFrameNeeded(consumer: Consumer, mappedSsrc?: number): void {
    this.#producers.get(consumer.producerId)?.requestKeyFrame(performance.now(), mappedSsrc);
  }

  // ---- Data plane ----

  getDataProducer(id: string): DataProducer | undefined {
    return this.#dataProducers.get(id);
  }

  addDataProducer(dataProducer: DataProducer): void {
    if (this.#dataProducers.has(dataProducer.id)) {
      throw new TypeError(`a DataProducer with id '${dataProducer.id}' already exists`);
    }
    this.#dataProducers.set(dataProducer.id, dataProducer);
    this.#dataConsumers.set(dataProducer.id, new Set());
  }

  /** Removes the data producer; returns the data consumers it fed (they close with it). */
  removeDataProducer(dataProducerId: string): DataConsumer[] {
    this.#dataProducers.delete(dataProducerId);
    const sinks = this.#dataConsumers.get(dataProducerId);
    this.#dataConsumers.delete(dataProducerId);
    return sinks ? [...sinks] : [];
  }

  addDataConsumer(dataConsumer: DataConsumer): void {
    const set = this.#dataConsumers.get(dataConsumer.dataProducerId);
    if (!set) {
      throw new TypeError(`DataProducer not found [dataProducerId:${dataConsumer.dataProducerId}]`);
    }
    set.add(dataConsumer);
  }

  removeDataConsumer(dataConsumer: DataConsumer): void {
    this.#dataConsumers.get(dataConsumer.dataProducerId)?.delete(dataConsumer);
  }

  forEachDataConsumerOf(dataProducerId: string, fn: (dataConsumer: DataConsumer) => void): void {
    for (const sink of this.#dataConsumers.get(dataProducerId) ?? []) fn(sink);
  }

  /** router.dump()'s mapDataProducerIdDataConsumerIds. */
  dataConsumerIdsByDataProducer(): Record<string, string[]> {
    const map: Record<string, string[]> = {};
    for (const [id, sinks] of this.#dataConsumers) map[id] = [...sinks].map((c) => c.id);
    return map;
  }

  /** A data producer's message to each of its sinks (a message is never paused here). */
  onDataProducerMessage(
    dataProducer: DataProducer,
    ppid: number,
    data: Uint8Array,
    subchannels?: readonly number[],
    requiredSubchannel?: number,
  ): void {
    if (dataProducer.paused) return;
    const sinks = this.#dataConsumers.get(dataProducer.id);
    if (!sinks) return;
    for (const sink of sinks) sink.receiveMessage(ppid, data, subchannels, requiredSubchannel);
  }
}
