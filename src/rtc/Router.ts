/**
 * The media routing table of one router in the worker: which sinks each
 * producer feeds (its consumers and RTP observers), and the router's
 * header extension ids. Producers push packets here; the router hands each
 * to every sink of that producer, all inside the media plane.
 */
import { NO_AUDIO_LEVEL, readAudioLevel, type RtpPacketView } from '../protocols/rtp/index.js';
import type { MediaKind } from '../ortc/index.js';
import { InvalidStateError } from '../common/errors.js';
import type { Producer } from './rtp/Producer.js';
import type { Consumer } from './rtp/Consumer.js';
import type { DataProducer } from './data/DataProducer.js';
import type { DataConsumer } from './data/DataConsumer.js';
import type { RtpObserver } from './observers/RtpObserver.js';
import { URI } from './rtp/ExtensionMap.js';

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
  /** RTP observers: observer id → observer, and audio producer id → the observers it feeds. */
  readonly #observers = new Map<string, RtpObserver>();
  readonly #observersOf = new Map<string, RtpObserver[]>();
  /** The router's id of the audio level extension (RFC 6464) in forwarded packets (0: none). */
  readonly #audioLevelId: number;

  constructor(id: string, headerExtensions: readonly RouterHeaderExtension[]) {
    this.id = id;
    for (const ext of headerExtensions) {
      this.#extensionIds.set(`${ext.kind} ${ext.uri}`, ext.preferredId);
    }
    this.#audioLevelId = this.#extensionIds.get(`audio ${URI.audioLevel}`) ?? 0;
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

  /** Removes the producer (from its observers too); returns the consumers it fed (they close with it). */
  removeProducer(producerId: string): Consumer[] {
    const producer = this.#producers.get(producerId);
    for (const observer of this.#observersOf.get(producerId) ?? []) {
      if (producer) observer.removeProducer(producer);
    }
    this.#observersOf.delete(producerId);
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
    // Read before the sinks: a consumer may rewrite the packet on its way out.
    const observers = this.#observersOf.get(producer.id);
    const level =
      observers === undefined ? NO_AUDIO_LEVEL : readAudioLevel(packet, this.#audioLevelId);
    const sinks = this.#consumers.get(producer.id);
    if (sinks !== undefined && sinks.size > 0) {
      // One copy for every consumer's retransmissions, before any of them sends it.
      producer.packetStore?.put(packet, performance.now());
      for (const sink of sinks) sink.receiveRtp(packet, isKeyFrame);
    }
    if (observers === undefined || level === NO_AUDIO_LEVEL) return;
    const nowMs = performance.now();
    for (let i = 0; i < observers.length; i++) {
      observers[i].receiveAudioLevel(producer, level, nowMs);
    }
  }

  // ---- RTP observers ----

  getRtpObserver(id: string): RtpObserver | undefined {
    return this.#observers.get(id);
  }

  get rtpObserverIds(): string[] {
    return [...this.#observers.keys()];
  }

  addRtpObserver(observer: RtpObserver): void {
    if (this.#observers.has(observer.id)) {
      throw new TypeError('an RtpObserver with same id already exists');
    }
    this.#observers.set(observer.id, observer);
  }

  /** Closes the observer and stops feeding it. */
  removeRtpObserver(observer: RtpObserver): void {
    observer.close();
    this.#observers.delete(observer.id);
    for (const [producerId, list] of this.#observersOf) {
      const i = list.indexOf(observer);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.#observersOf.delete(producerId);
    }
  }

  /** Feeds `producerId`'s packets to the observer (mediasoup: 'Producer not found' otherwise). */
  observeProducer(observer: RtpObserver, producerId: string): void {
    const producer = this.#producers.get(producerId);
    if (!producer) throw new InvalidStateError(`Producer not found [producerId:${producerId}]`);
    observer.addProducer(producer, performance.now());
    const list = this.#observersOf.get(producerId) ?? [];
    if (!list.includes(observer)) list.push(observer);
    this.#observersOf.set(producerId, list);
  }

  unobserveProducer(observer: RtpObserver, producerId: string): void {
    const producer = this.#producers.get(producerId);
    if (!producer) throw new InvalidStateError(`Producer not found [producerId:${producerId}]`);
    observer.removeProducer(producer);
    const list = this.#observersOf.get(producerId);
    const i = list ? list.indexOf(observer) : -1;
    if (list && i >= 0) list.splice(i, 1);
    if (list?.length === 0) this.#observersOf.delete(producerId);
  }

  /** router.dump()'s mapProducerIdObserverIds: producer id → the ids of its observers. */
  observerIdsByProducer(): Map<string, string[]> {
    // As mediasoup: every producer has its entry, an empty list without observers.
    const map = new Map<string, string[]>();
    for (const id of this.#producers.keys()) {
      map.set(
        id,
        (this.#observersOf.get(id) ?? []).map((o) => o.id),
      );
    }
    return map;
  }

  /** A producer paused or resumed: its observers hear of it (it forwards nothing while paused). */
  onProducerPauseChange(producer: Producer): void {
    for (const observer of this.#observersOf.get(producer.id) ?? []) {
      if (producer.paused) observer.producerPaused(producer);
      else observer.producerResumed(producer);
    }
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

  /** router.dump()'s mapDataProducerIdDataConsumerIds: data producer id → its sinks' ids. */
  dataConsumerIdsByDataProducer(): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const [id, sinks] of this.#dataConsumers)
      map.set(
        id,
        [...sinks].map((c) => c.id),
      );
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
