/**
 * worker.createWebRtcServer() and WebRtcServer, in both worker modes, against
 * mediasoup v3's semantics.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidStateError,
  createWorker,
  type Router,
  type WebRtcServer,
  type WebRtcTransport,
  type Worker,
} from '../../src/index.js';
import { MODES } from './modes.js';
import { freePort, mediaCodecs, once, randomPortRange } from './mediaFixtures.js';

interface ServerDump {
  id: string;
  udpSockets: { ip: string; port: number }[];
  tcpServers: { ip: string; port: number }[];
  webRtcTransportIds: string[];
  localIceUsernameFragments: { localIceUsernameFragment: string; webRtcTransportId: string }[];
  tupleHashes: unknown[];
}

async function serverDump(server: WebRtcServer): Promise<ServerDump> {
  return await server.dump();
}

for (const mode of MODES) {
  describe(`WebRtcServer (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker.close());

    test('worker.createWebRtcServer() on given udp and tcp ports succeeds', async () => {
      const udpPort = await freePort('udp');
      const tcpPort = await freePort('tcp');
      let observed: WebRtcServer | undefined;
      worker.observer.once('newwebrtcserver', (s: WebRtcServer) => {
        observed = s;
      });
      const server = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1', port: udpPort },
          { protocol: 'tcp', ip: '127.0.0.1', announcedAddress: 'foo.bar.org', port: tcpPort },
        ],
        appData: { foo: 123 },
      });
      assert.equal(observed, server);
      assert.equal(typeof server.id, 'string');
      assert.equal(server.closed, false);
      assert.deepEqual(server.appData, { foo: 123 });
      const workerDump = await worker.dump();
      assert.ok(workerDump.webRtcServerIds.includes(server.id));
      assert.ok(workerDump.channelMessageHandlers.channelRequestHandlers.includes(server.id));
      assert.deepEqual(await serverDump(server), {
        id: server.id,
        udpSockets: [{ ip: '127.0.0.1', port: udpPort }],
        tcpServers: [{ ip: '127.0.0.1', port: tcpPort }],
        webRtcTransportIds: [],
        localIceUsernameFragments: [],
        tupleHashes: [],
        faults: { datagram: 0, tcpFrame: 0, timer: 0, dtls: 0 },
      });
      let closed = 0;
      server.observer.on('close', () => closed++);
      server.close();
      server.close();
      assert.equal(closed, 1);
      assert.equal(server.closed, true);
      await assert.rejects(server.dump(), InvalidStateError);
      assert.ok(!(await worker.dump()).webRtcServerIds.includes(server.id));
    });

    test('worker.createWebRtcServer() with a portRange and without port succeeds', async () => {
      const udpRange = randomPortRange(3);
      const tcpRange = randomPortRange(3);
      const server = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1', portRange: udpRange },
          { protocol: 'tcp', ip: '127.0.0.1', portRange: tcpRange },
          { protocol: 'udp', ip: '127.0.0.1' },
        ],
      });
      const dump = await serverDump(server);
      assert.equal(dump.udpSockets.length, 2);
      assert.equal(dump.tcpServers.length, 1);
      const [udp, udpAny] = dump.udpSockets;
      const [tcp] = dump.tcpServers;
      assert.ok(udp.port >= udpRange.min && udp.port <= udpRange.max);
      assert.ok(tcp.port >= tcpRange.min && tcp.port <= tcpRange.max);
      // Without port nor portRange: a port of the worker's rtcMinPort–rtcMaxPort.
      assert.ok(udpAny.port >= 10000 && udpAny.port <= 59999);
      server.close();
    });

    test('worker.createWebRtcServer() with wrong arguments rejects with TypeError', async () => {
      await assert.rejects(worker.createWebRtcServer({} as never), TypeError);
      await assert.rejects(
        worker.createWebRtcServer({ listenInfos: 'NOT-AN-ARRAY' as never }),
        TypeError,
      );
      await assert.rejects(
        worker.createWebRtcServer({ listenInfos: ['NOT-AN-OBJECT' as never] }),
        TypeError,
      );
      await assert.rejects(worker.createWebRtcServer({ listenInfos: [] }), TypeError);
      await assert.rejects(
        worker.createWebRtcServer({
          listenInfos: [{ protocol: 'quic' as never, ip: '127.0.0.1' }],
        }),
        TypeError,
      );
      await assert.rejects(
        worker.createWebRtcServer({
          listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
          appData: 'NOT-AN-OBJECT' as never,
        }),
        TypeError,
      );
      assert.deepEqual((await worker.dump()).webRtcServerIds, []);
    });

    test('worker.createWebRtcServer() with unavailable listen infos rejects with Error', async () => {
      const port1 = await freePort('udp');
      const port2 = await freePort('udp');
      // An address this host does not have.
      await assert.rejects(
        worker.createWebRtcServer({
          listenInfos: [
            { protocol: 'udp', ip: '127.0.0.1', port: port1 },
            { protocol: 'udp', ip: '1.2.3.4', port: port2 },
          ],
        }),
        Error,
      );
      // The same port twice.
      await assert.rejects(
        worker.createWebRtcServer({
          listenInfos: [
            { protocol: 'udp', ip: '127.0.0.1', port: port1 },
            { protocol: 'udp', ip: '127.0.0.1', announcedAddress: '1.2.3.4', port: port1 },
          ],
        }),
        Error,
      );
      // The first failure released what it had bound: port1 is usable again.
      const server = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: port1 }],
      });
      // A port occupied by another worker.
      const worker2 = await createWorker({ mode });
      try {
        await assert.rejects(
          worker2.createWebRtcServer({
            listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: port1 }],
          }),
          Error,
        );
      } finally {
        worker2.close();
      }
      server.close();
    });

    test('worker.createWebRtcServer() rejects with InvalidStateError if the worker is closed', async () => {
      const worker2 = await createWorker({ mode });
      worker2.close();
      await assert.rejects(
        worker2.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] }),
        InvalidStateError,
      );
    });

    test('a transport created through the server appears in its dump; transport.close() unhandles it', async () => {
      const udpPort = await freePort('udp');
      const tcpPort = await freePort('tcp');
      const server = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1', port: udpPort },
          { protocol: 'tcp', ip: '127.0.0.1', port: tcpPort },
        ],
      });
      const handled: WebRtcTransport[] = [];
      const unhandled: WebRtcTransport[] = [];
      server.observer.on('webrtctransporthandled', (t) => handled.push(t));
      server.observer.on('webrtctransportunhandled', (t) => unhandled.push(t));

      const tcpOnly = await router.createWebRtcTransport({
        webRtcServer: server,
        enableUdp: false,
        appData: { foo: 'bar' },
      });
      assert.deepEqual(handled, [tcpOnly]);
      assert.deepEqual(tcpOnly.appData, { foo: 'bar' });
      assert.equal(tcpOnly.iceCandidates.length, 1);
      assert.equal(tcpOnly.iceCandidates[0].protocol, 'tcp');
      assert.equal(tcpOnly.iceCandidates[0].port, tcpPort);
      assert.equal(tcpOnly.iceCandidates[0].tcpType, 'passive');
      assert.equal(tcpOnly.iceState, 'new');

      // Both protocols by default with a server.
      const both = await router.createWebRtcTransport({ webRtcServer: server });
      assert.deepEqual(
        both.iceCandidates.map((c) => [c.protocol, c.address, c.port]),
        [
          ['udp', '127.0.0.1', udpPort],
          ['tcp', '127.0.0.1', tcpPort],
        ],
      );
      assert.equal(both.iceCandidates[1].tcpType, 'passive');

      const dump = await serverDump(server);
      assert.deepEqual(dump.webRtcTransportIds.sort(), [tcpOnly.id, both.id].sort());
      assert.deepEqual(
        dump.localIceUsernameFragments.map((u) => u.webRtcTransportId).sort(),
        [tcpOnly.id, both.id].sort(),
      );
      assert.ok((await router.dump()).transportIds.includes(tcpOnly.id));

      tcpOnly.close();
      assert.deepEqual(unhandled, [tcpOnly]);
      const after = await serverDump(server);
      assert.deepEqual(after.webRtcTransportIds, [both.id]);
      assert.deepEqual(
        after.localIceUsernameFragments.map((u) => u.webRtcTransportId),
        [both.id],
      );
      assert.deepEqual(after.udpSockets, [{ ip: '127.0.0.1', port: udpPort }]);

      // mediasoup's rule: webRtcServer wins over listenInfos given beside it (mediasoup-demo does
      // that); all three at once is an error.
      const beside = await router.createWebRtcTransport({
        webRtcServer: server,
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      assert.deepEqual(
        beside.iceCandidates.map((c) => [c.protocol, c.port]),
        [
          ['udp', udpPort],
          ['tcp', tcpPort],
        ],
      );
      beside.close();
      await assert.rejects(
        router.createWebRtcTransport({
          webRtcServer: server,
          listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
          listenIps: ['127.0.0.1'],
        }),
        TypeError,
      );
      server.close();
    });

    test('webRtcServer.dump() names each fragment localIceUsernameFragment', async () => {
      const server = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      try {
        const transport = await router.createWebRtcTransport({ webRtcServer: server });
        const dump = await serverDump(server);
        assert.deepEqual(dump.localIceUsernameFragments, [
          {
            localIceUsernameFragment: transport.iceParameters.usernameFragment,
            webRtcTransportId: transport.id,
          },
        ]);
      } finally {
        server.close();
      }
    });

    test('transport.restartIce() adds the new username fragment to the server', async () => {
      const server = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      try {
        const transport = await router.createWebRtcTransport({ webRtcServer: server });
        const { usernameFragment } = await transport.restartIce();
        const dump = await serverDump(server);
        assert.equal(dump.localIceUsernameFragments.length, 2);
        assert.ok(
          dump.localIceUsernameFragments.some(
            (u) =>
              u.localIceUsernameFragment === usernameFragment &&
              u.webRtcTransportId === transport.id,
          ),
        );
      } finally {
        server.close();
      }
    });

    test('router.createWebRtcTransport() with a closed server rejects with InvalidStateError', async () => {
      const server = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      server.close();
      await assert.rejects(
        router.createWebRtcTransport({ webRtcServer: server }),
        InvalidStateError,
      );
    });

    test('router.createWebRtcTransport() with a server but no matching protocol rejects with TypeError', async () => {
      const server = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      await assert.rejects(
        router.createWebRtcTransport({ webRtcServer: server, enableUdp: false }),
        TypeError,
      );
      server.close();
    });

    test('webRtcServer.close() closes its transports with listenserverclose (eventually)', async () => {
      const server = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1' },
          { protocol: 'tcp', ip: '127.0.0.1' },
        ],
      });
      const transport = await router.createWebRtcTransport({ webRtcServer: server });
      let observerClose = 0;
      transport.observer.on('close', () => observerClose++);
      const listenServerClose = once(transport, 'listenserverclose', 2000);
      server.close();
      await listenServerClose;
      assert.equal(transport.closed, true);
      assert.equal(observerClose, 1);
      await assert.rejects(transport.dump(), InvalidStateError);
      assert.ok(!(await worker.dump()).webRtcServerIds.includes(server.id));
      assert.ok(!(await router.dump()).transportIds.includes(transport.id));
    });

    test('after listenserverclose the transport reports iceState and dtlsState closed', async () => {
      const server = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      const transport = await router.createWebRtcTransport({ webRtcServer: server });
      const listenServerClose = once(transport, 'listenserverclose', 2000);
      server.close();
      await listenServerClose;
      assert.equal(transport.iceState, 'closed');
      assert.equal(transport.iceSelectedTuple, undefined);
      assert.equal(transport.dtlsState, 'closed');
    });

    test('webRtcServer.close() closes its transports synchronously (listenserverclose, unhandled, states closed)', async () => {
      const server = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      const transport = await router.createWebRtcTransport({ webRtcServer: server });
      const unhandled: WebRtcTransport[] = [];
      server.observer.on('webrtctransportunhandled', (t) => unhandled.push(t));
      let listenServerClose = 0;
      transport.on('listenserverclose', () => listenServerClose++);
      server.close();
      try {
        assert.equal(listenServerClose, 1);
        assert.deepEqual(unhandled, [transport]);
        assert.equal(transport.closed, true);
        assert.equal(transport.iceState, 'closed');
        assert.equal(transport.iceSelectedTuple, undefined);
        assert.equal(transport.dtlsState, 'closed');
      } finally {
        transport.close();
      }
    });

    test('worker.close() closes its servers with workerclose', async () => {
      const worker2 = await createWorker({ mode });
      const server = await worker2.createWebRtcServer({
        listenInfos: [{ protocol: 'tcp', ip: '127.0.0.1' }],
      });
      let observerClose = 0;
      server.observer.on('close', () => observerClose++);
      const workerClose = once(server, 'workerclose', 1000);
      worker2.close();
      await workerClose;
      assert.equal(server.closed, true);
      assert.equal(observerClose, 1);
    });
  });
}
