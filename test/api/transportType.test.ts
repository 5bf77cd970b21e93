/** transport.type, mediasoup's name of each transport kind ('webrtc', 'plain', 'pipe', 'direct'). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { createWorker, type Router, type Worker } from '../../src/index.js';
import { mediaCodecs } from './mediaFixtures.js';
import { MODES } from './modes.js';

const LOCAL = { protocol: 'udp', ip: '127.0.0.1' } as const;

for (const mode of MODES) {
  describe(`transport.type (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    before(async () => {
      worker = await createWorker({ mode, logLevel: 'warn' });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker.close());

    test('each kind of transport names its type, also in the router observer', async () => {
      const observed: string[] = [];
      router.observer.on('newtransport', (transport) => observed.push(transport.type));
      const transports = [
        await router.createWebRtcTransport({ listenInfos: [LOCAL] }),
        await router.createPlainTransport({ listenInfo: LOCAL }),
        await router.createPipeTransport({ listenInfo: LOCAL }),
        await router.createDirectTransport(),
      ];
      assert.deepEqual(
        transports.map((t) => t.type),
        ['webrtc', 'plain', 'pipe', 'direct'],
      );
      assert.deepEqual(observed, ['webrtc', 'plain', 'pipe', 'direct']);
      for (const transport of transports) transport.close();
    });
  });
}
