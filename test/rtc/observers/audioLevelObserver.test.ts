import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AudioLevelObserver } from '../../../src/rtc/observers/AudioLevelObserver.js';
import type { Producer } from '../../../src/rtc/rtp/Producer.js';

function producer(id: string, kind: 'audio' | 'video' = 'audio'): Producer {
  return { id, kind, paused: false } as unknown as Producer;
}

function observer(maxEntries = 1, threshold = -80) {
  const events: { event: string; data?: unknown }[] = [];
  const o = new AudioLevelObserver({
    id: 'o',
    interval: 1000,
    maxEntries,
    threshold,
    notify: (event, data) => events.push({ event, data }),
    startTimer: false,
  });
  return { o, events };
}

/** `count` packets of these levels (−dBov, cycled), as the router feeds them. */
function feed(o: AudioLevelObserver, p: Producer, levels: number[], count = 50): void {
  for (let i = 0; i < count; i++) o.receiveAudioLevel(p, levels[i % levels.length], i * 20);
}

void describe('AudioLevelObserver (worker)', () => {
  test('averages each producer over the interval; loudest first; up to maxEntries', () => {
    const { o, events } = observer(2, -80);
    const [a, b, c] = [producer('a'), producer('b'), producer('c')];
    for (const p of [a, b, c]) o.addProducer(p, 0);
    feed(o, a, [40, 50]); // −45
    feed(o, b, [0x80 | 20]); // −20 (the V bit is not part of the level)
    feed(o, c, [30]); // −30
    o.update(1000);
    assert.deepEqual(events, [
      {
        event: 'volumes',
        data: [
          { producerId: 'b', volume: -20 },
          { producerId: 'c', volume: -30 },
        ],
      },
    ]);
    o.close();
  });

  test('only those at or above the threshold; fewer than 10 packets do not count', () => {
    const { o, events } = observer(5, -50);
    const [a, b, c] = [producer('a'), producer('b'), producer('c')];
    for (const p of [a, b, c]) o.addProducer(p, 0);
    feed(o, a, [50]); // −50: at the threshold, in
    feed(o, b, [51]); // below
    feed(o, c, [10], 9); // loud, but 9 packets
    o.update(1000);
    assert.deepEqual(events, [{ event: 'volumes', data: [{ producerId: 'a', volume: -50 }] }]);
    o.close();
  });

  test('silence once, and again only after volumes', () => {
    const { o, events } = observer();
    const a = producer('a');
    o.addProducer(a, 0);
    o.update(1000); // never loud: silence is the initial state, nothing emitted
    feed(o, a, [20]);
    o.update(2000);
    o.update(3000);
    o.update(4000);
    feed(o, a, [127]);
    o.update(5000);
    feed(o, a, [20]);
    o.update(6000);
    o.update(7000);
    assert.deepEqual(
      events.map((e) => e.event),
      ['volumes', 'silence', 'volumes', 'silence'],
    );
    o.close();
  });

  test('each interval starts afresh', () => {
    const { o, events } = observer();
    const a = producer('a');
    o.addProducer(a, 0);
    feed(o, a, [20]);
    o.update(1000);
    feed(o, a, [60]);
    o.update(2000);
    assert.deepEqual(
      events.map((e) => e.data),
      [[{ producerId: 'a', volume: -20 }], [{ producerId: 'a', volume: -60 }]],
    );
    o.close();
  });

  test('a paused producer drops out; a paused observer ignores levels and reports silence', () => {
    const { o, events } = observer(5);
    const [a, b] = [producer('a'), producer('b')];
    o.addProducer(a, 0);
    o.addProducer(b, 0);
    feed(o, a, [20]);
    feed(o, b, [30]);
    o.producerPaused(b);
    o.update(1000);
    assert.deepEqual(events.pop(), { event: 'volumes', data: [{ producerId: 'a', volume: -20 }] });
    o.producerResumed(b);
    feed(o, b, [30]);
    o.update(2000);
    assert.deepEqual(events.pop(), { event: 'volumes', data: [{ producerId: 'b', volume: -30 }] });
    feed(o, a, [20]);
    o.pause();
    assert.deepEqual(events.pop(), { event: 'silence', data: undefined });
    feed(o, a, [20]);
    o.resume();
    o.update(3000);
    assert.equal(events.length, 0, 'levels while paused were not kept');
    o.close();
  });

  test('removed producers stop counting; video producers are refused', () => {
    const { o, events } = observer();
    const a = producer('a');
    o.addProducer(a, 0);
    assert.throws(() => o.addProducer(producer('v', 'video'), 0), TypeError);
    o.removeProducer(a);
    feed(o, a, [20]);
    o.update(1000);
    assert.equal(events.length, 0);
    o.close();
  });
});
