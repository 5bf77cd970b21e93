/**
 * router.createWebRtcTransport() and WebRtcTransport, in both worker modes,
 * against mediasoup v3's semantics.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidStateError,
  createWorker,
  type Router,
  type Transport,
  type WebRtcTransport,
  type Worker,
} from '../../src/index.js';
import { MODES } from './modes.js';
import {
  audioRtpParameters,
  freePort,
  mediaCodecs,
  once,
  randomPortRange,
  remoteDtlsParameters,
  udpTransport,
  videoRtpParameters,
} from './mediaFixtures.js';
import { entryOf } from './dumpEntries.js';

const HEX_FINGERPRINT = /^([0-9A-F]{2}:)+[0-9A-F]{2}$/;
const DIGEST_BYTES: Record<string, number> = { 'sha-256': 32, 'sha-384': 48, 'sha-512': 64 };

for (const mode of MODES) {
  describe(`WebRtcTransport (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker.close());

    test('router.createWebRtcTransport() with listenInfos (udp) succeeds', async () => {
      let observed: Transport | undefined;
      router.observer.once('newtransport', (t) => {
        observed = t;
      });
      const transport = await router.createWebRtcTransport({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
        appData: { foo: 'bar' },
      });
      assert.equal(observed, transport);
      assert.equal(typeof transport.id, 'string');
      assert.equal(transport.closed, false);
      assert.deepEqual(transport.appData, { foo: 'bar' });
      assert.equal(transport.iceRole, 'controlled');

      const { iceParameters } = transport;
      assert.equal(iceParameters.iceLite, true);
      assert.equal(typeof iceParameters.usernameFragment, 'string');
      assert.equal(typeof iceParameters.password, 'string');
      assert.ok(iceParameters.usernameFragment.length >= 4); // RFC 8445 §5.3: at least 24 bits
      assert.ok(iceParameters.password.length >= 22); // at least 128 bits

      assert.equal(transport.iceCandidates.length, 1);
      const [candidate] = transport.iceCandidates;
      assert.equal(candidate.address, '127.0.0.1');
      assert.equal(candidate.ip, '127.0.0.1');
      assert.equal(candidate.protocol, 'udp');
      assert.equal(candidate.type, 'host');
      assert.equal(candidate.tcpType, undefined);
      assert.equal(typeof candidate.foundation, 'string');
      assert.ok(Number.isInteger(candidate.priority) && candidate.priority > 0);
      assert.ok(candidate.port > 0 && candidate.port < 65536);

      assert.equal(transport.iceState, 'new');
      assert.equal(transport.iceSelectedTuple, undefined);
      assert.equal(transport.dtlsState, 'new');
      assert.equal(transport.dtlsRemoteCert, undefined);
      assert.equal(transport.dtlsParameters.role, 'auto');
      const algorithms = transport.dtlsParameters.fingerprints.map((f) => f.algorithm);
      for (const algorithm of ['sha-256', 'sha-384', 'sha-512'] as const) {
        assert.ok(algorithms.includes(algorithm), `missing ${algorithm} fingerprint`);
      }
      for (const { algorithm, value } of transport.dtlsParameters.fingerprints) {
        assert.match(value, HEX_FINGERPRINT);
        const bytes = DIGEST_BYTES[algorithm];
        if (bytes) assert.equal(value.split(':').length, bytes, algorithm);
      }
      assert.equal(transport.sctpParameters, undefined);
      assert.equal(transport.sctpState, undefined);

      const routerDump = await router.dump();
      assert.ok(routerDump.transportIds.includes(transport.id));
      transport.close();
    });

    test('router.createWebRtcTransport() with udp + tcp listenInfos, announcedAddress and preferUdp', async () => {
      const transport = await router.createWebRtcTransport({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1', announcedAddress: '9.9.9.1' },
          { protocol: 'tcp', ip: '127.0.0.1', announcedAddress: 'media.example.org' },
          { protocol: 'udp', ip: '0.0.0.0', announcedAddress: '9.9.9.2' },
        ],
        preferUdp: true,
      });
      const [udp1, tcp, udp2] = transport.iceCandidates;
      assert.equal(transport.iceCandidates.length, 3);
      assert.equal(udp1.address, '9.9.9.1');
      assert.equal(udp1.ip, '9.9.9.1');
      assert.equal(udp1.protocol, 'udp');
      assert.equal(udp1.tcpType, undefined);
      assert.equal(tcp.address, 'media.example.org');
      assert.equal(tcp.protocol, 'tcp');
      assert.equal(tcp.tcpType, 'passive');
      assert.equal(tcp.type, 'host');
      assert.equal(udp2.address, '9.9.9.2');
      assert.equal(udp2.protocol, 'udp');
      // preferUdp: UDP above TCP; among equals, the order of listenInfos.
      assert.ok(udp1.priority > tcp.priority);
      assert.ok(udp2.priority > tcp.priority);
      assert.ok(udp1.priority > udp2.priority);
      assert.equal(new Set(transport.iceCandidates.map((c) => c.port)).size, 3);
      transport.close();
    });

    test('router.createWebRtcTransport() with preferTcp puts TCP first', async () => {
      const transport = await router.createWebRtcTransport({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1' },
          { protocol: 'tcp', ip: '127.0.0.1' },
        ],
        preferTcp: true,
      });
      const [udp, tcp] = transport.iceCandidates;
      assert.equal(udp.protocol, 'udp');
      assert.equal(tcp.protocol, 'tcp');
      assert.ok(tcp.priority > udp.priority);
      transport.close();
    });

    test('router.createWebRtcTransport() with a given port and with a portRange', async () => {
      const udpPort = await freePort('udp');
      const tcpPort = await freePort('tcp');
      const fixed = await router.createWebRtcTransport({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1', port: udpPort },
          { protocol: 'tcp', ip: '127.0.0.1', port: tcpPort },
        ],
      });
      assert.equal(fixed.iceCandidates[0].port, udpPort);
      assert.equal(fixed.iceCandidates[1].port, tcpPort);
      // The same port again is taken.
      await assert.rejects(
        router.createWebRtcTransport({
          listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: udpPort }],
        }),
        Error,
      );
      fixed.close();

      const portRange = randomPortRange(5);
      const ranged = await router.createWebRtcTransport({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1', portRange },
          { protocol: 'tcp', ip: '127.0.0.1', portRange },
        ],
      });
      for (const c of ranged.iceCandidates) {
        assert.ok(c.port >= portRange.min && c.port <= portRange.max, `${c.port} not in range`);
      }
      ranged.close();
    });

    test('router.createWebRtcTransport() with deprecated listenIps + enableUdp/enableTcp', async () => {
      const both = await router.createWebRtcTransport({
        listenIps: [{ ip: '127.0.0.1', announcedIp: '9.9.9.9' }],
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
      });
      assert.deepEqual(
        both.iceCandidates.map((c) => [c.protocol, c.address]),
        [
          ['udp', '9.9.9.9'],
          ['tcp', '9.9.9.9'],
        ],
      );
      assert.equal(both.iceCandidates[1].tcpType, 'passive');
      both.close();

      // A plain string ip; UDP only by default.
      const udpOnly = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'] });
      assert.deepEqual(
        udpOnly.iceCandidates.map((c) => [c.protocol, c.address]),
        [['udp', '127.0.0.1']],
      );
      udpOnly.close();

      const tcpOnly = await router.createWebRtcTransport({
        listenIps: ['127.0.0.1'],
        enableUdp: false,
        enableTcp: true,
      });
      assert.deepEqual(
        tcpOnly.iceCandidates.map((c) => c.protocol),
        ['tcp'],
      );
      tcpOnly.close();
    });

    test('router.createWebRtcTransport() with wrong arguments rejects with TypeError', async () => {
      await assert.rejects(router.createWebRtcTransport({}), TypeError);
      await assert.rejects(router.createWebRtcTransport(undefined as never), TypeError);
      const server = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      // All three at once (mediasoup's only conflict; the server wins over either alone).
      await assert.rejects(
        router.createWebRtcTransport({
          webRtcServer: server,
          listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
          listenIps: ['127.0.0.1'],
        }),
        TypeError,
      );
      server.close();
      await assert.rejects(
        router.createWebRtcTransport({ listenInfos: '127.0.0.1' as never }),
        TypeError,
      );
      await assert.rejects(router.createWebRtcTransport({ listenInfos: [] }), TypeError);
      await assert.rejects(
        router.createWebRtcTransport({
          listenInfos: [{ protocol: 'sctp', ip: '127.0.0.1' } as never],
        }),
        TypeError,
      );
      await assert.rejects(
        router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp' } as never] }),
        TypeError,
      );
      await assert.rejects(
        router.createWebRtcTransport({ listenInfos: ['127.0.0.1' as never] }),
        TypeError,
      );
      await assert.rejects(
        router.createWebRtcTransport({
          listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', portRange: { min: 5000, max: 4000 } }],
        }),
        TypeError,
      );
      await assert.rejects(router.createWebRtcTransport({ listenIps: [123 as never] }), TypeError);
      await assert.rejects(
        router.createWebRtcTransport({ listenIps: '127.0.0.1' as never }),
        TypeError,
      );
      await assert.rejects(
        router.createWebRtcTransport({
          listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
          appData: 'NOT-AN-OBJECT' as never,
        }),
        TypeError,
      );
      // Nothing leaked into the router.
      assert.deepEqual((await router.dump()).transportIds, []);
    });

    test('router.createWebRtcTransport() with a non bindable IP rejects with Error', async () => {
      await assert.rejects(
        router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '8.8.8.8' }] }),
        Error,
      );
    });

    test('router.createWebRtcTransport() rejects with InvalidStateError if the router is closed', async () => {
      const closedRouter = await worker.createRouter({ mediaCodecs });
      closedRouter.close();
      await assert.rejects(
        closedRouter.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] }),
        InvalidStateError,
      );
    });

    test('transport.dump() matches the transport', async () => {
      const transport = await udpTransport(router);
      const dump = await transport.dump();
      assert.equal(dump.id, transport.id);
      assert.equal(dump.direct, false);
      assert.deepEqual(dump.producerIds, []);
      assert.deepEqual(dump.consumerIds, []);
      assert.equal(dump.iceRole, 'controlled');
      assert.deepEqual(dump.iceParameters, transport.iceParameters);
      assert.deepEqual(dump.iceCandidates, transport.iceCandidates);
      assert.equal(dump.iceState, 'new');
      assert.equal(dump.iceSelectedTuple, undefined);
      assert.equal(dump.dtlsState, 'new');
      transport.close();
    });

    test('transport.dump() dtlsParameters equal transport.dtlsParameters (with fingerprints)', async () => {
      const transport = await udpTransport(router);
      try {
        const dump = await transport.dump();
        assert.deepEqual(dump.dtlsParameters, transport.dtlsParameters);
      } finally {
        transport.close();
      }
    });

    test('transport.getStats() has the webrtc-transport shape', async () => {
      const transport = await udpTransport(router);
      const stats = (await transport.getStats()) as Record<string, unknown>[];
      assert.equal(stats.length, 1);
      const [s] = stats;
      assert.equal(s.type, 'webrtc-transport');
      assert.equal(s.transportId, transport.id);
      assert.equal(typeof s.timestamp, 'number');
      assert.equal(s.iceRole, 'controlled');
      assert.equal(s.iceState, 'new');
      assert.equal(s.dtlsState, 'new');
      assert.equal(s.iceSelectedTuple, undefined);
      assert.equal(s.bytesReceived, 0);
      assert.equal(s.bytesSent, 0);
      assert.equal(s.recvBitrate, 0);
      assert.equal(s.sendBitrate, 0);
      assert.equal(typeof s.packetsDropped, 'object');
      transport.close();
    });

    test('transport.getStats() has the rtp/rtx/probation counters mediasoup reports', async () => {
      const transport = await udpTransport(router);
      try {
        const [s] = (await transport.getStats()) as Record<string, unknown>[];
        for (const key of [
          'rtpBytesReceived',
          'rtpRecvBitrate',
          'rtpBytesSent',
          'rtpSendBitrate',
          'rtxBytesReceived',
          'rtxRecvBitrate',
          'rtxBytesSent',
          'rtxSendBitrate',
          'probationBytesSent',
          'probationSendBitrate',
        ]) {
          assert.equal(s[key], 0, key);
        }
      } finally {
        transport.close();
      }
    });

    test('transport.connect() with role client makes us the DTLS server; twice rejects', async () => {
      const transport = await udpTransport(router);
      assert.equal(transport.dtlsParameters.role, 'auto');
      await transport.connect({ dtlsParameters: remoteDtlsParameters('client') });
      assert.equal(transport.dtlsParameters.role, 'server');
      await assert.rejects(
        transport.connect({ dtlsParameters: remoteDtlsParameters('client') }),
        InvalidStateError,
      );
      assert.equal(transport.dtlsParameters.role, 'server');
      transport.close();
    });

    test('transport.connect() with role server or auto makes us the DTLS client', async () => {
      for (const role of ['server', 'auto'] as const) {
        const transport = await udpTransport(router);
        await transport.connect({ dtlsParameters: remoteDtlsParameters(role) });
        assert.equal(transport.dtlsParameters.role, 'client');
        transport.close();
      }
    });

    test('transport.connect() with wrong dtlsParameters rejects with TypeError', async () => {
      const transport = await udpTransport(router);
      const fingerprint = remoteDtlsParameters().fingerprints[0];
      await assert.rejects(transport.connect({} as never), TypeError);
      await assert.rejects(
        transport.connect({
          dtlsParameters: { role: 'chicken' as never, fingerprints: [fingerprint] },
        }),
        TypeError,
      );
      await assert.rejects(
        transport.connect({ dtlsParameters: { role: 'client', fingerprints: [] } }),
        TypeError,
      );
      await assert.rejects(
        transport.connect({ dtlsParameters: { role: 'client', fingerprints: 'x' as never } }),
        TypeError,
      );
      assert.equal(transport.dtlsParameters.role, 'auto');
      // Still connectable after the failures.
      await transport.connect({ dtlsParameters: remoteDtlsParameters('client') });
      assert.equal(transport.dtlsParameters.role, 'server');
      transport.close();
    });

    test('transport.connect() with an unknown fingerprint algorithm rejects with TypeError', async () => {
      const transport = await udpTransport(router);
      try {
        const value = remoteDtlsParameters().fingerprints[0].value;
        await assert.rejects(
          transport.connect({
            dtlsParameters: {
              role: 'client',
              fingerprints: [{ algorithm: 'sha-256000' as never, value }],
            },
          }),
          TypeError,
        );
        assert.equal(transport.dtlsParameters.role, 'auto');
      } finally {
        transport.close();
      }
    });

    test('transport.restartIce() returns new ICE credentials', async () => {
      const transport = await udpTransport(router);
      const previous = { ...transport.iceParameters };
      const iceParameters = await transport.restartIce();
      assert.equal(typeof iceParameters.usernameFragment, 'string');
      assert.equal(typeof iceParameters.password, 'string');
      assert.equal(iceParameters.iceLite, true);
      assert.notEqual(iceParameters.usernameFragment, previous.usernameFragment);
      assert.notEqual(iceParameters.password, previous.password);
      assert.deepEqual(transport.iceParameters, iceParameters);
      const dump = (await transport.dump()) as { iceParameters: unknown };
      assert.deepEqual(dump.iceParameters, iceParameters);
      transport.close();
    });

    test('transport.setMaxIncomingBitrate() and friends apply, validated as mediasoup does', async () => {
      const transport = await udpTransport(router);
      await transport.setMaxIncomingBitrate(1_000_000);
      await transport.setMaxOutgoingBitrate(2_000_000);
      await transport.setMinOutgoingBitrate(100_000);
      // min above max, max below min, below mediasoup's 30 kbit/s floor: TypeError.
      await assert.rejects(transport.setMinOutgoingBitrate(3_000_000), TypeError);
      await assert.rejects(transport.setMaxOutgoingBitrate(50_000), TypeError);
      await assert.rejects(transport.setMaxOutgoingBitrate(1000), TypeError);
      const [stats] = (await transport.getStats()) as Record<string, unknown>[];
      assert.equal(stats.maxIncomingBitrate, 1_000_000);
      assert.equal(stats.maxOutgoingBitrate, 2_000_000);
      assert.equal(stats.minOutgoingBitrate, 100_000);
      await transport.enableTraceEvent(['probation', 'bwe']);
      const dump = (await transport.dump()) as { traceEventTypes: string[] };
      assert.deepEqual(dump.traceEventTypes, ['probation', 'bwe']);
      transport.close();
    });

    test('transport.close() emits observer close, closes producers/consumers and rejects methods', async () => {
      const sender = await udpTransport(router);
      const receiver = await udpTransport(router);
      const producer = await sender.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(11110001),
      });
      const consumer = await receiver.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      const receiverProducer = await receiver.produce({
        kind: 'video',
        rtpParameters: videoRtpParameters(11110002, 11110003),
      });
      let observerClose = 0;
      receiver.observer.on('close', () => observerClose++);
      const consumerTransportClose = once(consumer, 'transportclose', 1000);
      const producerTransportClose = once(receiverProducer, 'transportclose', 1000);
      receiver.close();
      receiver.close();
      await consumerTransportClose;
      await producerTransportClose;
      assert.equal(observerClose, 1);
      assert.equal(receiver.closed, true);
      assert.equal(consumer.closed, true);
      assert.equal(receiverProducer.closed, true);
      assert.equal(receiver.iceState, 'closed');
      assert.equal(receiver.iceSelectedTuple, undefined);
      assert.equal(receiver.dtlsState, 'closed');
      await assert.rejects(receiver.dump(), InvalidStateError);
      await assert.rejects(receiver.getStats(), InvalidStateError);
      await assert.rejects(
        receiver.connect({ dtlsParameters: remoteDtlsParameters() }),
        InvalidStateError,
      );
      await assert.rejects(receiver.restartIce(), InvalidStateError);
      await assert.rejects(receiver.setMaxIncomingBitrate(1000), InvalidStateError);
      await assert.rejects(
        receiver.produce({ kind: 'audio', rtpParameters: audioRtpParameters(11110009) }),
        InvalidStateError,
      );
      await assert.rejects(
        receiver.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }),
        InvalidStateError,
      );
      const dump = await router.dump();
      assert.ok(!dump.transportIds.includes(receiver.id));
      assert.deepEqual(entryOf(dump.mapProducerIdConsumerIds, producer.id), []);
      assert.equal(entryOf(dump.mapProducerIdConsumerIds, receiverProducer.id), undefined);
      assert.equal(
        router.canConsume({
          producerId: receiverProducer.id,
          rtpCapabilities: router.rtpCapabilities,
        }),
        false,
      );
      sender.close();
    });

    test('router.close() closes its transports with routerclose', async () => {
      const ownRouter = await worker.createRouter({ mediaCodecs });
      const transport = await udpTransport(ownRouter);
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(22220001),
      });
      let observerClose = 0;
      transport.observer.on('close', () => observerClose++);
      const routerClose = once(transport, 'routerclose', 1000);
      const producerTransportClose = once(producer, 'transportclose', 1000);
      ownRouter.close();
      await routerClose;
      await producerTransportClose;
      assert.equal(observerClose, 1);
      assert.equal(transport.closed, true);
      assert.equal(transport.iceState, 'closed');
      assert.equal(transport.dtlsState, 'closed');
      assert.equal(producer.closed, true);
      await assert.rejects(transport.dump(), InvalidStateError);
      const workerDump = await worker.dump();
      assert.ok(!workerDump.routerIds.includes(ownRouter.id));
      assert.ok(!workerDump.channelMessageHandlers.channelRequestHandlers.includes(transport.id));
    });

    test('worker.close() closes routers, transports, producers and consumers', async () => {
      const ownWorker = await createWorker({ mode });
      const ownRouter = await ownWorker.createRouter({ mediaCodecs });
      const sender = await udpTransport(ownRouter);
      const receiver = await udpTransport(ownRouter);
      const producer = await sender.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(33330001),
      });
      const consumer = await receiver.consume({
        producerId: producer.id,
        rtpCapabilities: ownRouter.rtpCapabilities,
      });
      const events: string[] = [];
      ownRouter.on('workerclose', () => events.push('router:workerclose'));
      sender.on('routerclose', () => events.push('sender:routerclose'));
      receiver.on('routerclose', () => events.push('receiver:routerclose'));
      producer.on('transportclose', () => events.push('producer:transportclose'));
      consumer.on('transportclose', () => events.push('consumer:transportclose'));
      ownWorker.close();
      assert.deepEqual(events.sort(), [
        'consumer:transportclose',
        'producer:transportclose',
        'receiver:routerclose',
        'router:workerclose',
        'sender:routerclose',
      ]);
      for (const entity of [ownRouter, sender, receiver, producer, consumer]) {
        assert.equal(entity.closed, true);
      }
      await assert.rejects(sender.dump(), InvalidStateError);
    });

    test('many transports are created concurrently with distinct ports and credentials', async () => {
      const transports: WebRtcTransport[] = await Promise.all(
        Array.from({ length: 10 }, () => udpTransport(router)),
      );
      assert.equal(new Set(transports.map((t) => t.iceCandidates[0].port)).size, 10);
      assert.equal(new Set(transports.map((t) => t.iceParameters.usernameFragment)).size, 10);
      const dump = await router.dump();
      for (const t of transports) assert.ok(dump.transportIds.includes(t.id));
      transports.forEach((t) => t.close());
    });
  });
}
