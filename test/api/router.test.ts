import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidStateError,
  UnsupportedError,
  createWorker,
  type Router,
  type RouterRtpCodecCapability,
  type Worker,
} from '../../src/index.js';
import { MODES } from './modes.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
];

for (const mode of MODES) {
  describe(`Router (${mode} mode)`, () => {
    let worker: Worker;
    before(async () => {
      worker = await createWorker({ mode });
    });
    after(() => worker.close());

    test('worker.createRouter() succeeds and emits observer newrouter', async () => {
      let observed: Router | undefined;
      worker.observer.once('newrouter', (r) => {
        observed = r;
      });
      const router = await worker.createRouter({ mediaCodecs, appData: { room: 'a' } });
      assert.equal(observed, router);
      assert.equal(typeof router.id, 'string');
      assert.equal(router.closed, false);
      assert.deepEqual(router.appData, { room: 'a' });
      const mimeTypes = router.rtpCapabilities.codecs!.map((c) => c.mimeType);
      assert.deepEqual(mimeTypes, [
        'audio/opus',
        'video/VP8',
        'video/rtx',
        'video/H264',
        'video/rtx',
      ]);
      const payloadTypes = router.rtpCapabilities.codecs!.map((c) => c.preferredPayloadType);
      assert.equal(new Set(payloadTypes).size, payloadTypes.length);
      assert.ok(router.rtpCapabilities.headerExtensions!.length > 0);
      const dump = await router.dump();
      assert.equal(dump.id, router.id);
      assert.deepEqual(dump.transportIds, []);
      router.close();
    });

    test('worker.createRouter() rejects with TypeError on wrong input', async () => {
      await assert.rejects(worker.createRouter({ appData: 'x' as never }), TypeError);
      await assert.rejects(worker.createRouter({ mediaCodecs: 'x' as never }), TypeError);
      await assert.rejects(
        worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'VP8' } as never] }),
        TypeError,
      );
    });

    test('worker.createRouter() rejects with UnsupportedError on an unknown codec', async () => {
      await assert.rejects(
        worker.createRouter({
          mediaCodecs: [{ kind: 'audio', mimeType: 'audio/chicken', clockRate: 8000 }],
        }),
        UnsupportedError,
      );
    });

    test('router.close() removes it from the worker and emits observer close', async () => {
      const router = await worker.createRouter();
      let closed = 0;
      router.observer.on('close', () => closed++);
      router.close();
      router.close();
      assert.equal(closed, 1);
      assert.equal(router.closed, true);
      const dump = await worker.dump();
      assert.ok(!dump.routerIds.includes(router.id));
      await assert.rejects(router.dump(), InvalidStateError);
    });

    test('router.updateMediaCodecs() changes what new producers and consumers negotiate', async () => {
      const router = await worker.createRouter({
        mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
      });
      const transport = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        comedia: true,
      });
      const vp8 = {
        kind: 'video' as const,
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
          encodings: [{ ssrc: 2222 }],
        },
      };
      await assert.rejects(transport.produce(vp8), UnsupportedError);
      const before = router.rtpCapabilities;
      assert.throws(() => router.updateMediaCodecs('x' as never), TypeError);
      assert.throws(
        () =>
          router.updateMediaCodecs([{ kind: 'audio', mimeType: 'audio/chicken', clockRate: 1 }]),
        UnsupportedError,
      );
      assert.equal(router.rtpCapabilities, before, 'unchanged after a refusal');
      router.updateMediaCodecs(mediaCodecs);
      assert.deepEqual(
        router.rtpCapabilities.codecs!.map((c) => c.mimeType),
        ['audio/opus', 'video/VP8', 'video/rtx', 'video/H264', 'video/rtx'],
      );
      assert.deepEqual(router.rtpCapabilities.headerExtensions, before.headerExtensions);
      const producer = await transport.produce(vp8);
      const direct = await router.createDirectTransport();
      const consumer = await direct.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      assert.equal(consumer.rtpParameters.codecs[0].mimeType, 'video/VP8');
      router.close();
    });

    test('router.canConsume() is false for an unknown producer', async () => {
      const router = await worker.createRouter({ mediaCodecs });
      assert.equal(
        router.canConsume({ producerId: 'nope', rtpCapabilities: router.rtpCapabilities }),
        false,
      );
      router.close();
    });

    test('many routers are created concurrently with distinct ids', async () => {
      const routers = await Promise.all(
        Array.from({ length: 20 }, () => worker.createRouter({ mediaCodecs })),
      );
      assert.equal(new Set(routers.map((r) => r.id)).size, 20);
      const dump = await worker.dump();
      for (const r of routers) assert.ok(dump.routerIds.includes(r.id));
      routers.forEach((r) => r.close());
    });
  });
}
