/**
 * Fuzz: the channel codec (src/channel/codec.ts). Decoding arbitrary and mutated frames
 * captured from a real worker's channel returns a message or undefined (the documented result
 * for a corrupt frame), never throws, and reads only the frame; encode then decode gives the
 * message back.
 */
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, encodeMessage } from '../../src/channel/codec.js';
import type { ChannelMessage } from '../../src/channel/messages.js';
import { bytesFrom, canonical, fuzz, loadCorpus, parseInViews } from './kit.js';

const corpus = loadCorpus('codec');

/** Strings whose UTF-8 fits a u16 length prefix and round-trips (no lone surrogates). */
const name = fc.string({ unit: 'grapheme', maxLength: 40 });
const id = fc.integer({ min: 0, max: 0xffffffff });
const data = fc.option(fc.jsonValue({ maxDepth: 4 }), { nil: undefined });

const message: fc.Arbitrary<ChannelMessage> = fc.oneof(
  fc.record(
    {
      t: fc.constant('q' as const),
      id,
      method: name,
      handlerId: name.filter((h) => h !== ''),
      data,
    },
    { requiredKeys: ['t', 'id', 'method'] },
  ),
  fc.record({ t: fc.constant('s' as const), id, data }, { requiredKeys: ['t', 'id'] }),
  fc.record({
    t: fc.constant('s' as const),
    id,
    error: fc.record({ name, message: fc.string({ maxLength: 80 }) }),
  }),
  fc.record(
    { t: fc.constant('n' as const), handlerId: name, event: name, data },
    { requiredKeys: ['t', 'handlerId', 'event'] },
  ),
);

/** As it crosses: JSON drops undefined members and turns -0 into 0. */
function asJson(m: ChannelMessage): string {
  const copy = JSON.parse(JSON.stringify(m)) as ChannelMessage;
  return canonical(copy);
}

void describe('fuzz: channel codec', () => {
  void it('decodes mutated frames without throwing or reading outside the frame', () => {
    fuzz(
      'codec-decode',
      [bytesFrom(corpus, 2000)],
      (bytes) => {
        parseInViews(bytes, (v) => decodeMessage(v));
      },
      { base: 3000 },
    );
  });

  void it('decodes deeply nested JSON without throwing', () => {
    const depth = fc.integer({ min: 1, max: 200_000 });
    fuzz(
      'codec-deep-json',
      [depth, fc.constantFrom('[', '{"a":'), fc.constantFrom(1, 2, 3, 4)],
      (n, open, type) => {
        const close = open === '[' ? ']' : '}';
        const json = open.repeat(n) + '0' + close.repeat(n);
        const head =
          type === 1
            ? Buffer.from([1, 0, 0, 0, 1, 0, 1, 0x6d, 0, 0])
            : type === 4
              ? Buffer.from([4, 0, 1, 0x68, 0, 1, 0x65])
              : Buffer.from([type, 0, 0, 0, 1]);
        const m = decodeMessage(Buffer.concat([head, Buffer.from(json)]));
        return m === undefined || typeof m === 'object';
      },
      { base: 40 },
    );
  });

  void it('encode then decode gives the message back', () => {
    fuzz(
      'codec-roundtrip',
      [message],
      (m) => {
        const decoded = decodeMessage(encodeMessage(m));
        return decoded !== undefined && asJson(decoded) === asJson(m);
      },
      { base: 2000 },
    );
  });
});
