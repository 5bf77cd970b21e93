import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Channel } from '../../src/channel/Channel.js';
import type { Carrier } from '../../src/channel/carriers/Carrier.js';
import { decodeMessage, encodeMessage } from '../../src/channel/codec.js';
import type { ChannelMessage, RequestMessage } from '../../src/channel/messages.js';
import { InvalidStateError, UnsupportedError } from '../../src/common/errors.js';

/** An in-memory carrier whose far end is scripted by the test. */
class ScriptedCarrier implements Carrier {
  onFrame: ((frame: Uint8Array) => void) | undefined;
  readonly sent: RequestMessage[] = [];
  closed = false;
  readonly framesOutliveDelivery = true;
  send(frame: Uint8Array): void {
    this.sent.push(decodeMessage(frame) as RequestMessage);
  }
  sendWithPayload(head: Uint8Array, payload: Uint8Array): void {
    this.send(Buffer.concat([head, payload]));
  }
  start(onFrame: (frame: Uint8Array) => void): void {
    this.onFrame = onFrame;
  }
  close(): void {
    this.closed = true;
  }
  /** Delivers several messages in one drain, as a real wake-up does. */
  deliver(...messages: ChannelMessage[]): void {
    for (const message of messages) this.onFrame!(encodeMessage(message));
  }
}

test('a response is not overtaken by the notifications that follow it in one drain', async () => {
  const carrier = new ScriptedCarrier();
  const channel = new Channel(carrier);
  const seen: string[] = [];
  // The caller subscribes to the new entity only after awaiting, through
  // several async layers, as the API classes do.
  const create = async (): Promise<void> => {
    const id = (await channel.request('create')) as string;
    await Promise.resolve();
    channel.onNotification(id, (event) => seen.push(event));
  };
  const creating = create();
  const request = carrier.sent[0];
  carrier.deliver(
    { t: 's', id: request.id, data: 'entity-1' },
    { t: 'n', handlerId: 'entity-1', event: 'first' },
    { t: 'n', handlerId: 'entity-1', event: 'second' },
  );
  await creating;
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen, ['first', 'second']);
  channel.close();
});

test('errors come back as the same classes', async () => {
  const carrier = new ScriptedCarrier();
  const channel = new Channel(carrier);
  const cases = [
    ['TypeError', TypeError],
    ['InvalidStateError', InvalidStateError],
    ['UnsupportedError', UnsupportedError],
  ] as const;
  for (const [name, ErrorClass] of cases) {
    const pending = channel.request('m');
    const { id } = carrier.sent.at(-1)!;
    carrier.deliver({ t: 's', id, error: { name, message: `a ${name}` } });
    await assert.rejects(pending, (error: Error) => {
      assert.ok(error instanceof ErrorClass);
      assert.equal(error.message, `a ${name}`);
      return true;
    });
  }
  channel.close();
});

test('closing a channel rejects pending requests with InvalidStateError', async () => {
  const carrier = new ScriptedCarrier();
  const channel = new Channel(carrier);
  const pending = [channel.request('a'), channel.request('b')];
  assert.equal(channel.pendingCount, 2);
  channel.close();
  for (const p of pending) await assert.rejects(p, InvalidStateError);
  await assert.rejects(channel.request('c'), InvalidStateError);
  assert.ok(carrier.closed);
});

test('undecodable frames and unknown response ids are dropped', async () => {
  const carrier = new ScriptedCarrier();
  const channel = new Channel(carrier);
  const pending = channel.request('m');
  carrier.onFrame!(Buffer.from('garbage'));
  carrier.deliver({ t: 's', id: 999, data: 'stray' });
  carrier.deliver({ t: 's', id: carrier.sent[0].id, data: 'ok' });
  assert.equal(await pending, 'ok');
  channel.close();
});

test('closeAfter(): pending requests are rejected at once, the carrier stays open until the last request is answered', async () => {
  const carrier = new ScriptedCarrier();
  const channel = new Channel(carrier);
  const pending = channel.request('slow');
  let ended = 0;
  channel.closeAfter('worker.close', 5000, () => ended++);
  await assert.rejects(pending, InvalidStateError);
  await assert.rejects(channel.request('late'), InvalidStateError);
  const last = carrier.sent.at(-1)!;
  assert.equal(last.method, 'worker.close');
  assert.equal(carrier.closed, false);
  // Unrelated frames meanwhile (the worker's notifications, a stale response) change nothing.
  carrier.deliver({ t: 'n', handlerId: 'x', event: 'e' }, { t: 's', id: last.id + 1 });
  assert.equal(carrier.closed, false);
  carrier.deliver({ t: 's', id: last.id });
  assert.equal(carrier.closed, true);
  assert.equal(ended, 1);
  channel.closeAfter('worker.close', 5000, () => ended++); // already closed: ends at once
  assert.equal(ended, 2);
});

test('closeAfter(): a worker that never answers is ended after the timeout', async () => {
  const carrier = new ScriptedCarrier();
  const channel = new Channel(carrier);
  const ended = new Promise<void>((resolve) => channel.closeAfter('worker.close', 30, resolve));
  await ended;
  assert.equal(carrier.closed, true);
});
