/**
 * SimulcastConsumer with VP8 temporal layers (RFC 7741 §4.2 TID / Y) and the allocation API:
 * packets through a real rid-only Producer and the consumer, written by the outgoing writer,
 * then read back: what the endpoint would receive.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Vp8Descriptor,
  parseVp8Descriptor,
  RtpPacketView,
} from '../../../src/protocols/rtp/index.js';
import { RtpListener } from '../../../src/rtc/rtp/RtpListener.js';
import { SimulcastConsumer, type ConsumerLayers } from '../../../src/rtc/rtp/SimulcastConsumer.js';
import { writeOutgoingPacket } from '../../../src/rtc/rtp/OutgoingPacketWriter.js';
import { ridOnlyProducer, synthPacket } from './helpers.js';

const SSRCS = [11, 22, 33];
/** L1T3 pattern of TIDs per picture. */
const PATTERN = [0, 2, 1, 2];

interface Out {
  layer: number;
  seq: number;
  pictureId: number;
  tl0PicIdx: number;
  tid: number;
}

function setup(preferredLayers?: { spatialLayer?: number; temporalLayer?: number }) {
  const { producer } = ridOnlyProducer();
  const listener = new RtpListener();
  listener.add(producer);
  const out: Out[] = [];
  const layersChanges: (ConsumerLayers | undefined)[] = [];
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
      requestProducerKeyFrame: () => undefined,
      notifyConsumer: (_c, event, layers) => {
        if (event === 'layerschange') layersChanges.push(layers as ConsumerLayers | undefined);
      },
    },
  );
  const header = { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, marker: false };
  const hop = { midId: 0, mid: new Uint8Array(0), absSendTimeId: 0, transportWideCcId: 0 };
  const wire = Buffer.alloc(1500);
  const outView = new RtpPacketView();
  const d = new Vp8Descriptor();
  const state = [0, 1, 2].map((layer) => ({
    seq: layer * 10_000,
    pictureId: 1000 * (layer + 1),
    tl0: 10 * layer,
    frame: 0,
  }));
  /** One picture (`packets` packets) of `layer` through the producer and the consumer. */
  function picture(
    layer: number,
    options: {
      keyFrame?: boolean;
      tid?: number;
      y?: boolean;
      packets?: number;
      /** Hold back this packet of the picture (lost on the way); `late()` delivers it. */
      hold?: number;
    } = {},
  ): void {
    const st = state[layer];
    const tid = options.tid ?? PATTERN[st.frame % PATTERN.length];
    if (tid === 0 && st.frame > 0) st.tl0 = (st.tl0 + 1) & 0xff;
    st.pictureId = (st.pictureId + 1) & 0x7fff;
    st.frame++;
    for (let i = 0; i < (options.packets ?? 2); i++) {
      const keyFrame = (options.keyFrame ?? false) && i === 0;
      const packet = synthPacket({
        ssrc: SSRCS[layer],
        seq: ++st.seq,
        ts: st.frame * 3000,
        keyFrame,
        mid: '0',
        rid: `r${layer}`,
        vp8: { pictureId: st.pictureId, tl0PicIdx: st.tl0, tid, layerSync: options.y ?? tid > 0 },
      });
      if (options.hold === i) {
        held = { packet, layer };
        continue;
      }
      deliver(packet, layer, keyFrame);
    }
  }
  let held: { packet: RtpPacketView; layer: number } | undefined;
  /** The held-back packet arrives now (a late retransmission). */
  function late(): void {
    if (held) deliver(held.packet, held.layer, false);
    held = undefined;
  }
  function deliver(packet: RtpPacketView, layer: number, keyFrame: boolean): void {
    {
      producer.receiveRtp(packet, performance.now());
      if (!listener.bySsrc(SSRCS[layer])) {
        const found = listener.find(packet);
        if (found) listener.learn(SSRCS[layer], undefined, found);
      }
      if (!consumer.prepare(packet, keyFrame, header)) return;
      const length = writeOutgoingPacket(wire, packet, header, new Uint8Array(256), hop, 0, 0);
      assert.equal(outView.wrap(wire, length), 'ok');
      assert.ok(parseVp8Descriptor(wire, outView.payloadOffset, outView.payloadLength, d));
      out.push({
        layer,
        seq: header.sequenceNumber,
        pictureId: d.pictureId,
        tl0PicIdx: d.tl0PicIdx,
        tid: d.tid,
      });
    }
  }
  consumer.start();
  return { consumer, producer, out, layersChanges, picture, late };
}

/** Sequence numbers +1 per packet; PictureID +1 per picture; TL0PICIDX +1 per TID 0 picture. */
function assertContinuous(out: Out[]): void {
  for (let i = 1; i < out.length; i++) {
    const [a, b] = [out[i - 1], out[i]];
    assert.equal(b.seq, (a.seq + 1) & 0xffff, `seq at ${i}`);
    const samePicture = b.pictureId === a.pictureId;
    if (!samePicture) assert.equal(b.pictureId, (a.pictureId + 1) & 0x7fff, `PictureID at ${i}`);
    const tl0Step = !samePicture && b.tid === 0 ? 1 : 0;
    assert.equal(b.tl0PicIdx, (a.tl0PicIdx + tl0Step) & 0xff, `TL0PICIDX at ${i}`);
  }
}

void describe('SimulcastConsumer: VP8 temporal layers (mediasoup semantics)', () => {
  test('temporal layer 0 only: a quarter of the pictures, PictureID and TL0PICIDX continuous', () => {
    const { consumer, out, picture, layersChanges } = setup({ spatialLayer: 2, temporalLayer: 0 });
    for (const layer of [0, 1, 2]) picture(layer, { tid: 0 });
    consumer.tick(0);
    picture(2, { keyFrame: true, tid: 0 });
    for (let i = 0; i < 15; i++) picture(2);
    assert.ok(out.length > 0 && out.every((o) => o.tid === 0 && o.layer === 2));
    assert.equal(out.length, 2 * (1 + 4)); // the key frame and 4 of the 15 others
    assertContinuous(out);
    assert.deepEqual(consumer.currentLayers, { spatialLayer: 2, temporalLayer: 0 });
    assert.deepEqual(layersChanges, [{ spatialLayer: 2, temporalLayer: 0 }]);
    assert.equal(consumer.dumpFields().targetTemporalLayer, 0);
    assert.equal(consumer.dumpFields().currentTemporalLayer, 0);
  });

  test('up only on a layer sync (Y) picture, down at once', () => {
    const { consumer, out, picture, layersChanges } = setup({ spatialLayer: 1, temporalLayer: 0 });
    for (const layer of [0, 1, 2]) picture(layer, { tid: 0 });
    consumer.tick(0);
    picture(1, { keyFrame: true, tid: 0 });
    consumer.setPreferredLayers({ spatialLayer: 1, temporalLayer: 2 });
    picture(1, { tid: 2, y: false }); // no sync: dropped
    picture(1, { tid: 1, y: false }); // no sync: dropped
    assert.equal(consumer.currentLayers?.temporalLayer, 0);
    picture(1, { tid: 0 });
    picture(1, { tid: 2, y: true }); // sync: up to 2 at once
    assert.deepEqual(consumer.currentLayers, { spatialLayer: 1, temporalLayer: 2 });
    picture(1, { tid: 1, y: false });
    consumer.setPreferredLayers({ spatialLayer: 1, temporalLayer: 1 });
    picture(1, { tid: 2, y: true }); // above the target: dropped
    picture(1, { tid: 1, y: false });
    assert.deepEqual(
      out.map((o) => o.tid),
      [0, 0, 0, 0, 2, 2, 1, 1, 1, 1],
    );
    assertContinuous(out);
    assert.deepEqual(
      layersChanges.map((l) => l?.temporalLayer),
      [0, 2, 1],
    );
  });

  test('a late packet from before dropped pictures keeps its own sequence number', () => {
    const { consumer, out, picture, late } = setup({ spatialLayer: 0, temporalLayer: 0 });
    picture(0, { tid: 0 });
    consumer.tick(0);
    picture(0, { keyFrame: true, tid: 0 });
    picture(0, { tid: 0, hold: 0 }); // its first packet is lost for now
    picture(0, { tid: 2 }); // dropped (above the target)
    picture(0, { tid: 1 }); // dropped
    picture(0, { tid: 0 });
    late();
    // key frame 2 packets, held picture: 1 + late 1, last TID 0 picture: 2.
    const seqs = out.map((o) => o.seq);
    assert.equal(seqs.length, 6);
    const first = seqs[0];
    assert.deepEqual(
      seqs.map((s) => (s - first) & 0xffff),
      [0, 1, 3, 4, 5, 2],
    );
  });

  test('PictureID and TL0PICIDX continue across a spatial switch', () => {
    const { consumer, out, picture } = setup({ spatialLayer: 2, temporalLayer: 2 });
    for (const layer of [0, 1, 2]) picture(layer, { tid: 0 });
    consumer.tick(0);
    picture(2, { keyFrame: true, tid: 0 });
    for (let i = 0; i < 5; i++) picture(2);
    consumer.setPreferredLayers({ spatialLayer: 0, temporalLayer: 2 });
    picture(0);
    picture(0, { keyFrame: true, tid: 0 });
    for (let i = 0; i < 5; i++) picture(0);
    assert.deepEqual([...new Set(out.map((o) => o.layer))], [2, 0]);
    assertContinuous(out);
    assert.equal(out.length, 2 * 12);
  });

  test('increaseLayer: lowest layer first, temporal up, then spatial, never above preferred', () => {
    const { consumer, picture } = setup({ spatialLayer: 1, temporalLayer: 1 });
    for (let i = 0; i < 8; i++)
      for (const layer of [0, 1, 2]) picture(layer, { keyFrame: i === 0, packets: 1 + layer });
    consumer.setExternallyManagedBitrate();
    assert.equal(consumer.bitratePriority, 1);
    const now = performance.now();
    const steps: [number, number][] = [];
    const costs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const used = consumer.increaseLayer(1e9, false, now);
      if (used === 0) break;
      costs.push(used);
      const dump = consumer.dumpFields();
      void dump;
      consumer.applyLayers();
      steps.push([consumer.targetSpatialLayer, consumer.targetTemporalLayer]);
      // Re-run the round up to here (the allocator starts each round from nothing).
      for (let j = 0; j <= i; j++) consumer.increaseLayer(1e9, false, now);
    }
    assert.deepEqual(steps.slice(0, 5), [
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
    ]);
    assert.ok(costs.every((c) => c > 0));
    // A bitrate too small for the first step: nothing.
    consumer.applyLayers();
    assert.equal(consumer.increaseLayer(1, false, now), 0);
    consumer.applyLayers();
    assert.equal(consumer.targetSpatialLayer, -1);
    assert.ok(consumer.desiredBitrate(now) > 0);
  });
});
