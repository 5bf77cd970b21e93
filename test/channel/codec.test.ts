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
  const valid = encodeMessage({
    t: 'q',
    id: 7,
    method: 'router.dump',
    handlerId: 'h',
    data: { a: 1 },
  });
  const bad: Uint8Array[] = [
    Buffer.from('not a frame'),
    Buffer.alloc(0),
    Buffer.from([1, 0, 0]),
    Buffer.from([9, 0, 0, 0, 1]),
    Buffer.from([3, 0, 0, 0, 1]), // error response without an error
    Buffer.from([3, 0, 0, 0, 1, ...Buffer.from('"text"')]),
    Buffer.from([4, 0, 50, 65]), // string length past the end
    Buffer.concat([valid.subarray(0, valid.length - 3)]), // truncated JSON
  ];
  // Every truncation of a valid frame is refused or decodes, never throws.
  for (let i = 0; i < valid.length; i++) bad.push(valid.subarray(0, i));
  for (const frame of bad.slice(0, 8)) assert.equal(decodeMessage(frame), undefined);
  for (const frame of bad.slice(8)) assert.doesNotThrow(() => decodeMessage(frame));
});

test('codec carries non-ASCII ids, methods and data', () => {
  const message = {
    t: 'n',
    handlerId: 'ñ-ü-日本',
    event: 'évènement',
    data: { name: 'Zoë 🎥' },
  } as const;
  assert.deepEqual(decodeMessage(encodeMessage(message)), message);
});
