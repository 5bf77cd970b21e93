/**
 * Data notifications through the raw channel (no control-layer checks), both modes:
 * `dataProducer.send` / `dataConsumer.send` with malformed data are dropped and counted
 * (`dataDropped.malformedSend`), messages to the wrong kind of entity are ignored, messages
 * past maxMessageSize are counted, and a good message still reaches the direct consumer.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MODES } from './modes.js';
import { eventually } from './mediaFixtures.js';
import { startRawWorker } from './rawWorker.js';

for (const mode of MODES) {
  void describe(`data notifications from a raw channel (${mode} mode)`, () => {
    test('malformed sends are dropped and counted; good ones are delivered', async () => {
      const host = await startRawWorker(mode);
      const { channel } = host;
      try {
        await channel.request('worker.createRouter', undefined, { routerId: 'r1' });
        await channel.request('router.createDirectTransport', 'r1', {
          transportId: 'd1',
          maxMessageSize: 100,
        });
        await channel.request('transport.produceData', 'd1', {
          dataProducerId: 'dp',
          type: 'direct',
        });
        await channel.request('transport.consumeData', 'd1', {
          dataConsumerId: 'dc',
          dataProducerId: 'dp',
          type: 'direct',
        });
        const got: { ppid: unknown; text: string }[] = [];
        channel.onNotification('dc', (event, data, payload) => {
          if (event === 'message' && payload) {
            got.push({
              ppid: (data as { ppid: unknown }).ppid,
              text: Buffer.from(payload).toString(),
            });
          }
        });
        const payload = Buffer.from('hi');
        channel.notify('dataProducer.send', 'dp', 'not an object', payload);
        channel.notify('dataProducer.send', 'dp', { ppid: -1 }, payload);
        channel.notify('dataProducer.send', 'dp', { ppid: 51, subchannels: 'x' }, payload);
        channel.notify('dataProducer.send', 'dp', { subchannels: [70000] }, payload);
        channel.notify('dataProducer.send', 'dp', { requiredSubchannel: 'y' }, payload);
        channel.notify('dataConsumer.send', 'dc', [1, 2], payload);
        channel.notify('dataProducer.send', 'dp', { ppid: 51 }); // no payload: ignored
        channel.notify('dataProducer.send', 'dp', { ppid: 51 }, Buffer.alloc(101)); // too big
        channel.notify('dataProducer.send', 'dc', { ppid: 51 }, payload); // wrong entity
        channel.notify('dataProducer.send', 'dp', { ppid: 51 }, payload);
        assert.ok(await eventually(() => got.length === 1));
        assert.deepEqual(got, [{ ppid: 51, text: 'hi' }]);
        const [stats] = (await channel.request('transport.getStats', 'd1')) as {
          dataDropped: Record<string, number>;
        }[];
        assert.equal(stats.dataDropped.malformedSend, 6);
        assert.equal(stats.dataDropped.messageTooBig, 1);
      } finally {
        channel.close();
        host.terminate();
      }
    });
  });
}
