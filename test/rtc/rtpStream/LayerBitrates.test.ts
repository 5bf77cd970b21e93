import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RtpPacketView, writeRtpHeader } from '../../../src/protocols/rtp/index.js';
import { LayerBitrates, RtpStreamRecv } from '../../../src/rtc/rtpStream/index.js';

void describe('per-layer bitrates (mediasoup RtpStreamRecv GetBitrate / GetLayerBitrate)', () => {
  test('layer, cumulative and spatial-layer sums; a layer not received prices 0', () => {
    const rates = new LayerBitrates();
    for (let i = 0; i < 10; i++) {
      rates.update(0, 0, 1000, 100 * i);
      rates.update(0, 1, 500, 100 * i);
      rates.update(1, 0, 2000, 100 * i);
    }
    const now = 950;
    assert.equal(rates.layerBitrate(now, 0, 0), 80_000);
    assert.equal(rates.layerBitrate(now, 0, 1), 40_000);
    assert.equal(rates.bitrate(now, 0, 1), 120_000);
    assert.equal(rates.bitrate(now, 1, 0), 120_000 + 160_000);
    assert.equal(rates.spatialLayerBitrate(now, 0), 120_000);
    assert.equal(rates.bitrate(now, 1, 1), 0, 'not received');
    assert.equal(rates.layerBitrate(now, 9, 0), 0);
    assert.equal(rates.bitrate(now + 2000, 0, 0), 0, 'the window moved on');
  });

  test('a VP8 receive stream counts packets by their TID', () => {
    const recv = new RtpStreamRecv({
      ssrc: 1,
      payloadType: 96,
      clockRate: 90000,
      mimeType: 'video/VP8',
    });
    const view = new RtpPacketView();
    for (let i = 0; i < 8; i++) {
      const buf = Buffer.alloc(200);
      const at = writeRtpHeader(buf, {
        payloadType: 96,
        sequenceNumber: i,
        timestamp: i * 3000,
        ssrc: 1,
      });
      const tid = [0, 2, 1, 2][i % 4];
      // X=1 S=1 | T=1 | TID
      buf.set([0x90, 0x20, tid << 6, 0x01, 0, 0, 0, 0], at);
      assert.equal(view.wrap(buf, at + 8 + 80), 'ok');
      recv.receivePacket(view, 10 * i);
    }
    const now = 100;
    assert.ok(recv.layerBitrate(now, 0, 0) > 0);
    assert.equal(recv.layerBitrate(now, 0, 2), 2 * recv.layerBitrate(now, 0, 1));
    assert.equal(recv.layersBitrate(now, 0, 2), recv.bitrate(now));
    assert.equal(recv.spatialLayerBitrate(now, 1), 0);
  });
});
