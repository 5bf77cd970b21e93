/**
 * The protoo requests of a browser peer: joining, its transports, producers and data
 * producers, what it does to its consumers, and stats for the page's panel. Each answers with
 * accept() or throws (the room rejects the request with the error).
 */
import type * as protoo from 'protoo-server';
import { Logger } from './logger.js';
import { dataOf, memberData, type Room } from './room.js';
import type { types } from './sfu.js';

const logger = new Logger('Room');

/** The request's data as the fields the handler reads (the page is not trusted for types). */
type Fields = Record<string, unknown>;

function findIn<T>(map: Map<string, T>, id: unknown, what: string): T {
  const found = map.get(String(id));
  if (!found) throw new Error(`${what} with id "${String(id)}" not found`);
  return found;
}

export async function handleProtooRequest(
  room: Room,
  peer: protoo.Peer,
  request: protoo.ProtooRequest,
  accept: protoo.Accept,
  reject: protoo.Reject,
): Promise<void> {
  const data = dataOf(peer);
  const fields = (request.data ?? {}) as Fields;
  const requireJoined = (): void => {
    if (!data.joined) throw new Error('Peer not yet joined');
  };

  switch (request.method) {
    case 'getRouterRtpCapabilities': {
      accept(room.router.rtpCapabilities);
      break;
    }

    case 'join': {
      if (data.joined) throw new Error('Peer already joined');
      data.displayName = fields.displayName as string | undefined;
      data.device = fields.device;
      data.rtpCapabilities = fields.rtpCapabilities as types.RtpCapabilities | undefined;
      data.sctpCapabilities = fields.sctpCapabilities as types.SctpCapabilities | undefined;
      const members = [...room.joinedPeers(), ...room.broadcasters.all()];
      accept({
        peers: members
          .filter((member) => member.id !== peer.id)
          .map((member) => ({
            id: member.id,
            displayName: memberData(member).displayName,
            device: memberData(member).device,
          })),
      });
      data.joined = true;
      for (const member of members) {
        const { producers, dataProducers } = memberData(member);
        for (const producer of producers.values()) {
          void room.createConsumer(peer, member, producer);
        }
        for (const dataProducer of dataProducers.values()) {
          if (dataProducer.label === 'bot') continue;
          void room.createDataConsumer(peer, member, dataProducer);
        }
      }
      void room.createDataConsumer(peer, null, room.bot.dataProducer);
      for (const other of room.joinedPeers(peer)) {
        other
          .notify('newPeer', { id: peer.id, displayName: data.displayName, device: data.device })
          .catch(() => {});
      }
      break;
    }

    case 'createWebRtcTransport': {
      // A peer may create its transports before it joins.
      const { forceTcp, producing, consuming } = fields;
      const sctpCapabilities = fields.sctpCapabilities as types.SctpCapabilities | undefined;
      const options: types.WebRtcTransportOptions = {
        ...structuredClone(room.config.mediasoup.webRtcTransportOptions),
        webRtcServer: room.webRtcServer,
        iceConsentTimeout: 20,
        enableSctp: Boolean(sctpCapabilities),
        numSctpStreams: (sctpCapabilities ?? ({} as Partial<types.SctpCapabilities>)).numStreams,
        appData: { producing, consuming },
      };
      if (forceTcp) {
        options.listenInfos = options.listenInfos?.filter((info) => info.protocol === 'tcp');
        options.enableUdp = false;
        options.enableTcp = true;
      }
      const transport = await room.router.createWebRtcTransport(options);
      transport.on('icestatechange', (iceState) => {
        if (iceState === 'disconnected' || iceState === 'closed') {
          logger.warn('transport ICE state, closing the peer', iceState);
          peer.close();
        }
      });
      transport.on('sctpstatechange', (sctpState) => logger.debug('sctp state', sctpState));
      transport.on('dtlsstatechange', (dtlsState) => {
        if (dtlsState === 'failed' || dtlsState === 'closed') {
          logger.warn('transport DTLS state, closing the peer', dtlsState);
          peer.close();
        }
      });
      await transport.enableTraceEvent(['bwe']);
      transport.on('trace', (trace) => {
        logger.debug('transport trace', transport.id, trace.type);
        if (trace.type === 'bwe' && trace.direction === 'out') {
          const info = trace.info as Record<string, number>;
          peer
            .notify('downlinkBwe', {
              desiredBitrate: info.desiredBitrate,
              effectiveDesiredBitrate: info.effectiveDesiredBitrate,
              availableBitrate: info.availableBitrate,
            })
            .catch(() => {});
        }
      });
      data.transports.set(transport.id, transport);
      accept({
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
        sctpParameters: transport.sctpParameters,
      });
      const { maxIncomingBitrate } = room.config.mediasoup.webRtcTransportOptions;
      if (maxIncomingBitrate) {
        try {
          await transport.setMaxIncomingBitrate(maxIncomingBitrate);
        } catch {
          // As the demo: a limit the SFU refuses is not worth failing the transport.
        }
      }
      break;
    }

    case 'connectWebRtcTransport': {
      const transport = findIn(data.transports, fields.transportId, 'transport');
      await transport.connect({ dtlsParameters: fields.dtlsParameters as types.DtlsParameters });
      accept();
      break;
    }

    case 'restartIce': {
      const transport = findIn(data.transports, fields.transportId, 'transport');
      accept(await transport.restartIce());
      break;
    }

    case 'produce': {
      requireJoined();
      const transport = findIn(data.transports, fields.transportId, 'transport');
      // The peer id in appData names the speaker in the audio level observer's events.
      const appData = { ...(fields.appData as types.AppData | undefined), peerId: peer.id };
      const producer = await transport.produce({
        kind: fields.kind as types.MediaKind,
        rtpParameters: fields.rtpParameters as types.RtpParameters,
        appData,
      });
      data.producers.set(producer.id, producer);
      producer.on('score', (score) => {
        peer.notify('producerScore', { producerId: producer.id, score }).catch(() => {});
      });
      producer.on('videoorientationchange', (orientation) =>
        logger.debug('producer video orientation', producer.id, orientation),
      );
      producer.on('trace', (trace) => logger.debug('producer trace', producer.id, trace.type));
      accept({ id: producer.id });
      for (const other of room.joinedPeers(peer)) void room.createConsumer(other, peer, producer);
      room.observeAudio(producer);
      break;
    }

    case 'closeProducer': {
      requireJoined();
      const producer = findIn(data.producers, fields.producerId, 'producer');
      producer.close();
      data.producers.delete(producer.id);
      accept();
      break;
    }

    case 'pauseProducer': {
      requireJoined();
      await findIn(data.producers, fields.producerId, 'producer').pause();
      accept();
      break;
    }

    case 'resumeProducer': {
      requireJoined();
      await findIn(data.producers, fields.producerId, 'producer').resume();
      accept();
      break;
    }

    case 'pauseConsumer': {
      requireJoined();
      await findIn(data.consumers, fields.consumerId, 'consumer').pause();
      accept();
      break;
    }

    case 'resumeConsumer': {
      requireJoined();
      await findIn(data.consumers, fields.consumerId, 'consumer').resume();
      accept();
      break;
    }

    case 'setConsumerPreferredLayers': {
      requireJoined();
      const consumer = findIn(data.consumers, fields.consumerId, 'consumer');
      await consumer.setPreferredLayers({
        spatialLayer: fields.spatialLayer as number,
        temporalLayer: fields.temporalLayer as number,
      });
      accept();
      break;
    }

    case 'setConsumerPriority': {
      requireJoined();
      const consumer = findIn(data.consumers, fields.consumerId, 'consumer');
      await consumer.setPriority(fields.priority as number);
      accept();
      break;
    }

    case 'requestConsumerKeyFrame': {
      requireJoined();
      await findIn(data.consumers, fields.consumerId, 'consumer').requestKeyFrame();
      accept();
      break;
    }

    case 'produceData': {
      requireJoined();
      const transport = findIn(data.transports, fields.transportId, 'transport');
      const dataProducer = await transport.produceData({
        sctpStreamParameters: fields.sctpStreamParameters as types.SctpStreamParameters,
        label: fields.label as string,
        protocol: fields.protocol as string,
        appData: fields.appData as types.AppData,
      });
      data.dataProducers.set(dataProducer.id, dataProducer);
      accept({ id: dataProducer.id });
      if (dataProducer.label === 'chat') {
        for (const other of room.joinedPeers(peer)) {
          void room.createDataConsumer(other, peer, dataProducer);
        }
      } else if (dataProducer.label === 'bot') {
        await room.bot.handlePeerDataProducer(dataProducer.id, () => String(data.displayName));
      }
      break;
    }

    case 'changeDisplayName': {
      requireJoined();
      const oldDisplayName = data.displayName;
      data.displayName = fields.displayName as string;
      for (const other of room.joinedPeers(peer)) {
        other
          .notify('peerDisplayNameChanged', {
            peerId: peer.id,
            displayName: data.displayName,
            oldDisplayName,
          })
          .catch(() => {});
      }
      accept();
      break;
    }

    case 'getTransportStats': {
      accept(await findIn(data.transports, fields.transportId, 'transport').getStats());
      break;
    }

    case 'getProducerStats': {
      accept(await findIn(data.producers, fields.producerId, 'producer').getStats());
      break;
    }

    case 'getConsumerStats': {
      accept(await findIn(data.consumers, fields.consumerId, 'consumer').getStats());
      break;
    }

    case 'getDataProducerStats': {
      const id = fields.dataProducerId;
      accept(await findIn(data.dataProducers, id, 'dataProducer').getStats());
      break;
    }

    case 'getDataConsumerStats': {
      const id = fields.dataConsumerId;
      accept(await findIn(data.dataConsumers, id, 'dataConsumer').getStats());
      break;
    }

    default: {
      // The demo's network throttle requests need root (tc); this application has none.
      logger.error('unknown request method', request.method);
      reject(500, `unknown request.method "${request.method}"`);
    }
  }
}
