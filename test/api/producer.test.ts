/**
 * transport.produce() and Producer, in both worker modes, against mediasoup
 * v3's semantics, with RTP parameters shaped like mediasoup-client's.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidStateError,
  UnsupportedError,
  createWorker,
  type Producer,
  type Router,
  type RtpCapabilities,
  type WebRtcTransport,
  type Worker,
} from '../../src/index.js';
import { MODES } from './modes.js';
import {
  audioRtpParameters,
  mediaCodecs,
  once,
  simulcastRtpParameters,
  udpTransport,
  videoRtpParameters,
} from './mediaFixtures.js';
import { entryOf } from './dumpEntries.js';

let nextSsrc = 100_000_000;
function ssrc(): number {
  nextSsrc += 10;
  return nextSsrc;
}

for (const mode of MODES) {
  describe(`Producer (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    let transport: WebRtcTransport;
    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
      transport = await udpTransport(router);
    });
    after(() => worker.close());

    test('transport.produce() of audio (opus, mid + audio level extensions) succeeds', async () => {
      let observed: Producer | undefined;
      transport.observer.once('newproducer', (p) => {
        observed = p;
      });
      const rtpParameters = audioRtpParameters(ssrc());
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters,
        appData: { foo: 1, bar: '2' },
      });
      assert.equal(observed, producer);
      assert.equal(typeof producer.id, 'string');
      assert.equal(producer.closed, false);
      assert.equal(producer.kind, 'audio');
      assert.equal(producer.type, 'simple');
      assert.equal(producer.paused, false);
      assert.deepEqual(producer.score, []);
      assert.deepEqual(producer.appData, { foo: 1, bar: '2' });
      // The endpoint's own parameters, kept as given (payload type and extension ids included).
      assert.equal(producer.rtpParameters.mid, rtpParameters.mid);
      assert.equal(producer.rtpParameters.codecs[0].mimeType, 'audio/opus');
      assert.equal(producer.rtpParameters.codecs[0].payloadType, 111);
      assert.deepEqual(
        producer.rtpParameters.headerExtensions?.map((h) => [h.uri, h.id]),
        rtpParameters.headerExtensions?.map((h) => [h.uri, h.id]),
      );
      assert.equal(producer.rtpParameters.encodings?.[0].ssrc, rtpParameters.encodings?.[0].ssrc);
      assert.equal(producer.rtpParameters.rtcp?.cname, rtpParameters.rtcp?.cname);

      const routerDump = await router.dump();
      assert.deepEqual(entryOf(routerDump.mapProducerIdConsumerIds, producer.id), []);
      const transportDump = (await transport.dump()) as { producerIds: string[] };
      assert.ok(transportDump.producerIds.includes(producer.id));
      assert.equal(
        router.canConsume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }),
        true,
      );
      producer.close();
    });

    test('transport.produce() of VP8 video with RTX succeeds', async () => {
      const rtpParameters = videoRtpParameters(ssrc(), ssrc());
      const producer = await transport.produce({ kind: 'video', rtpParameters });
      assert.equal(producer.kind, 'video');
      assert.equal(producer.type, 'simple');
      assert.deepEqual(
        producer.rtpParameters.codecs.map((c) => [c.mimeType, c.payloadType]),
        [
          ['video/VP8', 96],
          ['video/rtx', 97],
        ],
      );
      assert.deepEqual(producer.rtpParameters.encodings?.[0].rtx, rtpParameters.encodings?.[0].rtx);
      assert.equal(
        router.canConsume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }),
        true,
      );
      const dump = (await producer.dump()) as Record<string, unknown>;
      assert.equal(dump.id, producer.id);
      assert.equal(dump.kind, 'video');
      assert.equal(dump.type, 'simple');
      assert.equal(dump.paused, false);
      const dumped = dump.rtpParameters as typeof rtpParameters;
      assert.deepEqual(
        dumped.codecs.map((c) => [c.mimeType, c.payloadType, c.clockRate]),
        [
          ['video/VP8', 96, 90000],
          ['video/rtx', 97, 90000],
        ],
      );
      assert.deepEqual(dumped.codecs[1].parameters, { apt: 96 });
      assert.equal(dumped.encodings?.[0].ssrc, rtpParameters.encodings?.[0].ssrc);
      producer.close();
    });

    test('transport.produce() of three simulcast encodings with SSRCs is a simulcast producer', async () => {
      const rtpParameters = simulcastRtpParameters(ssrc());
      nextSsrc += 10;
      const producer = await transport.produce({ kind: 'video', rtpParameters });
      assert.equal(producer.type, 'simulcast');
      assert.equal(producer.rtpParameters.encodings?.length, 3);
      assert.deepEqual(
        producer.rtpParameters.encodings?.map((e) => e.ssrc),
        rtpParameters.encodings?.map((e) => e.ssrc),
      );
      const dump = (await producer.dump()) as { type: string };
      assert.equal(dump.type, 'simulcast');
      producer.close();
    });

    test('transport.produce() with a given id, and paused, succeeds', async () => {
      const producer = await transport.produce({
        id: 'my-own-producer-id',
        kind: 'audio',
        rtpParameters: audioRtpParameters(ssrc(), 'a-mid'),
        paused: true,
      });
      assert.equal(producer.id, 'my-own-producer-id');
      assert.equal(producer.paused, true);
      assert.equal(((await producer.dump()) as { paused: boolean }).paused, true);
      await assert.rejects(
        transport.produce({
          id: 'my-own-producer-id',
          kind: 'audio',
          rtpParameters: audioRtpParameters(ssrc(), 'another-mid'),
        }),
        TypeError,
      );
      producer.close();
    });

    test('router.canConsume() is false for capabilities without the codec', async () => {
      const audio = await transport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(ssrc()),
      });
      const video = await transport.produce({
        kind: 'video',
        rtpParameters: videoRtpParameters(ssrc(), ssrc()),
      });
      const h264Only: RtpCapabilities = {
        codecs: router.rtpCapabilities.codecs!.filter(
          (c) => c.mimeType === 'video/H264' || c.mimeType === 'video/rtx',
        ),
        headerExtensions: router.rtpCapabilities.headerExtensions,
      };
      assert.equal(router.canConsume({ producerId: video.id, rtpCapabilities: h264Only }), false);
      assert.equal(router.canConsume({ producerId: audio.id, rtpCapabilities: h264Only }), false);
      const isac: RtpCapabilities = {
        codecs: [
          {
            kind: 'audio',
            mimeType: 'audio/ISAC',
            clockRate: 32000,
            preferredPayloadType: 100,
            channels: 1,
          },
        ],
        headerExtensions: [],
      };
      assert.equal(router.canConsume({ producerId: audio.id, rtpCapabilities: isac }), false);
      assert.equal(
        router.canConsume({
          producerId: audio.id,
          rtpCapabilities: { codecs: [], headerExtensions: [] },
        }),
        false,
      );
      audio.close();
      video.close();
    });

    test('transport.produce() with wrong arguments rejects with TypeError', async () => {
      const transport = await udpTransport(router);
      await assert.rejects(transport.produce(undefined as never), TypeError);
      await assert.rejects(
        transport.produce({ kind: 'chicken' as never, rtpParameters: audioRtpParameters(ssrc()) }),
        TypeError,
      );
      await assert.rejects(
        transport.produce({ kind: 'audio', rtpParameters: {} as never }),
        TypeError,
      );
      await assert.rejects(
        transport.produce({
          kind: 'audio',
          rtpParameters: { ...audioRtpParameters(0), encodings: [{ ssrc: '1111' as never }] },
        }),
        TypeError,
      );
      // RTX whose apt names no media codec.
      const badRtx = videoRtpParameters(ssrc(), ssrc());
      badRtx.codecs[1].parameters = { apt: 111 };
      await assert.rejects(transport.produce({ kind: 'video', rtpParameters: badRtx }), TypeError);
      await assert.rejects(
        transport.produce({
          kind: 'audio',
          rtpParameters: audioRtpParameters(ssrc()),
          appData: 'NOT-AN-OBJECT' as never,
        }),
        TypeError,
      );
      const transportDump = (await transport.dump()) as { producerIds: string[] };
      assert.deepEqual(transportDump.producerIds, []);
      transport.close();
    });

    test('transport.produce() with empty rtpParameters.codecs rejects with TypeError', async () => {
      const own = await udpTransport(router);
      try {
        await assert.rejects(
          own.produce({
            kind: 'audio',
            rtpParameters: { codecs: [], headerExtensions: [], encodings: [{ ssrc: ssrc() }] },
          }),
          TypeError,
        );
      } finally {
        own.close();
      }
    });

    test('transport.produce() with unsupported codecs rejects with UnsupportedError', async () => {
      await assert.rejects(
        transport.produce({
          kind: 'audio',
          rtpParameters: {
            codecs: [{ mimeType: 'audio/ISAC', payloadType: 108, clockRate: 32000 }],
            headerExtensions: [],
            encodings: [{ ssrc: ssrc() }],
            rtcp: { cname: 'audio' },
          },
        }),
        UnsupportedError,
      );
      // An H264 profile the router does not have.
      await assert.rejects(
        transport.produce({
          kind: 'video',
          rtpParameters: {
            codecs: [
              {
                mimeType: 'video/H264',
                payloadType: 112,
                clockRate: 90000,
                parameters: { 'packetization-mode': 1, 'profile-level-id': 'CHICKEN' },
              },
              {
                mimeType: 'video/rtx',
                payloadType: 113,
                clockRate: 90000,
                parameters: { apt: 112 },
              },
            ],
            headerExtensions: [],
            encodings: [{ ssrc: ssrc(), rtx: { ssrc: ssrc() } }],
          },
        }),
        UnsupportedError,
      );
      // A router without VP8 cannot take a VP8 producer.
      const audioOnlyRouter = await worker.createRouter({ mediaCodecs: [mediaCodecs[0]] });
      const audioOnlyTransport = await udpTransport(audioOnlyRouter);
      await assert.rejects(
        audioOnlyTransport.produce({
          kind: 'video',
          rtpParameters: videoRtpParameters(ssrc(), ssrc()),
        }),
        UnsupportedError,
      );
      audioOnlyRouter.close();
    });

    test('transport.produce() with an SSRC already used in the transport rejects', async () => {
      const transport = await udpTransport(router);
      const used = ssrc();
      const first = await transport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(used, 'ssrc-a'),
      });
      await assert.rejects(
        transport.produce({ kind: 'audio', rtpParameters: audioRtpParameters(used, 'ssrc-b') }),
        TypeError,
      );
      // An RTX SSRC colliding with a media SSRC also counts.
      await assert.rejects(
        transport.produce({
          kind: 'video',
          rtpParameters: videoRtpParameters(ssrc(), used, 'ssrc-c'),
        }),
        TypeError,
      );
      // Another transport has its own SSRC space.
      const other = await udpTransport(router);
      const second = await other.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(used, 'ssrc-a'),
      });
      assert.equal(second.closed, false);
      // Once closed, the SSRC is free again.
      first.close();
      const third = await transport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(used, 'ssrc-d'),
      });
      third.close();
      other.close();
      const dump = (await transport.dump()) as { producerIds: string[] };
      assert.deepEqual(dump.producerIds, []);
      transport.close();
    });

    test('transport.produce() with a MID already used in the transport rejects', async () => {
      const own = await udpTransport(router);
      try {
        await own.produce({
          kind: 'audio',
          rtpParameters: audioRtpParameters(ssrc(), 'same-mid'),
        });
        await assert.rejects(
          own.produce({ kind: 'audio', rtpParameters: audioRtpParameters(ssrc(), 'same-mid') }),
          Error,
        );
      } finally {
        own.close();
      }
    });

    test('transport.produce() without encodings (matched by MID) succeeds', async () => {
      const rtpParameters = audioRtpParameters(ssrc(), 'no-encodings');
      delete rtpParameters.encodings;
      const producer = await transport.produce({ kind: 'audio', rtpParameters });
      assert.equal(producer.type, 'simple');
      producer.close();
    });

    test('transport.produce() of rid-only simulcast (what Chrome + mediasoup-client send) succeeds', async () => {
      const rtpParameters = simulcastRtpParameters(0, 'rid-simulcast');
      rtpParameters.encodings = ['r0', 'r1', 'r2'].map((rid, i) => ({
        rid,
        scalabilityMode: 'L1T3',
        scaleResolutionDownBy: 4 / 2 ** i,
      }));
      rtpParameters.headerExtensions!.push(
        { uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', id: 10 },
        { uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', id: 11 },
      );
      const producer = await transport.produce({ kind: 'video', rtpParameters });
      assert.equal(producer.type, 'simulcast');
      producer.close();
    });

    test('producer.pause() and resume() succeed and emit observer events', async () => {
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(ssrc()),
      });
      const events: string[] = [];
      producer.observer.on('pause', () => events.push('pause'));
      producer.observer.on('resume', () => events.push('resume'));
      await producer.pause();
      assert.equal(producer.paused, true);
      assert.equal(((await producer.dump()) as { paused: boolean }).paused, true);
      await producer.pause();
      await producer.resume();
      assert.equal(producer.paused, false);
      assert.equal(((await producer.dump()) as { paused: boolean }).paused, false);
      await producer.resume();
      assert.deepEqual(events, ['pause', 'resume']);
      producer.close();
    });

    test('producer.pause()/resume() not awaited still emit an event per state change', async () => {
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(ssrc()),
      });
      try {
        const events: string[] = [];
        producer.observer.on('pause', () => events.push('pause'));
        producer.observer.on('resume', () => events.push('resume'));
        await Promise.all([producer.pause(), producer.resume()]);
        assert.deepEqual(events, ['pause', 'resume']);
        assert.equal(producer.paused, false);
        events.length = 0;
        void producer.pause();
        void producer.resume();
        void producer.pause();
        void producer.pause();
        void producer.pause();
        await producer.resume();
        assert.deepEqual(events, ['pause', 'resume', 'pause', 'resume']);
      } finally {
        producer.close();
      }
    });

    test('producer.getStats() answers with inbound-rtp entries (if any)', async () => {
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: videoRtpParameters(ssrc(), ssrc()),
      });
      const stats = (await producer.getStats()) as Record<string, unknown>[];
      assert.ok(Array.isArray(stats));
      for (const s of stats) {
        assert.equal(s.type, 'inbound-rtp');
        assert.equal(s.kind, 'video');
        assert.equal(s.mimeType, 'video/VP8');
        assert.equal(s.packetCount, 0);
        assert.equal(s.byteCount, 0);
      }
      producer.close();
    });

    test('producer.getStats() is empty before any RTP arrived', async () => {
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(ssrc()),
      });
      try {
        assert.deepEqual(await producer.getStats(), []);
      } finally {
        producer.close();
      }
    });

    test('producer.close() emits observer close, leaves the router and rejects methods', async () => {
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(ssrc()),
      });
      let observerClose = 0;
      producer.observer.on('close', () => observerClose++);
      producer.close();
      producer.close();
      assert.equal(observerClose, 1);
      assert.equal(producer.closed, true);
      const routerDump = await router.dump();
      assert.equal(entryOf(routerDump.mapProducerIdConsumerIds, producer.id), undefined);
      const transportDump = (await transport.dump()) as { producerIds: string[] };
      assert.ok(!transportDump.producerIds.includes(producer.id));
      assert.equal(
        router.canConsume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }),
        false,
      );
      await assert.rejects(producer.dump(), InvalidStateError);
      await assert.rejects(producer.getStats(), InvalidStateError);
      await assert.rejects(producer.pause(), InvalidStateError);
      await assert.rejects(producer.resume(), InvalidStateError);
      const workerDump = await worker.dump();
      assert.ok(!workerDump.channelMessageHandlers.channelRequestHandlers.includes(producer.id));
    });

    test('transport.close() emits transportclose on its producers', async () => {
      const own = await udpTransport(router);
      const producer = await own.produce({
        kind: 'video',
        rtpParameters: simulcastRtpParameters(ssrc()),
      });
      nextSsrc += 10;
      let observerClose = 0;
      producer.observer.on('close', () => observerClose++);
      const transportClose = once(producer, 'transportclose', 1000);
      own.close();
      await transportClose;
      assert.equal(producer.closed, true);
      assert.equal(observerClose, 1);
      assert.equal(entryOf((await router.dump()).mapProducerIdConsumerIds, producer.id), undefined);
    });
  });
}
