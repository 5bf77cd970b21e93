/**
 * Closing a thread worker while datagrams pour into its sockets: the worker
 * closes its sockets before the thread is terminated (terminating a thread
 * inside UDPWrap::OnRecv has aborted Node 20), the host lives and every port
 * is free again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createWorker } from '../../src/index.js';
import { eventually } from './mediaFixtures.js';

const CYCLES = 12;

async function portIsFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', resolve);
    });
    return true;
  } catch {
    return false;
  } finally {
    socket.close();
  }
}

test(`${CYCLES} thread workers closed while their plain and pipe ports are flooded`, async () => {
  const sender = createSocket('udp4');
  const datagram = Buffer.alloc(1000, 0x80);
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const a = await createWorker({ mode: 'thread' });
      const b = await createWorker({ mode: 'thread' });
      const routerA = await a.createRouter({ mediaCodecs: [] });
      const routerB = await b.createRouter({ mediaCodecs: [] });
      const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
      const plain = await routerA.createPlainTransport({ listenInfo, comedia: true });
      const pipeA = await routerA.createPipeTransport({ listenInfo });
      const pipeB = await routerB.createPipeTransport({ listenInfo });
      await pipeA.connect({ ip: '127.0.0.1', port: pipeB.tuple.localPort });
      await pipeB.connect({ ip: '127.0.0.1', port: pipeA.tuple.localPort });
      const ports = [plain.tuple.localPort, pipeA.tuple.localPort, pipeB.tuple.localPort];
      let flooding = true;
      let sent = 0;
      const flood = (): void => {
        if (!flooding || sent > 200_000) return;
        for (let i = 0; i < 50; i++, sent++) {
          for (const port of ports) sender.send(datagram, port, '127.0.0.1');
        }
        setImmediate(flood);
      };
      flood();
      // Close at a different moment of the flood each cycle.
      await new Promise((resolve) => setTimeout(resolve, 5 + cycle * 3));
      a.close();
      b.close();
      for (const port of ports) {
        assert.ok(await eventually(() => portIsFree(port), 5000), `port ${port} still bound`);
      }
      flooding = false;
    }
  } finally {
    sender.close();
  }
});
