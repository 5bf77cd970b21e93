import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NackGenerator, type NackGeneratorOptions } from '../../../src/rtc/rtpStream/index.js';

function generator(extra: Partial<NackGeneratorOptions> = {}): {
  g: NackGenerator;
  nacks: number[][];
  keyFrames: () => number;
} {
  const nacks: number[][] = [];
  let kf = 0;
  const g = new NackGenerator({
    onNack: (seqs) => nacks.push([...seqs]),
    onKeyFrameRequired: () => kf++,
    ...extra,
  });
  return { g, nacks, keyFrames: () => kf };
}

void describe('NackGenerator (RFC 4585 §6.2.1 generic NACK scheduling)', () => {
  void it('NACKs a new gap at once, nothing for in-order packets', () => {
    const { g, nacks } = generator();
    for (const seq of [1, 2, 3]) assert.equal(g.receivePacket(seq, false, false, 0), false);
    assert.deepEqual(nacks, []);
    g.receivePacket(7, false, false, 10);
    assert.deepEqual(nacks, [[4, 5, 6]]);
    assert.equal(g.size, 3);
  });

  void it('NACKs across the 65535 → 0 wrap', () => {
    const { g, nacks } = generator();
    g.receivePacket(65533, false, false, 0);
    g.receivePacket(2, false, false, 1);
    assert.deepEqual(nacks, [[65534, 65535, 0, 1]]);
  });

  void it('removes recovered packets and reports them as repairs', () => {
    const { g, nacks } = generator();
    g.receivePacket(10, false, false, 0);
    g.receivePacket(13, false, false, 0);
    assert.equal(g.receivePacket(11, false, true, 5), true);
    assert.equal(g.isMissing(11), false);
    assert.equal(g.isMissing(12), true);
    assert.equal(g.receivePacket(11, false, true, 6), false); // already recovered
    assert.equal(g.receivePacket(12, false, false, 7), true); // late original
    assert.equal(g.size, 0);
    g.tick(1000);
    assert.deepEqual(nacks, [[11, 12]]);
  });

  void it('retries every max(RTT, 20 ms)', () => {
    const { g, nacks } = generator();
    g.receivePacket(1, false, false, 0);
    g.receivePacket(3, false, false, 0); // NACK 2 at t=0
    g.tick(99);
    assert.equal(nacks.length, 1); // default RTT 100 ms
    g.tick(100);
    assert.deepEqual(nacks, [[2], [2]]);
    g.rttMs = 5; // below the 20 ms floor
    g.tick(119);
    assert.equal(nacks.length, 2);
    g.tick(120);
    assert.equal(nacks.length, 3);
    g.rttMs = 50;
    g.tick(169);
    g.tick(170);
    assert.equal(nacks.length, 4);
  });

  void it('gives up on a seq after 10 NACKs', () => {
    const { g, nacks } = generator({ rttMs: 20 });
    g.receivePacket(1, false, false, 0);
    g.receivePacket(3, false, false, 0);
    for (let t = 20; t <= 400; t += 20) g.tick(t);
    assert.equal(nacks.length, 10);
    assert.equal(g.size, 0);
  });

  void it('keeps gap NACKs in order with older retries in one batch', () => {
    const { g, nacks } = generator();
    g.receivePacket(1, false, false, 0);
    g.receivePacket(3, false, false, 0);
    g.receivePacket(6, false, false, 50);
    assert.deepEqual(nacks, [[2], [4, 5]]);
    g.tick(150);
    assert.deepEqual(nacks[2], [2, 4, 5]);
  });

  void it('does not NACK what RTX delivered ahead of the media stream', () => {
    const { g, nacks } = generator();
    g.receivePacket(1, false, false, 0);
    g.receivePacket(3, false, true, 0); // probe/retransmission ahead
    g.receivePacket(4, false, false, 1);
    assert.deepEqual(nacks, [[2]]);
  });

  void it('drops entries more than 10000 seqs old', () => {
    const { g } = generator({ maxNackPackets: 100000 });
    g.receivePacket(0, false, false, 0);
    g.receivePacket(2, false, false, 0); // 1 missing
    for (let seq = 1002; seq <= 9002; seq += 1000) g.receivePacket(seq, false, false, 0);
    assert.equal(g.isMissing(1), true);
    g.receivePacket(10002, false, false, 0); // 1 is now 10001 behind
    assert.equal(g.isMissing(1), false);
    assert.equal(g.isMissing(5), true);
  });

  void it('overflow past 1000 entries clears the list and asks for a key frame', () => {
    const { g, nacks, keyFrames } = generator();
    g.receivePacket(0, false, false, 0);
    g.receivePacket(600, false, false, 0); // 599 missing
    assert.equal(g.size, 599);
    g.receivePacket(1200, false, false, 0); // +599 > 1000
    assert.equal(keyFrames(), 1);
    assert.equal(g.size, 0);
    assert.equal(nacks.length, 1);
    g.receivePacket(1202, false, false, 0); // continues from 1200
    assert.deepEqual(nacks[1], [1201]);
  });

  void it('on overflow drops entries older than the latest key frame first', () => {
    const { g, keyFrames } = generator();
    g.receivePacket(0, false, false, 0);
    g.receivePacket(600, true, false, 0); // key frame; 1..599 missing
    g.receivePacket(700, false, false, 0); // 601..699 missing
    g.receivePacket(1300, false, false, 0); // 599 more: 1297 > 1000
    assert.equal(keyFrames(), 0);
    assert.equal(g.isMissing(599), false);
    assert.equal(g.isMissing(650), true);
    assert.equal(g.isMissing(1299), true);
    assert.equal(g.size, 99 + 599);
  });

  void it('reset forgets everything and restarts at the next packet', () => {
    const { g, nacks } = generator();
    g.receivePacket(1, false, false, 0);
    g.receivePacket(5, false, false, 0);
    g.reset();
    assert.equal(g.size, 0);
    g.receivePacket(100, false, false, 0);
    g.receivePacket(101, false, false, 0);
    g.tick(1000);
    assert.equal(nacks.length, 1);
  });
});
