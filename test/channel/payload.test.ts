/**
 * The payload channel: raw bytes beside requests and notifications, never
 * JSON, in both directions (codec, host Channel, WorkerChannel).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Channel } from '../../src/channel/Channel.js';
import { WorkerChannel } from '../../src/channel/WorkerChannel.js';
import type { Carrier } from '../../src/channel/carriers/Carrier.js';
import { decodeMessage, encodeHead, encodeMessage } from '../../src/channel/codec.js';
import { MAX_CHANNEL_MESSAGE_SIZE, MAX_JSON_DEPTH } from '../../src/channel/limits.js';
import type {
  ChannelMessage,
  NotificationMessage,
  RequestMessage,
  ResponseMessage,
} from '../../src/channel/messages.js';
import { ChannelMessageTooLargeError, InvalidStateError } from '../../src/common/errors.js';

/** Records what is sent; delivers frames from a reused buffer unless told they outlive delivery. */
class MemoryCarrier implements Carrier {
  onFrame: ((frame: Uint8Array) => void) | undefined;
  readonly sent: Buffer[] = [];
  constructor(readonly framesOutliveDelivery = true) {}
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
  /** Delivers `frame` as a ring does: a view that is overwritten once the call returns. */
  deliver(frame: Uint8Array): void {
    const scratch = Buffer.from(frame);
    this.onFrame!(scratch);
    if (!this.framesOutliveDelivery) scratch.fill(0xee);
  }
}

const packet = (size: number, seed = 1): Buffer => {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
};

test('codec round-trips requests and notifications with a payload', () => {
  const messages: ChannelMessage[] = [
    { t: 'n', handlerId: 'p1', event: 'rtp', payload: packet(1200) },
    { t: 'n', handlerId: 'p1', event: 'rtp', data: { ppid: 51 }, payload: packet(3) },
    { t: 'n', handlerId: '', event: 'e', payload: Buffer.alloc(0) },
    { t: 'q', id: 9, method: 'dataProducer.send', handlerId: 'd1', payload: packet(10) },
    { t: 'q', id: 10, method: 'm', data: [1, 'é'], payload: packet(70_000) },
  ];
  for (const message of messages) {
    const decoded = decodeMessage(encodeMessage(message))!;
    assert.deepEqual(
      { ...decoded, payload: Buffer.from(decoded.t === 's' ? [] : decoded.payload!) },
      message,
    );
  }
});

test('a payload notification without data carries no JSON and decodes to a view', () => {
  const payload = packet(1200);
  const head = encodeHead({ t: 'n', handlerId: 'abc', event: 'rtp', payload });
  // [6][u16][abc][u16][rtp][u32 0][u32 1200]: the envelope only.
  assert.equal(head.length, 1 + 2 + 3 + 2 + 3 + 4 + 4);
  const frame = Buffer.concat([head, payload]);
  const decoded = decodeMessage(frame) as NotificationMessage;
  assert.equal(decoded.data, undefined);
  assert.equal(decoded.payload!.buffer, frame.buffer, 'the payload is a view, not a copy');
  assert.ok(Buffer.from(decoded.payload!).equals(payload));
  // JSON.stringify is not called for a notification without data.
  const stringify = JSON.stringify;
  let calls = 0;
  JSON.stringify = ((...args: Parameters<typeof stringify>) => {
    calls++;
    return stringify(...args);
  }) as typeof stringify;
  try {
    encodeHead({ t: 'n', handlerId: 'abc', event: 'rtp', payload });
  } finally {
    JSON.stringify = stringify;
  }
  assert.equal(calls, 0);
});

test('codec refuses payload frames whose lengths do not add up', () => {
  const valid = encodeMessage({
    t: 'n',
    handlerId: 'h',
    event: 'rtp',
    data: { a: 1 },
    payload: packet(40),
  });
  const request = encodeMessage({ t: 'q', id: 1, method: 'm', data: 1, payload: packet(40) });
  const withU32 = (frame: Buffer, at: number, value: number): Buffer => {
    const copy = Buffer.from(frame);
    copy.writeUInt32BE(value, at);
    return copy;
  };
  // Notification: [6][0 1 h][0 3 rtp] then the JSON length at 9, the payload length at 13 + 7.
  const bad = [
    Buffer.concat([valid, Buffer.from([0])]), // a trailing byte
    withU32(valid, 20, 41), // payload claims more than is there
    withU32(valid, 20, 39), // payload claims less
    withU32(valid, 9, 0xffffffff), // JSON past the end
    withU32(valid, 9, 8), // JSON swallows the payload length
    withU32(request, 10, 0x7fffffff), // a request's JSON past the end
    Buffer.from([6]),
    Buffer.from([5, 0, 0, 0, 1, 0, 1, 0x6d, 0, 0]), // no sections
  ];
  for (const frame of bad) assert.equal(decodeMessage(frame), undefined);
  // Every truncation of a valid payload frame is refused: the lengths must match the frame.
  for (const frame of [valid, request]) {
    for (let i = 0; i < frame.length; i++)
      assert.equal(decodeMessage(frame.subarray(0, i)), undefined);
  }
  // A payload made of braces is not JSON and is never counted as JSON.
  const braces = encodeMessage({
    t: 'q',
    id: 2,
    method: 'm',
    payload: Buffer.alloc(10_000, 0x5b),
  });
  const decoded = decodeMessage(braces, true) as RequestMessage;
  assert.equal(decoded.refused, undefined);
  assert.equal(decoded.payload!.length, 10_000);
});

test('host notify() sends a payload, checks it, and refuses what cannot cross', () => {
  const carrier = new MemoryCarrier();
  const channel = new Channel(carrier);
  const payload = packet(1200);
  channel.notify('producer.send', 'p1', undefined, payload);
  channel.notify('transport.sendRtcp', 't1', { x: 1 });
  const first = decodeMessage(carrier.sent[0]) as NotificationMessage;
  assert.deepEqual(
    [first.t, first.event, first.handlerId, first.data],
    ['n', 'producer.send', 'p1', undefined],
  );
  assert.ok(Buffer.from(first.payload!).equals(payload));
  assert.deepEqual(decodeMessage(carrier.sent[1]), {
    t: 'n',
    handlerId: 't1',
    event: 'transport.sendRtcp',
    data: { x: 1 },
  });
  assert.throws(() => channel.notify('e', 'h', undefined, 'bytes' as unknown as Buffer), TypeError);
  assert.throws(
    () => channel.notify('e', 'h', undefined, Buffer.alloc(MAX_CHANNEL_MESSAGE_SIZE)),
    ChannelMessageTooLargeError,
  );
  let deep: unknown = 0;
  for (let i = 0; i <= MAX_JSON_DEPTH; i++) deep = [deep];
  assert.throws(() => channel.notify('e', 'h', deep, payload), ChannelMessageTooLargeError);
  assert.equal(carrier.sent.length, 2);
  channel.close();
  assert.throws(() => channel.notify('e', 'h', undefined, payload), InvalidStateError);
});

test('host request() carries a payload and rejects a bad one', async () => {
  const carrier = new MemoryCarrier();
  const channel = new Channel(carrier);
  const pending = channel.request('dataProducer.send', 'd1', { ppid: 53 }, packet(64));
  const sent = decodeMessage(carrier.sent[0]) as RequestMessage;
  assert.deepEqual(sent.data, { ppid: 53 });
  assert.ok(Buffer.from(sent.payload!).equals(packet(64)));
  carrier.deliver(encodeMessage({ t: 's', id: sent.id, data: 'done' }));
  assert.equal(await pending, 'done');
  await assert.rejects(
    channel.request('m', 'h', undefined, [1, 2] as unknown as Buffer),
    TypeError,
  );
  await assert.rejects(
    channel.request('m', 'h', undefined, Buffer.alloc(MAX_CHANNEL_MESSAGE_SIZE)),
    ChannelMessageTooLargeError,
  );
  channel.close();
});

for (const outlive of [true, false]) {
  test(`host listeners get a payload of their own (frames ${outlive ? 'kept' : 'reused'})`, async () => {
    const carrier = new MemoryCarrier(outlive);
    const channel = new Channel(carrier);
    const got: [string, unknown, Buffer | undefined][] = [];
    channel.onNotification('c1', (event, data, payload) => got.push([event, data, payload]));
    const pending = channel.request('m');
    const { id } = decodeMessage(carrier.sent[0]) as RequestMessage;
    // Notifications right after a response are held for a macrotask: they must survive that.
    carrier.deliver(encodeMessage({ t: 's', id }));
    carrier.deliver(encodeMessage({ t: 'n', handlerId: 'c1', event: 'rtp', payload: packet(5) }));
    carrier.deliver(encodeMessage({ t: 'n', handlerId: 'c1', event: 'score', data: 1 }));
    await pending;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(got.length, 2);
    assert.equal(got[0][0], 'rtp');
    assert.ok(Buffer.isBuffer(got[0][2]));
    assert.ok(got[0][2].equals(packet(5)), 'the payload changed after delivery');
    assert.deepEqual(got[1], ['score', 1, undefined]);
    channel.close();
  });
}

test('the worker handles notifications in order with requests and sends payloads', () => {
  const carrier = new MemoryCarrier();
  const channel = new WorkerChannel(carrier);
  const order: string[] = [];
  channel.start(
    (request) => {
      order.push(`q:${request.method}:${request.payload?.length ?? '-'}`);
      return 'ok';
    },
    (notification) => {
      order.push(`n:${notification.event}:${notification.payload?.length ?? '-'}`);
      if (notification.event === 'boom') throw new Error('a handler bug');
    },
  );
  carrier.deliver(encodeMessage({ t: 'n', handlerId: 'p', event: 'a', payload: packet(7) }));
  carrier.deliver(encodeMessage({ t: 'q', id: 1, method: 'b', payload: packet(2) }));
  carrier.deliver(encodeMessage({ t: 'n', handlerId: 'p', event: 'boom' }));
  carrier.deliver(encodeMessage({ t: 'n', handlerId: 'p', event: 'c', data: { d: 1 } }));
  // Corrupt payload frames and a response (the host sends none) are dropped and counted.
  const good = encodeMessage({ t: 'n', handlerId: 'p', event: 'd', payload: packet(9) });
  carrier.deliver(good.subarray(0, good.length - 1));
  carrier.deliver(Buffer.concat([good, Buffer.from([1])]));
  carrier.deliver(encodeMessage({ t: 's', id: 3 }));
  // JSON over the limits in a notification: dropped unparsed (nobody to answer).
  let deep: unknown = 0;
  for (let i = 0; i <= MAX_JSON_DEPTH; i++) deep = { a: deep };
  carrier.deliver(encodeMessage({ t: 'n', handlerId: 'p', event: 'deep', data: deep }));
  carrier.deliver(encodeMessage({ t: 'n', handlerId: 'p', event: 'e', payload: packet(1) }));
  assert.deepEqual(order, ['n:a:7', 'q:b:2', 'n:boom:-', 'n:c:-', 'n:e:1']);
  assert.equal(channel.failedNotifications, 1);
  assert.deepEqual(channel.drops, { frames: 4, notifications: 0 });
  // Outgoing: a payload notification, and one over the limit that is dropped and counted.
  channel.notify('c1', 'rtp', undefined, packet(1200, 3));
  channel.notify('c1', 'rtp', undefined, Buffer.alloc(MAX_CHANNEL_MESSAGE_SIZE));
  assert.equal(channel.droppedNotifications, 1);
  const sent = carrier.sent.map((f) => decodeMessage(f)!);
  assert.equal((sent[0] as ResponseMessage).data, 'ok');
  const rtp = sent[1] as NotificationMessage;
  assert.deepEqual([rtp.handlerId, rtp.event, rtp.data], ['c1', 'rtp', undefined]);
  assert.ok(Buffer.from(rtp.payload!).equals(packet(1200, 3)));
  assert.equal(sent.length, 2);
});

test('without a notification handler the worker drops notifications as before', () => {
  const carrier = new MemoryCarrier();
  const channel = new WorkerChannel(carrier);
  channel.start(() => 'ok');
  carrier.deliver(encodeMessage({ t: 'n', handlerId: 'p', event: 'a', payload: packet(7) }));
  assert.equal(channel.droppedFrames, 1);
});
