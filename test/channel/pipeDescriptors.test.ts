/**
 * The process worker's end of the pipes (PipeCarrier.fromDescriptors: reads into one reused
 * buffer, writes with writeSync while nothing is queued) against the host's stream end, over
 * real pipes to a child process: frames echo intact, and a burst far larger than a pipe
 * (writes hit EAGAIN and queue on the stream) arrives whole and in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { PipeCarrier } from '../../src/channel/carriers/PipeCarrier.js';

const ECHO = fileURLToPath(new URL('./pipeEcho.js', import.meta.url));
const BURST = 4000;
const FRAME = 16 * 1024;

test('a descriptor end echoes frames and keeps a 64 MB burst whole and in order', async () => {
  const child = spawn(process.execPath, [ECHO, String(BURST), String(FRAME)], {
    stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'],
  });
  const host = new PipeCarrier(child.stdio[4] as Readable, child.stdio[3] as Writable);
  const received: Buffer[] = [];
  let burst = 0;
  let wrong = 0;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out at ${burst} frames`)), 30_000);
    host.start((frame) => {
      if (frame.length !== FRAME) {
        received.push(Buffer.from(frame));
        return;
      }
      const view = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
      // Numbered and filled by the child: out of order or torn frames show here.
      if (view.readUInt32BE(0) !== burst || view[FRAME - 1] !== (burst & 0xff)) wrong++;
      if (++burst === BURST) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    const small = [Buffer.from([1, 2, 3]), Buffer.alloc(70_000, 7), Buffer.from([])];
    for (const frame of small) host.send(frame);
    host.send(Buffer.from([0xff]));
    await done;
    assert.equal(wrong, 0);
    assert.deepEqual(received, small);
  } finally {
    host.close();
    child.kill();
  }
});

test('the host polls the pipe for due responses: each echo arrives once, in order', async () => {
  const child = spawn(process.execPath, [ECHO, '0', '0'], {
    stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'],
  });
  const host = new PipeCarrier(child.stdio[4] as Readable, child.stdio[3] as Writable, {
    responsePollMicros: 200,
  });
  const received: number[] = [];
  let waiting: (() => void) | undefined;
  host.start((frame) => {
    received.push(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).readUInt32BE(0));
    waiting?.();
  });
  try {
    const count = 500;
    for (let i = 0; i < count; i++) {
      const frame = Buffer.alloc(4 + (i % 7) * 3000);
      frame.writeUInt32BE(i, 0);
      const arrived = new Promise<void>((resolve) => (waiting = resolve));
      host.send(frame);
      host.expectResponse();
      await arrived;
    }
    assert.deepEqual(
      received,
      Array.from({ length: count }, (_, i) => i),
    );
    const polls = host.responsePolls;
    assert.ok(polls.count > 0 && polls.hits > 0, JSON.stringify(polls));
  } finally {
    host.close();
    child.kill();
  }
});
