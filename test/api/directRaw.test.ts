/**
 * A DirectTransport's notifications from a hostile or buggy control layer, sent on the raw
 * channel (no host-side checks): missing or wrong payloads, wrong addressees, unknown events.
 * Each is ignored or dropped and counted; the worker keeps answering. Both worker modes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MODES } from './modes.js';
import { RAW, createRawEntities, rawProduceData, startRawWorker } from './rawWorker.js';
import { eventually } from './mediaFixtures.js';

for (const mode of MODES) {
  void describe(`DirectTransport raw notifications (${mode} mode)`, () => {
    test('garbage notifications never kill the worker; packets are counted', async () => {
      const host = await startRawWorker(mode);
      const { channel } = host;
      try {
        await createRawEntities(host);
        await assert.rejects(
          channel.request('router.createDirectTransport', RAW.router, {
            transportId: 'd1',
            maxMessageSize: -5,
          }),
          TypeError,
        );
        await channel.request('router.createDirectTransport', RAW.router, { transportId: 'd1' });
        await channel.request('transport.produce', 'd1', rawProduceData('dp1', [{ ssrc: 4321 }]));
        const packet = randomBytes(200);
        // No payload, a payload with data, wrong addressees, unknown events.
        channel.notify('producer.send', 'dp1');
        channel.notify('producer.send', 'dp1', { junk: [1, 2, 3] });
        channel.notify('producer.send', RAW.producer, undefined, packet); // a WebRTC producer
        channel.notify('transport.sendRtcp', RAW.transport, undefined, packet);
        channel.notify('transport.sendRtcp', 'd1');
        channel.notify('producer.nothing', 'dp1', undefined, packet);
        channel.notify('transport.nothing', 'd1', undefined, packet);
        channel.notify('producer.send', RAW.router, undefined, packet);
        channel.notify('producer.send', RAW.consumer, undefined, packet);
        channel.notify('producer.send', 'nobody', undefined, packet);
        for (let i = 0; i < 100; i++) {
          channel.notify('producer.send', 'dp1', undefined, randomBytes(i * 17));
          channel.notify('transport.sendRtcp', 'd1', undefined, randomBytes(i * 17));
        }
        const stats = async (id: string): Promise<{ packetsDropped: Record<string, number> }> =>
          ((await channel.request('transport.getStats', id)) as never[])[0];
        const dropped = async (): Promise<number> =>
          Object.values((await stats('d1')).packetsDropped).reduce((a, b) => a + b, 0);
        assert.ok(await eventually(async () => (await dropped()) >= 150), String(await dropped()));
        // Nothing reached the WebRTC transport through the direct path.
        const webRtc = await stats(RAW.transport);
        assert.equal(webRtc.packetsDropped.malformed, 0);
        assert.deepEqual(
          ((await channel.request('worker.dump')) as { channelDrops: unknown }).channelDrops,
          { frames: 0, notifications: 0 },
        );
      } finally {
        channel.close();
        host.terminate();
      }
    });
  });
}
