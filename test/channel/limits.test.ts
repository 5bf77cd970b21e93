import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Channel } from '../../src/channel/Channel.js';
import { WorkerChannel } from '../../src/channel/WorkerChannel.js';
import type { Carrier } from '../../src/channel/carriers/Carrier.js';
import { PipeCarrier } from '../../src/channel/carriers/PipeCarrier.js';
import {
  SharedRingReader,
  SharedRingWriter,
  createSharedRingBuffers,
} from '../../src/channel/carriers/SharedRing.js';
import { decodeMessage, encodeMessage } from '../../src/channel/codec.js';
import {
  MAX_CHANNEL_MESSAGE_SIZE,
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
  checkJsonBounds,
} from '../../src/channel/limits.js';
import type { ResponseMessage } from '../../src/channel/messages.js';
import { ChannelMessageTooLargeError } from '../../src/common/errors.js';

/** A carrier that records what is sent and lets the test deliver frames. */
class MemoryCarrier implements Carrier {
  onFrame: ((frame: Uint8Array) => void) | undefined;
  readonly sent: Buffer[] = [];
  readonly framesOutliveDelivery = true;
  send(frame: Uint8Array): void {
    this.sent.push(Buffer.from(frame));
  }
  sendWithPayload(head: Uint8Array, payload: Uint8Array): void {
    this.sent.push(Buffer.concat([head, payload]));
  }
  start(onFrame: (frame: Uint8Array) => void): void {
    this.onFrame = onFrame;
  }
  close(): void {}
}

function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

test('the host refuses a request over the limits before it crosses', async () => {
  const carrier = new MemoryCarrier();
  const channel = new Channel(carrier);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const refused: [unknown, new (m: string) => Error][] = [
    [{ s: 'x'.repeat(MAX_CHANNEL_MESSAGE_SIZE) }, ChannelMessageTooLargeError],
    [nested(MAX_JSON_DEPTH + 1), ChannelMessageTooLargeError],
    // Too deep for JSON.stringify itself: a RangeError inside, a typed error outside.
    [nested(100_000), ChannelMessageTooLargeError],
    [new Array(MAX_JSON_VALUES + 1).fill(0), ChannelMessageTooLargeError],
    [cyclic, TypeError],
    [{ n: 1n }, TypeError],
  ];
  for (const [data, ErrorClass] of refused) {
    await assert.rejects(channel.request('router.dump', 'r', data), (error: Error) => {
      assert.ok(error instanceof ErrorClass, `${error.name}: ${error.message}`);
      if (ErrorClass === ChannelMessageTooLargeError) {
        assert.equal((error as ChannelMessageTooLargeError).code, 'ERR_CHANNEL_MESSAGE_TOO_LARGE');
      }
      return true;
    });
  }
  assert.equal(carrier.sent.length, 0);
  assert.equal(channel.pendingCount, 0);
  // Within the limits, it goes.
  void channel.request('router.dump', 'r', nested(MAX_JSON_DEPTH - 1)).catch(() => undefined);
  assert.equal(carrier.sent.length, 1);
  channel.close();
});

test('JSON bounds are counted on the bytes, strings included', () => {
  const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  assert.equal(checkJsonBounds(bytes({ a: '[[[[[[,,,,,,{{{{' })), undefined);
  assert.equal(checkJsonBounds(bytes({ a: 'say \\"[[[[' }), 0, 2), undefined);
  assert.match(checkJsonBounds(bytes(nested(3)), 0, 2) ?? '', /deeper than 2/);
  // Each `[`, `{` and `,` counts one: an upper bound on what parsing builds.
  assert.match(checkJsonBounds(bytes([[], [], []]), 0, 8, 4) ?? '', /more than 4 values/);
  assert.equal(checkJsonBounds(bytes([[], []]), 0, 8, 4), undefined);
});

test('the worker answers a request over the limits with a typed error, unparsed', () => {
  const carrier = new MemoryCarrier();
  const channel = new WorkerChannel(carrier);
  let handled = 0;
  channel.start(() => {
    handled++;
    return 'ok';
  });
  const deep = encodeMessage({ t: 'q', id: 5, method: 'm', data: nested(MAX_JSON_DEPTH + 1) });
  carrier.onFrame!(deep);
  const many = encodeMessage({ t: 'q', id: 6, method: 'm', data: new Array(70_000).fill([]) });
  carrier.onFrame!(many);
  const huge = encodeMessage({
    t: 'q',
    id: 7,
    method: 'm',
    data: 'x'.repeat(MAX_CHANNEL_MESSAGE_SIZE),
  });
  carrier.onFrame!(huge);
  carrier.onFrame!(encodeMessage({ t: 'q', id: 8, method: 'm', data: { fine: true } }));
  assert.equal(handled, 1);
  const responses = carrier.sent.map((f) => decodeMessage(f) as ResponseMessage);
  assert.deepEqual(
    responses.slice(0, 2).map((r) => [r.id, r.error?.code]),
    [
      [5, 'ERR_CHANNEL_MESSAGE_TOO_LARGE'],
      [6, 'ERR_CHANNEL_MESSAGE_TOO_LARGE'],
    ],
  );
  // The oversized frame is dropped (a carrier never delivers one; a MessagePort might).
  assert.equal(channel.droppedFrames, 1);
  assert.deepEqual([responses[2].id, responses[2].data], [8, 'ok']);
});

test('the worker never sends a notification or a response over the limit', () => {
  const carrier = new MemoryCarrier();
  const channel = new WorkerChannel(carrier);
  channel.start(() => 'y'.repeat(MAX_CHANNEL_MESSAGE_SIZE));
  channel.notify('h', 'big', 'z'.repeat(MAX_CHANNEL_MESSAGE_SIZE));
  assert.equal(channel.droppedNotifications, 1);
  assert.equal(carrier.sent.length, 0);
  carrier.onFrame!(encodeMessage({ t: 'q', id: 9, method: 'm' }));
  const response = decodeMessage(carrier.sent[0]) as ResponseMessage;
  assert.equal(response.id, 9);
  assert.equal(response.error?.code, 'ERR_CHANNEL_MESSAGE_TOO_LARGE');
  assert.ok(carrier.sent.every((f) => f.byteLength <= MAX_CHANNEL_MESSAGE_SIZE));
});

function pipeFrame(payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

test('a pipe skips a frame whose length prefix is over the limit, without buffering it', () => {
  const input = new PassThrough();
  const carrier = new PipeCarrier(input, new PassThrough(), { maxFrame: 1024 });
  const received: string[] = [];
  carrier.start((frame) => received.push(Buffer.from(frame).toString()));
  // A 2 GiB claim: skipped as it streams, chunk by chunk.
  const claim = Buffer.alloc(4);
  claim.writeUInt32BE(0x80000000, 0);
  input.write(Buffer.concat([pipeFrame(Buffer.from('before')), claim]));
  const chunk = Buffer.alloc(64 * 1024, 0x5b);
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 0x80000000 / chunk.length / 64; i++) input.emit('data', chunk);
  assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 1024 * 1024, 'buffered the frame');
  assert.equal(carrier.droppedFrames, 1);
  carrier.close();
  assert.deepEqual(received, ['before']);
});

test('a pipe drops a frame over the limit and stays in step with the next ones', () => {
  const input = new PassThrough();
  const carrier = new PipeCarrier(input, new PassThrough(), { maxFrame: 1024 });
  const received: string[] = [];
  carrier.start((frame) => received.push(Buffer.from(frame).toString()));
  const stream = Buffer.concat([
    pipeFrame(Buffer.from('one')),
    pipeFrame(Buffer.alloc(5000, 0x61)),
    pipeFrame(Buffer.alloc(0)),
    pipeFrame(Buffer.alloc(1024, 0x62)),
    pipeFrame(Buffer.from('two')),
  ]);
  // Byte by byte, then in odd chunks: framing never depends on chunk boundaries.
  for (let i = 0; i < stream.length; i++) input.emit('data', stream.subarray(i, i + 1));
  for (let i = 0; i < stream.length; i += 777) input.emit('data', stream.subarray(i, i + 777));
  const expected = ['one', '', 'b'.repeat(1024), 'two'];
  assert.deepEqual(received, [...expected, ...expected]);
  assert.equal(carrier.droppedFrames, 2);
});

test('a ring reader drops a message over the limit as its fragments come', async () => {
  const buffers = createSharedRingBuffers(4096);
  const writer = new SharedRingWriter(buffers);
  const reader = new SharedRingReader(buffers, 0, 3000);
  const received: number[] = [];
  const done = new Promise<void>((resolve) => {
    reader.start((frame) => {
      received.push(frame.byteLength);
      if (received.length === 3) resolve();
    });
  });
  writer.write(Buffer.alloc(2000));
  writer.write(Buffer.alloc(100_000));
  writer.write(Buffer.alloc(3000));
  writer.write(Buffer.alloc(10));
  await done;
  reader.stop();
  assert.deepEqual(received, [2000, 3000, 10]);
  assert.equal(reader.droppedFrames, 1);
});
