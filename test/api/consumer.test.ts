/**
 * transport.consume() and Consumer, in both worker modes, against mediasoup
 * v3's semantics. The consuming endpoint presents the router's own
 * capabilities, as a mediasoup-client device loaded with them would.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidStateError,
  UnsupportedError,
  createWorker,
  type Consumer,
  type Producer,
  type Router,
  type RtpCapabilities,
  type WebRtcTransport,
  type Worker,
} from '../../src/index.js';
import { MODES } from './modes.js';
import {
  URI,
  audioRtpParameters,
  eventually,
  mediaCodecs,
  once,
  simulcastRtpParameters,
  sleep,
  udpTransport,
  videoRtpParameters,
} from './mediaFixtures.js';
import { entryOf } from './dumpEntries.js';

let nextSsrc = 200_000_000;
function ssrc(): number {
  nextSsrc += 10;
  return nextSsrc;
}

for (const mode of MODES) {
  describe(`Consumer (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    let sendTransport: WebRtcTransport;
    let audioProducer: Producer;
    let videoProducer: Producer;
    let deviceCaps: RtpCapabilities;

    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
      sendTransport = await udpTransport(router);
      audioProducer = await sendTransport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(ssrc()),
      });
      videoProducer = await sendTransport.produce({
        kind: 'video',
        rtpParameters: videoRtpParameters(ssrc(), ssrc()),
      });
      deviceCaps = structuredClone(router.rtpCapabilities);
    });
    after(() => worker.close());

    function routerPayloadType(mimeType: string): number | undefined {
      return router.rtpCapabilities.codecs!.find((c) => c.mimeType === mimeType)
        ?.preferredPayloadType;
    }

    function routerExtensionId(kind: 'audio' | 'video', uri: string): number | undefined {
      return router.rtpCapabilities.headerExtensions!.find((h) => h.kind === kind && h.uri === uri)
        ?.preferredId;
    }

    test('transport.consume() of audio succeeds', async () => {
      const transport = await udpTransport(router);
      let observed: Consumer | undefined;
      transport.observer.once('newconsumer', (c) => {
        observed = c;
      });
      const consumer = await transport.consume({
        producerId: audioProducer.id,
        rtpCapabilities: deviceCaps,
        appData: { baz: 'LOL' },
      });
      assert.equal(observed, consumer);
      assert.equal(typeof consumer.id, 'string');
      assert.notEqual(consumer.id, audioProducer.id);
      assert.equal(consumer.producerId, audioProducer.id);
      assert.equal(consumer.closed, false);
      assert.equal(consumer.kind, 'audio');
      assert.equal(consumer.type, 'simple');
      assert.equal(consumer.paused, false);
      assert.equal(consumer.producerPaused, false);
      assert.equal(consumer.priority, 1);
      assert.equal(consumer.preferredLayers, undefined);
      assert.equal(consumer.currentLayers, undefined);
      assert.deepEqual(consumer.appData, { baz: 'LOL' });

      const { rtpParameters } = consumer;
      assert.equal(rtpParameters.mid, '0');
      assert.equal(rtpParameters.codecs.length, 1);
      const [codec] = rtpParameters.codecs;
      assert.equal(codec.mimeType, 'audio/opus');
      assert.equal(codec.clockRate, 48000);
      assert.equal(codec.channels, 2);
      // The router's payload type, not the producer's 111.
      assert.equal(codec.payloadType, routerPayloadType('audio/opus'));
      assert.equal(codec.parameters?.useinbandfec, 1);
      assert.equal(rtpParameters.encodings?.length, 1);
      const [encoding] = rtpParameters.encodings;
      assert.equal(typeof encoding.ssrc, 'number');
      assert.notEqual(encoding.ssrc, audioProducer.rtpParameters.encodings?.[0].ssrc);
      assert.equal(encoding.rtx, undefined);
      // Header extension ids are the router's (mid is 4 on the producer side).
      const mid = rtpParameters.headerExtensions?.find((h) => h.uri === URI.mid);
      assert.equal(mid?.id, routerExtensionId('audio', URI.mid));
      const level = rtpParameters.headerExtensions?.find((h) => h.uri === URI.audioLevel);
      assert.equal(level?.id, routerExtensionId('audio', URI.audioLevel));
      assert.equal(typeof rtpParameters.rtcp?.cname, 'string');
      assert.ok(rtpParameters.rtcp!.cname!.length > 0);

      const routerDump = await router.dump();
      assert.deepEqual(entryOf(routerDump.mapProducerIdConsumerIds, audioProducer.id), [
        consumer.id,
      ]);
      assert.equal(entryOf(routerDump.mapConsumerIdProducerId, consumer.id), audioProducer.id);
      const transportDump = (await transport.dump()) as {
        producerIds: string[];
        consumerIds: string[];
      };
      assert.deepEqual(transportDump.producerIds, []);
      assert.deepEqual(transportDump.consumerIds, [consumer.id]);
      transport.close();
    });

    test('transport.consume() of VP8 video has RTX and MIDs counting up', async () => {
      const transport = await udpTransport(router);
      const audio = await transport.consume({
        producerId: audioProducer.id,
        rtpCapabilities: deviceCaps,
      });
      const video = await transport.consume({
        producerId: videoProducer.id,
        rtpCapabilities: deviceCaps,
        paused: true,
      });
      assert.equal(audio.rtpParameters.mid, '0');
      assert.equal(video.rtpParameters.mid, '1');
      assert.equal(video.kind, 'video');
      assert.equal(video.type, 'simple');
      assert.equal(video.paused, true);
      assert.deepEqual(
        video.rtpParameters.codecs.map((c) => [c.mimeType, c.payloadType]),
        [
          ['video/VP8', routerPayloadType('video/VP8')],
          ['video/rtx', routerPayloadType('video/rtx')],
        ],
      );
      assert.equal(
        Number(video.rtpParameters.codecs[1].parameters?.apt),
        routerPayloadType('video/VP8'),
      );
      const [encoding] = video.rtpParameters.encodings!;
      assert.equal(video.rtpParameters.encodings!.length, 1);
      assert.equal(typeof encoding.ssrc, 'number');
      assert.equal(typeof encoding.rtx?.ssrc, 'number');
      assert.notEqual(encoding.ssrc, encoding.rtx?.ssrc);
      const fb = video.rtpParameters.codecs[0].rtcpFeedback?.map((f) =>
        `${f.type} ${f.parameter ?? ''}`.trim(),
      );
      assert.ok(fb?.includes('nack'));
      assert.ok(fb?.includes('nack pli'));

      // A user-given mid, then the counter goes on.
      const custom = await transport.consume({
        producerId: audioProducer.id,
        rtpCapabilities: deviceCaps,
        mid: 'custom-mid',
      });
      assert.equal(custom.rtpParameters.mid, 'custom-mid');
      const next = await transport.consume({
        producerId: audioProducer.id,
        rtpCapabilities: deviceCaps,
      });
      assert.equal(next.rtpParameters.mid, '2');
      // Every consumer gets its own SSRC.
      const ssrcs = [audio, video, custom, next].map((c) => c.rtpParameters.encodings![0].ssrc);
      assert.equal(new Set(ssrcs).size, 4);
      transport.close();
    });

    test('transport.consume() without RTX when enableRtx is false', async () => {
      const transport = await udpTransport(router);
      const video = await transport.consume({
        producerId: videoProducer.id,
        rtpCapabilities: deviceCaps,
        enableRtx: false,
      });
      assert.deepEqual(
        video.rtpParameters.codecs.map((c) => c.mimeType),
        ['video/VP8'],
      );
      assert.equal(video.rtpParameters.encodings![0].rtx, undefined);
      transport.close();
    });

    test('transport.consume() of a simulcast producer gives one encoding', async () => {
      const simulcast = await sendTransport.produce({
        kind: 'video',
        rtpParameters: simulcastRtpParameters(ssrc()),
      });
      nextSsrc += 10;
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: simulcast.id,
        rtpCapabilities: deviceCaps,
      });
      assert.equal(consumer.rtpParameters.encodings?.length, 1);
      assert.equal(typeof consumer.rtpParameters.encodings[0].ssrc, 'number');
      assert.equal(typeof consumer.rtpParameters.encodings[0].rtx?.ssrc, 'number');
      transport.close();
      simulcast.close();
    });

    test('transport.consume() of a simulcast producer is a simulcast consumer (L3T3)', async () => {
      const simulcast = await sendTransport.produce({
        kind: 'video',
        rtpParameters: simulcastRtpParameters(ssrc()),
      });
      nextSsrc += 10;
      const transport = await udpTransport(router);
      try {
        const consumer = await transport.consume({
          producerId: simulcast.id,
          rtpCapabilities: deviceCaps,
        });
        assert.equal(consumer.type, 'simulcast');
        assert.equal(consumer.rtpParameters.encodings![0].scalabilityMode, 'L3T3');
      } finally {
        transport.close();
        simulcast.close();
      }
    });

    test('a new consumer reports producerScore 0 until the producer has a score', async () => {
      const transport = await udpTransport(router);
      try {
        const consumer = await transport.consume({
          producerId: audioProducer.id,
          rtpCapabilities: deviceCaps,
        });
        assert.deepEqual(consumer.score, { score: 10, producerScore: 0, producerScores: [0] });
      } finally {
        transport.close();
      }
    });

    test('transport.consume() with incompatible capabilities rejects with UnsupportedError', async () => {
      const transport = await udpTransport(router);
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
      assert.equal(
        router.canConsume({ producerId: audioProducer.id, rtpCapabilities: isac }),
        false,
      );
      await assert.rejects(
        transport.consume({ producerId: audioProducer.id, rtpCapabilities: isac }),
        UnsupportedError,
      );
      const empty: RtpCapabilities = { codecs: [], headerExtensions: [] };
      await assert.rejects(
        transport.consume({ producerId: audioProducer.id, rtpCapabilities: empty }),
        UnsupportedError,
      );
      const audioOnly: RtpCapabilities = {
        codecs: deviceCaps.codecs!.filter((c) => c.kind === 'audio'),
        headerExtensions: deviceCaps.headerExtensions,
      };
      await assert.rejects(
        transport.consume({ producerId: videoProducer.id, rtpCapabilities: audioOnly }),
        UnsupportedError,
      );
      assert.deepEqual(((await transport.dump()) as { consumerIds: string[] }).consumerIds, []);
      transport.close();
    });

    test('transport.consume() with wrong arguments rejects with TypeError', async () => {
      const transport = await udpTransport(router);
      await assert.rejects(
        transport.consume({ producerId: 'no-such-producer', rtpCapabilities: deviceCaps }),
        TypeError,
      );
      await assert.rejects(transport.consume({ rtpCapabilities: deviceCaps } as never), TypeError);
      await assert.rejects(
        transport.consume({ producerId: audioProducer.id, rtpCapabilities: 'x' as never }),
        TypeError,
      );
      await assert.rejects(
        transport.consume({ producerId: audioProducer.id, rtpCapabilities: deviceCaps, mid: '' }),
        TypeError,
      );
      await assert.rejects(
        transport.consume({
          producerId: audioProducer.id,
          rtpCapabilities: deviceCaps,
          appData: 'NOT-AN-OBJECT' as never,
        }),
        TypeError,
      );
      assert.deepEqual(((await transport.dump()) as { consumerIds: string[] }).consumerIds, []);
      transport.close();
    });

    test('a consumer of a paused producer starts with producerPaused', async () => {
      const paused = await sendTransport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(ssrc(), 'paused-audio'),
        paused: true,
      });
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: paused.id,
        rtpCapabilities: deviceCaps,
      });
      assert.equal(consumer.paused, false);
      assert.equal(consumer.producerPaused, true);
      const dump = (await consumer.dump()) as { producerPaused: boolean };
      assert.equal(dump.producerPaused, true);
      transport.close();
      paused.close();
    });

    test('consumer gets producerpause and producerresume', async () => {
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: videoProducer.id,
        rtpCapabilities: deviceCaps,
      });
      const events: string[] = [];
      consumer.on('producerpause', () => events.push('producerpause'));
      consumer.on('producerresume', () => events.push('producerresume'));
      consumer.observer.on('pause', () => events.push('observer:pause'));
      consumer.observer.on('resume', () => events.push('observer:resume'));
      const paused = once(consumer, 'producerpause');
      await videoProducer.pause();
      await paused;
      assert.equal(consumer.producerPaused, true);
      assert.equal(consumer.paused, false);
      assert.equal(((await consumer.dump()) as { producerPaused: boolean }).producerPaused, true);
      const resumed = once(consumer, 'producerresume');
      await videoProducer.resume();
      await resumed;
      assert.equal(consumer.producerPaused, false);
      assert.deepEqual(events, [
        'producerpause',
        'observer:pause',
        'producerresume',
        'observer:resume',
      ]);
      // Pausing and resuming without awaiting still reaches the consumer in order.
      events.length = 0;
      await Promise.all([videoProducer.pause(), videoProducer.resume()]);
      await eventually(() => events.length >= 4, 1000);
      assert.deepEqual(events, [
        'producerpause',
        'observer:pause',
        'producerresume',
        'observer:resume',
      ]);
      assert.equal(consumer.producerPaused, false);
      transport.close();
    });

    test('consumer.pause() and resume() succeed and emit observer events', async () => {
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: audioProducer.id,
        rtpCapabilities: deviceCaps,
      });
      const events: string[] = [];
      consumer.observer.on('pause', () => events.push('pause'));
      consumer.observer.on('resume', () => events.push('resume'));
      await consumer.pause();
      assert.equal(consumer.paused, true);
      assert.equal(((await consumer.dump()) as { paused: boolean }).paused, true);
      await consumer.resume();
      assert.equal(consumer.paused, false);
      assert.equal(((await consumer.dump()) as { paused: boolean }).paused, false);
      assert.deepEqual(events, ['pause', 'resume']);
      // A consumer paused while its producer is paused emits nothing more.
      await audioProducer.pause();
      await eventually(() => consumer.producerPaused);
      events.length = 0;
      await consumer.pause();
      await consumer.resume();
      assert.deepEqual(events, []);
      await audioProducer.resume();
      await eventually(() => !consumer.producerPaused);
      transport.close();
    });

    test('consumer.pause()/resume() not awaited still emit an event per state change', async () => {
      const transport = await udpTransport(router);
      try {
        const consumer = await transport.consume({
          producerId: audioProducer.id,
          rtpCapabilities: deviceCaps,
        });
        const events: string[] = [];
        consumer.observer.on('pause', () => events.push('pause'));
        consumer.observer.on('resume', () => events.push('resume'));
        void consumer.pause();
        void consumer.resume();
        void consumer.pause();
        void consumer.pause();
        void consumer.pause();
        await consumer.resume();
        assert.deepEqual(events, ['pause', 'resume', 'pause', 'resume']);
      } finally {
        transport.close();
      }
    });

    test('consumer.getStats() starts with its outbound-rtp entry', async () => {
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: audioProducer.id,
        rtpCapabilities: deviceCaps,
      });
      const stats = (await consumer.getStats()) as Record<string, unknown>[];
      assert.ok(stats.length >= 1);
      const [outbound] = stats;
      assert.equal(outbound.type, 'outbound-rtp');
      assert.equal(outbound.kind, 'audio');
      assert.equal(outbound.mimeType, 'audio/opus');
      assert.equal(outbound.ssrc, consumer.rtpParameters.encodings![0].ssrc);
      assert.equal(outbound.packetCount, 0);
      assert.equal(outbound.byteCount, 0);
      for (const s of stats.slice(1)) assert.equal(s.type, 'inbound-rtp');
      transport.close();
    });

    test('consumer.getStats() has only the outbound-rtp entry before any RTP arrived', async () => {
      const transport = await udpTransport(router);
      try {
        const consumer = await transport.consume({
          producerId: audioProducer.id,
          rtpCapabilities: deviceCaps,
        });
        const stats = (await consumer.getStats()) as Record<string, unknown>[];
        assert.equal(stats.length, 1);
      } finally {
        transport.close();
      }
    });

    test('consumer.dump() matches the consumer', async () => {
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: videoProducer.id,
        rtpCapabilities: deviceCaps,
        paused: true,
      });
      const dump = (await consumer.dump()) as Record<string, unknown>;
      assert.equal(dump.id, consumer.id);
      assert.equal(dump.producerId, videoProducer.id);
      assert.equal(dump.kind, 'video');
      assert.equal(dump.type, 'simple');
      assert.equal(dump.paused, true);
      assert.equal(dump.producerPaused, false);
      const rtp = dump.rtpParameters as Consumer['rtpParameters'];
      assert.deepEqual(
        rtp.codecs.map((c) => [c.mimeType, c.payloadType]),
        consumer.rtpParameters.codecs.map((c) => [c.mimeType, c.payloadType]),
      );
      assert.equal(rtp.encodings?.[0].ssrc, consumer.rtpParameters.encodings?.[0].ssrc);
      transport.close();
    });

    test('consumer.setPriority() / unsetPriority() / enableTraceEvent() take effect in the worker', async () => {
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: videoProducer.id,
        rtpCapabilities: deviceCaps,
      });
      const dump = async (): Promise<{ priority: number; traceEventTypes: string[] }> =>
        await consumer.dump();
      await consumer.requestKeyFrame();
      assert.equal((await dump()).priority, 1);
      await consumer.setPriority(2);
      assert.equal(consumer.priority, 2);
      assert.equal((await dump()).priority, 2);
      await consumer.unsetPriority();
      assert.equal(consumer.priority, 1);
      assert.equal((await dump()).priority, 1);
      // mediasoup's channel carries a uint8: 258 arrives as 2, 256 as 0 (refused).
      await consumer.setPriority(258);
      assert.equal(consumer.priority, 2);
      await assert.rejects(consumer.setPriority(0), {
        name: 'TypeError',
        message: 'wrong priority (must be higher than 0)',
      });
      await assert.rejects(consumer.setPriority(256), TypeError);
      await assert.rejects(consumer.setPriority(-1), {
        name: 'TypeError',
        message: 'priority must be a positive number',
      });
      await assert.rejects(consumer.setPriority('2' as unknown as number), TypeError);
      assert.equal(consumer.priority, 2);
      await consumer.enableTraceEvent(['keyframe', 'pli']);
      assert.deepEqual((await dump()).traceEventTypes, ['keyframe', 'pli']);
      await consumer.enableTraceEvent();
      assert.deepEqual((await dump()).traceEventTypes, []);
      transport.close();
    });

    test('producer.close() closes its consumers with producerclose', async () => {
      const producer = await sendTransport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(ssrc(), 'short-lived'),
      });
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: deviceCaps,
      });
      let observerClose = 0;
      consumer.observer.on('close', () => observerClose++);
      const producerClose = once(consumer, 'producerclose');
      producer.close();
      await producerClose;
      assert.equal(consumer.closed, true);
      assert.equal(observerClose, 1);
      await assert.rejects(consumer.dump(), InvalidStateError);
      const routerDump = await router.dump();
      assert.equal(entryOf(routerDump.mapProducerIdConsumerIds, producer.id), undefined);
      assert.equal(entryOf(routerDump.mapConsumerIdProducerId, consumer.id), undefined);
      const transportDump = (await transport.dump()) as { consumerIds: string[] };
      assert.deepEqual(transportDump.consumerIds, []);
      const workerDump = await worker.dump();
      assert.ok(!workerDump.channelMessageHandlers.channelRequestHandlers.includes(consumer.id));
      transport.close();
    });

    test('consumer.close() emits observer close, leaves the router and rejects methods', async () => {
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: audioProducer.id,
        rtpCapabilities: deviceCaps,
      });
      let observerClose = 0;
      consumer.observer.on('close', () => observerClose++);
      consumer.close();
      consumer.close();
      assert.equal(observerClose, 1);
      assert.equal(consumer.closed, true);
      await assert.rejects(consumer.dump(), InvalidStateError);
      await assert.rejects(consumer.getStats(), InvalidStateError);
      await assert.rejects(consumer.pause(), InvalidStateError);
      await assert.rejects(consumer.resume(), InvalidStateError);
      await assert.rejects(consumer.requestKeyFrame(), InvalidStateError);
      const routerDump = await router.dump();
      assert.ok(
        !entryOf(routerDump.mapProducerIdConsumerIds, audioProducer.id)!.includes(consumer.id),
      );
      assert.deepEqual(((await transport.dump()) as { consumerIds: string[] }).consumerIds, []);
      // The producer is still there.
      assert.equal(audioProducer.closed, false);
      transport.close();
    });

    test('transport.close() emits transportclose on its consumers', async () => {
      const transport = await udpTransport(router);
      const consumer = await transport.consume({
        producerId: audioProducer.id,
        rtpCapabilities: deviceCaps,
      });
      const transportClose = once(consumer, 'transportclose', 1000);
      transport.close();
      await transportClose;
      assert.equal(consumer.closed, true);
      await sleep(20);
      const routerDump = await router.dump();
      assert.ok(
        !entryOf(routerDump.mapProducerIdConsumerIds, audioProducer.id)!.includes(consumer.id),
      );
    });
  });
}
