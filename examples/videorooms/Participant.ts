/**
 * One participant: a WebSocket session, and while joined, its room, its two
 * WebRTC transports, its producers and its consumers. Every request is
 * validated; ids must belong to this participant; what it may hold is capped
 * by the server's Limits.
 */
import { randomUUID } from 'node:crypto';
import {
  InvalidStateError,
  UnsupportedError,
  type Consumer,
  type DataConsumer,
  type DataProducer,
  type DtlsParameters,
  type Producer,
  type RtpCapabilities,
  type RtpParameters,
  type SctpStreamParameters,
  type WebRtcTransport,
} from '../../src/index.js';
// The library's own validator, so garbage never reaches canConsume (which logs it).
import { validateRtpCapabilities } from '../../src/ortc/validateRtpCapabilities.js';
import type { Limits } from './config.js';
import { DEFAULT_SOURCE, MAX_TILE_SIDE, type Size } from './layers.js';
import {
  ProtocolError,
  checkListField,
  displayNameField,
  integerField,
  kindField,
  labelField,
  objectField,
  roomIdField,
  sourceField,
  stringField,
  type MediaSource,
  type ClientRequest,
} from './protocol.js';
import type { Room } from './Room.js';
import type { RoomsRegistry } from './RoomsRegistry.js';
import { TileViews } from './TileViews.js';

export interface TransportInfo {
  id: string;
  iceParameters: WebRtcTransport['iceParameters'];
  iceCandidates: WebRtcTransport['iceCandidates'];
  dtlsParameters: WebRtcTransport['dtlsParameters'];
  sctpParameters: WebRtcTransport['sctpParameters'];
}

export class Participant {
  readonly id = randomUUID();
  displayName = '';
  room: Room | undefined;
  readonly #send: (message: unknown) => void;
  readonly #registry: RoomsRegistry;
  readonly #limits: Limits;
  readonly #connected = new WeakSet<WebRtcTransport>();
  /** Transports created for this connection so far (a join creates two). */
  #transportsCreated = 0;
  sendTransport: WebRtcTransport | undefined;
  recvTransport: WebRtcTransport | undefined;
  readonly producers = new Map<string, Producer>();
  readonly consumers = new Map<string, Consumer>();
  readonly dataProducers = new Map<string, DataProducer>();
  readonly dataConsumers = new Map<string, DataConsumer>();
  /** The camera size each video producer's publisher declared (layers are fractions of it). */
  readonly producerSources = new Map<string, Size>();
  /** This participant's screen share, if any (one per room, see Room.claimScreen). */
  #screenProducer: Producer | undefined;
  readonly #views = new TileViews();

  constructor(send: (message: unknown) => void, registry: RoomsRegistry, limits: Limits) {
    this.#send = send;
    this.#registry = registry;
    this.#limits = limits;
  }

  notify(event: string, data: unknown): void {
    this.#send({ type: 'notification', event, data });
  }

  async handle(request: ClientRequest): Promise<unknown> {
    const { type, body } = request;
    if (type === 'join') return this.#join(body);
    const room = this.room;
    if (!room) throw new ProtocolError('not-joined', `'${type}' needs a joined participant`);
    switch (type) {
      case 'connectTransport': {
        const transport = this.#transport(stringField(body, 'transportId'));
        const dtlsParameters = objectField(body, 'dtlsParameters') as unknown as DtlsParameters;
        // The media plane refuses a second connect with an untyped error: refuse it here.
        if (this.#connected.has(transport)) {
          throw new ProtocolError('bad-request', 'transport already connected');
        }
        await transport.connect({ dtlsParameters });
        this.#connected.add(transport);
        return {};
      }
      case 'produce':
        return this.#produce(room, body);
      case 'consume':
        return this.#consume(room, body);
      case 'resumeConsumer': {
        await this.#views.resume(this.#consumer(stringField(body, 'consumerId')));
        return {};
      }
      case 'setTileSize': {
        const consumer = this.#consumer(stringField(body, 'consumerId'));
        const width = integerField(body, 'width', 0, MAX_TILE_SIDE);
        const height = integerField(body, 'height', 0, MAX_TILE_SIDE);
        return this.#views.setTileSize(consumer, { width, height });
      }
      case 'pauseProducer':
      case 'resumeProducer': {
        const producer = this.#producer(stringField(body, 'producerId'));
        const pause = type === 'pauseProducer';
        if (pause) await producer.pause();
        else await producer.resume();
        room.broadcast(this, pause ? 'producerPaused' : 'producerResumed', {
          participantId: this.id,
          producerId: producer.id,
        });
        return {};
      }
      case 'closeProducer': {
        const producer = this.#producer(stringField(body, 'producerId'));
        producer.close();
        this.#producerClosed(producer);
        return {};
      }
      case 'produceData':
        return this.#produceData(room, body);
      case 'consumeData':
        return this.#consumeData(room, body);
      case 'closeDataProducer': {
        const id = stringField(body, 'dataProducerId');
        const dataProducer = this.dataProducers.get(id);
        if (!dataProducer) throw new ProtocolError('not-found', 'unknown data producer');
        // The others' data consumers get dataproducerclose, hence dataConsumerClosed.
        dataProducer.close();
        this.dataProducers.delete(id);
        return {};
      }
      case 'leave':
        this.leave();
        return {};
      default:
        throw new ProtocolError('bad-request', `unknown request type '${type}'`);
    }
  }

  /** Leaves the room (socket closed, 'leave', or the room moved). */
  leave(notifyOthers = true): void {
    const room = this.room;
    if (!room) return;
    this.room = undefined;
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = undefined;
    this.recvTransport = undefined;
    this.producers.clear();
    this.producerSources.clear();
    this.#screenProducer = undefined;
    room.releaseScreen(this);
    this.consumers.clear();
    this.#views.clear();
    this.dataProducers.clear();
    this.dataConsumers.clear();
    room.participants.delete(this.id);
    if (notifyOthers) room.broadcast(this, 'participantLeft', { participantId: this.id });
    this.#registry.participantLeft(room);
  }

  async #join(body: Record<string, unknown>): Promise<unknown> {
    if (this.room) throw new ProtocolError('already-joined', 'already in a room');
    const roomId = roomIdField(body);
    const displayName = displayNameField(body);
    if (this.#transportsCreated + 2 > this.#limits.maxTransports) {
      throw new ProtocolError(
        'limit',
        `a connection may create ${this.#limits.maxTransports} transports; open a new one`,
      );
    }
    // A second attempt only when the room's worker died during the first.
    for (let attempt = 0; attempt < 2; attempt++) {
      const room = await this.#registry.reserve(roomId);
      try {
        const joined = await this.#enter(room, displayName);
        if (joined) return joined;
      } finally {
        this.#registry.release(room);
      }
    }
    throw new ProtocolError('internal', 'the room closed while joining; join again');
  }

  /** Creates the transports and enters the room; undefined if the room closed meanwhile. */
  async #enter(room: Room, displayName: string): Promise<unknown> {
    const transports: WebRtcTransport[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        this.#transportsCreated++;
        transports.push(await this.#registry.createTransport(room));
      }
    } catch (error) {
      for (const transport of transports) transport.close();
      if (room.closed) return undefined;
      throw error;
    }
    const [sendTransport, recvTransport] = transports;
    if (room.closed) {
      sendTransport.close();
      recvTransport.close();
      return undefined;
    }
    // Checked right before entering, so concurrent joins cannot overfill the room.
    if (room.participants.size >= this.#limits.maxRoomParticipants) {
      sendTransport.close();
      recvTransport.close();
      throw new ProtocolError(
        'limit',
        `a room holds ${this.#limits.maxRoomParticipants} participants`,
      );
    }
    this.displayName = displayName;
    this.sendTransport = sendTransport;
    this.recvTransport = recvTransport;
    this.room = room;
    const peers = [...room.participants.values()].map((p) => ({
      participantId: p.id,
      displayName: p.displayName,
      producers: [...p.producers.values()].map((producer) => ({
        producerId: producer.id,
        kind: producer.kind,
        paused: producer.paused,
        source: sourceOf(producer),
      })),
      dataProducers: [...p.dataProducers.values()].map(dataProducerInfo),
    }));
    room.participants.set(this.id, this);
    room.broadcast(this, 'participantJoined', {
      participantId: this.id,
      displayName: this.displayName,
    });
    return {
      participantId: this.id,
      routerRtpCapabilities: room.router.rtpCapabilities,
      activeSpeaker: room.speakers?.current ?? null,
      sendTransport: transportInfo(sendTransport),
      recvTransport: transportInfo(recvTransport),
      peers,
    };
  }

  async #produce(room: Room, body: Record<string, unknown>): Promise<unknown> {
    const transport = this.#transport(stringField(body, 'transportId'));
    if (transport !== this.sendTransport) {
      throw new ProtocolError('bad-request', 'produce on the send transport');
    }
    const kind = kindField(body);
    const limits = this.#limits;
    if (this.producers.size >= limits.maxProducers) {
      throw new ProtocolError('limit', `a participant may have ${limits.maxProducers} producers`);
    }
    const parameters = objectField(body, 'rtpParameters');
    checkListField(parameters, 'encodings', limits.maxEncodings, 'rtpParameters');
    checkListField(parameters, 'codecs', limits.maxCodecs, 'rtpParameters');
    checkListField(parameters, 'headerExtensions', limits.maxHeaderExtensions, 'rtpParameters');
    const rtpParameters = parameters as unknown as RtpParameters;
    const size = kind === 'video' ? sourceSizeField(body) : undefined;
    const source = sourceField(body.appData, kind);
    const screen = source === 'screen';
    if (screen) this.#claimScreen(room);
    let producer: Producer;
    try {
      producer = await transport.produce({ kind, rtpParameters, appData: { source } });
    } catch (error) {
      if (screen) room.releaseScreen(this);
      throw error;
    }
    if (this.room !== room) {
      producer.close();
      if (screen) room.releaseScreen(this);
      throw new ProtocolError('not-joined', 'left the room');
    }
    this.producers.set(producer.id, producer);
    if (size) this.producerSources.set(producer.id, size);
    if (screen) this.#screenProducer = producer;
    if (kind === 'audio') await this.#observeSpeaker(room, producer);
    producer.on('transportclose', () => {
      this.producers.delete(producer.id);
      if (this.#screenProducer === producer) this.#screenProducer = undefined;
    });
    room.broadcast(this, 'newProducer', {
      participantId: this.id,
      producerId: producer.id,
      kind,
      paused: producer.paused,
      source,
    });
    return { producerId: producer.id };
  }

  async #consume(room: Room, body: Record<string, unknown>): Promise<unknown> {
    const producerId = stringField(body, 'producerId');
    const rtpCapabilities = this.#capabilities(objectField(body, 'rtpCapabilities'));
    const owner = [...room.participants.values()].find((p) => p.producers.has(producerId));
    if (!owner || owner === this) throw new ProtocolError('not-found', 'unknown producer');
    if (this.consumers.size >= this.#limits.maxConsumers) {
      throw new ProtocolError(
        'limit',
        `a participant may have ${this.#limits.maxConsumers} consumers`,
      );
    }
    if (!room.router.canConsume({ producerId, rtpCapabilities })) {
      throw new ProtocolError('unsupported', 'this device cannot consume that producer');
    }
    const consumer = await this.recvTransport!.consume({
      producerId,
      rtpCapabilities,
      paused: true,
    });
    if (this.room !== room) {
      consumer.close();
      throw new ProtocolError('not-joined', 'left the room');
    }
    this.consumers.set(consumer.id, consumer);
    if (consumer.kind === 'video') this.#watchVideo(consumer, owner, producerId);
    const forget = (): void => {
      this.consumers.delete(consumer.id);
      this.#views.delete(consumer.id);
    };
    consumer.on('transportclose', forget);
    consumer.on('producerclose', () => {
      forget();
      this.notify('consumerClosed', { consumerId: consumer.id, producerId });
    });
    return {
      consumerId: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      participantId: owner.id,
    };
  }

  async #produceData(room: Room, body: Record<string, unknown>): Promise<unknown> {
    const transport = this.#transport(stringField(body, 'transportId'));
    if (transport !== this.sendTransport) {
      throw new ProtocolError('bad-request', 'produceData on the send transport');
    }
    const limits = this.#limits;
    if (this.dataProducers.size >= limits.maxDataProducers) {
      throw new ProtocolError(
        'limit',
        `a participant may have ${limits.maxDataProducers} data producers`,
      );
    }
    const sctpStreamParameters = sctpStreamParametersField(body);
    const label = labelField(body, 'label');
    const protocol = labelField(body, 'protocol');
    const dataProducer = await transport.produceData({ sctpStreamParameters, label, protocol });
    if (this.room !== room) {
      dataProducer.close();
      throw new ProtocolError('not-joined', 'left the room');
    }
    this.dataProducers.set(dataProducer.id, dataProducer);
    dataProducer.on('transportclose', () => this.dataProducers.delete(dataProducer.id));
    room.broadcast(this, 'newDataProducer', {
      participantId: this.id,
      ...dataProducerInfo(dataProducer),
    });
    return { dataProducerId: dataProducer.id };
  }

  async #consumeData(room: Room, body: Record<string, unknown>): Promise<unknown> {
    const dataProducerId = stringField(body, 'dataProducerId');
    const owner = [...room.participants.values()].find((p) => p.dataProducers.has(dataProducerId));
    if (!owner || owner === this) throw new ProtocolError('not-found', 'unknown data producer');
    for (const existing of this.dataConsumers.values()) {
      if (existing.dataProducerId === dataProducerId) {
        throw new ProtocolError('bad-request', 'that data producer is consumed already');
      }
    }
    if (this.dataConsumers.size >= this.#limits.maxDataConsumers) {
      throw new ProtocolError(
        'limit',
        `a participant may have ${this.#limits.maxDataConsumers} data consumers`,
      );
    }
    const dataConsumer = await this.recvTransport!.consumeData({ dataProducerId });
    if (this.room !== room) {
      dataConsumer.close();
      throw new ProtocolError('not-joined', 'left the room');
    }
    this.dataConsumers.set(dataConsumer.id, dataConsumer);
    const forget = (): void => {
      this.dataConsumers.delete(dataConsumer.id);
    };
    dataConsumer.on('transportclose', forget);
    dataConsumer.on('dataproducerclose', () => {
      forget();
      this.notify('dataConsumerClosed', { dataConsumerId: dataConsumer.id, dataProducerId });
    });
    return {
      dataConsumerId: dataConsumer.id,
      dataProducerId,
      sctpStreamParameters: dataConsumer.sctpStreamParameters,
      label: dataConsumer.label,
      protocol: dataConsumer.protocol,
      participantId: owner.id,
    };
  }

  /** Tile sizes choose its layers; its score and layers are forwarded to the page. */
  #watchVideo(consumer: Consumer, owner: Participant, producerId: string): void {
    const source = owner.producerSources.get(producerId) ?? DEFAULT_SOURCE;
    const encodings = owner.producers.get(producerId)?.rtpParameters.encodings;
    this.#views.add(consumer, source, encodings);
    const consumerId = consumer.id;
    const sendScore = (score: { score: number; producerScore: number }): void => {
      this.notify('consumerScore', {
        consumerId,
        score: score.score,
        producerScore: score.producerScore,
      });
    };
    // The score as of now (events come only when it changes, as in mediasoup), then changes.
    sendScore(consumer.score);
    consumer.on('score', sendScore);
    consumer.on('layerschange', (layers) => {
      this.notify('consumerLayersChanged', {
        consumerId,
        spatialLayer: layers?.spatialLayer ?? null,
        temporalLayer: layers?.temporalLayer ?? null,
      });
    });
  }

  /** A device's capabilities, bounded and validated (a copy: validation fills defaults). */
  #capabilities(value: Record<string, unknown>): RtpCapabilities {
    checkListField(value, 'codecs', this.#limits.maxCodecs, 'rtpCapabilities');
    checkListField(value, 'headerExtensions', this.#limits.maxHeaderExtensions, 'rtpCapabilities');
    const caps: unknown = structuredClone(value);
    try {
      validateRtpCapabilities(caps, 'rtpCapabilities');
    } catch (error) {
      throw new ProtocolError('bad-request', error instanceof Error ? error.message : 'invalid');
    }
    return caps;
  }

  /** Feeds a microphone to the room's speaker observers; the room works on without them. */
  async #observeSpeaker(room: Room, producer: Producer): Promise<void> {
    try {
      await room.speakers?.add(producer, this.id);
    } catch {
      // The producer closed meanwhile (or the room did): nothing to observe.
    }
  }

  /** One screen share per room, and one per participant. */
  #claimScreen(room: Room): void {
    if (this.#screenProducer) {
      throw new ProtocolError('limit', 'you are sharing a screen already');
    }
    if (!room.claimScreen(this)) {
      const who = room.screenSharer?.displayName ?? 'someone';
      throw new ProtocolError('limit', `${who} is sharing a screen: one at a time per room`);
    }
  }

  #producerClosed(producer: Producer): void {
    this.producers.delete(producer.id);
    this.producerSources.delete(producer.id);
    if (this.#screenProducer === producer) {
      this.#screenProducer = undefined;
      this.room?.releaseScreen(this);
    }
    this.room?.broadcast(this, 'producerClosed', {
      participantId: this.id,
      producerId: producer.id,
    });
  }

  #transport(id: string): WebRtcTransport {
    if (this.sendTransport?.id === id) return this.sendTransport;
    if (this.recvTransport?.id === id) return this.recvTransport;
    throw new ProtocolError('not-found', 'unknown transport');
  }

  #producer(id: string): Producer {
    const producer = this.producers.get(id);
    if (!producer) throw new ProtocolError('not-found', 'unknown producer');
    return producer;
  }

  #consumer(id: string): Consumer {
    const consumer = this.consumers.get(id);
    if (!consumer) throw new ProtocolError('not-found', 'unknown consumer');
    return consumer;
  }
}

/** The source a producer was made with (its appData, set by #produce). */
function sourceOf(producer: Producer): MediaSource {
  return (producer.appData as { source?: MediaSource }).source ?? 'camera';
}

function transportInfo(transport: WebRtcTransport): TransportInfo {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
    sctpParameters: transport.sctpParameters,
  };
}

function dataProducerInfo(dataProducer: DataProducer): { dataProducerId: string; label: string } {
  return { dataProducerId: dataProducer.id, label: dataProducer.label };
}

/**
 * The client's sctpStreamParameters, only the fields mediasoup knows (the
 * library checks their types and ranges: a TypeError becomes bad-request).
 */
function sctpStreamParametersField(body: Record<string, unknown>): SctpStreamParameters {
  const value = objectField(body, 'sctpStreamParameters');
  const { streamId, ordered, maxPacketLifeTime, maxRetransmits } = value;
  const params: Record<string, unknown> = { streamId };
  if (ordered !== undefined) params.ordered = ordered;
  if (maxPacketLifeTime !== undefined) params.maxPacketLifeTime = maxPacketLifeTime;
  if (maxRetransmits !== undefined) params.maxRetransmits = maxRetransmits;
  return params as unknown as SctpStreamParameters;
}

/**
 * A video producer's camera size from `appData.width` / `appData.height`
 * (both or neither; the server then assumes DEFAULT_SOURCE).
 */
function sourceSizeField(body: Record<string, unknown>): Size | undefined {
  const appData = body.appData;
  if (appData === undefined) return undefined;
  if (typeof appData !== 'object' || appData === null || Array.isArray(appData)) {
    throw new ProtocolError('bad-request', 'appData must be an object');
  }
  const data = appData as Record<string, unknown>;
  if (data.width === undefined && data.height === undefined) return undefined;
  return {
    width: integerField(data, 'width', 1, MAX_TILE_SIDE),
    height: integerField(data, 'height', 1, MAX_TILE_SIDE),
  };
}

/** Maps API errors to protocol errors for the reply. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof UnsupportedError) return new ProtocolError('unsupported', error.message);
  // A closed or not-yet-ready object the client named: its sequence, not a server fault.
  if (error instanceof InvalidStateError) return new ProtocolError('bad-request', error.message);
  if (error instanceof TypeError) return new ProtocolError('bad-request', error.message);
  return new ProtocolError('internal', error instanceof Error ? error.message : String(error));
}
