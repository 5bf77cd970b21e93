import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RtpListener } from '../../../src/rtc/rtp/RtpListener.js';
import { SimulcastConsumer, type ConsumerLayers } from '../../../src/rtc/rtp/SimulcastConsumer.js';
import type { RtpPacketView } from '../../../src/protocols/rtp/index.js';
import { ridOnlyProducer, synthPacket } from './helpers.js';

const SSRCS = [11, 22, 33];

/** A rid-only producer feeding one simulcast consumer; what goes out is recorded. */
function setup(preferredLayers?: { spatialLayer: number }) {
  const { producer } = ridOnlyProducer();
  const listener = new RtpListener();
  listener.add(producer);
  const out: { seq: number; ts: number; layer: number }[] = [];
  const layersChanges: (ConsumerLayers | undefined)[] = [];
  const keyFrameRequests: (number | undefined)[] = [];
  const consumer = new SimulcastConsumer(
    {
      id: 'c',
      producerId: producer.id,
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 100, clockRate: 90000 }],
        encodings: [{ ssrc: 5555, scalabilityMode: 'L3T3' }],
        headerExtensions: [],
      },
      paused: false,
      producerPaused: false,
      routerIdForUri: () => undefined,
      layerSsrcs: producer.mappedSsrcs,
      preferredLayers,
      layerStream: (layer) => producer.streamOfEncoding(layer)?.recv,
    },
    {
      sendRtp: () => undefined,
      sendRetransmission: () => undefined,
      requestProducerKeyFrame: (_c, mappedSsrc) => keyFrameRequests.push(mappedSsrc),
      notifyConsumer: (_c, event, layers) => {
        if (event === 'layerschange') layersChanges.push(layers as ConsumerLayers | undefined);
      },
    },
  );
  const header = { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, marker: false };
  const seqs = [0, 0, 0];
  /** One packet of `layer` through the producer and the consumer (as the router does). */
  function send(layer: number, keyFrame = false, ts?: number): void {
    const seq = (seqs[layer] += 1) + layer * 10_000;
    const packet: RtpPacketView = synthPacket({
      ssrc: SSRCS[layer],
      seq,
      ts: ts ?? seq * 3000,
      keyFrame,
      mid: '0',
      rid: `r${layer}`,
    });
    producer.receiveRtp(packet, performance.now());
    const found = listener.bySsrc(SSRCS[layer]) ?? listener.find(packet);
    if (!listener.bySsrc(SSRCS[layer]) && found) listener.learn(SSRCS[layer], undefined, found);
    if (consumer.prepare(packet, keyFrame, header)) {
      out.push({ seq: header.sequenceNumber, ts: header.timestamp, layer });
    }
  }
  consumer.start();
  return { consumer, producer, out, layersChanges, keyFrameRequests, send };
}

void describe('SimulcastConsumer: one spatial layer at a time (mediasoup semantics)', () => {
  test('forwards the highest active layer, starting on its key frame', () => {
    const { consumer, out, layersChanges, send } = setup();
    assert.equal(consumer.type, 'simulcast');
    assert.deepEqual(consumer.preferredLayers, { spatialLayer: 2, temporalLayer: 2 });
    for (const layer of [0, 1, 2]) send(layer);
    consumer.tick(0);
    assert.equal(consumer.targetSpatialLayer, 2);
    send(0, true); // a key frame of a layer that is not the target: ignored
    send(2);
    send(2, true);
    send(2);
    send(1);
    assert.deepEqual(
      out.map((o) => o.layer),
      [2, 2],
    );
    // VP8 without TID is temporal layer 0 (mediasoup reports the same).
    assert.deepEqual(layersChanges, [{ spatialLayer: 2, temporalLayer: 0 }]);
    assert.deepEqual(consumer.currentLayers, { spatialLayer: 2, temporalLayer: 0 });
  });

  test('switches down and up only on key frames; sequence numbers stay continuous and timestamps monotonic', () => {
    const { consumer, out, layersChanges, keyFrameRequests, send } = setup();
    for (const layer of [0, 1, 2]) send(layer);
    consumer.tick(0);
    send(2, true);
    send(2);
    keyFrameRequests.length = 0;
    assert.deepEqual(consumer.setPreferredLayers({ spatialLayer: 0 }), {
      spatialLayer: 0,
      temporalLayer: 2,
    });
    // The switch asks for a key frame of layer 0 (its router SSRC).
    assert.deepEqual(keyFrameRequests, [1000]);
    send(2); // still layer 2 until layer 0 has a key frame
    send(0);
    send(0, true);
    send(0);
    send(2);
    assert.deepEqual(consumer.currentLayers, { spatialLayer: 0, temporalLayer: 0 });
    consumer.setPreferredLayers({ spatialLayer: 5 }); // clamped to 2
    assert.deepEqual(consumer.preferredLayers, { spatialLayer: 2, temporalLayer: 2 });
    send(2);
    send(2, true);
    send(2);
    assert.deepEqual(
      out.map((o) => o.layer),
      [2, 2, 2, 0, 0, 2, 2],
    );
    for (let i = 1; i < out.length; i++) {
      assert.equal(out[i].seq, (out[i - 1].seq + 1) & 0xffff, `seq continuous at ${i}`);
      assert.ok(((out[i].ts - out[i - 1].ts) | 0) > 0, `timestamp increases at ${i}`);
    }
    assert.deepEqual(
      layersChanges.map((l) => l?.spatialLayer),
      [2, 0, 2],
    );
  });

  test('timestamps follow the sender reports across a switch (RFC 3550 §6.4.1)', () => {
    const { consumer, producer, out, send } = setup();
    for (const layer of [0, 1, 2]) send(layer);
    consumer.tick(0);
    // Layer 2's RTP clock starts at 0, layer 0's at 1e6; both report the same NTP instant.
    const ntp = { ntpSeconds: 3_900_000_000, ntpFraction: 0 };
    producer.receiveSenderReport({ ...ntp, ssrc: 33, rtpTimestamp: 0 } as never, 0);
    producer.receiveSenderReport({ ...ntp, ssrc: 11, rtpTimestamp: 1_000_000 } as never, 0);
    send(2, true, 90_000); // 1 s after the SR instant
    consumer.setPreferredLayers({ spatialLayer: 0 });
    send(0, true, 1_000_000 + 93_000); // 1.0333 s after it
    assert.equal(out.length, 2);
    assert.equal(out[1].ts - out[0].ts, 3000);
  });

  test('pausing clears the current layers; resuming waits for a key frame again', () => {
    const { consumer, out, layersChanges, send } = setup({ spatialLayer: 1 });
    for (const layer of [0, 1, 2]) send(layer);
    consumer.tick(0);
    send(1, true);
    consumer.pause();
    assert.equal(consumer.currentLayers, undefined);
    consumer.resume();
    send(1);
    send(1, true);
    assert.deepEqual(
      out.map((o) => o.layer),
      [1, 1],
    );
    assert.deepEqual(layersChanges, [
      { spatialLayer: 1, temporalLayer: 0 },
      undefined,
      { spatialLayer: 1, temporalLayer: 0 },
    ]);
  });
});
