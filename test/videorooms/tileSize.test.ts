/**
 * `setTileSize` without a browser: the layer a tile size maps to (pure), and
 * the request over `ws` — validation, ownership, audio refused, hidden tiles
 * paused and shown again, its own rate limit, the camera size a producer
 * declares, and the score notification forwarded to the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  encodingScales,
  layerCountsOf,
  layerScales,
  layersForTile,
} from '../../examples/videorooms/layers.js';
import { startServer, type RunningServer } from '../../examples/videorooms/server.js';
import { TILE_SIZE_BURST } from '../../examples/videorooms/TileViews.js';
import { Client, vp8Parameters } from './client.js';
import { testConfig } from './config.js';

process.env.SKEIN_QUIET = '1';

const HD = { width: 1280, height: 720 };

describe('videorooms tile size → layers (pure)', () => {
  test('the smallest layer that covers the tile, top layer when none does', () => {
    const scales = [4, 2, 1];
    const at = (width: number, height: number) =>
      layersForTile({ width, height }, HD, scales, 3).spatialLayer;
    assert.equal(at(158, 88), 0);
    assert.equal(at(320, 180), 0);
    assert.equal(at(368, 207), 0); // 1.15× stretch of 320×180 is still fine
    assert.equal(at(400, 225), 1);
    assert.equal(at(466, 261), 1);
    assert.equal(at(1278, 718), 2);
    assert.equal(at(3840, 2160), 2);
    // Cover: a tall tile of a wide source needs the height.
    assert.equal(at(100, 300), 1);
    assert.deepEqual(layersForTile({ width: 10, height: 10 }, HD, scales, 3), {
      spatialLayer: 0,
      temporalLayer: 2,
    });
    assert.equal(layersForTile({ width: 10, height: 10 }, HD, [1], 1).temporalLayer, 0);
  });

  test('scales and layer counts from encodings and scalability modes', () => {
    assert.deepEqual(encodingScales([{ scaleResolutionDownBy: 4 }, {}, {}]), [4, 2, 1]);
    assert.deepEqual(encodingScales([{ scaleResolutionDownBy: 0.5 }, {}]), [2, 1]);
    assert.deepEqual(encodingScales(undefined), []);
    assert.deepEqual(layerCountsOf('L3T3_KEY'), { spatial: 3, temporal: 3 });
    assert.deepEqual(layerCountsOf('L1T3'), { spatial: 1, temporal: 3 });
    assert.deepEqual(layerCountsOf(undefined), { spatial: 1, temporal: 1 });
    assert.deepEqual(layerCountsOf('bogus'), { spatial: 1, temporal: 1 });
    // SVC: one encoding, halving per spatial layer.
    assert.deepEqual(layerScales(3, [{}]), [4, 2, 1]);
    assert.deepEqual(layerScales(2, [{ scaleResolutionDownBy: 3 }, {}]), [3, 1]);
  });
});

describe('videorooms setTileSize over ws', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(testConfig({ messageRate: 10_000, messageBurst: 10_000 }));
  });
  after(async () => {
    await server.close();
  });

  async function join(name: string): Promise<{ client: Client; send: string; caps: unknown }> {
    const client = await Client.connect(server.url);
    const joined = await client.request('join', { roomId: 'tiles', displayName: name });
    assert.equal(joined.ok, true, JSON.stringify(joined.error));
    const data = joined.data!;
    return {
      client,
      send: (data.sendTransport as { id: string }).id,
      caps: data.routerRtpCapabilities,
    };
  }

  test('validated, owned, video only; 0×0 pauses until shown; rate-limited; score forwarded', async () => {
    const a = await join('Ann');
    const b = await join('Bob');
    try {
      const simulcast = vp8Parameters(7000, 3);
      const encodings = simulcast.encodings as Record<string, unknown>[];
      encodings.forEach((e, i) => {
        e.scaleResolutionDownBy = 4 / 2 ** i;
        e.scalabilityMode = 'L1T3';
      });
      const produce = (appData: unknown) =>
        a.client.request('produce', {
          transportId: a.send,
          kind: 'video',
          rtpParameters: { ...vp8Parameters(7100, 3), mid: String(Math.random()) },
          appData,
        });
      for (const appData of [{ width: 0, height: 720 }, { width: 1280 }, [1], 'x']) {
        const bad = await produce(appData);
        assert.equal(bad.error?.code, 'bad-request', JSON.stringify(appData));
      }
      const video = await a.client.request('produce', {
        transportId: a.send,
        kind: 'video',
        rtpParameters: simulcast,
        appData: HD,
      });
      assert.equal(video.ok, true, JSON.stringify(video.error));
      const audio = await a.client.request('produce', {
        transportId: a.send,
        kind: 'audio',
        rtpParameters: {
          mid: 'a',
          codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
          headerExtensions: [],
          encodings: [{ ssrc: 7500 }],
          rtcp: { cname: 'test', reducedSize: true },
        },
      });
      assert.equal(audio.ok, true, JSON.stringify(audio.error));

      const consume = async (producerId: unknown) => {
        const reply = await b.client.request('consume', { producerId, rtpCapabilities: b.caps });
        assert.equal(reply.ok, true, JSON.stringify(reply.error));
        return reply.data!.consumerId as string;
      };
      const videoId = await consume(video.data!.producerId);
      const audioId = await consume(audio.data!.producerId);
      assert.equal((await b.client.request('resumeConsumer', { consumerId: videoId })).ok, true);

      const size = (client: Client, consumerId: unknown, width: unknown, height: unknown) =>
        client.request('setTileSize', { consumerId, width, height });
      for (const [width, height] of [
        [-1, 10],
        [1.5, 10],
        [9000, 10],
        ['100', 10],
        [undefined, 10],
        [10, null],
      ]) {
        const reply = await size(b.client, videoId, width, height);
        assert.equal(reply.error?.code, 'bad-request', `${width}×${height}`);
      }
      assert.equal((await size(b.client, 'nope', 10, 10)).error?.code, 'not-found');
      assert.equal((await size(a.client, videoId, 10, 10)).error?.code, 'not-found');
      assert.equal((await size(b.client, audioId, 10, 10)).error?.code, 'bad-request');

      const layersOf = async (width: number, height: number) => {
        const reply = await size(b.client, videoId, width, height);
        assert.equal(reply.ok, true, JSON.stringify(reply.error));
        return reply.data as {
          paused: boolean;
          preferredLayers: { spatialLayer: number; temporalLayer: number } | null;
        };
      };
      assert.deepEqual(await layersOf(158, 88), {
        paused: false,
        preferredLayers: { spatialLayer: 0, temporalLayer: 2 },
      });
      assert.equal((await layersOf(466, 261)).preferredLayers?.spatialLayer, 1);
      assert.equal((await layersOf(1278, 718)).preferredLayers?.spatialLayer, 2);
      // Hidden: paused, and resumeConsumer does not override it; shown: resumed.
      assert.deepEqual(await layersOf(0, 0), { paused: true, preferredLayers: null });
      assert.equal((await b.client.request('resumeConsumer', { consumerId: videoId })).ok, true);
      assert.equal((await layersOf(0, 100)).paused, true);
      assert.equal((await layersOf(320, 180)).paused, false);

      // Its own bucket: a burst, then rate-limited (other requests still pass).
      const burst = await Promise.all(
        Array.from({ length: TILE_SIZE_BURST + 10 }, () => size(b.client, videoId, 320, 180)),
      );
      const limited = burst.filter((r) => r.error?.code === 'rate-limited').length;
      const passed = burst.filter((r) => r.ok).length;
      assert.equal(limited + passed, burst.length);
      // At most a burst's worth (plus what refills meanwhile) passes, some always do.
      assert.ok(passed >= 1 && passed <= TILE_SIZE_BURST + 1, `passed ${passed}`);
      assert.equal((await b.client.request('resumeConsumer', { consumerId: videoId })).ok, true);

      // The consumer's score reaches the page as consumerScore.
      const deadline = Date.now() + 5_000;
      let score: Record<string, unknown> | undefined;
      while (!score && Date.now() < deadline) {
        score = b.client.notifications.find(
          (n) => n.event === 'consumerScore' && n.data?.consumerId === videoId,
        )?.data;
        if (!score) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(score, 'a consumerScore notification');
      assert.equal(typeof score.score, 'number');
      assert.equal(typeof score.producerScore, 'number');
      assert.ok(
        !b.client.notifications.some(
          (n) => n.event === 'consumerScore' && n.data?.consumerId === audioId,
        ),
        'audio scores are not forwarded',
      );
    } finally {
      a.client.close();
      b.client.close();
    }
  });
});
