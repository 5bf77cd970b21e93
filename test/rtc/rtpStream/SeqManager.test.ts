import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtpRewriter, SeqManager } from '../../../src/rtc/rtpStream/index.js';
import { packet } from './helpers.js';

void describe('SeqManager', () => {
  void it('maps the first input to itself, or to initialOutput', () => {
    const a = new SeqManager();
    assert.equal(a.input(500), 500);
    assert.equal(a.input(501), 501);
    const b = new SeqManager(1);
    assert.equal(b.input(500), 1);
    assert.equal(b.input(502), 3);
    assert.equal(b.input(501), 2); // reordered
  });

  void it('continues at last output + 1 after a pause (sync)', () => {
    const m = new SeqManager(100);
    for (let s = 1000; s < 1010; s++) m.input(s); // → 100..109
    // Paused while the source sent 1010..1999; resumed at 2000.
    m.sync(1999);
    assert.equal(m.input(2000), 110);
    assert.equal(m.input(2001), 111);
    // A new source with its own numbering (producer restart).
    m.sync(39);
    assert.equal(m.input(40), 112);
    assert.equal(m.maxOutput, 112);
  });

  void it('refuses stragglers from before the sync point', () => {
    const m = new SeqManager();
    m.input(10);
    m.input(11);
    m.sync(99);
    assert.equal(m.input(100), 12);
    assert.equal(m.input(99), -1);
    assert.equal(m.input(11), -1);
    assert.equal(m.input(101), 13);
  });

  void it('closes the gap of dropped packets, reordering included', () => {
    const m = new SeqManager(0);
    assert.equal(m.input(10), 0);
    assert.equal(m.input(11), 1);
    m.drop(13); // 12 not arrived yet
    assert.equal(m.input(14), 3);
    assert.equal(m.input(12), 2); // late, before the drop: keeps its place
    assert.equal(m.input(13), -1);
    m.drop(15);
    m.drop(16);
    assert.equal(m.input(17), 4);
  });

  void it('wraps 65535 → 0 on both sides', () => {
    const m = new SeqManager(65534);
    assert.equal(m.input(7), 65534);
    assert.equal(m.input(8), 65535);
    assert.equal(m.input(9), 0);
    m.sync(65535);
    assert.equal(m.input(0), 1);
  });
});

void describe('RtpRewriter', () => {
  const OUT = 0xcafe0001;

  void it('rewrites SSRC, PT and a continuous sequence across pause/resume', () => {
    const r = new RtpRewriter({ ssrc: OUT, payloadType: 101, clockRate: 90000 });
    const p = packet({ seq: 5000, ts: 90000, ssrc: 1, pt: 96 });
    assert.equal(r.process(p, 0), true);
    r.apply(p);
    assert.equal(p.ssrc, OUT);
    assert.equal(p.payloadType, 101);
    assert.equal(p.sequenceNumber, 5000);
    assert.equal(p.timestamp, 90000);
    for (let s = 5001; s < 5005; s++) r.process(packet({ seq: s, ts: 90000, ssrc: 1 }), 1);
    assert.equal(r.sequenceNumber, 5004);

    r.requestSync(); // paused, then resumed 10 s later
    const q = packet({ seq: 6000, ts: 990000, ssrc: 1 });
    assert.equal(r.process(q, 10000), true);
    assert.equal(r.sequenceNumber, 5005);
    assert.equal(r.timestamp, 990000); // same source clock: timestamps kept
  });

  void it('waits for a key frame after a sync when asked to', () => {
    const r = new RtpRewriter({
      ssrc: OUT,
      payloadType: 96,
      clockRate: 90000,
      keyFrameRequired: true,
    });
    assert.equal(r.process(packet({ seq: 1, ssrc: 1 }), 0), false);
    assert.equal(r.process(packet({ seq: 2, ssrc: 1 }), 0, true), true);
    assert.equal(r.process(packet({ seq: 3, ssrc: 1 }), 0), true);
  });

  void it('keeps timestamps continuous when the source changes', () => {
    const r = new RtpRewriter({ ssrc: OUT, payloadType: 96, clockRate: 90000 });
    r.process(packet({ seq: 10, ts: 1000, ssrc: 1 }), 100);
    r.process(packet({ seq: 11, ts: 4000, ssrc: 1 }), 133);
    assert.equal(r.process(packet({ seq: 500, ts: 777, ssrc: 2 }), 150), false); // not synced
    r.requestSync();
    assert.equal(r.process(packet({ seq: 500, ts: 123456789, ssrc: 2 }), 200), true);
    assert.equal(r.sequenceNumber, 12);
    assert.equal(r.timestamp, 4000 + 67 * 90); // last sent + time since, in RTP units
    assert.equal(r.process(packet({ seq: 501, ts: 123456789 + 3000, ssrc: 2 }), 233), true);
    assert.equal(r.sequenceNumber, 13);
    assert.equal(r.timestamp, 4000 + 67 * 90 + 3000);
  });
});
