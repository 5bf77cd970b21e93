import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isSeqNewer,
  isTimestampNewer,
  seqAdd,
  seqDiff,
  timestampDiff,
} from '../../../src/protocols/rtp/index.js';

void describe('RFC 3550 §5.1 / A.1 sequence number wrap-around', () => {
  void it('seqDiff is a signed 16-bit distance', () => {
    assert.equal(seqDiff(5, 3), 2);
    assert.equal(seqDiff(3, 5), -2);
    assert.equal(seqDiff(0, 65535), 1);
    assert.equal(seqDiff(65535, 0), -1);
    assert.equal(seqDiff(2, 65530), 8);
    assert.equal(seqDiff(0x8000, 0), -32768);
    assert.equal(seqDiff(0x7fff, 0), 32767);
  });

  void it('isSeqNewer across the wrap', () => {
    assert.equal(isSeqNewer(1, 0), true);
    assert.equal(isSeqNewer(0, 65535), true);
    assert.equal(isSeqNewer(65535, 0), false);
    assert.equal(isSeqNewer(100, 100), false);
    assert.equal(isSeqNewer(0x7fff, 0), true);
    // exactly half-way: exactly one direction holds
    assert.notEqual(isSeqNewer(0x8000, 0), isSeqNewer(0, 0x8000));
    assert.notEqual(isSeqNewer(0x8005, 5), isSeqNewer(5, 0x8005));
  });

  void it('seqAdd wraps', () => {
    assert.equal(seqAdd(65535, 1), 0);
    assert.equal(seqAdd(0, -1), 65535);
  });

  void it('32-bit timestamps wrap', () => {
    assert.equal(timestampDiff(0, 0xffffffff), 1);
    assert.equal(timestampDiff(0xffffffff, 0), -1);
    assert.equal(isTimestampNewer(10, 0xfffffff0), true);
    assert.equal(isTimestampNewer(0xfffffff0, 10), false);
    assert.equal(isTimestampNewer(7, 7), false);
    assert.notEqual(isTimestampNewer(0x80000000, 0), isTimestampNewer(0, 0x80000000));
  });
});
