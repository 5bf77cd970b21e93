import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ReplayWindow } from '../../../src/protocols/srtp/index.js';
import { estimateRoc, updateIndexState } from '../../../src/protocols/srtp/srtpIndex.js';

void describe('ReplayWindow (RFC 3711 §3.3.2)', () => {
  void it('accepts new indices, rejects seen ones and those behind the window', () => {
    const w = new ReplayWindow(64);
    assert.equal(w.size, 64);
    assert.ok(w.check(1000));
    w.commit(1000);
    assert.ok(!w.check(1000));
    assert.ok(w.check(999));
    assert.ok(w.check(937));
    assert.ok(!w.check(936));
    w.commit(1002);
    assert.ok(w.check(1001));
    assert.ok(!w.check(1002));
    w.commit(1001);
    assert.ok(!w.check(1001));
    w.commit(5000);
    assert.ok(!w.check(1002));
    assert.ok(w.check(4999));
    assert.ok(w.check(4937));
  });

  void it('forgets bits as it slides so reused slots are not mistaken for replays', () => {
    const w = new ReplayWindow(64);
    for (let i = 0; i < 200; i += 2) w.commit(i);
    for (let i = 199; i > 198 - 64; i -= 2) assert.ok(w.check(i), `odd ${i}`);
    for (let i = 198; i > 198 - 64; i -= 2) assert.ok(!w.check(i), `even ${i}`);
  });

  void it('handles 48-bit indices', () => {
    const w = new ReplayWindow();
    const base = 2 ** 47 + 12345;
    w.commit(base);
    assert.ok(!w.check(base));
    assert.ok(w.check(base - 1));
    w.commit(base - 1);
    assert.ok(!w.check(base - 1));
  });
});

void describe('SRTP index estimation (RFC 3711 Appendix A)', () => {
  void it('guesses ROC - 1, ROC or ROC + 1', () => {
    assert.equal(estimateRoc({ roc: 5, highestSeq: 100 }, 200), 5);
    assert.equal(estimateRoc({ roc: 5, highestSeq: 100 }, 65000), 4);
    assert.equal(estimateRoc({ roc: 5, highestSeq: 65000 }, 10), 6);
    assert.equal(estimateRoc({ roc: 5, highestSeq: 65000 }, 64000), 5);
    assert.equal(estimateRoc({ roc: 0, highestSeq: 10 }, 60000), -1);
  });

  void it('advances s_l and the ROC only forward', () => {
    const state = { roc: 0, highestSeq: 65000 };
    updateIndexState(state, 0, 64000);
    assert.deepEqual(state, { roc: 0, highestSeq: 65000 });
    updateIndexState(state, 0, 65535);
    assert.deepEqual(state, { roc: 0, highestSeq: 65535 });
    updateIndexState(state, 1, 3);
    assert.deepEqual(state, { roc: 1, highestSeq: 3 });
    updateIndexState(state, 0, 65534);
    assert.deepEqual(state, { roc: 1, highestSeq: 3 });
  });
});
