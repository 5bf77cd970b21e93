/**
 * Fuzz: the channel codec (src/channel/codec.ts). Decoding arbitrary and mutated frames
 * captured from a real worker's channel returns a message or undefined (the documented result
 * for a corrupt frame), never throws, and reads only the frame; encode then decode gives the
 * message back. Frames with a payload (the payload channel: RTP packets beside a notification)
 * get their own target, seeded with captured RTP packets as payloads: a decoded payload is a
 * view that ends where the frame ends, and re-encoding a decoded frame gives the same message.
 */
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, encodeMessage } from '../../src/channel/codec.js';
import type { ChannelMessage } from '../../src/channel/messages.js';
import { bytesFrom, canonical, fuzz, loadCorpus, parseInViews } from './kit.js';

const corpus = loadCorpus('codec');
const rtp = loadCorpus('rtp');

/** Strings whose UTF-8 fits a u16 length prefix and round-trips (no lone surrogates). */
const name = fc.string({ unit: 'grapheme', maxLength: 40 });
const id = fc.integer({ min: 0, max: 0xffffffff });
const data = fc.option(fc.jsonValue({ maxDepth: 4 }), { nil: undefined });
const payload = fc.option(
  fc.uint8Array({ maxLength: 1500 }).map((u) => Buffer.from(u)),
  { nil: undefined },
);

const message: fc.Arbitrary<ChannelMessage> = fc.oneof(
  fc.record(
    {
      t: fc.constant('q' as const),
      id,
      method: name,
      handlerId: name.filter((h) => h !== ''),
      data,
      payload,
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
    { t: fc.constant('n' as const), handlerId: name, event: name, data, payload },
    { requiredKeys: ['t', 'handlerId', 'event'] },
  ),
);

/** As it crosses: JSON drops undefined members and turns -0 into 0; payloads stay bytes. */
function asJson(m: ChannelMessage): string {
  const bytes = m.t === 's' ? undefined : m.payload;
  const copy = JSON.parse(JSON.stringify({ ...m, payload: undefined })) as ChannelMessage;
  if (bytes !== undefined && copy.t !== 's') copy.payload = bytes;
  return canonical(copy);
}

/** Payload frames as a worker and a host exchange them: packets, with and without data. */
const payloadCorpus = rtp
  .slice(0, 40)
  .flatMap((packet, i) => [
    encodeMessage({ t: 'n', handlerId: `c${i}`, event: 'rtp', payload: packet }),
    encodeMessage({ t: 'n', handlerId: 'p1', event: 'send', data: { i }, payload: packet }),
    encodeMessage({ t: 'q', id: i, method: 'dataProducer.send', handlerId: 'd', payload: packet }),
  ]);

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

  void it('decodes mutated payload frames to in-frame views or nothing', () => {
    fuzz(
      'codec-payload-decode',
      [bytesFrom(payloadCorpus, 2000), fc.boolean()],
      (bytes, enforceLimits) => {
        parseInViews(bytes, (v) => {
          const m = decodeMessage(v, enforceLimits);
          if (m === undefined || m.t === 's' || m.payload === undefined) return m;
          // A view into this frame (no copy) that ends exactly where the frame ends.
          if (m.payload.buffer !== v.buffer) throw new Error('payload copied');
          if (m.payload.byteOffset + m.payload.byteLength !== v.byteOffset + v.byteLength) {
            throw new Error('payload does not end the frame');
          }
          if (m.t === 'q' && m.refused !== undefined) return m;
          // Text may normalise (invalid UTF-8, JSON spacing); the message may not change.
          const again = decodeMessage(encodeMessage(m), enforceLimits);
          if (again === undefined || asJson(again) !== asJson(m)) {
            throw new Error('re-encoding changed the message');
          }
          return m;
        });
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
