import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker as Thread } from 'node:worker_threads';
import {
  SharedRingReader,
  SharedRingWriter,
  createSharedRingBuffers,
} from '../../src/channel/carriers/SharedRing.js';

function frame(index: number, size: number): Buffer {
  const bytes = Buffer.alloc(size, index & 0xff);
  if (size >= 4) bytes.writeUInt32BE(index, 0);
  return bytes;
}

test('a ring delivers frames in order across many wrap-arounds', async () => {
  const buffers = createSharedRingBuffers(1024);
  const writer = new SharedRingWriter(buffers);
  const reader = new SharedRingReader(buffers);
  const received: Buffer[] = [];
  const total = 500;
  const done = new Promise<void>((resolve) => {
    reader.start((f) => {
      received.push(Buffer.from(f));
      if (received.length === total) resolve();
    });
  });
  for (let i = 0; i < total; i++) writer.write(frame(i, 4 + ((i * 37) % 200)));
  await done;
  reader.stop();
  for (let i = 0; i < total; i++) assert.deepEqual(received[i], frame(i, 4 + ((i * 37) % 200)));
});

test('a ring carries a frame larger than its capacity in fragments', async () => {
  const buffers = createSharedRingBuffers(1024);
  const writer = new SharedRingWriter(buffers);
  const reader = new SharedRingReader(buffers);
  const big = Buffer.alloc(10_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  const received = new Promise<Buffer>((resolve) => {
    reader.start((f) => resolve(Buffer.from(f)));
  });
  writer.write(big);
  assert.deepEqual(await received, big);
  reader.stop();
});

test('a ring wakes a reader in another thread and gets its answers back', async () => {
  const toThread = createSharedRingBuffers(4096);
  const fromThread = createSharedRingBuffers(4096);
  // An echo thread written inline so the test needs no extra file.
  const thread = new Thread(
    `
    import('${new URL('../../src/channel/carriers/SharedRing.js', import.meta.url).href}').then(
      ({ SharedRingReader, SharedRingWriter }) => {
        const { workerData, parentPort } = require('node:worker_threads');
        const reader = new SharedRingReader(workerData.rx);
        const writer = new SharedRingWriter(workerData.tx);
        parentPort.on('message', () => reader.stop());
        reader.start((f) => writer.write(f));
      });
    `,
    { eval: true, workerData: { rx: toThread, tx: fromThread } },
  );
  const writer = new SharedRingWriter(toThread);
  const reader = new SharedRingReader(fromThread);
  const count = 2000;
  let next = 0;
  const done = new Promise<void>((resolve, reject) => {
    reader.start((f) => {
      try {
        assert.equal(Buffer.from(f).readUInt32BE(0), next);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
      next++;
      if (next === count) resolve();
    });
  });
  for (let i = 0; i < count; i++) writer.write(frame(i, 64 + (i % 300)));
  await done;
  reader.stop();
  await thread.terminate();
  assert.equal(next, count);
});

test(
  'a reader polling briefly for a due frame gets it, and still wakes for frames its poll missed',
  { timeout: 30_000 },
  async () => {
    const toThread = createSharedRingBuffers(4096);
    const fromThread = createSharedRingBuffers(4096);
    // The echo thread answers some frames at once and some after a delay longer than the poll.
    const thread = new Thread(
      `
    import('${new URL('../../src/channel/carriers/SharedRing.js', import.meta.url).href}').then(
      ({ SharedRingReader, SharedRingWriter }) => {
        const { workerData, parentPort } = require('node:worker_threads');
        const reader = new SharedRingReader(workerData.rx, 50);
        const writer = new SharedRingWriter(workerData.tx);
        parentPort.on('message', () => reader.stop());
        reader.start((f) => {
          const copy = Buffer.from(f);
          if (copy.readUInt32BE(0) % 3 === 0) setTimeout(() => writer.write(copy), 1);
          else writer.write(copy);
        });
      });
    `,
      { eval: true, workerData: { rx: toThread, tx: fromThread } },
    );
    const writer = new SharedRingWriter(toThread);
    const reader = new SharedRingReader(fromThread);
    let answered = -1;
    let wake: (() => void) | undefined;
    reader.start((f) => {
      answered = Buffer.from(f).readUInt32BE(0);
      wake?.();
    });
    const count = 600;
    for (let i = 0; i < count; i++) {
      const got = new Promise<void>((resolve) => (wake = resolve));
      writer.write(frame(i, 32));
      reader.awaitBriefly(i % 2 === 0 ? 200 : 1);
      await got;
      assert.equal(answered, i);
    }
    reader.stop();
    await thread.terminate();
  },
);
