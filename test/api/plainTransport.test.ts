/**
 * router.createPlainTransport() and PlainTransport, in both worker modes, against mediasoup
 * v3's semantics: options and their validation, tuples, SRTP parameters, connect(), dump()
 * and getStats() shapes, closing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  InvalidStateError,
  UnsupportedError,
  createWorker,
  type PlainTransport,
  type Router,
  type Transport,
  type Worker,
} from '../../src/index.js';
import { writeRtcpCompound } from '../../src/protocols/rtcp/index.js';
import { SrtpSession } from '../../src/protocols/srtp/index.js';
import { UdpCapture } from '../peer/udpCapture.js';
import { eventually, freePort, mediaCodecs, once } from './mediaFixtures.js';
import { MODES } from './modes.js';

const LOCAL = { protocol: 'udp', ip: '127.0.0.1' } as const;

/** A minimal RTP packet (RFC 3550 §5.1) with a VP8-ish payload. */
function rtpPacket(ssrc: number, seq: number): Buffer {
  const packet = Buffer.alloc(60, 0x11);
  packet[0] = 0x80;
  packet[1] = 96;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(seq * 3000, 4);
  packet.writeUInt32BE(ssrc, 8);
  return packet;
}

function senderReport(ssrc: number): Uint8Array {
  const out = new Uint8Array(100);
  const length = writeRtcpCompound(
    [
      {
        kind: 'sr',
        ssrc,
        ntpSeconds: 3900000000,
        ntpFraction: 0,
        rtpTimestamp: 1,
        packetCount: 1,
        octetCount: 48,
        reports: [],
      },
    ],
    out,
  );
  return out.subarray(0, length);
}

const VIDEO = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
  encodings: [{ ssrc: 7777 }],
};
const KEY_30 = 'ZnQ3eWJraDg0d3ZoYzM5cXN1Y2pnaHU5NWxrZTVv'; // 30 bytes
const KEY_44 = 'YTdjcDBvY2JoMGY5YXNlNDc0eDJsdGgwaWRvNnJsamRrdG16aWVpZHphdHo='; // 44 bytes

for (const mode of MODES) {
  describe(`PlainTransport (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker.close());

    test('createPlainTransport() succeeds: tuple, defaults, dump() and getStats()', async () => {
      let observed: Transport | undefined;
      router.observer.once('newtransport', (t) => {
        observed = t;
      });
      const transport = await router.createPlainTransport({
        listenInfo: { ...LOCAL, announcedAddress: '9.9.9.1' },
        appData: { foo: 'bar' },
      });
      assert.equal(observed, transport);
      assert.deepEqual(transport.appData, { foo: 'bar' });
      assert.equal(transport.tuple.localAddress, '9.9.9.1');
      // mediasoup's deprecated alias, still read (mediasoup-demo's broadcaster API replies with it).
      assert.equal(transport.tuple.localIp, '9.9.9.1');
      assert.equal(typeof transport.tuple.localPort, 'number');
      assert.equal(transport.tuple.protocol, 'udp');
      assert.equal(transport.tuple.remoteIp, undefined);
      assert.equal(transport.rtcpTuple, undefined);
      assert.equal(transport.srtpParameters, undefined);
      assert.equal(transport.sctpParameters, undefined);
      assert.equal(transport.sctpState, undefined);
      assert.deepEqual((await router.dump()).transportIds, [transport.id]);

      const dump = (await transport.dump()) as Record<string, unknown>;
      assert.equal(dump.id, transport.id);
      assert.equal(dump.direct, false);
      assert.deepEqual(dump.producerIds, []);
      assert.deepEqual(dump.consumerIds, []);
      assert.equal(dump.rtcpMux, true);
      assert.equal(dump.comedia, false);
      assert.deepEqual(dump.tuple, transport.tuple);
      assert.equal(dump.rtcpTuple, undefined);
      assert.equal(dump.srtpParameters, undefined);

      const [stats] = (await transport.getStats()) as Record<string, unknown>[];
      assert.equal(stats.type, 'plain-rtp-transport');
      assert.equal(stats.transportId, transport.id);
      assert.equal(typeof stats.timestamp, 'number');
      for (const field of ['bytesReceived', 'bytesSent', 'rtpBytesReceived', 'rtpBytesSent']) {
        assert.equal(stats[field], 0, field);
      }
      assert.equal(stats.rtcpMux, true);
      assert.equal(stats.comedia, false);
      assert.deepEqual(stats.tuple, transport.tuple);
      assert.equal(stats.rtcpTuple, undefined);
      transport.close();
      assert.equal(transport.closed, true);
    });

    test('rtcpMux: false and rtcpListenInfo give an RTCP tuple of its own', async () => {
      const noMux = await router.createPlainTransport({ listenInfo: LOCAL, rtcpMux: false });
      assert.equal(noMux.rtcpTuple?.localAddress, '127.0.0.1');
      assert.equal(noMux.rtcpTuple?.localIp, '127.0.0.1');
      assert.notEqual(noMux.rtcpTuple?.localPort, noMux.tuple.localPort);
      const rtpPort = await freePort('udp');
      const rtcpPort = await freePort('udp');
      // As mediasoup: an rtcpListenInfo turns RTCP-mux off even with the default rtcpMux.
      const own = await router.createPlainTransport({
        listenInfo: { ...LOCAL, port: rtpPort },
        rtcpListenInfo: { ...LOCAL, port: rtcpPort },
      });
      assert.equal(own.tuple.localPort, rtpPort);
      assert.equal(own.rtcpTuple?.localPort, rtcpPort);
      const dump = (await own.dump()) as Record<string, unknown>;
      assert.equal(dump.rtcpMux, false);
      assert.deepEqual(dump.rtcpTuple, own.rtcpTuple);
      // The deprecated listenIp form.
      const legacy = await router.createPlainTransport({ listenIp: '127.0.0.1' });
      assert.equal(legacy.tuple.localAddress, '127.0.0.1');
      for (const t of [noMux, own, legacy]) t.close();
    });

    test('createPlainTransport() with wrong options rejects with TypeError', async () => {
      const bad: unknown[] = [
        {},
        { listenInfo: LOCAL, listenIp: '127.0.0.1' },
        { listenInfo: { ...LOCAL, portRange: { min: 4000, max: 3000 } } },
        { listenIp: '123' },
        { listenIp: ['127.0.0.1'] },
        { listenInfo: { protocol: 'tcp', ip: '127.0.0.1' } },
        { listenInfo: LOCAL, appData: 'NOT-AN-OBJECT' },
        { listenInfo: LOCAL, comedia: 'yes' },
        { listenInfo: LOCAL, enableSrtp: true, srtpCryptoSuite: 'FOO' },
        { listenInfo: LOCAL, numSctpStreams: { OS: 0, MIS: 1024 } },
        { listenInfo: LOCAL, maxSctpMessageSize: -1 },
      ];
      for (const options of bad) {
        await assert.rejects(
          router.createPlainTransport(options as never),
          TypeError,
          JSON.stringify(options),
        );
      }
      assert.deepEqual((await router.dump()).transportIds, []);
    });

    test('enableSctp gives sctpParameters; udpReusePort is refused with UnsupportedError', async () => {
      const withSctp = await router.createPlainTransport({ listenInfo: LOCAL, enableSctp: true });
      assert.equal(withSctp.sctpParameters?.port, 5000);
      assert.equal(withSctp.sctpParameters?.OS, 1024);
      assert.equal(withSctp.sctpState, 'new');
      withSctp.close();
      await assert.rejects(
        router.createPlainTransport({ listenInfo: { ...LOCAL, flags: { udpReusePort: true } } }),
        UnsupportedError,
      );
      assert.deepEqual((await router.dump()).transportIds, []);
    });

    test('enableSrtp: our key per suite; connect() validates and may switch the suite', async () => {
      const lengths = {
        AES_CM_128_HMAC_SHA1_80: 40,
        AES_CM_128_HMAC_SHA1_32: 40,
        AEAD_AES_128_GCM: 40,
        AEAD_AES_256_GCM: 60,
      } as const;
      for (const [suite, length] of Object.entries(lengths)) {
        const t = await router.createPlainTransport({
          listenInfo: LOCAL,
          enableSrtp: true,
          srtpCryptoSuite: suite as keyof typeof lengths,
        });
        assert.equal(t.srtpParameters?.cryptoSuite, suite);
        assert.equal(t.srtpParameters?.keyBase64.length, length, suite);
        t.close();
      }
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, enableSrtp: true });
      assert.equal(transport.srtpParameters?.cryptoSuite, 'AES_CM_128_HMAC_SHA1_80');
      const remote = { ip: '127.0.0.2', port: 9999 };
      const wrong: unknown[] = [
        remote,
        { ...remote, srtpParameters: 1 },
        { ...remote, srtpParameters: { keyBase64: KEY_30 } },
        { ...remote, srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' } },
        { ...remote, srtpParameters: { cryptoSuite: 'FOO', keyBase64: KEY_30 } },
        { ...remote, srtpParameters: { cryptoSuite: 123, keyBase64: KEY_30 } },
        { ...remote, srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: [] } },
        // A key of the wrong length for the suite.
        {
          ...remote,
          srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: KEY_44 },
        },
      ];
      for (const options of wrong) {
        await assert.rejects(
          transport.connect(options as never),
          TypeError,
          JSON.stringify(options),
        );
      }
      assert.equal(transport.tuple.remoteIp, undefined, 'nothing changed by a refused connect()');
      await transport.connect({
        ...remote,
        srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: KEY_44 },
      });
      assert.equal(transport.srtpParameters?.cryptoSuite, 'AEAD_AES_256_GCM');
      assert.equal(transport.srtpParameters?.keyBase64.length, 60);
      assert.equal(transport.tuple.remoteIp, '127.0.0.2');
      const dump = (await transport.dump()) as Record<string, unknown>;
      assert.deepEqual(dump.srtpParameters, transport.srtpParameters);
      transport.close();
    });

    test('connect(): the remote tuples; a second call is an InvalidStateError', async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, rtcpMux: false });
      await transport.connect({ ip: '1.2.3.4', port: 1234, rtcpPort: 1235 });
      assert.equal(transport.tuple.remoteIp, '1.2.3.4');
      assert.equal(transport.tuple.remotePort, 1234);
      assert.equal(transport.rtcpTuple?.remoteIp, '1.2.3.4');
      assert.equal(transport.rtcpTuple?.remotePort, 1235);
      await assert.rejects(
        transport.connect({ ip: '1.2.3.4', port: 1234, rtcpPort: 1235 }),
        InvalidStateError,
      );
      const [stats] = (await transport.getStats()) as Record<string, unknown>[];
      assert.deepEqual(stats.tuple, transport.tuple);
      assert.deepEqual(stats.rtcpTuple, transport.rtcpTuple);
      transport.close();
    });

    test('connect() with wrong arguments rejects with TypeError', async () => {
      const noMux = await router.createPlainTransport({ listenInfo: LOCAL, rtcpMux: false });
      const mux = await router.createPlainTransport({ listenInfo: LOCAL });
      const srtpParameters = { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: KEY_30 };
      const cases: [PlainTransport, unknown][] = [
        [noMux, { ip: '127.0.0.2', port: 9998, rtcpPort: 9999, srtpParameters }],
        [noMux, {}],
        [noMux, { ip: '::::1234' }],
        [noMux, { ip: '127.0.0.1', port: 1234 }],
        [noMux, { ip: '127.0.0.1', port: 'chicken', rtcpPort: 1235 }],
        [noMux, { ip: '127.0.0.1', port: 70000, rtcpPort: 1235 }],
        [noMux, { ip: '::1', port: 1234, rtcpPort: 1235 }],
        [mux, { ip: '127.0.0.1', port: 1234, rtcpPort: 1235 }],
        [mux, { port: 1234 }],
      ];
      for (const [transport, options] of cases) {
        await assert.rejects(
          transport.connect(options as never),
          TypeError,
          JSON.stringify(options),
        );
      }
      assert.equal(noMux.tuple.remoteIp, undefined);
      noMux.close();
      mux.close();
    });

    test('comedia: connect() needs no remote; the tuple stays local until a packet', async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, comedia: true });
      await transport.connect({});
      assert.equal(transport.tuple.remoteIp, undefined);
      const dump = (await transport.dump()) as Record<string, unknown>;
      assert.equal(dump.comedia, true);
      transport.close();
    });

    test('comedia without RTCP-mux learns the RTP and the RTCP tuple; RTCP goes to the latter', async () => {
      const transport = await router.createPlainTransport({
        listenInfo: LOCAL,
        rtcpMux: false,
        comedia: true,
      });
      await transport.produce({ kind: 'video', rtpParameters: VIDEO });
      const rtp = await UdpCapture.open();
      const rtcp = await UdpCapture.open();
      try {
        const tuple = once<[{ remotePort: number }]>(transport, 'tuple');
        await rtp.send(rtpPacket(7777, 1), transport.tuple.localPort);
        assert.equal((await tuple)[0].remotePort, rtp.port);
        const rtcpTuple = once<[{ remotePort: number; localPort: number }]>(transport, 'rtcptuple');
        await rtcp.send(senderReport(7777), transport.rtcpTuple!.localPort);
        const [learned] = await rtcpTuple;
        assert.equal(learned.remotePort, rtcp.port);
        assert.equal(learned.localPort, transport.rtcpTuple!.localPort);
        assert.equal(transport.rtcpTuple!.remotePort, rtcp.port);
        // Our RR (about the producer's stream) goes to the RTCP tuple, not to the RTP one.
        for (let seq = 2; seq < 5; seq++)
          await rtp.send(rtpPacket(7777, seq), transport.tuple.localPort);
        assert.ok(
          await eventually(() => rtcp.rtcp(201).length > 0, 3000),
          'an RR on the RTCP tuple',
        );
        assert.equal(rtp.rtcp().length, 0, 'no RTCP on the RTP tuple');
      } finally {
        transport.close();
        await rtp.close();
        await rtcp.close();
      }
    });

    test('comedia with SRTP learns only from an authenticated packet', async () => {
      const transport = await router.createPlainTransport({
        listenInfo: LOCAL,
        comedia: true,
        enableSrtp: true,
      });
      await transport.produce({ kind: 'video', rtpParameters: VIDEO });
      const keying = Buffer.from(KEY_30, 'base64');
      await transport.connect({
        srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: KEY_30 },
      });
      const session = new SrtpSession(
        'AES_CM_128_HMAC_SHA1_80',
        keying.subarray(0, 16),
        keying.subarray(16),
      );
      const impostor = await UdpCapture.open();
      const peer = await UdpCapture.open();
      try {
        const port = transport.tuple.localPort;
        const forged = Buffer.from(session.protectRtp(rtpPacket(7777, 1)) as Uint8Array);
        forged[forged.length - 1] ^= 0x01;
        await impostor.send(forged, port);
        await impostor.send(rtpPacket(7777, 2), port); // clear RTP on an SRTP transport
        const failed = await eventually(async () => {
          const [stats] = (await transport.getStats()) as Record<string, unknown>[];
          return (stats.packetsDropped as Record<string, number>).srtpAuthFailed === 2;
        });
        assert.ok(failed, 'both refused and counted');
        assert.equal(transport.tuple.remoteIp, undefined, 'not learned from them');
        const tuple = once<[{ remotePort: number }]>(transport, 'tuple');
        await peer.send(Buffer.from(session.protectRtp(rtpPacket(7777, 3)) as Uint8Array), port);
        assert.equal((await tuple)[0].remotePort, peer.port);
      } finally {
        transport.close();
        await impostor.close();
        await peer.close();
      }
    });

    test('methods reject once closed; routerclose when the router closes', async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL });
      transport.close();
      await assert.rejects(transport.dump(), InvalidStateError);
      await assert.rejects(transport.getStats(), InvalidStateError);
      await assert.rejects(transport.connect({ ip: '127.0.0.1', port: 1 }), InvalidStateError);
      const other = await worker.createRouter({ mediaCodecs });
      const orphan = await other.createPlainTransport({ listenInfo: LOCAL });
      const closed = once(orphan, 'routerclose');
      other.close();
      await closed;
      assert.equal(orphan.closed, true);
    });
  });
}
