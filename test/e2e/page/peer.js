// Test API of the end-to-end peer page, run in headless Chromium next to the
// mediasoup-client bundle (window.mediasoupClient). Node drives it through
// page.evaluate (test/e2e/browser.ts); transport events go back to Node
// through the function Node exposes as window.__skeinTransportEvent.
/* global window, document, navigator, MediaStream, mediasoupClient, setTimeout */

(() => {
  const state = {
    device: undefined,
    transports: { send: undefined, recv: undefined },
    producers: new Map(),
    consumers: new Map(),
    elements: new Map(),
    lastVideoConsumerId: undefined,
    dataProducers: new Map(),
    dataConsumers: new Map(),
    // Per data consumer: what arrived, in order (strings as is, binary as "b:<len>:<sum>").
    dataReceived: new Map(),
  };

  function requireDevice() {
    if (!state.device || !state.device.loaded) throw new Error('device not loaded');
    return state.device;
  }

  function requireTransport(direction) {
    const transport = state.transports[direction];
    if (!transport) throw new Error(`no ${direction} transport`);
    return transport;
  }

  // Asks Node and turns its { ok, value | error } answer into a value or a throw.
  async function askNode(direction, event, data) {
    const reply = await window.__skeinTransportEvent(direction, event, data);
    if (!reply || !reply.ok) throw new Error(reply ? reply.error : `no reply to ${event}`);
    return reply.value;
  }

  function tellNode(direction, event, data) {
    window.__skeinTransportEvent(direction, event, data).catch(() => {});
  }

  function createTransport(direction, params) {
    const device = requireDevice();
    if (state.transports[direction]) throw new Error(`${direction} transport exists`);
    const options = {
      id: params.id,
      iceParameters: params.iceParameters,
      iceCandidates: params.iceCandidates,
      dtlsParameters: params.dtlsParameters,
      sctpParameters: params.sctpParameters,
    };
    const transport =
      direction === 'send'
        ? device.createSendTransport(options)
        : device.createRecvTransport(options);

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      askNode(direction, 'connect', { dtlsParameters }).then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        askNode(direction, 'produce', { kind, rtpParameters, appData }).then(
          (id) => callback({ id }),
          errback,
        );
      });
    }
    if (direction === 'send') {
      transport.on(
        'producedata',
        ({ sctpStreamParameters, label, protocol, appData }, callback, errback) => {
          askNode(direction, 'producedata', {
            sctpStreamParameters,
            label,
            protocol,
            appData,
          }).then((id) => callback({ id }), errback);
        },
      );
    }
    transport.on('connectionstatechange', (connectionState) => {
      tellNode(direction, 'connectionstatechange', { connectionState });
    });
    state.transports[direction] = transport;
    return transport.id;
  }

  async function produce({ kind, codecMimeType, encodings, codecOptions, videoSize }) {
    const device = requireDevice();
    const transport = requireTransport('send');
    const stream = await navigator.mediaDevices.getUserMedia(
      kind === 'video' ? { video: videoSize || { width: 640, height: 480 } } : { audio: true },
    );
    const track = kind === 'video' ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0];
    let codec;
    if (codecMimeType) {
      const wanted = codecMimeType.toLowerCase();
      codec = device.rtpCapabilities.codecs.find((c) => c.mimeType.toLowerCase() === wanted);
      if (!codec) throw new Error(`device cannot send ${codecMimeType}`);
    }
    const producer = await transport.produce({ track, codec, encodings, codecOptions });
    state.producers.set(producer.id, producer);
    return producer.id;
  }

  async function consume({ id, producerId, kind, rtpParameters }) {
    const transport = requireTransport('recv');
    const consumer = await transport.consume({ id, producerId, kind, rtpParameters });
    state.consumers.set(consumer.id, consumer);
    const element = document.createElement(kind === 'video' ? 'video' : 'audio');
    element.id = `consumer-${consumer.id}`;
    element.autoplay = true;
    element.muted = true;
    element.playsInline = true;
    element.srcObject = new MediaStream([consumer.track]);
    document.body.appendChild(element);
    state.elements.set(consumer.id, element);
    if (kind === 'video') state.lastVideoConsumerId = consumer.id;
    // Autoplay of a muted element is allowed; a refusal must not fail consume().
    element.play().catch(() => {});
    return consumer.id;
  }

  // A binary message as "b:<length>:<sum of bytes mod 2^32>" (enough to tell it whole).
  function describeData(data) {
    if (typeof data === 'string') return data;
    const bytes = new Uint8Array(data);
    let sum = 0;
    for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i] * ((i % 251) + 1)) >>> 0;
    return `b:${bytes.length}:${sum}`;
  }

  async function produceData({ ordered, maxRetransmits, maxPacketLifeTime, label, protocol }) {
    const transport = requireTransport('send');
    const dataProducer = await transport.produceData({
      ordered,
      maxRetransmits,
      maxPacketLifeTime,
      label,
      protocol,
    });
    await new Promise((resolve, reject) => {
      if (dataProducer.readyState === 'open') resolve();
      dataProducer.on('open', resolve);
      dataProducer.on('error', reject);
    });
    state.dataProducers.set(dataProducer.id, dataProducer);
    return dataProducer.id;
  }

  function binaryMessage(index, length) {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = (index * 31 + i * 7) & 0xff;
    return bytes;
  }

  // Sends `count` messages: strings "m<i>" on even i, binary (8 bytes) on odd i when `mixed`;
  // then, if `bigLength`, one binary message of that length. Waits while the channel's
  // buffer is above 1 MB (the browser closes a channel whose buffer overflows).
  async function sendData({ id, count, mixed, prefix = 'm', bigLength }) {
    const dataProducer = state.dataProducers.get(id);
    if (!dataProducer) throw new Error(`no data producer ${id}`);
    for (let i = 0; i < count; i++) {
      while (dataProducer.bufferedAmount > 1_000_000) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      if (mixed && i % 2 === 1) dataProducer.send(binaryMessage(i, 8));
      else dataProducer.send(`${prefix}${i}`);
    }
    if (bigLength) dataProducer.send(binaryMessage(count, bigLength));
  }

  function expectedData({ count, mixed, prefix = 'm', bigLength }) {
    const list = [];
    for (let i = 0; i < count; i++) {
      list.push(mixed && i % 2 === 1 ? describeData(binaryMessage(i, 8).buffer) : `${prefix}${i}`);
    }
    if (bigLength) list.push(describeData(binaryMessage(count, bigLength).buffer));
    return list;
  }

  async function consumeData({ id, dataProducerId, sctpStreamParameters, label, protocol }) {
    const transport = requireTransport('recv');
    const dataConsumer = await transport.consumeData({
      id,
      dataProducerId,
      sctpStreamParameters,
      label,
      protocol,
    });
    dataConsumer.binaryType = 'arraybuffer';
    const received = [];
    state.dataReceived.set(dataConsumer.id, received);
    dataConsumer.on('message', (data) => received.push(describeData(data)));
    state.dataConsumers.set(dataConsumer.id, dataConsumer);
    await new Promise((resolve, reject) => {
      if (dataConsumer.readyState === 'open') resolve();
      dataConsumer.on('open', resolve);
      dataConsumer.on('error', reject);
    });
    return dataConsumer.id;
  }

  function dataReceived(id) {
    const received = state.dataReceived.get(id);
    if (!received) throw new Error(`no data consumer ${id}`);
    return received;
  }

  function requireConsumer(id) {
    const consumer = state.consumers.get(id);
    if (!consumer) throw new Error(`no consumer ${id}`);
    return consumer;
  }

  function rtpReports(report, type, kind) {
    const found = [];
    report.forEach((stats) => {
      if (stats.type === type && stats.kind === kind) found.push(stats);
    });
    return found;
  }

  async function getInboundStats(kind, consumerId) {
    const report = consumerId
      ? await requireConsumer(consumerId).getStats()
      : await requireTransport('recv').getStats();
    const inbound = rtpReports(report, 'inbound-rtp', kind);
    const sum = (field) => inbound.reduce((acc, s) => acc + (s[field] || 0), 0);
    return {
      streams: inbound.length,
      framesDecoded: sum('framesDecoded'),
      packetsReceived: sum('packetsReceived'),
      bytesReceived: sum('bytesReceived'),
      frameWidth: inbound.reduce((acc, s) => Math.max(acc, s.frameWidth || 0), 0),
      framesPerSecond: inbound.reduce((acc, s) => Math.max(acc, s.framesPerSecond || 0), 0),
      keyFramesDecoded: sum('keyFramesDecoded'),
      pliCount: sum('pliCount'),
      nackCount: sum('nackCount'),
      freezeCount: sum('freezeCount'),
      totalFreezesDuration: sum('totalFreezesDuration'),
    };
  }

  /** The recv transport's inbound-rtp report of one SSRC (e.g. the probator's, 1234). */
  async function getInboundRtpBySsrc(ssrc) {
    const report = await requireTransport('recv').getStats();
    let found = null;
    report.forEach((stats) => {
      if (stats.type === 'inbound-rtp' && stats.ssrc === ssrc) found = stats;
    });
    return {
      found: found !== null,
      packetsReceived: found ? found.packetsReceived || 0 : 0,
      bytesReceived: found ? found.bytesReceived || 0 : 0,
      headerBytesReceived: found ? found.headerBytesReceived || 0 : 0,
    };
  }

  async function getOutboundStats(kind, producerId) {
    let report;
    if (producerId) {
      const producer = state.producers.get(producerId);
      if (!producer) throw new Error(`no producer ${producerId}`);
      report = await producer.getStats();
    } else {
      report = await requireTransport('send').getStats();
    }
    const outbound = rtpReports(report, 'outbound-rtp', kind);
    const sum = (field) => outbound.reduce((acc, s) => acc + (s[field] || 0), 0);
    return {
      streams: outbound.length,
      packetsSent: sum('packetsSent'),
      bytesSent: sum('bytesSent'),
      framesEncoded: sum('framesEncoded'),
      nackCount: sum('nackCount'),
      pliCount: sum('pliCount'),
    };
  }

  // The selected candidate pair of a transport: what the browser's bandwidth estimator says
  // (availableOutgoingBitrate, absent until it has an estimate) and the bytes it carried.
  async function getCandidatePairStats(direction) {
    const report = await requireTransport(direction).getStats();
    let selectedId;
    report.forEach((stats) => {
      if (stats.type === 'transport' && stats.selectedCandidatePairId) {
        selectedId = stats.selectedCandidatePairId;
      }
    });
    let pair;
    report.forEach((stats) => {
      if (stats.type !== 'candidate-pair') return;
      if (selectedId ? stats.id === selectedId : stats.nominated && stats.state === 'succeeded') {
        pair = stats;
      }
    });
    return {
      found: Boolean(pair),
      availableOutgoingBitrate: pair ? pair.availableOutgoingBitrate || 0 : 0,
      bytesSent: pair ? pair.bytesSent || 0 : 0,
      bytesReceived: pair ? pair.bytesReceived || 0 : 0,
      currentRoundTripTime: pair ? pair.currentRoundTripTime || 0 : 0,
    };
  }

  window.skeinPeer = {
    async loadDevice(routerRtpCapabilities) {
      if (state.device) throw new Error('device already loaded');
      const device = new mediasoupClient.Device();
      state.device = device;
      await device.load({ routerRtpCapabilities });
      return {
        handlerName: device.handlerName,
        rtpCapabilities: device.rtpCapabilities,
        canProduceAudio: device.canProduce('audio'),
        canProduceVideo: device.canProduce('video'),
      };
    },
    createTransport,
    produce,
    consume,
    pauseProducer(id) {
      const producer = state.producers.get(id);
      if (!producer) throw new Error(`no producer ${id}`);
      producer.pause();
    },
    resumeProducer(id) {
      const producer = state.producers.get(id);
      if (!producer) throw new Error(`no producer ${id}`);
      producer.resume();
    },
    // track.enabled = false: the browser keeps sending, silence (RFC 6464 level 127).
    setTrackEnabled(id, enabled) {
      const producer = state.producers.get(id);
      if (!producer) throw new Error(`no producer ${id}`);
      producer.track.enabled = enabled;
    },
    pauseConsumer(id) {
      requireConsumer(id).pause();
    },
    resumeConsumer(id) {
      requireConsumer(id).resume();
    },
    produceData,
    sendData,
    expectedData,
    consumeData,
    dataReceived,
    dataReceivedCount(id) {
      return dataReceived(id).length;
    },
    getInboundStats,
    getInboundRtpBySsrc,
    getOutboundStats,
    getCandidatePairStats,
    connectionState() {
      return {
        send: state.transports.send ? state.transports.send.connectionState : null,
        recv: state.transports.recv ? state.transports.recv.connectionState : null,
      };
    },
    videoWidth(consumerId) {
      const id = consumerId || state.lastVideoConsumerId;
      const element = id ? state.elements.get(id) : undefined;
      if (!element) throw new Error('no consuming video element');
      return element.videoWidth;
    },
    close() {
      for (const transport of Object.values(state.transports)) {
        if (transport && !transport.closed) transport.close();
      }
    },
  };
})();
