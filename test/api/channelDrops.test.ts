/**
 * Channel input the worker cannot take (undecodable frames, frames over the size limit) is
 * dropped, counted in worker.dump()'s `channelDrops`, and the worker goes on answering.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage } from '../../src/channel/codec.js';
import { MAX_CHANNEL_MESSAGE_SIZE } from '../../src/channel/limits.js';
import type { WorkerDump } from '../../src/index.js';
import { MODES } from './modes.js';
import { startRawWorker } from './rawWorker.js';
import { eventually } from './mediaFixtures.js';

for (const mode of MODES) {
  describe(`worker.dump() counts dropped channel input (${mode} mode)`, () => {
    test('a garbage frame and an oversized frame are counted, the worker answers', async () => {
      const host = await startRawWorker(mode);
      try {
        const before = (await host.channel.request('worker.dump')) as WorkerDump;
        assert.deepEqual(before.channelDrops, { frames: 0, notifications: 0 });
        host.carrier.send(Buffer.from([0xff, 0x00, 0x13, 0x37, 0x42]));
        host.carrier.send(
          encodeMessage({
            t: 'q',
            id: 0x7ffffff0,
            method: 'worker.dump',
            data: { pad: 'x'.repeat(MAX_CHANNEL_MESSAGE_SIZE) },
          }),
        );
        const dumped = async (): Promise<WorkerDump> =>
          (await host.channel.request('worker.dump')) as WorkerDump;
        await eventually(async () => (await dumped()).channelDrops.frames === 2);
        assert.deepEqual((await dumped()).channelDrops, { frames: 2, notifications: 0 });
      } finally {
        host.channel.close();
        host.terminate();
      }
    });
  });
}
