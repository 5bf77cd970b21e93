import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorker, setLogEventListeners, type RtpParameters } from '../../src/index.js';
import { MAX_CODECS, MAX_ENCODINGS, MAX_RTCP_FEEDBACK } from '../../src/ortc/index.js';
import { mediaCodecs } from './mediaFixtures.js';
import { MODES } from './modes.js';
import { MAX_REQUEST_LIST_LENGTH } from '../../src/channel/limits.js';
import { RAW, createRawEntities, rawProduceData, startRawWorker } from './rawWorker.js';

function vp8(encodings: unknown[]): RtpParameters {
  return {
    mid: '0',
    codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
    encodings,
  } as RtpParameters;
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Rejects with a TypeError (never a RangeError or an internal error), within `ms`. */
async function rejectsTypeErrorFast(promise: Promise<unknown>, ms: number): Promise<void> {
  const start = performance.now();
  await assert.rejects(promise, (error: Error) => {
    assert.ok(error instanceof TypeError, `${error.name}: ${error.message}`);
    return true;
  });
  assert.ok(performance.now() - start < ms, `took ${performance.now() - start} ms`);
}

for (const mode of MODES) {
  describe(`input limits (${mode} mode)`, () => {
    test('produce takes up to MAX_ENCODINGS encodings and refuses more, fast', async () => {
      const worker = await createWorker({ mode, logLevel: 'none' });
      try {
        const router = await worker.createRouter({ mediaCodecs });
        const transport = await router.createWebRtcTransport({
          listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
        });
        const most = Array.from({ length: MAX_ENCODINGS }, (_, i) => ({ ssrc: 1000 + i }));
        const producer = await transport.produce({ kind: 'video', rtpParameters: vp8(most) });
        assert.equal(producer.type, 'simulcast');
        for (const count of [MAX_ENCODINGS + 1, 10_000, 100_000]) {
          const encodings = Array.from({ length: count }, (_, i) => ({ ssrc: 100_000 + i }));
          await rejectsTypeErrorFast(
            transport.produce({ kind: 'video', rtpParameters: vp8(encodings) }),
            500,
          );
        }
        const feedback = Array.from({ length: MAX_RTCP_FEEDBACK + 1 }, () => ({ type: 'nack' }));
        const codecs = Array.from({ length: MAX_CODECS + 1 }, (_, i) => ({
          mimeType: 'video/VP8',
          payloadType: i % 128,
          clockRate: 90000,
        }));
        const refused: unknown[] = [
          { ...vp8([]), codecs },
          { ...vp8([]), codecs: [{ ...vp8([]).codecs[0], rtcpFeedback: feedback }] },
          { ...vp8([]), mid: 'm'.repeat(100_000) },
          // Deep enough to overflow structuredClone's stack, and just past the bound.
          { ...vp8([]), encodings: [nested(100_000)] },
          { ...vp8([]), encodings: [nested(20)] },
        ];
        for (const rtpParameters of refused) {
          await rejectsTypeErrorFast(
            transport.produce({ kind: 'video', rtpParameters: rtpParameters as RtpParameters }),
            500,
          );
        }
        const deepCaps = { codecs: [nested(100_000)] } as never;
        await rejectsTypeErrorFast(
          transport.consume({ producerId: producer.id, rtpCapabilities: deepCaps }),
          500,
        );
        // Garbage capabilities from a client are no server error: nothing at error level.
        const errors: string[] = [];
        setLogEventListeners({ onerror: (_namespace, log) => errors.push(log) });
        try {
          for (const caps of [deepCaps, 'x', { codecs: 7 }, { codecs: [null] }]) {
            const rtpCapabilities = caps as never;
            assert.equal(router.canConsume({ producerId: producer.id, rtpCapabilities }), false);
          }
        } finally {
          setLogEventListeners(undefined);
        }
        assert.deepEqual(errors, []);
        await rejectsTypeErrorFast(
          worker.createRouter({ mediaCodecs: [nested(100_000)] as never }),
          500,
        );
        // Other lists a request carries.
        const many = <T>(entry: T): T[] => new Array<T>(MAX_REQUEST_LIST_LENGTH + 1).fill(entry);
        const udp = { protocol: 'udp', ip: '127.0.0.1' } as const;
        await rejectsTypeErrorFast(router.createWebRtcTransport({ listenInfos: many(udp) }), 500);
        await rejectsTypeErrorFast(worker.createWebRtcServer({ listenInfos: many(udp) }), 500);
        const fingerprint = { algorithm: 'sha-256', value: 'AA' } as const;
        await rejectsTypeErrorFast(
          transport.connect({ dtlsParameters: { fingerprints: many(fingerprint) } }),
          500,
        );
        await rejectsTypeErrorFast(transport.enableTraceEvent(many('bwe')), 500);
        await rejectsTypeErrorFast(producer.enableTraceEvent(many('rtp')), 500);
        await rejectsTypeErrorFast(worker.updateSettings({ logTags: many('ice') }), 500);
        assert.equal((await worker.dump()).routerIds.length, 1);
      } finally {
        worker.close();
      }
    });

    test('the worker refuses too many encodings and deep input on its own, and stays responsive', async () => {
      const host = await startRawWorker(mode);
      let exited = false;
      host.onExit(() => {
        exited = true;
      });
      try {
        await createRawEntities(host);
        const { channel } = host;
        // 20,000 encodings fit in one channel message; before the bound they
        // took the worker seconds (quadratic), now a TypeError at once.
        for (const count of [MAX_ENCODINGS + 1, 20_000]) {
          const encodings = Array.from({ length: count }, (_, i) => ({ ssrc: 100_000 + i }));
          await rejectsTypeErrorFast(
            channel.request(
              'transport.produce',
              RAW.transport,
              rawProduceData(`big${count}`, encodings),
            ),
            1000,
          );
        }
        const deep = rawProduceData('deep', [nested(20)]);
        await rejectsTypeErrorFast(channel.request('transport.produce', RAW.transport, deep), 1000);
        const mapping = rawProduceData('mapping');
        mapping.rtpMapping.encodings = Array.from({ length: 5000 }, () => ({ mappedSsrc: 1 }));
        await rejectsTypeErrorFast(
          channel.request('transport.produce', RAW.transport, mapping),
          1000,
        );
        const longUri = { kind: 'video', uri: 'u'.repeat(2000), preferredId: 1 };
        await rejectsTypeErrorFast(
          channel.request('worker.createRouter', undefined, {
            routerId: 'r2',
            headerExtensions: [longUri],
          }),
          1000,
        );
        await rejectsTypeErrorFast(
          channel.request('router.createWebRtcTransport', RAW.router, {
            transportId: 't2',
            listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', announcedAddress: 'a'.repeat(300) }],
          }),
          1000,
        );
        const start = performance.now();
        await channel.request('worker.ping');
        assert.ok(performance.now() - start < 200);
        const dump = (await channel.request('transport.dump', RAW.transport)) as {
          producerIds: string[];
        };
        assert.deepEqual(dump.producerIds, [RAW.producer]);
        assert.equal(exited, false);
      } finally {
        host.channel.close();
        host.terminate();
      }
    });
  });
}
