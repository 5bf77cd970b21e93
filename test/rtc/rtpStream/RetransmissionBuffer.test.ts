import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtpPacketView } from '../../../src/protocols/rtp/index.js';
import { RetransmissionBuffer } from '../../../src/rtc/rtpStream/index.js';
import { packet, packetBytes } from './helpers.js';

function held(b: RetransmissionBuffer, seq: number, nowMs = 0): boolean {
  return b.find(seq, nowMs) >= 0;
}

void describe('RetransmissionBuffer', () => {
  void it('stores copies: the caller may reuse its buffer', () => {
    const b = new RetransmissionBuffer({ capacity: 600 });
    const bytes = packetBytes({ seq: 7, payload: [1, 2, 3] });
    const v = new RtpPacketView();
    v.wrap(bytes);
    assert.equal(b.store(v, 0), true);
    bytes.fill(0xff);
    const stored = b.packetBytes(b.find(7, 0), 0);
    assert.deepEqual(stored, packetBytes({ seq: 7, payload: [1, 2, 3] }));
    assert.equal(b.store(packet({ seq: 7 }), 0), false); // already held
    assert.equal(b.size, 1);
  });

  void it('allocates slab memory lazily, in chunks', () => {
    const b = new RetransmissionBuffer({ capacity: 600 });
    assert.equal(b.allocatedBytes, 0);
    b.store(packet({ seq: 1 }), 0);
    assert.equal(b.allocatedBytes, 32 * 1500);
    for (let s = 2; s <= 600; s++) b.store(packet({ seq: s }), 0);
    assert.equal(b.allocatedBytes, 19 * 32 * 1500);
  });

  void it('spans the 65535 → 0 wrap', () => {
    const b = new RetransmissionBuffer({ capacity: 8 });
    for (const s of [65534, 65535, 0, 1]) assert.equal(b.store(packet({ seq: s }), 0), true);
    assert.equal(b.oldestSeq, 65534);
    assert.equal(b.newestSeq, 1);
    for (const s of [65534, 65535, 0, 1]) assert.equal(held(b, s), true);
    assert.equal(held(b, 2), false);
    assert.equal(held(b, 65533), false);
  });

  void it('evicts the oldest beyond capacity, also across the wrap', () => {
    const b = new RetransmissionBuffer({ capacity: 4 });
    for (let s = 65532; s < 65532 + 7; s++) b.store(packet({ seq: s & 0xffff }), 0);
    assert.equal(b.size, 4);
    assert.equal(b.oldestSeq, 65535);
    assert.equal(b.newestSeq, 2);
    assert.equal(held(b, 65534), false);
    for (const s of [65535, 0, 1, 2]) assert.equal(held(b, s), true);
  });

  void it('keeps gaps empty and fills older slots out of order', () => {
    const b = new RetransmissionBuffer({ capacity: 10 });
    b.store(packet({ seq: 10 }), 0);
    b.store(packet({ seq: 13 }), 0);
    assert.equal(held(b, 11), false);
    assert.equal(b.store(packet({ seq: 11 }), 0), true);
    assert.equal(b.store(packet({ seq: 8 }), 0), true); // before the oldest: window grows back
    assert.equal(b.oldestSeq, 8);
    assert.equal(held(b, 9), false);
    assert.equal(b.store(packet({ seq: 2 }), 0), false); // would not fit in 10
    assert.equal(b.size, 4);
  });

  void it('starts over on a jump larger than the window', () => {
    const b = new RetransmissionBuffer({ capacity: 600 });
    b.store(packet({ seq: 10 }), 0);
    b.store(packet({ seq: 11 }), 0);
    b.store(packet({ seq: 5000 }), 0);
    assert.equal(b.size, 1);
    assert.equal(b.oldestSeq, 5000);
    b.store(packet({ seq: 5599 }), 0);
    assert.equal(b.oldestSeq, 5000);
    b.store(packet({ seq: 5600 }), 0); // 5000 falls out of a 600-packet window
    assert.equal(b.oldestSeq, 5599);
  });

  void it('drops and refuses packets older than maxAgeMs', () => {
    const b = new RetransmissionBuffer({ capacity: 600, maxAgeMs: 2000 });
    b.store(packet({ seq: 1 }), 0);
    b.store(packet({ seq: 2 }), 1000);
    assert.equal(held(b, 1, 2000), true);
    assert.equal(held(b, 1, 2001), false);
    b.store(packet({ seq: 3 }), 2500);
    assert.equal(b.size, 2);
    assert.equal(b.oldestSeq, 2);
  });

  void it('ignores packets larger than a slot and a disabled buffer', () => {
    const b = new RetransmissionBuffer({ capacity: 8, slotSize: 100 });
    assert.equal(b.store(packet({ seq: 1, size: 89 }), 0), false);
    assert.equal(b.store(packet({ seq: 1, size: 88 }), 0), true);
    const off = new RetransmissionBuffer({ capacity: 0 });
    assert.equal(off.store(packet({ seq: 1 }), 0), false);
    assert.equal(off.find(1, 0), -1);
  });

  void it('tracks resends per packet', () => {
    const b = new RetransmissionBuffer({ capacity: 8 });
    b.store(packet({ seq: 1 }), 0);
    const slot = b.find(1, 0);
    assert.equal(b.resentAtMs(slot), -Infinity);
    b.markResent(slot, 50);
    assert.equal(b.resentAtMs(slot), 50);
    assert.equal(b.resendCount(slot), 1);
    b.clear();
    assert.equal(b.size, 0);
    assert.equal(held(b, 1), false);
  });
});
