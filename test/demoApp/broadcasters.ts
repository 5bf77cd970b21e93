/**
 * Broadcasters: publishers without a browser (ffmpeg, GStreamer, a native client) that a
 * room's HTTP API drives. Each gets a PlainTransport (comedia, RTCP on its own port by
 * default) or a WebRtcTransport, producers that every joined peer consumes, and optionally
 * consumers and data consumers of its own.
 */
import { Logger } from './logger.js';
import type { MemberData, Room } from './room.js';
import type { types } from './sfu.js';

const logger = new Logger('Room');

export interface BroadcasterData extends MemberData {
  rtpCapabilities: types.RtpCapabilities | undefined;
  transports: Map<string, types.WebRtcTransport | types.PlainTransport>;
  consumers: Map<string, types.Consumer>;
  dataConsumers: Map<string, types.DataConsumer>;
}

export interface Broadcaster {
  id: string;
  data: BroadcasterData;
}

/** A request body field the API reads (the body is not trusted for types). */
type Body = Record<string, unknown>;

export class Broadcasters {
  readonly #room: Room;
  readonly #broadcasters = new Map<string, Broadcaster>();

  constructor(room: Room) {
    this.#room = room;
  }

  all(): Broadcaster[] {
    return [...this.#broadcasters.values()];
  }

  #get(id: unknown): Broadcaster {
    const broadcaster = this.#broadcasters.get(String(id));
    if (!broadcaster) throw new Error(`broadcaster with id "${String(id)}" does not exist`);
    return broadcaster;
  }

  #transport(broadcaster: Broadcaster, id: unknown): types.WebRtcTransport | types.PlainTransport {
    const transport = broadcaster.data.transports.get(String(id));
    if (!transport) throw new Error(`transport with id "${String(id)}" does not exist`);
    return transport;
  }

  create({ id, displayName, device = {}, rtpCapabilities }: Body): { peers: unknown[] } {
    const deviceInfo = device as { name?: unknown; version?: unknown };
    if (typeof id !== 'string' || !id) throw new TypeError('missing body.id');
    if (typeof displayName !== 'string' || !displayName) {
      throw new TypeError('missing body.displayName');
    }
    if (typeof deviceInfo.name !== 'string' || !deviceInfo.name) {
      throw new TypeError('missing body.device.name');
    }
    if (rtpCapabilities && typeof rtpCapabilities !== 'object') {
      throw new TypeError('wrong body.rtpCapabilities');
    }
    if (this.#broadcasters.has(id)) throw new Error(`broadcaster with id "${id}" already exists`);
    const broadcaster: Broadcaster = {
      id,
      data: {
        displayName,
        device: { flag: 'broadcaster', name: deviceInfo.name, version: deviceInfo.version },
        rtpCapabilities: rtpCapabilities as types.RtpCapabilities | undefined,
        transports: new Map(),
        producers: new Map(),
        consumers: new Map(),
        dataProducers: new Map(),
        dataConsumers: new Map(),
      },
    };
    this.#broadcasters.set(id, broadcaster);
    for (const peer of this.#room.joinedPeers()) {
      peer.notify('newPeer', { id, displayName, device: broadcaster.data.device }).catch(() => {});
    }
    // The joined peers and what of theirs the broadcaster could consume.
    const peers: unknown[] = [];
    if (rtpCapabilities) {
      for (const peer of this.#room.joinedPeers()) {
        const data = peer.data as MemberData;
        const producers = [...data.producers.values()]
          .filter((producer) =>
            this.#room.router.canConsume({
              producerId: producer.id,
              rtpCapabilities: rtpCapabilities,
            }),
          )
          .map((producer) => ({ id: producer.id, kind: producer.kind }));
        peers.push({ id: peer.id, displayName: data.displayName, device: data.device, producers });
      }
    }
    return { peers };
  }

  delete(broadcasterId: unknown): void {
    const broadcaster = this.#get(broadcasterId);
    for (const transport of broadcaster.data.transports.values()) transport.close();
    this.#broadcasters.delete(broadcaster.id);
    for (const peer of this.#room.joinedPeers()) {
      peer.notify('peerClosed', { peerId: broadcaster.id }).catch(() => {});
    }
  }

  async createTransport({
    broadcasterId,
    type,
    rtcpMux = false,
    comedia = true,
    sctpCapabilities,
  }: Body): Promise<unknown> {
    const broadcaster = this.#get(broadcasterId);
    const { mediasoup: settings } = this.#room.config;
    switch (type) {
      case 'webrtc': {
        const capabilities = sctpCapabilities as types.SctpCapabilities | undefined;
        const transport = await this.#room.router.createWebRtcTransport({
          ...structuredClone(settings.webRtcTransportOptions),
          webRtcServer: this.#room.webRtcServer,
          iceConsentTimeout: 20,
          enableSctp: Boolean(capabilities),
          numSctpStreams: (capabilities ?? ({} as Partial<types.SctpCapabilities>)).numStreams,
        });
        broadcaster.data.transports.set(transport.id, transport);
        return {
          id: transport.id,
          iceParameters: transport.iceParameters,
          iceCandidates: transport.iceCandidates,
          dtlsParameters: transport.dtlsParameters,
          sctpParameters: transport.sctpParameters,
        };
      }
      case 'plain': {
        const transport = await this.#room.router.createPlainTransport({
          ...structuredClone(settings.plainTransportOptions),
          rtcpMux: rtcpMux as boolean,
          comedia: comedia as boolean,
        });
        broadcaster.data.transports.set(transport.id, transport);
        return {
          id: transport.id,
          ip: transport.tuple.localIp,
          port: transport.tuple.localPort,
          rtcpPort: transport.rtcpTuple ? transport.rtcpTuple.localPort : undefined,
        };
      }
      default:
        throw new TypeError('invalid type');
    }
  }

  async connectTransport({ broadcasterId, transportId, dtlsParameters }: Body): Promise<void> {
    const transport = this.#transport(this.#get(broadcasterId), transportId);
    // Only a WebRtcTransport is connected through this route (the demo tests the class name,
    // which mediasoup 3.19 spells WebRtcTransportImpl; type is what both SFUs agree on).
    if (transport.type !== 'webrtc') {
      throw new Error(`transport with id "${String(transportId)}" is not a WebRtcTransport`);
    }
    await transport.connect({
      dtlsParameters: dtlsParameters as types.DtlsParameters,
    });
  }

  async createProducer({
    broadcasterId,
    transportId,
    kind,
    rtpParameters,
  }: Body): Promise<{ id: string }> {
    const broadcaster = this.#get(broadcasterId);
    const transport = this.#transport(broadcaster, transportId);
    const producer = await transport.produce({
      kind: kind as types.MediaKind,
      rtpParameters: rtpParameters as types.RtpParameters,
    });
    broadcaster.data.producers.set(producer.id, producer);
    producer.on('videoorientationchange', (orientation) =>
      logger.debug('broadcaster producer video orientation', producer.id, orientation),
    );
    for (const peer of this.#room.joinedPeers()) {
      void this.#room.createConsumer(peer, broadcaster, producer);
    }
    this.#room.observeAudio(producer);
    return { id: producer.id };
  }

  async createConsumer({ broadcasterId, transportId, producerId }: Body): Promise<unknown> {
    const broadcaster = this.#get(broadcasterId);
    const { rtpCapabilities } = broadcaster.data;
    if (!rtpCapabilities) throw new Error('broadcaster does not have rtpCapabilities');
    const transport = this.#transport(broadcaster, transportId);
    const consumer = await transport.consume({
      producerId: producerId as string,
      rtpCapabilities,
    });
    broadcaster.data.consumers.set(consumer.id, consumer);
    consumer.on('transportclose', () => broadcaster.data.consumers.delete(consumer.id));
    consumer.on('producerclose', () => broadcaster.data.consumers.delete(consumer.id));
    return {
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      type: consumer.type,
    };
  }

  async createDataConsumer({ broadcasterId, transportId, dataProducerId }: Body): Promise<unknown> {
    const broadcaster = this.#get(broadcasterId);
    if (!broadcaster.data.rtpCapabilities) {
      throw new Error('broadcaster does not have rtpCapabilities');
    }
    const transport = this.#transport(broadcaster, transportId);
    const dataConsumer = await transport.consumeData({ dataProducerId: dataProducerId as string });
    broadcaster.data.dataConsumers.set(dataConsumer.id, dataConsumer);
    const forget = (): boolean => broadcaster.data.dataConsumers.delete(dataConsumer.id);
    dataConsumer.on('transportclose', forget);
    dataConsumer.on('dataproducerclose', forget);
    return { id: dataConsumer.id, streamId: dataConsumer.sctpStreamParameters?.streamId };
  }

  async createDataProducer({
    broadcasterId,
    transportId,
    label,
    protocol,
    sctpStreamParameters,
    appData,
  }: Body): Promise<{ id: string }> {
    const broadcaster = this.#get(broadcasterId);
    const transport = this.#transport(broadcaster, transportId);
    const dataProducer = await transport.produceData({
      sctpStreamParameters: sctpStreamParameters as types.SctpStreamParameters,
      label: label as string,
      protocol: protocol as string,
      appData: appData as types.AppData,
    });
    broadcaster.data.dataProducers.set(dataProducer.id, dataProducer);
    dataProducer.on('transportclose', () => broadcaster.data.dataProducers.delete(dataProducer.id));
    return { id: dataProducer.id };
  }
}
