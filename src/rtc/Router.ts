/**
 * The media routing table of one router in the worker: which consumers each
 * producer feeds, and the router's header extension ids. Producers push
 * packets here; each consumer's transport sends them on.
 */
import type { RtpPacketView } from '../protocols/rtp/index.js';
import type { MediaKind } from '../ortc/index.js';
import type { Producer } from './rtp/Producer.js';
import type { Consumer } from './rtp/Consumer.js';

/** What a transport offers the router. */
export interface RoutedTransport {
  sendConsumerRtp(consumer: Consumer, packet: RtpPacketView, isKeyFrame: boolean): void;
}

export interface RouterHeaderExtension {
  kind: MediaKind;
  uri: string;
  preferredId: number;
}

interface ConsumerEntry {
  consumer: Consumer;
  transport: RoutedTransport;
}

export class RtcRouter {
  readonly id: string;
  readonly #extensionIds = new Map<string, number>();
  readonly #producers = new Map<string, Producer>();
  readonly #consumers = new Map<string, Set<ConsumerEntry>>();
  readonly #consumerEntries = new Map<string, ConsumerEntry>();

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
    const entries = this.#consumers.get(producerId);
    this.#consumers.delete(producerId);
    return entries ? [...entries].map((e) => e.consumer) : [];
  }

  addConsumer(consumer: Consumer, transport: RoutedTransport): void {
    const set = this.#consumers.get(consumer.producerId);
    if (!set) throw new TypeError(`Producer not found [producerId:${consumer.producerId}]`);
    const entry = { consumer, transport };
    set.add(entry);
    this.#consumerEntries.set(consumer.id, entry);
  }

  removeConsumer(consumer: Consumer): void {
    const entry = this.#consumerEntries.get(consumer.id);
    if (!entry) return;
    this.#consumerEntries.delete(consumer.id);
    this.#consumers.get(consumer.producerId)?.delete(entry);
  }

  forEachConsumerOf(producerId: string, fn: (consumer: Consumer) => void): void {
    for (const entry of this.#consumers.get(producerId) ?? []) fn(entry.consumer);
  }

  consumerIdsOf(producerId: string): string[] {
    return [...(this.#consumers.get(producerId) ?? [])].map((e) => e.consumer.id);
  }

  /** The hot path: one producer packet to every consumer of it. */
  onProducerRtp(producer: Producer, packet: RtpPacketView, isKeyFrame: boolean): void {
    const entries = this.#consumers.get(producer.id);
    if (!entries) return;
    for (const entry of entries)
      entry.transport.sendConsumerRtp(entry.consumer, packet, isKeyFrame);
  }

  /** A key frame of one producer stream (its router SSRC), or of all of them. */
  onConsumerKeyFrameNeeded(consumer: Consumer, mappedSsrc?: number): void {
    this.#producers.get(consumer.producerId)?.requestKeyFrame(performance.now(), mappedSsrc);
  }
}
