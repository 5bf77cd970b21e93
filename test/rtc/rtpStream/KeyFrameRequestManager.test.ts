import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KeyFrameRequestManager,
  type KeyFrameRequestManagerOptions,
} from '../../../src/rtc/rtpStream/index.js';

function manager(extra: Partial<KeyFrameRequestManagerOptions> = {}): {
  m: KeyFrameRequestManager;
  sent: [number, number][];
  at: (t: number) => void;
} {
  const sent: [number, number][] = [];
  let now = 0;
  const m = new KeyFrameRequestManager({
    onKeyFrameNeeded: (ssrc) => sent.push([ssrc, now]),
    ...extra,
  });
  return { m, sent, at: (t) => (now = t) };
}

void describe('KeyFrameRequestManager (PLI/FIR coalescing, mediasoup semantics)', () => {
  void it('forwards the first request at once and coalesces the rest of the second', () => {
    const { m, sent, at } = manager();
    at(0);
    m.keyFrameNeeded(1, 0);
    at(100);
    m.keyFrameNeeded(1, 100);
    at(900);
    m.keyFrameNeeded(1, 900);
    m.tick(999);
    assert.deepEqual(sent, [[1, 0]]);
    // No key frame within 1 s: the coalesced request goes out when the second elapses.
    at(1000);
    m.tick(1000);
    assert.deepEqual(sent, [
      [1, 0],
      [1, 1000],
    ]);
    // Nothing asked since: the wait ends quietly after another second.
    at(2000);
    m.tick(2000);
    assert.equal(sent.length, 2);
    assert.equal(m.isPending(1), false);
  });

  void it('a key frame cancels the pending request', () => {
    const { m, sent, at } = manager();
    m.keyFrameNeeded(7, 0);
    m.keyFrameNeeded(7, 300);
    m.keyFrameReceived(7);
    assert.equal(m.isPending(7), false);
    at(1000);
    m.tick(1000);
    assert.deepEqual(sent, [[7, 0]]);
    // The next request after the key frame goes out at once.
    at(1100);
    m.keyFrameNeeded(7, 1100);
    assert.deepEqual(sent, [
      [7, 0],
      [7, 1100],
    ]);
  });

  void it('retries once, best effort, if the requested key frame never comes', () => {
    const { m, sent, at } = manager();
    m.keyFrameNeeded(3, 0);
    at(1000);
    m.tick(1000);
    at(2000);
    m.tick(2000);
    at(3000);
    m.tick(3000);
    assert.deepEqual(sent, [
      [3, 0],
      [3, 1000],
    ]);
  });

  void it('keeps SSRCs apart', () => {
    const { m, sent } = manager();
    m.keyFrameNeeded(1, 0);
    m.keyFrameNeeded(2, 0);
    m.keyFrameNeeded(1, 10);
    assert.deepEqual(sent, [
      [1, 0],
      [2, 0],
    ]);
  });

  void it('forceKeyFrameNeeded asks now even while waiting and restarts the wait', () => {
    const { m, sent, at } = manager();
    m.keyFrameNeeded(1, 0);
    at(200);
    m.forceKeyFrameNeeded(1, 200);
    assert.deepEqual(sent, [
      [1, 0],
      [1, 200],
    ]);
    at(1199);
    m.tick(1199); // the wait restarted at 200
    assert.equal(sent.length, 2);
    at(1200);
    m.tick(1200); // one best-effort retry
    at(2200);
    m.tick(2200);
    assert.deepEqual(sent, [
      [1, 0],
      [1, 200],
      [1, 1200],
    ]);
    assert.equal(m.isPending(1), false);
  });

  void it('keyFrameRequestDelay spaces forwarded requests', () => {
    const { m, sent, at } = manager({ keyFrameRequestDelay: 3000 });
    m.keyFrameNeeded(1, 0);
    m.keyFrameReceived(1);
    at(500);
    m.keyFrameNeeded(1, 500); // held by the delay despite the key frame
    m.keyFrameNeeded(1, 600);
    at(2999);
    m.tick(2999);
    assert.deepEqual(sent, [[1, 0]]);
    at(3000);
    m.tick(3000);
    assert.deepEqual(sent, [
      [1, 0],
      [1, 3000],
    ]);
    // Without further requests the next delay window passes silently.
    m.keyFrameReceived(1);
    at(6000);
    m.tick(6000);
    assert.equal(sent.length, 2);
  });

  void it('clear forgets pending requests', () => {
    const { m, sent } = manager();
    m.keyFrameNeeded(1, 0);
    m.keyFrameNeeded(1, 1);
    m.clear(1);
    m.tick(5000);
    assert.equal(sent.length, 1);
  });
});
