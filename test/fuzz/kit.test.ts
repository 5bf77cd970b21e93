/** The fuzz kit catches what it is meant to: out-of-view reads and writes, throws, false. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fuzz, mutate, parseInViews, writeInRange } from './kit.js';

void describe('fuzz kit', () => {
  void it('parseInViews fails a parser that reads past its view', () => {
    const overRead = (v: Buffer): number =>
      new Uint8Array(v.buffer, v.byteOffset, v.length + 1)[v.length];
    assert.throws(() => parseInViews(Buffer.from([1, 2, 3]), overRead), /outside the view/);
    assert.throws(
      () => parseInViews(Buffer.from([1, 2, 3]), (v) => v.fill(0)),
      /modified its input/,
    );
    // As far as an RTCP length field can send a reader: 256 KiB past the view.
    const farRead = (v: Buffer): number =>
      new Uint8Array(v.buffer)[v.byteOffset + v.length + 0x3fffc];
    assert.throws(() => parseInViews(Buffer.from([1, 2, 3]), farRead), /outside the view/);
    assert.equal(
      parseInViews(Buffer.from([1, 2, 3]), (v) => v[2]),
      '3',
    );
  });

  void it('writeInRange fails a writer that writes past its buffer or its length', () => {
    const past = (out: Buffer): number => {
      new Uint8Array(out.buffer, out.byteOffset, out.length + 1)[out.length] = 0;
      return 0;
    };
    assert.throws(() => writeInRange(4, past), /past the buffer/);
    assert.throws(
      () => writeInRange(4, (out, o) => (out.fill(1, o, o + 2), 1)),
      /past its reported length/,
    );
    assert.deepEqual(
      writeInRange(4, (out, o) => (out.fill(1, o, o + 2), 2)).bytes,
      Buffer.from([1, 1]),
    );
  });

  void it('fuzz counts throws and false results as crashes and fails', () => {
    assert.throws(
      () =>
        fuzz(
          'kit-self-test',
          [fc.nat(10)],
          (n) => {
            if (n === 3) throw new RangeError('boom');
            return n !== 4;
          },
          { base: 200, quiet: true },
        ),
      /crashes, first:\nRangeError: boom|property returned false/,
    );
  });

  void it('mutations keep positions inside the entry', () => {
    const seed = Buffer.from([1, 2, 3, 4]);
    assert.deepEqual(
      mutate(seed, [{ kind: 'set', at: 0.99, value: 9 }]),
      Buffer.from([1, 2, 3, 9]),
    );
    assert.deepEqual(mutate(seed, [{ kind: 'truncate', at: 0.5 }]), Buffer.from([1, 2]));
    assert.deepEqual(mutate(Buffer.alloc(0), [{ kind: 'flip', at: 0.5, bit: 1 }]), Buffer.alloc(0));
  });
});
