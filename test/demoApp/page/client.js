// The room page of the demo application: what a mediasoup-demo-style web client does with
// protoo-client and mediasoup-client (join, send camera and microphone, consume everyone, chat
// and bot DataChannels, stats, ICE restart), plus `window.demoClient`, the hooks a test drives
// it with. Bundled by test/demoApp/bundle.ts; ?roomId=…&peerId=…&displayName=… in the URL.
/* global window, document, navigator, location, URLSearchParams */
import * as mediasoupClient from 'mediasoup-client';
import protooClient from 'protoo-client';

const query = new URLSearchParams(location.search);
const roomId = query.get('roomId') ?? 'room';
const peerId = query.get('peerId') ?? Math.random().toString(36).slice(2, 10);
const displayName = query.get('displayName') ?? peerId;

const state = {
  joined: false,
  peers: new Map(),
  producers: new Map(), // kind → mediasoup-client Producer
  consumers: new Map(), // id → { consumer, peerId, remotelyPaused }
  dataProducers: new Map(), // label → DataProducer
  dataConsumers: new Map(), // id → { dataConsumer, peerId, messages }
  notifications: [], // { method, data, at }
  errors: [],
};

// What device.sctpCapabilities gave before mediasoup-client 3.24 dropped it (the demo's page
// still sends it; the server enables SCTP when it is there).
const SCTP_CAPABILITIES = { numStreams: { OS: 1024, MIS: 1024 } };

let device;
let sendTransport;
let recvTransport;

const protoo = new protooClient.Peer(
  new protooClient.WebSocketTransport(
    `ws://${location.host}/?roomId=${encodeURIComponent(roomId)}&peerId=${encodeURIComponent(peerId)}`,
  ),
);

function fail(what, error) {
  state.errors.push(`${what}: ${error && error.message ? error.message : String(error)}`);
}

protoo.on('open', () => joinRoom().catch((error) => fail('join', error)));
protoo.on('failed', () => fail('protoo', 'WebSocket connection failed'));
protoo.on('disconnected', () => {
  sendTransport?.close();
  recvTransport?.close();
});

protoo.on('request', (request, accept, reject) => {
  handleRequest(request, accept).catch((error) => {
    fail(request.method, error);
    reject(500, String(error));
  });
});

protoo.on('notification', (notification) => {
  const { method, data } = notification;
  state.notifications.push({ method, data, at: Date.now() });
  switch (method) {
    case 'newPeer':
      state.peers.set(data.id, data);
      break;
    case 'peerClosed':
      state.peers.delete(data.peerId);
      break;
    case 'consumerClosed': {
      const entry = state.consumers.get(data.consumerId);
      if (!entry) break;
      entry.consumer.close();
      entry.element?.remove();
      state.consumers.delete(data.consumerId);
      break;
    }
    case 'consumerPaused':
    case 'consumerResumed': {
      const entry = state.consumers.get(data.consumerId);
      if (entry) entry.remotelyPaused = method === 'consumerPaused';
      break;
    }
    case 'dataConsumerClosed': {
      const entry = state.dataConsumers.get(data.dataConsumerId);
      entry?.dataConsumer.close();
      state.dataConsumers.delete(data.dataConsumerId);
      break;
    }
    default:
      break;
  }
});

async function handleRequest(request, accept) {
  switch (request.method) {
    case 'newConsumer': {
      const { peerId: producerPeerId, producerId, id, kind, rtpParameters, appData } = request.data;
      const consumer = await recvTransport.consume({
        id,
        producerId,
        kind,
        rtpParameters,
        // Camera and microphone of one peer in one stream, so the browser syncs them.
        streamId: `${producerPeerId}-mic-webcam`,
        appData: { ...appData, peerId: producerPeerId },
      });
      const element = document.createElement(kind);
      element.autoplay = true;
      element.muted = true;
      element.playsInline = true;
      element.srcObject = new window.MediaStream([consumer.track]);
      document.body.appendChild(element);
      state.consumers.set(consumer.id, {
        consumer,
        element,
        peerId: producerPeerId,
        remotelyPaused: request.data.producerPaused,
      });
      consumer.on('transportclose', () => state.consumers.delete(consumer.id));
      // Answering lets the server resume the consumer.
      accept();
      break;
    }
    case 'newDataConsumer': {
      const {
        peerId: producerPeerId,
        dataProducerId,
        id,
        sctpStreamParameters,
        label,
      } = request.data;
      const dataConsumer = await recvTransport.consumeData({
        id,
        dataProducerId,
        sctpStreamParameters,
        label,
        protocol: request.data.protocol,
        appData: { ...request.data.appData, peerId: producerPeerId },
      });
      const entry = { dataConsumer, peerId: producerPeerId, messages: [] };
      state.dataConsumers.set(dataConsumer.id, entry);
      dataConsumer.on('message', (message) => entry.messages.push(String(message)));
      dataConsumer.on('transportclose', () => state.dataConsumers.delete(dataConsumer.id));
      accept();
      break;
    }
    default:
      throw new Error(`unknown request ${request.method}`);
  }
}

function transportOptions(info) {
  return {
    id: info.id,
    iceParameters: info.iceParameters,
    iceCandidates: info.iceCandidates,
    // The server's role is 'auto': the page may take either.
    dtlsParameters: { ...info.dtlsParameters, role: 'auto' },
    sctpParameters: info.sctpParameters,
    iceServers: [],
  };
}

async function joinRoom() {
  device = new mediasoupClient.Device();
  const routerRtpCapabilities = await protoo.request('getRouterRtpCapabilities');
  await device.load({ routerRtpCapabilities });

  const sendInfo = await protoo.request('createWebRtcTransport', {
    forceTcp: false,
    producing: true,
    consuming: false,
    sctpCapabilities: SCTP_CAPABILITIES,
  });
  sendTransport = device.createSendTransport(transportOptions(sendInfo));
  sendTransport.on('connect', ({ iceParameters, dtlsParameters }, callback, errback) => {
    protoo
      .request('connectWebRtcTransport', {
        transportId: sendTransport.id,
        iceParameters,
        dtlsParameters,
      })
      .then(callback, errback);
  });
  sendTransport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
    protoo
      .request('produce', { transportId: sendTransport.id, kind, rtpParameters, appData })
      .then(({ id }) => callback({ id }), errback);
  });
  sendTransport.on(
    'producedata',
    ({ sctpStreamParameters, label, protocol, appData }, callback, errback) => {
      protoo
        .request('produceData', {
          transportId: sendTransport.id,
          sctpStreamParameters,
          label,
          protocol,
          appData,
        })
        .then(({ id }) => callback({ id }), errback);
    },
  );

  const recvInfo = await protoo.request('createWebRtcTransport', {
    forceTcp: false,
    producing: false,
    consuming: true,
    sctpCapabilities: SCTP_CAPABILITIES,
  });
  recvTransport = device.createRecvTransport(transportOptions(recvInfo));
  recvTransport.on('connect', ({ iceParameters, dtlsParameters }, callback, errback) => {
    protoo
      .request('connectWebRtcTransport', {
        transportId: recvTransport.id,
        iceParameters,
        dtlsParameters,
      })
      .then(callback, errback);
  });

  const { peers } = await protoo.request('join', {
    displayName,
    device: { flag: 'chromium', name: 'Chromium', version: navigator.userAgent },
    rtpCapabilities: device.rtpCapabilities,
    sctpCapabilities: SCTP_CAPABILITIES,
  });
  for (const peer of peers) state.peers.set(peer.id, peer);
  state.joined = true;

  sendTransport.on('connectionstatechange', (connectionState) => {
    if (connectionState === 'connected') {
      enableDataProducers().catch((error) => fail('data producers', error));
    }
  });
  await enableMic();
  await enableWebcam();
}

async function enableMic() {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const producer = await sendTransport.produce({
    track: stream.getAudioTracks()[0],
    codecOptions: { opusStereo: true, opusDtx: true, opusFec: true, opusNack: true },
  });
  state.producers.set('audio', producer);
}

async function enableWebcam() {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 } },
  });
  // Three simulcast streams of three temporal layers, lowest first.
  const encodings = [
    { scaleResolutionDownBy: 4, maxBitrate: 500000, scalabilityMode: 'L1T3' },
    { scaleResolutionDownBy: 2, maxBitrate: 1000000, scalabilityMode: 'L1T3' },
    { scaleResolutionDownBy: 1, maxBitrate: 5000000, scalabilityMode: 'L1T3' },
  ];
  const producer = await sendTransport.produce({
    track: stream.getVideoTracks()[0],
    encodings,
    codecOptions: { videoGoogleStartBitrate: 1000 },
  });
  state.producers.set('video', producer);
}

async function enableDataProducers() {
  if (state.dataProducers.size > 0) return;
  const chat = await sendTransport.produceData({
    ordered: false,
    maxRetransmits: 1,
    label: 'chat',
    priority: 'medium',
    appData: { info: 'my-chat-DataProducer' },
  });
  state.dataProducers.set('chat', chat);
  const bot = await sendTransport.produceData({
    ordered: false,
    maxPacketLifeTime: 2000,
    label: 'bot',
    priority: 'medium',
    appData: { info: 'my-bot-DataProducer' },
  });
  state.dataProducers.set('bot', bot);
}

/** Sums of the receiver's inbound-rtp reports of one consumer. */
async function inboundOf(consumer) {
  const report = await consumer.getStats();
  const out = { packetsReceived: 0, framesDecoded: 0, frameWidth: 0, bytesReceived: 0 };
  report.forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    out.packetsReceived += s.packetsReceived ?? 0;
    out.bytesReceived += s.bytesReceived ?? 0;
    out.framesDecoded += s.framesDecoded ?? 0;
    out.frameWidth = Math.max(out.frameWidth, s.frameWidth ?? 0);
  });
  return out;
}

async function restartIce() {
  for (const transport of [sendTransport, recvTransport]) {
    const iceParameters = await protoo.request('restartIce', { transportId: transport.id });
    await transport.restartIce({ iceParameters });
  }
}

window.demoClient = {
  peerId,
  state() {
    return {
      joined: state.joined,
      peerId,
      peers: [...state.peers.keys()],
      producers: [...state.producers.values()].map((p) => ({
        id: p.id,
        kind: p.kind,
        paused: p.paused,
      })),
      consumers: [...state.consumers.values()].map((e) => ({
        id: e.consumer.id,
        kind: e.consumer.kind,
        peerId: e.peerId,
        producerId: e.consumer.producerId,
        paused: e.consumer.paused,
        remotelyPaused: e.remotelyPaused,
      })),
      dataProducers: [...state.dataProducers.values()].map((d) => ({
        id: d.id,
        label: d.label,
        readyState: d.readyState,
      })),
      dataConsumers: [...state.dataConsumers.values()].map((e) => ({
        id: e.dataConsumer.id,
        label: e.dataConsumer.label,
        peerId: e.peerId,
        readyState: e.dataConsumer.readyState,
        messages: e.messages,
      })),
      transports: {
        send: sendTransport?.connectionState ?? null,
        recv: recvTransport?.connectionState ?? null,
      },
      errors: state.errors,
    };
  },
  notifications(method) {
    return state.notifications.filter((n) => n.method === method);
  },
  async inboundStats() {
    const out = [];
    for (const entry of state.consumers.values()) {
      out.push({
        consumerId: entry.consumer.id,
        peerId: entry.peerId,
        kind: entry.consumer.kind,
        ...(await inboundOf(entry.consumer)),
      });
    }
    return out;
  },
  sendChat(text) {
    state.dataProducers.get('chat').send(text);
  },
  sendBot(text) {
    state.dataProducers.get('bot').send(text);
  },
  async pauseProducer(kind) {
    const producer = state.producers.get(kind);
    producer.pause();
    await protoo.request('pauseProducer', { producerId: producer.id });
  },
  async resumeProducer(kind) {
    const producer = state.producers.get(kind);
    producer.resume();
    await protoo.request('resumeProducer', { producerId: producer.id });
  },
  async closeProducer(kind) {
    const producer = state.producers.get(kind);
    producer.close();
    state.producers.delete(kind);
    await protoo.request('closeProducer', { producerId: producer.id });
  },
  async pauseConsumer(consumerId) {
    await protoo.request('pauseConsumer', { consumerId });
    state.consumers.get(consumerId).consumer.pause();
  },
  async resumeConsumer(consumerId) {
    await protoo.request('resumeConsumer', { consumerId });
    state.consumers.get(consumerId).consumer.resume();
  },
  setConsumerPreferredLayers(consumerId, spatialLayer, temporalLayer) {
    return protoo.request('setConsumerPreferredLayers', {
      consumerId,
      spatialLayer,
      temporalLayer,
    });
  },
  setConsumerPriority(consumerId, priority) {
    return protoo.request('setConsumerPriority', { consumerId, priority });
  },
  requestConsumerKeyFrame(consumerId) {
    return protoo.request('requestConsumerKeyFrame', { consumerId });
  },
  restartIce,
  /** The stats requests of the demo's stats panel: getTransportStats, getConsumerStats… */
  request(method, data) {
    return protoo.request(method, data);
  },
  ids() {
    return {
      sendTransportId: sendTransport?.id,
      recvTransportId: recvTransport?.id,
      dataProducers: Object.fromEntries([...state.dataProducers].map(([l, d]) => [l, d.id])),
    };
  },
  leave() {
    protoo.close();
  },
};
