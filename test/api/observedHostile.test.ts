/**
 * The two header extensions the worker now reads from authenticated peers' packets: the audio
 * level (RFC 6464) that feeds the RTP observers and the video orientation (3GPP TS 26.114
 * §7.4.5) behind `videoorientationchange`. A peer that completed ICE, DTLS and SRTP sends them
 * in every wrong length and form, and flips the orientation on every packet: the worker
 * answers, contains nothing, the observers only report levels in range, every orientation event
 * carries a valid rotation, and media still flows.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MODES } from './modes.js';
import { audioRtpParameters, eventually } from './mediaFixtures.js';
import { AuthenticatedSession } from './authenticatedSession.js';
import type { AudioLevelObserver, ProducerVideoOrientation } from '../../src/index.js';

const AUDIO_SSRC = 31_415_926;
const OPUS_PT = 111;
/** The ids the session's producers negotiated (mediaFixtures.ts). */
const AUDIO_LEVEL_ID = 1;
const VIDEO_ORIENTATION_ID = 13;

/** An RFC 8285 §4.2 one-byte block (elements [id, value]), padded to whole words. */
function oneByte(elements: [number, number[]][]): Uint8Array {
  const bytes: number[] = [];
  for (const [id, value] of elements) bytes.push((id << 4) | ((value.length - 1) & 0x0f), ...value);
  while (bytes.length % 4) bytes.push(0);
  return Uint8Array.from(bytes);
}

/** An RFC 8285 §4.3 two-byte block. */
function twoByte(elements: [number, number[]][]): Uint8Array {
  const bytes: number[] = [];
  for (const [id, value] of elements) bytes.push(id, value.length, ...value);
  while (bytes.length % 4) bytes.push(0);
  return Uint8Array.from(bytes);
}

/** The extension blocks a hostile peer puts an element of extension `id` in. */
function hostileBlocks(id: number): { profile: number; data: Uint8Array }[] {
  return [
    { profile: 0xbede, data: oneByte([[id, [0x80, 0x7f]]]) }, // two bytes where one is due
    { profile: 0xbede, data: oneByte([[id, Array.from({ length: 16 }, () => 0xff)]]) },
    { profile: 0xbede, data: oneByte([[id, [0xff]]]) }, // every bit set
    { profile: 0xbede, data: oneByte([[id, [0x00]]]) },
    { profile: 0xbede, data: Uint8Array.from([(id << 4) | 3, 1, 2, 0]) }, // runs off the block
    { profile: 0x1000, data: twoByte([[id, []]]) },
    { profile: 0x1000, data: twoByte([[id, [0x85]]]) },
    { profile: 0x1000, data: twoByte([[id, Array.from({ length: 255 }, (_, i) => i)]]) },
    { profile: 0x1000, data: Uint8Array.from([id, 200, 1, 2]) }, // claims 200 bytes, has 2
    {
      profile: 0xbede,
      data: oneByte([
        [id, [0x01]],
        [id, [0x7f]],
      ]),
    }, // the element twice
  ];
}

for (const mode of MODES) {
  describe(`hostile audio level and orientation extensions from an authenticated peer (${mode} mode)`, () => {
    let session: AuthenticatedSession;
    let levels: AudioLevelObserver;
    const volumes: number[] = [];
    const orientations: ProducerVideoOrientation[] = [];

    before(async () => {
      session = await AuthenticatedSession.open(mode, 'udp');
      const audio = await session.producerTransport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(AUDIO_SSRC),
      });
      levels = await session.router.createAudioLevelObserver({ threshold: -127, interval: 250 });
      const speaker = await session.router.createActiveSpeakerObserver({ interval: 100 });
      await levels.addProducer({ producerId: audio.id });
      await speaker.addProducer({ producerId: audio.id });
      levels.on('volumes', (entries) => volumes.push(...entries.map((e) => e.volume)));
      session.producer.on('videoorientationchange', (o) => orientations.push(o));
      assert.ok(await session.normalPacketForwarded(), 'no media before the hostile packets');
    });

    after(() => session.close());

    const opus = (extension: { profile: number; data: Uint8Array }): Buffer =>
      session.rtp({ ssrc: AUDIO_SSRC, payloadType: OPUS_PT, extension, payload: randomBytes(40) });

    test('audio levels of every wrong shape are ignored; real ones are still measured', async () => {
      for (const block of hostileBlocks(AUDIO_LEVEL_ID)) {
        for (let i = 0; i < 20; i++) assert.ok(session.producerPeer.sendRtp(opus(block)));
      }
      assert.ok(await session.workerAnswers(), 'the worker does not answer');
      // Then a real speaker at −10 dBov: enough packets in one interval to be measured.
      const real = { profile: 0xbede, data: oneByte([[AUDIO_LEVEL_ID, [0x80 | 10]]]) };
      const measured = await eventually(() => {
        for (let i = 0; i < 12; i++) session.producerPeer.sendRtp(opus(real));
        return volumes.includes(-10);
      }, 5000);
      assert.ok(measured, `no −10 dBov volume: ${volumes.join(' ')}`);
      for (const volume of volumes) assert.ok(volume >= -127 && volume <= 0, `volume ${volume}`);
    });

    test('orientation bytes of every shape, flipped on every packet: valid events only', async () => {
      for (const block of hostileBlocks(VIDEO_ORIENTATION_ID)) {
        for (let i = 0; i < 10; i++)
          assert.ok(session.producerPeer.sendRtp(session.rtp({ extension: block })));
      }
      for (let i = 0; i < 300; i++) {
        const byte = i & 0x0f; // C, F and both rotation bits in turn
        const extension = { profile: 0xbede, data: oneByte([[VIDEO_ORIENTATION_ID, [byte]]]) };
        assert.ok(session.producerPeer.sendRtp(session.rtp({ extension })));
      }
      assert.ok(await session.workerAnswers(), 'the worker does not answer');
      assert.ok(await eventually(() => orientations.length > 0, 3000), 'no orientation event');
      for (const o of orientations) {
        assert.ok([0, 90, 180, 270].includes(o.rotation), JSON.stringify(o));
        assert.equal(typeof o.camera, 'boolean');
        assert.equal(typeof o.flip, 'boolean');
      }
    });

    test('afterwards the session is intact and nothing was contained', async () => {
      assert.equal(session.worker.died, false);
      assert.equal(session.producerTransport.dtlsState, 'connected');
      const [stats] = await session.producerTransport.getStats();
      const total = Object.values(stats.faults).reduce((a, b) => a + b, 0);
      assert.equal(total, 0, `exceptions were contained: ${JSON.stringify(stats.faults)}`);
      assert.ok(await session.normalPacketForwarded());
    });
  });
}
