/**
 * SvcConsumer on synthesized VP9 SVC pictures (RFC 9628 §4.2 non-flexible mode: PictureID,
 * TID/U/SID/D, TL0PICIDX), through a real Producer receive stream (per-layer bitrates) and
 * the consumer; what would go out is recorded (layer indices, sequence number, marker).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RtpPacketView, writeRtpHeader } from '../../../src/protocols/rtp/index.js';
import { Producer } from '../../../src/rtc/rtp/Producer.js';
import { SvcConsumer } from '../../../src/rtc/rtp/SvcConsumer.js';
import type { ConsumerLayers } from '../../../src/rtc/rtp/Consumer.js';
import { createConsumer } from '../../../src/rtc/rtp/createConsumer.js';

const PATTERN = [0, 2, 1, 2];

function setup(scalabilityMode: string, preferredLayers?: ConsumerLayers) {
  const producer = new Producer(
    {
      id: 'p',
      kind: 'video',
      rtpParameters: {
        mid: '0',
        codecs: [{ mimeType: 'video/VP9', payloadType: 98, clockRate: 90000 }],
        headerExtensions: [],
        encodings: [{ ssrc: 42, scalabilityMode }],
        rtcp: { cname: 'x' },
      },
      rtpMapping: {
        codecs: [{ payloadType: 98, mappedPayloadType: 98 }],
        encodings: [{ ssrc: 42, mappedSsrc: 4200 }],
      },
      paused: false,
      keyFrameRequestDelay: 0,
      routerIdForUri: () => undefined,
    },
    {
      onRtp: () => undefined,
      onNack: () => undefined,
      onKeyFrameRequest: () => undefined,
      onScore: () => undefined,
      onTrace: () => undefined,
      onVideoOrientationChange: () => undefined,
    },
  );
  assert.equal(producer.type, 'svc');
  const layersChanges: (ConsumerLayers | undefined)[] = [];
  const keyFrameRequests: number[] = [];
  const consumer = createConsumer(
    {
      id: 'c',
      producer,
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP9', payloadType: 98, clockRate: 90000 }],
        encodings: [{ ssrc: 777, scalabilityMode }],
        headerExtensions: [],
      },
      paused: false,
      preferredLayers,
      routerIdForUri: () => undefined,
      pipe: false,
    },
    {
      sendRtp: () => undefined,
      sendRetransmission: () => undefined,
      requestProducerKeyFrame: () => keyFrameRequests.push(1),
      notifyConsumer: (_c, event, layers) => {
        if (event === 'layerschange') layersChanges.push(layers as ConsumerLayers | undefined);
      },
    },
  ) as SvcConsumer;
  assert.ok(consumer instanceof SvcConsumer);
  const out: { sid: number; tid: number; seq: number; marker: boolean; picture: number }[] = [];
  const header = { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, marker: false };
  let seq = 100;
  let pictureId = 300;
  let tl0 = 0;
  let frame = 0;
  /** One superframe: one packet per spatial layer, the RTP marker on the top one. */
  function picture(options: { keyFrame?: boolean } = {}): void {
    const tid = options.keyFrame ? 0 : PATTERN[frame % PATTERN.length];
    if (tid === 0 && frame > 0) tl0 = (tl0 + 1) & 0xff;
    frame++;
    pictureId = (pictureId + 1) & 0x7fff;
    for (let sid = 0; sid < 3; sid++) {
      const predicted = !options.keyFrame;
      // I|P|L|F=0|B|E|V=0|Z=0, M + 15-bit PictureID, TID|U|SID|D, TL0PICIDX.
      const payload = [
        0x80 | (predicted ? 0x40 : 0) | 0x20 | 0x08 | 0x04,
        0x80 | (pictureId >> 8),
        pictureId & 0xff,
        (tid << 5) | (tid > 0 ? 0x10 : 0) | (sid << 1) | (sid > 0 ? 1 : 0),
        tl0,
        0xaa,
        0xbb,
      ];
      const buf = Buffer.alloc(200);
      const at = writeRtpHeader(buf, {
        payloadType: 98,
        sequenceNumber: ++seq & 0xffff,
        timestamp: frame * 3000,
        ssrc: 42,
        marker: sid === 2,
        extensions: [],
      });
      buf.set(payload, at);
      const view = new RtpPacketView();
      assert.equal(view.wrap(buf, at + payload.length), 'ok');
      producer.receiveRtp(view, performance.now());
      const keyFrame = !predicted && sid === 0;
      if (consumer.prepare(view, keyFrame, header)) {
        out.push({ sid, tid, seq: header.sequenceNumber, marker: header.marker, picture: frame });
      }
    }
  }
  /** One packet with an arbitrary payload (hostile or malformed input). */
  function raw(payload: Uint8Array, keyFrame: boolean): boolean {
    const buf = Buffer.alloc(1600);
    const at = writeRtpHeader(buf, {
      payloadType: 98,
      sequenceNumber: ++seq & 0xffff,
      timestamp: seq * 100,
      ssrc: 42,
      extensions: [],
    });
    buf.set(payload, at);
    const view = new RtpPacketView();
    if (view.wrap(buf, at + payload.length) !== 'ok') return false;
    producer.receiveRtp(view, performance.now());
    const sent = consumer.prepare(view, keyFrame, header);
    if (sent)
      out.push({
        sid: -1,
        tid: -1,
        seq: header.sequenceNumber,
        marker: header.marker,
        picture: -1,
      });
    return sent;
  }
  consumer.start();
  return { consumer, out, layersChanges, keyFrameRequests, picture, raw };
}

function assertSeqContinuous(out: { seq: number }[]): void {
  for (let i = 1; i < out.length; i++)
    assert.equal(out[i].seq, (out[i - 1].seq + 1) & 0xffff, `${i}`);
}

/** Every picture ends with exactly one marker, on its last forwarded packet. */
function assertMarkers(out: { marker: boolean; picture: number }[]): void {
  for (let i = 0; i < out.length; i++) {
    const last = i === out.length - 1 || out[i + 1].picture !== out[i].picture;
    assert.equal(out[i].marker, last, `marker at ${i}`);
  }
}

void describe('SvcConsumer: VP9 spatial and temporal layers (mediasoup semantics)', () => {
  test('L3T3: all layers, then spatial 0 without a key frame (full SVC), markers on the top forwarded layer', () => {
    const { consumer, out, picture, layersChanges } = setup('L3T3');
    assert.equal(consumer.type, 'svc');
    assert.deepEqual(consumer.preferredLayers, { spatialLayer: 2, temporalLayer: 2 });
    picture();
    consumer.tick(performance.now());
    assert.deepEqual(consumer.targetLayers, { spatialLayer: 2, temporalLayer: 2 });
    picture(); // not a key frame: nothing yet
    assert.equal(out.length, 0);
    picture({ keyFrame: true });
    for (let i = 0; i < 4; i++) picture();
    assert.equal(out.length, 15);
    assert.deepEqual(consumer.currentLayers, { spatialLayer: 2, temporalLayer: 2 });
    consumer.setPreferredLayers({ spatialLayer: 0, temporalLayer: 2 });
    const before = out.length;
    for (let i = 0; i < 4; i++) picture();
    assert.ok(out.slice(before).every((o) => o.sid === 0));
    assert.equal(out.length - before, 4);
    assertSeqContinuous(out);
    assertMarkers(out);
    // Down at the end of a spatial layer 0 frame (temporal restarts at 0, climbs at U points).
    assert.deepEqual(layersChanges.at(-1), { spatialLayer: 0, temporalLayer: 2 });
    assert.deepEqual(consumer.currentLayers, { spatialLayer: 0, temporalLayer: 2 });
  });

  test('temporal layer 0 only: a quarter of the pictures', () => {
    const { consumer, out, picture } = setup('L3T3', { spatialLayer: 2, temporalLayer: 0 });
    picture();
    consumer.tick(performance.now());
    picture({ keyFrame: true });
    for (let i = 0; i < 15; i++) picture();
    assert.ok(out.every((o) => o.tid === 0));
    assert.equal(out.length, 3 * (1 + 4));
    assertSeqContinuous(out);
    assertMarkers(out);
  });

  test('up needs a key frame; K-SVC: down too, and only the current spatial layer between key frames', () => {
    const { consumer, out, picture, keyFrameRequests } = setup('L3T3_KEY', {
      spatialLayer: 0,
      temporalLayer: 2,
    });
    assert.ok(consumer.ksvc);
    picture();
    consumer.tick(performance.now());
    picture({ keyFrame: true });
    picture();
    assert.deepEqual(
      out.map((o) => o.sid),
      [0, 0],
    );
    keyFrameRequests.length = 0;
    consumer.setPreferredLayers({ spatialLayer: 2, temporalLayer: 2 });
    assert.equal(keyFrameRequests.length, 1, 'asks for a key frame to go up');
    picture();
    assert.equal(consumer.currentLayers?.spatialLayer, 0);
    picture({ keyFrame: true });
    assert.equal(consumer.currentLayers?.spatialLayer, 2);
    const afterKey = out.length;
    picture();
    picture();
    // Between key frames only spatial layer 2 (K-SVC: it does not need the lower ones).
    assert.deepEqual(
      out.slice(afterKey).map((o) => o.sid),
      [2, 2],
    );
    keyFrameRequests.length = 0;
    consumer.setPreferredLayers({ spatialLayer: 1, temporalLayer: 2 });
    assert.equal(keyFrameRequests.length, 1, 'K-SVC asks for a key frame to go down');
    picture();
    assert.equal(consumer.currentLayers?.spatialLayer, 2, 'waits for the key frame');
    picture({ keyFrame: true });
    picture();
    assert.equal(consumer.currentLayers?.spatialLayer, 1);
    assertSeqContinuous(out);
    assertMarkers(out);
  });

  test('increaseLayer: (0,0), temporal up, then spatial; applyLayers makes them the target', () => {
    const { consumer, picture } = setup('L3T3', { spatialLayer: 1, temporalLayer: 2 });
    for (let i = 0; i < 8; i++) picture({ keyFrame: i === 0 });
    consumer.setExternallyManagedBitrate();
    assert.equal(consumer.bitratePriority, 1);
    const now = performance.now();
    const steps: string[] = [];
    for (let round = 1; round <= 8; round++) {
      let used = 0;
      for (let i = 0; i < round; i++) used = consumer.increaseLayer(1e9, false, now);
      consumer.applyLayers();
      if (used === 0) break;
      const t = consumer.targetLayers;
      steps.push(`${t.spatialLayer}:${t.temporalLayer}`);
    }
    assert.deepEqual(steps, ['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
    assert.equal(consumer.increaseLayer(10, false, now), 0, 'too little for the first step');
    consumer.applyLayers();
    assert.equal(consumer.targetLayers.spatialLayer, -1);
    assert.ok(consumer.desiredBitrate(now) > 0);
  });

  test('arbitrary payloads: never throws; what goes out stays in sequence', () => {
    for (const mode of ['L3T3', 'L3T3_KEY', 'L1T3']) {
      const { consumer, out, picture, raw } = setup(mode);
      picture();
      consumer.tick(performance.now());
      picture({ keyFrame: true });
      let x = 7;
      for (let i = 0; i < 3000; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        const payload = new Uint8Array(1 + (x % 40));
        for (let j = 0; j < payload.length; j++) payload[j] = (x >>> (j % 25)) & 0xff;
        raw(payload, (x & 0x30) === 0);
        if (i % 500 === 0) consumer.tick(performance.now());
      }
      assert.ok(out.length > 100, `${mode}: ${out.length} forwarded`);
      for (let i = 1; i < out.length; i++) {
        assert.equal(out[i].seq, (out[i - 1].seq + 1) & 0xffff, `${mode} seq at ${i}`);
      }
    }
  });
});
