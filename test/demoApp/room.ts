/**
 * A room: a protoo room for signaling with the browsers, a router on one worker (its
 * WebRtcServer carries every browser transport), an audio level observer and an active
 * speaker observer fed with every audio producer, the chat bot, and the broadcasters (plain
 * RTP publishers driven over HTTP, see broadcasters.ts).
 *
 * Consumers are created by the server, paused, when a producer appears or a peer joins, and
 * resumed once the consuming page has answered `newConsumer` (so its first packets find the
 * page's receiver ready).
 */
import { EventEmitter } from 'node:events';
import * as protoo from 'protoo-server';
import { Bot } from './bot.js';
import { Broadcasters, type Broadcaster } from './broadcasters.js';
import type { DemoConfig } from './config.js';
import { Logger } from './logger.js';
import { handleProtooRequest } from './peerRequests.js';
import { mediasoup, type types } from './sfu.js';

const logger = new Logger('Room');

/** What the room keeps of a member, browser peer or broadcaster. */
export interface MemberData {
  displayName: string | undefined;
  device: unknown;
  producers: Map<string, types.Producer>;
  dataProducers: Map<string, types.DataProducer>;
}

/** What the room keeps of a browser peer (in its protoo peer's `data`). */
export interface PeerData extends MemberData {
  joined: boolean;
  rtpCapabilities: types.RtpCapabilities | undefined;
  sctpCapabilities: types.SctpCapabilities | undefined;
  transports: Map<string, types.WebRtcTransport>;
  consumers: Map<string, types.Consumer>;
  dataConsumers: Map<string, types.DataConsumer>;
}

export function dataOf(peer: protoo.Peer): PeerData {
  return peer.data as PeerData;
}

export function memberData(member: protoo.Peer | Broadcaster): MemberData {
  return member.data as MemberData;
}

export interface RoomEvents {
  close: [];
}

export class Room extends EventEmitter<RoomEvents> {
  readonly id: string;
  readonly config: DemoConfig;
  readonly protooRoom: protoo.Room;
  readonly webRtcServer: types.WebRtcServer | undefined;
  readonly router: types.Router;
  readonly audioLevelObserver: types.AudioLevelObserver;
  readonly activeSpeakerObserver: types.ActiveSpeakerObserver;
  readonly bot: Bot;
  readonly broadcasters: Broadcasters;
  readonly consumerReplicas: number;
  #closed = false;

  static async create(options: {
    config: DemoConfig;
    worker: types.Worker<{ webRtcServer?: types.WebRtcServer }>;
    roomId: string;
    consumerReplicas: number;
  }): Promise<Room> {
    const { config, worker, roomId, consumerReplicas } = options;
    logger.info('create()', roomId);
    const protooRoom = new protoo.Room();
    const { mediaCodecs } = config.mediasoup.routerOptions;
    const router = await worker.createRouter({ mediaCodecs });
    const audioLevelObserver = await router.createAudioLevelObserver({
      maxEntries: 1,
      threshold: -80,
      interval: 800,
    });
    const activeSpeakerObserver = await router.createActiveSpeakerObserver();
    const bot = await Bot.create(router);
    return new Room({
      id: roomId,
      config,
      protooRoom,
      webRtcServer: worker.appData.webRtcServer,
      router,
      audioLevelObserver,
      activeSpeakerObserver,
      bot,
      consumerReplicas,
    });
  }

  private constructor(parts: {
    id: string;
    config: DemoConfig;
    protooRoom: protoo.Room;
    webRtcServer: types.WebRtcServer | undefined;
    router: types.Router;
    audioLevelObserver: types.AudioLevelObserver;
    activeSpeakerObserver: types.ActiveSpeakerObserver;
    bot: Bot;
    consumerReplicas: number;
  }) {
    super();
    this.setMaxListeners(Infinity);
    this.id = parts.id;
    this.config = parts.config;
    this.protooRoom = parts.protooRoom;
    this.webRtcServer = parts.webRtcServer;
    this.router = parts.router;
    this.audioLevelObserver = parts.audioLevelObserver;
    this.activeSpeakerObserver = parts.activeSpeakerObserver;
    this.bot = parts.bot;
    this.consumerReplicas = parts.consumerReplicas;
    this.broadcasters = new Broadcasters(this);
    this.#handleAudioLevelObserver();
    this.#handleActiveSpeakerObserver();
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    logger.debug('close()');
    this.#closed = true;
    this.protooRoom.close();
    this.router.close();
    this.bot.close();
    this.emit('close');
  }

  handleProtooConnection(peerId: string, transport: protoo.WebSocketTransport): void {
    const existing = this.protooRoom.getPeer(peerId);
    if (existing) {
      logger.warn('a peer with this id is here already, closing it', peerId);
      existing.close();
    }
    let peer: protoo.Peer;
    try {
      peer = this.protooRoom.createPeer(peerId, transport);
    } catch (error) {
      logger.error('protooRoom.createPeer() failed', error);
      return;
    }
    peer.notify('mediasoup-version', { version: mediasoup.version }).catch(() => {});
    const data: PeerData = {
      joined: false,
      displayName: undefined,
      device: undefined,
      rtpCapabilities: undefined,
      sctpCapabilities: undefined,
      // Ready before joining: a peer may create its transports first.
      transports: new Map(),
      producers: new Map(),
      consumers: new Map(),
      dataProducers: new Map(),
      dataConsumers: new Map(),
    };
    Object.assign(peer.data, data);

    peer.on('request', (request, accept, reject) => {
      logger.debug('request', request.method, peer.id);
      handleProtooRequest(this, peer, request, accept, reject).catch((error: unknown) => {
        logger.error('request failed', request.method, error);
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });

    peer.on('close', () => {
      if (this.#closed) return;
      logger.debug('peer closed', peer.id);
      if (dataOf(peer).joined) {
        for (const other of this.joinedPeers(peer)) {
          other.notify('peerClosed', { peerId: peer.id }).catch(() => {});
        }
      }
      // Closing its transports closes its producers and consumers.
      for (const transport of dataOf(peer).transports.values()) transport.close();
      if (this.protooRoom.peers.length === 0) {
        logger.info('the last peer left, closing the room', this.id);
        this.close();
      }
    });
  }

  /** The joined protoo peers, but `exclude`. */
  joinedPeers(exclude?: protoo.Peer): protoo.Peer[] {
    return this.protooRoom.peers.filter((peer) => dataOf(peer).joined && peer !== exclude);
  }

  #handleAudioLevelObserver(): void {
    this.audioLevelObserver.on('volumes', (volumes) => {
      const { producer, volume } = volumes[0];
      logger.debug('audio level observer: volumes', producer.id, volume);
      for (const peer of this.joinedPeers()) {
        peer.notify('activeSpeaker', { peerId: producer.appData.peerId, volume }).catch(() => {});
      }
    });
    this.audioLevelObserver.on('silence', () => {
      logger.debug('audio level observer: silence');
      for (const peer of this.joinedPeers()) {
        peer.notify('activeSpeaker', { peerId: null }).catch(() => {});
      }
    });
  }

  #handleActiveSpeakerObserver(): void {
    this.activeSpeakerObserver.on('dominantspeaker', (speaker) => {
      logger.debug('active speaker observer: dominantspeaker', speaker.producer.id);
      this.dominantSpeakers.push(String(speaker.producer.appData.peerId));
    });
  }

  /** The peer ids the active speaker observer named, in order (the demo only logs them). */
  readonly dominantSpeakers: string[] = [];

  /** Feeds an audio producer to both observers (mediasoup-demo ignores their errors). */
  observeAudio(producer: types.Producer): void {
    if (producer.kind !== 'audio') return;
    this.audioLevelObserver.addProducer({ producerId: producer.id }).catch(() => {});
    this.activeSpeakerObserver.addProducer({ producerId: producer.id }).catch(() => {});
  }

  /**
   * A consumer of `producer` for `consumerPeer` (created paused, `consumerReplicas` extra
   * copies), told to the page with `newConsumer` and resumed when the page has answered.
   */
  async createConsumer(
    consumerPeer: protoo.Peer,
    producerPeer: protoo.Peer | Broadcaster,
    producer: types.Producer,
  ): Promise<void> {
    const consumerData = dataOf(consumerPeer);
    const { rtpCapabilities } = consumerData;
    if (!rtpCapabilities || !this.router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      return;
    }
    const transport = [...consumerData.transports.values()].find((t) => t.appData.consuming);
    if (!transport) {
      logger.warn('createConsumer() | no transport for consuming');
      return;
    }
    const copies = 1 + this.consumerReplicas;
    await Promise.all(
      Array.from({ length: copies }, () =>
        this.#createOneConsumer(consumerPeer, producerPeer.id, producer, transport),
      ),
    );
  }

  async #createOneConsumer(
    consumerPeer: protoo.Peer,
    producerPeerId: string,
    producer: types.Producer,
    transport: types.WebRtcTransport,
  ): Promise<void> {
    const consumerData = dataOf(consumerPeer);
    let consumer: types.Consumer;
    try {
      consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: consumerData.rtpCapabilities!,
        // NACK for opus too.
        enableRtx: true,
        paused: true,
        ignoreDtx: true,
      });
    } catch (error) {
      logger.warn('createConsumer() | transport.consume() failed', error);
      return;
    }
    consumerData.consumers.set(consumer.id, consumer);
    const notify = (method: string, data: unknown): void => {
      consumerPeer.notify(method, data).catch(() => {});
    };
    consumer.on('transportclose', () => consumerData.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      consumerData.consumers.delete(consumer.id);
      notify('consumerClosed', { consumerId: consumer.id });
    });
    consumer.on('producerpause', () => notify('consumerPaused', { consumerId: consumer.id }));
    consumer.on('producerresume', () => notify('consumerResumed', { consumerId: consumer.id }));
    consumer.on('score', (score) => notify('consumerScore', { consumerId: consumer.id, score }));
    consumer.on('layerschange', (layers) =>
      notify('consumerLayersChanged', {
        consumerId: consumer.id,
        spatialLayer: layers ? layers.spatialLayer : null,
        temporalLayer: layers ? layers.temporalLayer : null,
      }),
    );
    consumer.on('trace', (trace) => logger.debug('consumer trace', consumer.id, trace.type));
    try {
      await consumerPeer.request('newConsumer', {
        peerId: producerPeerId,
        producerId: producer.id,
        id: consumer.id,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        type: consumer.type,
        appData: producer.appData,
        producerPaused: consumer.producerPaused,
      });
      // The page's receiver exists now: let the media (and one key frame request) through.
      await consumer.resume();
      notify('consumerScore', { consumerId: consumer.id, score: consumer.score });
    } catch (error) {
      logger.warn('createConsumer() | failed', error);
    }
  }

  /** A data consumer of `dataProducer` for `dataConsumerPeer`, told with `newDataConsumer`. */
  async createDataConsumer(
    dataConsumerPeer: protoo.Peer,
    dataProducerPeer: protoo.Peer | Broadcaster | null,
    dataProducer: types.DataProducer,
  ): Promise<void> {
    const peerData = dataOf(dataConsumerPeer);
    if (!peerData.sctpCapabilities) return;
    const transport = [...peerData.transports.values()].find((t) => t.appData.consuming);
    if (!transport) {
      logger.warn('createDataConsumer() | no transport for consuming');
      return;
    }
    let dataConsumer: types.DataConsumer;
    try {
      dataConsumer = await transport.consumeData({ dataProducerId: dataProducer.id });
    } catch (error) {
      logger.warn('createDataConsumer() | transport.consumeData() failed', error);
      return;
    }
    peerData.dataConsumers.set(dataConsumer.id, dataConsumer);
    dataConsumer.on('transportclose', () => peerData.dataConsumers.delete(dataConsumer.id));
    dataConsumer.on('dataproducerclose', () => {
      peerData.dataConsumers.delete(dataConsumer.id);
      dataConsumerPeer
        .notify('dataConsumerClosed', { dataConsumerId: dataConsumer.id })
        .catch(() => {});
    });
    try {
      await dataConsumerPeer.request('newDataConsumer', {
        // null for the bot's data producer.
        peerId: dataProducerPeer ? dataProducerPeer.id : null,
        dataProducerId: dataProducer.id,
        id: dataConsumer.id,
        sctpStreamParameters: dataConsumer.sctpStreamParameters,
        label: dataConsumer.label,
        protocol: dataConsumer.protocol,
        appData: dataProducer.appData,
      });
    } catch (error) {
      logger.warn('createDataConsumer() | failed', error);
    }
  }
}
