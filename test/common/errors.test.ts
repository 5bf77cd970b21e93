import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChannelMessageTooLargeError,
  ChannelTimeoutError,
  InvalidStateError,
  UnsupportedError,
  deserializeError,
  serializeError,
} from '../../src/common/errors.js';

const classes = [
  { make: () => new UnsupportedError('u'), name: 'UnsupportedError', code: 'ERR_UNSUPPORTED' },
  { make: () => new InvalidStateError('i'), name: 'InvalidStateError', code: 'ERR_INVALID_STATE' },
  {
    make: () => new ChannelMessageTooLargeError('c'),
    name: 'ChannelMessageTooLargeError',
    code: 'ERR_CHANNEL_MESSAGE_TOO_LARGE',
  },
  {
    make: () => new ChannelTimeoutError('t'),
    name: 'ChannelTimeoutError',
    code: 'ERR_CHANNEL_TIMEOUT',
  },
];

test('every error class has its mediasoup name and a stable code', () => {
  for (const { make, name, code } of classes) {
    const error = make();
    assert.equal(error.name, name);
    assert.equal(error.code, code);
    assert.ok(error instanceof Error);
  }
  // A too-large message is the caller's bad input: videorooms answers bad-request for TypeErrors.
  assert.ok(new ChannelMessageTooLargeError('c') instanceof TypeError);
});

test('name, code, message and class survive serializeError/deserializeError', () => {
  for (const { make, name, code } of classes) {
    const original = make();
    const wire = JSON.parse(JSON.stringify(serializeError(original))) as ReturnType<
      typeof serializeError
    >;
    assert.deepEqual(wire, { name, code, message: original.message });
    const rebuilt = deserializeError(wire);
    assert.ok(rebuilt instanceof original.constructor);
    assert.equal(rebuilt.name, name);
    assert.equal((rebuilt as { code?: string }).code, code);
    assert.equal(rebuilt.message, original.message);
  }
});

test('the code wins over an unknown name, and built-in TypeErrors stay TypeErrors', () => {
  const byCode = deserializeError({ name: 'Whatever', code: 'ERR_INVALID_STATE', message: 'm' });
  assert.ok(byCode instanceof InvalidStateError);
  const type = deserializeError(serializeError(new TypeError('bad')));
  assert.ok(type instanceof TypeError);
  assert.equal(type.message, 'bad');
  const unknown = deserializeError({ name: 'Oops', code: 'ERR_SOMETHING', message: 'm' });
  assert.equal(unknown.name, 'Oops');
  assert.equal((unknown as { code?: string }).code, 'ERR_SOMETHING');
});
