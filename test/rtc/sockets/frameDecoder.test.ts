/** RFC 4571 framing: frames split anywhere across chunks, and a dripped frame costs linear work. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FrameDecoder } from '../../../src/rtc/sockets/FrameDecoder.js';

function framed(...packets: Buffer[]): Buffer {
  return Buffer.concat(
    packets.map((p) => {
      const head = Buffer.alloc(2);
      head.writeUInt16BE(p.length);
      return Buffer.concat([head, p]);
    }),
  );
}

function decodeAll(chunks: Buffer[]): Buffer[] {
  const decoder = new FrameDecoder();
  const frames: Buffer[] = [];
  for (const chunk of chunks) decoder.push(chunk, (f) => frames.push(Buffer.from(f)));
  return frames;
}

describe('FrameDecoder', () => {
  const packets = [
    randomBytes(1),
    randomBytes(300),
    Buffer.alloc(0),
    randomBytes(65535),
    randomBytes(2),
  ];
  const stream = framed(...packets);
  const expected = packets.filter((p) => p.length > 0);

  test('whole stream in one chunk, and split at every point of the first 400 bytes', () => {
    assert.deepEqual(decodeAll([stream]), expected);
    for (let cut = 1; cut < 400; cut++) {
      assert.deepEqual(
        decodeAll([stream.subarray(0, cut), stream.subarray(cut)]),
        expected,
        `cut ${cut}`,
      );
    }
  });

  test('a 65535-byte frame dripped one byte at a time: linear time, bounded buffering', () => {
    const frame = framed(randomBytes(65535));
    const decoder = new FrameDecoder();
    const frames: Buffer[] = [];
    let maxBuffered = 0;
    const started = performance.now();
    for (let i = 0; i < frame.length; i++) {
      decoder.push(frame.subarray(i, i + 1), (f) => frames.push(Buffer.from(f)));
      maxBuffered = Math.max(maxBuffered, decoder.buffered);
    }
    const ms = performance.now() - started;
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0], frame.subarray(2));
    assert.ok(maxBuffered <= 65537, `buffered ${maxBuffered}`);
    assert.equal(decoder.buffered, 0);
    // Joining on every byte (quadratic) copies ~2 GB here and takes seconds.
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
  });
});
