import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { UdpListener } from '../../../src/rtc/sockets/UdpListener.js';
import type { Tuple } from '../../../src/rtc/sockets/TransportTuple.js';

test('a tuple sends synchronously: the caller may reuse its buffer when send() returns', async () => {
  const listener = await UdpListener.bind('127.0.0.1', undefined, { min: 40000, max: 49999 });
  const client = createSocket('udp4');
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  try {
    const tuple = await new Promise<Tuple>((resolve) => {
      listener.setHandler((_data, t) => resolve(t));
      client.send(Buffer.from('hello'), listener.localPort, '127.0.0.1');
    });
    assert.equal(tuple.remotePort, client.address().port);
    const received: number[] = [];
    const done = new Promise<void>((resolve) => {
      client.on('message', (message) => {
        received.push(message[0]);
        if (received.length === 200) resolve();
      });
    });
    // One buffer, rewritten between sends, as the SFU's send path does.
    const buffer = Buffer.alloc(100);
    for (let i = 0; i < 200; i++) {
      buffer[0] = i & 0xff;
      tuple.send(buffer);
    }
    buffer[0] = 0xff;
    await done;
    assert.deepEqual(
      received,
      Array.from({ length: 200 }, (_v, i) => i & 0xff),
    );
  } finally {
    client.close();
    listener.close();
  }
});
