/**
 * RTP observers through the API, both worker modes: router.createAudioLevelObserver() and
 * router.createActiveSpeakerObserver() validation (mediasoup's), their lifecycle and observer
 * events, and what they report of audio producers on a DirectTransport fed with synthetic
 * Opus RTP carrying ssrc-audio-level (RFC 6464): `volumes` and `dominantspeaker` name the right
 * producer, a paused or closed producer drops out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ActiveSpeakerObserver,
  AudioLevelObserver,
  createWorker,
  type DirectTransport,
  type Producer,
  type Router,
  type RtpObserver,
  type Worker,
} from '../../src/index.js';
import { InvalidStateError } from '../../src/common/errors.js';
import { writeRtpHeader } from '../../src/protocols/rtp/index.js';
import { MODES } from './modes.js';
import {
  audioRtpParameters,
  eventually,
  mediaCodecs,
  sleep,
  videoRtpParameters,
} from './mediaFixtures.js';

/** The producers' id of ssrc-audio-level (audioRtpParameters: Chrome's id 1). */
const AUDIO_LEVEL_ID = 1;

/** Opus at 20 ms to each producer, each packet carrying its current level (−dBov). */
class Pump {
  readonly levels = new Map<Producer, () => number>();
  readonly #seqs = new Map<Producer, number>();
  readonly #timer: NodeJS.Timeout;
  readonly #buf = Buffer.alloc(64);

  constructor() {
    this.#timer = setInterval(() => this.#tick(), 20);
  }

  #tick(): void {
    for (const [producer, level] of this.levels) {
      if (producer.closed) continue;
      const seq = (this.#seqs.get(producer) ?? 0) + 1;
      this.#seqs.set(producer, seq);
      const size = writeRtpHeader(this.#buf, {
        payloadType: 111,
        sequenceNumber: seq & 0xffff,
        timestamp: (seq * 960) >>> 0,
        ssrc: producer.rtpParameters.encodings![0].ssrc!,
        extensions: [{ id: AUDIO_LEVEL_ID, value: Buffer.from([0x80 | level()]) }],
      });
      producer.send(Buffer.concat([this.#buf.subarray(0, size), Buffer.from([0xfc, 1, 2, 3])]));
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** Speech-ish: 300 ms syllables around −25 dBov, 60 ms breaths at the −80 dBov noise floor. */
function speech(): () => number {
  return () => (Date.now() % 360 < 300 ? 20 + Math.floor(Math.random() * 12) : 80);
}
const noise = (): number => 78 + Math.floor(Math.random() * 4);
const silence = (): number => 127;

for (const mode of MODES) {
  void describe(`RTP observers (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    let transport: DirectTransport;
    let ssrc = 1000;

    before(async () => {
      worker = await createWorker({ mode, logLevel: 'none' });
      router = await worker.createRouter({ mediaCodecs });
      transport = await router.createDirectTransport();
    });
    after(() => worker?.close());

    const audioProducer = (): Promise<Producer> =>
      transport.produce({ kind: 'audio', rtpParameters: audioRtpParameters(++ssrc, `a${ssrc}`) });

    test('options are validated as mediasoup 3 does; defaults; type, appData, newrtpobserver', async () => {
      const bad: unknown[] = [
        { maxEntries: 0 },
        { maxEntries: -1 },
        { maxEntries: '2' },
        { threshold: 1 },
        { threshold: -128 },
        { threshold: 'loud' },
        { interval: '1000' },
        { appData: 'x' },
      ];
      for (const options of bad) {
        await assert.rejects(
          router.createAudioLevelObserver(options as never),
          TypeError,
          JSON.stringify(options),
        );
      }
      for (const options of [{ interval: '300' }, { appData: 1 }]) {
        await assert.rejects(router.createActiveSpeakerObserver(options as never), TypeError);
      }
      const created: RtpObserver[] = [];
      router.observer.on('newrtpobserver', (o) => created.push(o));
      // NaN is taken as not given; out-of-range intervals are clamped by the worker.
      const audioLevel = await router.createAudioLevelObserver({
        maxEntries: NaN,
        interval: 10,
        appData: { room: 1 },
      });
      const activeSpeaker = await router.createActiveSpeakerObserver();
      assert.ok(audioLevel instanceof AudioLevelObserver);
      assert.ok(activeSpeaker instanceof ActiveSpeakerObserver);
      assert.deepEqual(created, [audioLevel, activeSpeaker]);
      assert.equal(audioLevel.type, 'audiolevel');
      assert.equal(activeSpeaker.type, 'activespeaker');
      assert.deepEqual(audioLevel.appData, { room: 1 });
      assert.deepEqual(activeSpeaker.appData, {});
      assert.equal(audioLevel.paused, false);
      assert.equal(audioLevel.closed, false);
      assert.deepEqual(
        (await router.dump()).rtpObserverIds.sort(),
        [audioLevel.id, activeSpeaker.id].sort(),
      );
      const events: string[] = [];
      audioLevel.observer.on('close', () => events.push('close'));
      audioLevel.on('@close', () => events.push('@close'));
      audioLevel.close();
      audioLevel.close();
      activeSpeaker.close();
      assert.deepEqual(events, ['@close', 'close']);
      assert.ok(audioLevel.closed);
      await assert.rejects(audioLevel.pause(), InvalidStateError);
      assert.ok(await eventually(async () => (await router.dump()).rtpObserverIds.length === 0));
    });

    test('addProducer/removeProducer, pause/resume and their observer events', async () => {
      const observer = await router.createActiveSpeakerObserver();
      const producer = await audioProducer();
      const video = await transport.produce({
        kind: 'video',
        rtpParameters: videoRtpParameters(++ssrc, ++ssrc, `v${ssrc}`),
      });
      const events: string[] = [];
      observer.observer.on('addproducer', (p) => events.push(`add ${p.id === producer.id}`));
      observer.observer.on('removeproducer', (p) => events.push(`remove ${p.id === producer.id}`));
      observer.observer.on('pause', () => events.push('pause'));
      observer.observer.on('resume', () => events.push('resume'));
      await assert.rejects(observer.addProducer({ producerId: 'nope' }), (error: Error) => {
        assert.equal(error.constructor, Error);
        assert.match(error.message, /Producer with id "nope" not found/);
        return true;
      });
      await assert.rejects(observer.addProducer({ producerId: video.id }), TypeError);
      await observer.addProducer({ producerId: producer.id });
      // mediasoup: twice is an error for the active speaker observer, not for audio level.
      await assert.rejects(observer.addProducer({ producerId: producer.id }), InvalidStateError);
      const audioLevel = await router.createAudioLevelObserver();
      await audioLevel.addProducer({ producerId: producer.id });
      await audioLevel.addProducer({ producerId: producer.id });
      audioLevel.close();
      // As mediasoup 3.19.3: every producer has its entry, an empty list without observers.
      const observersOf = async (id: string) =>
        (await router.dump()).mapProducerIdObserverIds.find((e) => e.key === id)?.values;
      assert.deepEqual(await observersOf(producer.id), [observer.id]);
      assert.deepEqual(await observersOf(video.id), []);
      await observer.pause();
      await observer.pause();
      assert.equal(observer.paused, true);
      await observer.resume();
      await observer.removeProducer({ producerId: producer.id });
      assert.deepEqual(await observersOf(producer.id), []);
      assert.deepEqual(events, ['add true', 'pause', 'resume', 'remove true']);
      // A producer that closes leaves every observer of it.
      await observer.addProducer({ producerId: producer.id });
      producer.close();
      assert.ok(await eventually(async () => (await observersOf(producer.id)) === undefined));
      video.close();
      observer.close();
    });

    test('volumes name the loud producer, never the silent one; silence once; pause drops out', async () => {
      const observer = await router.createAudioLevelObserver({
        maxEntries: 2,
        threshold: -70,
        interval: 250,
      });
      const [loud, muted, quiet] = [
        await audioProducer(),
        await audioProducer(),
        await audioProducer(),
      ];
      for (const p of [loud, muted, quiet]) await observer.addProducer({ producerId: p.id });
      const volumes: { producer: Producer; volume: number }[][] = [];
      let silences = 0;
      observer.on('volumes', (v) => volumes.push(v));
      observer.on('silence', () => silences++);
      const observed: string[] = [];
      observer.observer.on('volumes', () => observed.push('volumes'));
      const pump = new Pump();
      try {
        pump.levels.set(loud, () => 30);
        pump.levels.set(muted, silence);
        pump.levels.set(quiet, () => 60);
        assert.ok(await eventually(() => volumes.length >= 4, 5000), 'no volumes');
        for (const v of volumes) {
          assert.ok(
            v.every((e) => e.producer !== muted),
            'the muted producer was named',
          );
          assert.ok(v.length <= 2);
        }
        const last = volumes.at(-1)!;
        assert.deepEqual(
          last.map((e) => [e.producer.id, e.volume]),
          [
            [loud.id, -30],
            [quiet.id, -60],
          ],
        );
        assert.ok(observed.length >= 4, 'observer volumes');
        // A paused producer is not fed: it drops out of the report.
        await quiet.pause();
        const from = volumes.length;
        assert.ok(
          await eventually(
            () => volumes.slice(from).some((v) => v.length === 1 && v[0].producer === loud),
            3000,
          ),
        );
        // Everybody silent: `silence` once.
        pump.levels.set(loud, silence);
        assert.ok(await eventually(() => silences === 1, 3000), 'no silence');
        const after = volumes.length;
        await sleep(800); // three more intervals: nothing may come
        assert.equal(silences, 1, 'silence repeated');
        assert.equal(volumes.length, after, 'volumes in silence');
      } finally {
        pump.stop();
        observer.close();
        for (const p of [loud, muted, quiet]) p.close();
      }
    });

    test('dominantspeaker names the speaker and follows a turn change', async () => {
      const observer = await router.createActiveSpeakerObserver({ interval: 100 });
      const [a, b] = [await audioProducer(), await audioProducer()];
      await observer.addProducer({ producerId: a.id });
      await observer.addProducer({ producerId: b.id });
      const dominant: { at: number; producer: Producer }[] = [];
      observer.on('dominantspeaker', ({ producer }) => dominant.push({ at: Date.now(), producer }));
      const observed: Producer[] = [];
      observer.observer.on('dominantspeaker', ({ producer }) => observed.push(producer));
      const pump = new Pump();
      try {
        pump.levels.set(a, noise);
        pump.levels.set(b, speech());
        assert.ok(
          await eventually(() => dominant.at(-1)?.producer === b, 4000),
          'b never dominant',
        );
        await sleep(1000); // ten more intervals: b keeps it
        assert.equal(dominant.at(-1)?.producer, b, 'b lost it while speaking');
        const turn = Date.now();
        pump.levels.set(b, silence);
        pump.levels.set(a, speech());
        assert.ok(await eventually(() => dominant.at(-1)?.producer === a, 4000), 'no turn change');
        const took = dominant.at(-1)!.at - turn;
        console.log(`${mode}: turn change reported after ${took} ms`);
        assert.ok(took < 2000, `took ${took} ms`);
        assert.deepEqual(
          observed,
          dominant.map((d) => d.producer),
        );
      } finally {
        pump.stop();
        for (const p of [a, b]) p.close();
        observer.close();
      }
    });

    test('router close: routerclose and observer close; the router refuses new ones', async () => {
      const r = await worker.createRouter({ mediaCodecs });
      const observer = await r.createAudioLevelObserver();
      const events: string[] = [];
      observer.on('routerclose', () => events.push('routerclose'));
      observer.observer.on('close', () => events.push('close'));
      r.close();
      assert.deepEqual(events, ['routerclose', 'close']);
      assert.ok(observer.closed);
      await assert.rejects(r.createActiveSpeakerObserver(), InvalidStateError);
    });
  });
}
