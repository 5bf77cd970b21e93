import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage } from '../../src/channel/codec.js';

test('codec round-trips requests, responses and notifications', () => {
  const messages = [
    { t: 'q', id: 1, method: 'worker.dump' },
    { t: 'q', id: 2, method: 'router.dump', handlerId: 'abc', data: { x: [1, 'é'] } },
    { t: 's', id: 2, data: { ok: true } },
    { t: 's', id: 3, error: { name: 'TypeError', message: 'bad' } },
    { t: 'n', handlerId: 'worker', event: 'running', data: { pid: 1 } },
  ] as const;
  for (const message of messages) {
    assert.deepEqual(decodeMessage(encodeMessage(message)), message);
  }
});

test('codec drops malformed frames instead of throwing', () => {
  const bad = [
    Buffer.from('not json'),
    Buffer.from('null'),
    Buffer.from('[]'),
    Buffer.from('{"t":"q","id":"x","method":"m"}'),
    Buffer.from('{"t":"q","id":1}'),
    Buffer.from('{"t":"s","id":1,"error":"string"}'),
    Buffer.from('{"t":"n","handlerId":1,"event":"e"}'),
    Buffer.from('{"t":"z"}'),
    Buffer.from([0xff, 0xfe, 0x00]),
  ];
  for (const frame of bad) assert.equal(decodeMessage(frame), undefined);
});
