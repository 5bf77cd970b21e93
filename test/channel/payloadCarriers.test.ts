/**
 * Payloads through every carrier and a real worker: the shared-memory ring
 * and the MessagePort (thread mode) and the pipes (process mode). The worker
 * echoes each `worker.echo` notification's data and payload back.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { PipeCarrier } from '../../src/channel/carriers/PipeCarrier.js';
import {
  SharedRingReader,
  SharedRingWriter,
  createSharedRingBuffers,
} from '../../src/channel/carriers/SharedRing.js';
import { spawnProcess } from '../../src/channel/hosts/processHost.js';
import { spawnThread } from '../../src/channel/hosts/threadHost.js';
import type { WorkerHost } from '../../src/channel/hosts/WorkerHost.js';
import { rawSettings } from '../api/rawWorker.js';

const packet = (size: number, seed: number): Buffer => {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 13 + seed) & 0xff;
  if (size >= 4) bytes.writeUInt32BE(seed, 0);
  return bytes;
};

const HOSTS: [string, () => WorkerHost][] = [
  ['thread, shared-memory ring', () => spawnThread({ settings: rawSettings, carrier: 'ring' })],
  ['thread, MessagePort', () => spawnThread({ settings: rawSettings, carrier: 'port' })],
  ['process, pipes', () => spawnProcess({ settings: rawSettings })],
];

async function running(host: WorkerHost): Promise<void> {
  await new Promise<void>((resolve) => {
    host.channel.onNotification('worker', (event) => {
      if (event === 'running') resolve();
    });
  });
}

for (const [name, spawn] of HOSTS) {
  void describe(`payloads host → worker → host (${name})`, () => {
    test('every payload comes back whole, in order, and in order with requests', async () => {
      const host = spawn();
      try {
        await running(host);
        const echoed: { data: unknown; payload: Buffer | undefined }[] = [];
        host.channel.onNotification('worker', (event, data, payload) => {
          if (event === 'echo') echoed.push({ data, payload });
        });
        // Notifications for nobody are ignored, as mediasoup's worker does.
        host.channel.notify('producer.send', 'no-such-entity', undefined, packet(1200, 1));
        host.channel.notify('worker.nothing', '', { x: 1 }, packet(10, 1));
        // Sizes around the ring's fragment (capacity / 4 = 256 KiB) and a packet's.
        const sizes = [0, 1, 1200, 1200, 65_535, 300_000, 1200];
        const sent: Buffer[] = [];
        const reused = Buffer.alloc(1200);
        for (let i = 0; i < 500; i++) {
          const size = sizes[i % sizes.length];
          const payload = packet(size, i);
          sent.push(payload);
          if (size === 1200) {
            // The caller's buffer is reused at once: what crosses was copied before return.
            payload.copy(reused);
            host.channel.notify('worker.echo', '', i % 50 === 0 ? { i } : undefined, reused);
            reused.fill(0xaa);
          } else {
            host.channel.notify('worker.echo', '', i % 50 === 0 ? { i } : undefined, payload);
          }
          if (i % 100 === 99) {
            // Handled in order with requests: every echo sent before it is back first.
            await host.channel.request('worker.ping');
            assert.equal(echoed.length, i + 1);
          }
        }
        assert.equal(echoed.length, sent.length);
        for (let i = 0; i < sent.length; i++) {
          assert.ok(Buffer.isBuffer(echoed[i].payload), `payload ${i} is a Buffer`);
          assert.ok(echoed[i].payload!.equals(sent[i]), `payload ${i} came back whole`);
          assert.deepEqual(echoed[i].data, i % 50 === 0 ? { i } : undefined);
        }
        // A kept payload is never overwritten by the packets after it.
        assert.ok(echoed[2].payload!.equals(sent[2]));
      } finally {
        host.channel.close();
        host.terminate();
      }
    });
  });
}

test('a ring writes head and payload in place, through its backlog when full and in fragments', async () => {
  const buffers = createSharedRingBuffers(4096);
  const writer = new SharedRingWriter(buffers);
  const reader = new SharedRingReader(buffers);
  const head = Buffer.from([6, 0, 0]);
  const frames: Buffer[] = [];
  // 40 × ~1 KB fill the 4 KiB ring many times over before the reader runs; the last is
  // larger than a fragment (1 KiB) and travels in pieces.
  for (let i = 0; i < 40; i++) {
    const payload = packet(i === 39 ? 5000 : 1000 + i, i);
    frames.push(Buffer.concat([head, payload]));
    writer.writeParts(head, payload);
    payload.fill(0); // the writer copied it before returning
  }
  const received: Buffer[] = [];
  await new Promise<void>((resolve) => {
    reader.start((frame) => {
      received.push(Buffer.from(frame));
      if (received.length === frames.length) resolve();
    });
  });
  reader.stop();
  assert.deepEqual(received, frames);
});

test('a pipe writes head and payload as one frame the other end reads', async () => {
  const wire = new PassThrough();
  const sender = new PipeCarrier(new PassThrough(), wire);
  const receiver = new PipeCarrier(wire, new PassThrough());
  const received: Buffer[] = [];
  receiver.start((frame) => received.push(Buffer.from(frame)));
  const payload = packet(1200, 7);
  sender.sendWithPayload(Buffer.from([6, 1]), payload);
  payload.fill(0);
  sender.send(Buffer.from([4]));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(received, [
    Buffer.concat([Buffer.from([6, 1]), packet(1200, 7)]),
    Buffer.from([4]),
  ]);
});
