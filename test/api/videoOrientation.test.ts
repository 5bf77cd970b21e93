/**
 * Producer `videoorientationchange` (mediasoup's semantics): the `urn:3gpp:video-orientation`
 * extension (3GPP TS 26.114 §7.4.5) of what a producer forwards is reported the first time it
 * is read and whenever camera, flip or rotation change; not while the producer is paused.
 * Synthetic VP8 through a DirectTransport producer, both worker modes.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  createWorker,
  type ProducerVideoOrientation,
  type Router,
  type Worker,
} from '../../src/index.js';
import { RtpPacketView, writeRtpHeader } from '../../src/protocols/rtp/index.js';
import { MODES } from './modes.js';
import { eventually, mediaCodecs, URI } from './mediaFixtures.js';
import { directVp8Parameters } from './directFixtures.js';

const SSRC = 0x0c0c0c0c;
const CVO_ID = 13;

/** A VP8 packet (RFC 7741 §4.2 descriptor, key frame on `key`) with a CVO byte, or none. */
function packet(seq: number, cvo: number | undefined, key: boolean): Buffer {
  const buf = Buffer.alloc(200);
  const n = writeRtpHeader(buf, {
    payloadType: 96,
    sequenceNumber: seq,
    timestamp: seq * 3000,
    ssrc: SSRC,
    marker: true,
    extensions: cvo === undefined ? [] : [{ id: CVO_ID, value: Uint8Array.of(cvo) }],
  });
  buf[n] = 0x10; // S=1, PID 0
  buf[n + 1] = key ? 0x10 : 0x11; // P=0 on a key frame
  return buf;
}

for (const mode of MODES) {
  describe(`Producer videoorientationchange (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker.close());

    test('first value and each change are emitted, repeats and paused packets are not', async () => {
      const input = await router.createDirectTransport();
      const rtpParameters = directVp8Parameters(SSRC);
      rtpParameters.headerExtensions = [{ uri: URI.videoOrientation, id: CVO_ID }];
      const producer = await input.produce({ kind: 'video', rtpParameters });
      const events: ProducerVideoOrientation[] = [];
      const observed: ProducerVideoOrientation[] = [];
      producer.on('videoorientationchange', (o) => events.push(o));
      producer.observer.on('videoorientationchange', (o) => observed.push(o));
      // The router forwards the element to consumers that negotiated it (with their id).
      const output = await router.createDirectTransport();
      const consumer = await output.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      const consumerCvoId = consumer.rtpParameters.headerExtensions!.find(
        (e) => e.uri === URI.videoOrientation,
      )?.id;
      assert.ok(consumerCvoId, 'the router offers the extension');
      const forwarded: number[] = [];
      const view = new RtpPacketView();
      consumer.on('rtp', (rtp) => {
        if (view.wrap(rtp) !== 'ok') return;
        const value = view.getExtension(consumerCvoId);
        if (value?.length === 1) forwarded.push(value[0]);
      });

      let seq = 100;
      // Each burst starts on a key frame: consumers restart on one after the producer resumes.
      const send = (cvo: number | undefined, count: number): void => {
        for (let i = 0; i < count; i++) producer.send(packet(seq++, cvo, i === 0));
      };
      send(0b0000, 5); // front camera, no flip, 0°: reported (the first value read)
      send(undefined, 3); // no element: nothing
      send(0b1101, 5); // back camera, flipped, 90°
      await producer.pause();
      send(0b0010, 5); // paused: not read
      await producer.resume();
      send(0b0011, 5); // front camera, 270°
      assert.ok(await eventually(() => events.length >= 3), `events: ${JSON.stringify(events)}`);
      assert.deepEqual(events, [
        { camera: false, flip: false, rotation: 0 },
        { camera: true, flip: true, rotation: 90 },
        { camera: false, flip: false, rotation: 270 },
      ]);
      assert.deepEqual(observed, events);
      assert.ok(await eventually(() => forwarded.includes(0b0011)), 'forwarded to the consumer');
      assert.ok(!forwarded.includes(0b0010), 'nothing forwarded while paused');
      input.close();
      output.close();
    });

    test('a producer that did not negotiate the extension never emits it', async () => {
      const input = await router.createDirectTransport();
      const producer = await input.produce({
        kind: 'video',
        rtpParameters: directVp8Parameters(SSRC),
      });
      let emitted = 0;
      producer.on('videoorientationchange', () => emitted++);
      for (let seq = 1; seq <= 20; seq++) producer.send(packet(seq, 0b1111, seq === 1));
      // The packets arrived (stats count them) and none was read as an orientation.
      assert.ok(
        await eventually(async () => (await producer.getStats())[0]?.packetCount === 20),
        'the producer received the packets',
      );
      assert.equal(emitted, 0);
      input.close();
    });
  });
}
