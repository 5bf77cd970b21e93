/**
 * The dominant speaker identification on synthetic level sequences: one packet per 20 ms per
 * producer, an update every 300 ms (the default interval), on synthetic time.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActiveSpeakerObserver } from '../../../src/rtc/observers/ActiveSpeakerObserver.js';
import { activityScore } from '../../../src/rtc/observers/SpeakerActivity.js';
import type { Producer } from '../../../src/rtc/rtp/Producer.js';

const INTERVAL = 300;
const NOISE = 80; // −80 dBov: the room's noise floor

function producer(id: string): Producer {
  return { id, kind: 'audio', paused: false } as unknown as Producer;
}

/** A deterministic generator (mulberry32), so every run sees the same "voices". */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Voice = (tMs: number) => number;
/** Speech: syllables around −25 dBov with short gaps down to the noise floor. */
const speaking =
  (rnd: () => number): Voice =>
  (t) =>
    t % 360 < 300 ? 20 + Math.floor(rnd() * 12) : NOISE - Math.floor(rnd() * 4);
const quiet =
  (rnd: () => number): Voice =>
  () =>
    NOISE - Math.floor(rnd() * 4);
const digitalSilence: Voice = () => 127;

interface Sim {
  o: ActiveSpeakerObserver;
  changes: { at: number; id: string }[];
  run(fromMs: number, toMs: number, voices: Record<string, Voice>): void;
}

function sim(ids: string[]): Sim {
  const changes: { at: number; id: string }[] = [];
  let now = 0;
  const o = new ActiveSpeakerObserver({
    id: 'o',
    interval: INTERVAL,
    notify: (event, data) => {
      assert.equal(event, 'dominantspeaker');
      changes.push({ at: now, id: (data as { producerId: string }).producerId });
    },
    startTimer: false,
  });
  const producers = new Map(ids.map((id) => [id, producer(id)]));
  for (const p of producers.values()) o.addProducer(p, 0);
  return {
    o,
    changes,
    run(fromMs, toMs, voices) {
      for (now = fromMs; now < toMs; now += 20) {
        for (const [id, voice] of Object.entries(voices)) {
          o.receiveAudioLevel(producers.get(id)!, voice(now), now);
        }
        if (now % INTERVAL === 0) o.update(now);
      }
    },
  };
}

void describe('ActiveSpeakerObserver: dominant speaker identification', () => {
  test('the activity score grows with the first active sub-bands, floored when none is', () => {
    // Immediate: up to 3 sub-bands are noise (floored); the binomial term falls past the
    // middle, so the score is not monotonic over all 13.
    for (let k = 0; k <= 3; k++) assert.equal(activityScore(k, 13, 0.78), 1e-10);
    for (let k = 4; k < 9; k++) {
      assert.ok(activityScore(k + 1, 13, 0.78) > activityScore(k, 13, 0.78));
    }
    // Medium and long grow with each active block.
    for (let k = 0; k < 5; k++) assert.ok(activityScore(k + 1, 5, 24) > activityScore(k, 5, 24));
    for (let k = 0; k < 10; k++) {
      assert.ok(activityScore(k + 1, 10, 47) > activityScore(k, 10, 47));
    }
  });

  test('a steady speaker is not displaced by a 200 ms cough of another', () => {
    const rnd = random(1);
    const s = sim(['a', 'b']);
    s.run(0, 5000, { a: speaking(rnd), b: quiet(rnd) });
    assert.deepEqual(s.changes, [{ at: 0, id: 'a' }]);
    // b coughs: 200 ms at −10 dBov, far louder than a, ending in one of a's pauses (at the
    // update of 5700 ms a is between syllables): the immediate scale alone would switch.
    const cough: Voice = (t) => (t >= 5520 && t < 5720 ? 10 : quiet(rnd)(t));
    s.run(5000, 9000, { a: speaking(rnd), b: cough });
    assert.deepEqual(s.changes, [{ at: 0, id: 'a' }], 'the cough took over');
    s.o.close();
  });

  test('a real turn change is detected within about a second', () => {
    const rnd = random(2);
    const s = sim(['a', 'b']);
    s.run(0, 6000, { a: speaking(rnd), b: quiet(rnd) });
    assert.deepEqual(s.changes, [{ at: 0, id: 'a' }]);
    s.run(6000, 10000, { a: quiet(rnd), b: speaking(rnd) });
    assert.equal(s.changes.length, 2);
    const took = s.changes[1].at - 6000;
    assert.equal(s.changes[1].id, 'b');
    console.log(`turn change detected after ${took} ms`);
    assert.ok(took <= 1200, `took ${took} ms`);
    // And back, with the first one's track disabled instead (level 127, digital silence).
    s.run(10000, 14000, { a: speaking(rnd), b: digitalSilence });
    assert.equal(s.changes.length, 3);
    assert.equal(s.changes[2].id, 'a');
    console.log(`turn change back detected after ${s.changes[2].at - 10000} ms`);
    assert.ok(s.changes[2].at - 10000 <= 1200, `took ${s.changes[2].at - 10000} ms back`);
    s.o.close();
  });

  test('the loudest of several challengers wins; nobody takes over in silence', () => {
    const rnd = random(3);
    const s = sim(['a', 'b', 'c']);
    s.run(0, 3000, { a: quiet(rnd), b: quiet(rnd), c: quiet(rnd) });
    // With nobody speaking, the first producer is the incumbent, and stays.
    assert.deepEqual(s.changes, [{ at: 0, id: 'a' }]);
    s.run(3000, 8000, { a: digitalSilence, b: digitalSilence, c: digitalSilence });
    assert.deepEqual(s.changes, [{ at: 0, id: 'a' }], 'silence produced a switch');
    s.run(8000, 11000, { a: quiet(rnd), b: quiet(rnd), c: speaking(rnd) });
    assert.deepEqual(s.changes.at(-1)?.id, 'c');
    assert.equal(s.changes.length, 2);
    s.o.close();
  });

  test('a producer that stops sending (DTX, gone) times out to silence', () => {
    const rnd = random(4);
    const s = sim(['a', 'b']);
    s.run(0, 4000, { a: speaking(rnd), b: quiet(rnd) });
    s.run(4000, 8000, { b: speaking(rnd) }); // a sends nothing at all
    assert.equal(s.changes.at(-1)?.id, 'b');
    console.log(
      `a producer gone silent (no packets) replaced after ${s.changes.at(-1)!.at - 4000} ms`,
    );
    assert.ok(s.changes.at(-1)!.at - 4000 <= 1200);
    s.o.close();
  });

  test('a paused challenger does not take over; removing the dominant one elects another', () => {
    const rnd = random(5);
    const s = sim(['a', 'b']);
    s.run(0, 3000, { a: speaking(rnd), b: quiet(rnd) });
    s.o.producerPaused(producer('b'));
    s.run(3000, 6000, { a: quiet(rnd), b: speaking(rnd) });
    assert.deepEqual(s.changes, [{ at: 0, id: 'a' }]);
    s.o.producerResumed(producer('b'));
    s.run(6000, 8000, { a: quiet(rnd), b: speaking(rnd) });
    assert.equal(s.changes.at(-1)?.id, 'b');
    s.o.removeProducer(producer('b'));
    assert.equal(s.o.dominantId, 'a', 'the lone producer left is dominant at once');
    s.o.close();
  });
});
