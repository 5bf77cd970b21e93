import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RtpStreamRecv } from '../../../src/rtc/rtpStream/index.js';
import { SimpleConsumer } from '../../../src/rtc/rtp/SimpleConsumer.js';
import { Vp8TemporalFilter } from '../../../src/rtc/rtp/Vp8TemporalFilter.js';
import { synthPacket } from './helpers.js';

function consumer(kind: 'audio' | 'video', stream: RtpStreamRecv): SimpleConsumer {
  return new SimpleConsumer(
    {
      id: 'c',
      producerId: 'p',
      kind,
      rtpParameters: {
        codecs: [
          {
            mimeType: kind === 'video' ? 'video/VP8' : 'audio/opus',
            payloadType: 100,
            clockRate: 90000,
          },
        ],
        encodings: [{ ssrc: 5 }],
        headerExtensions: [],
      },
      paused: false,
      producerPaused: false,
      routerIdForUri: () => undefined,
      producerStream: () => stream,
    },
    {
      sendRtp: () => undefined,
      sendRetransmission: () => undefined,
      requestProducerKeyFrame: () => undefined,
      notifyConsumer: () => undefined,
    },
  );
}

void describe('SimpleConsumer in bitrate allocation (mediasoup semantics)', () => {
  test('video claims its stream bitrate once per round (or what is left); audio takes no part', () => {
    const stream = new RtpStreamRecv({
      ssrc: 1,
      payloadType: 101,
      clockRate: 90000,
      mimeType: 'video/VP8',
    });
    for (let i = 0; i < 10; i++) stream.receivePacket(synthPacket({ ssrc: 1, seq: i }), 100 * i);
    const now = 950;
    const rate = stream.bitrate(now);
    assert.ok(rate > 0);
    const video = consumer('video', stream);
    assert.equal(video.bitratePriority, 1);
    video.priority = 7;
    assert.equal(video.bitratePriority, 7);
    assert.equal(video.increaseLayer(1e9, false, now), rate);
    assert.equal(video.increaseLayer(1e9, false, now), 0, 'once per round');
    video.applyLayers();
    assert.equal(video.increaseLayer(100, false, now), 100, 'no more than is left');
    assert.equal(video.desiredBitrate(now), rate);
    video.pause();
    assert.equal(video.bitratePriority, 0);
    assert.equal(video.desiredBitrate(now), 0);
    const audio = consumer('audio', stream);
    assert.equal(audio.bitratePriority, 0);
    assert.equal(audio.increaseLayer(1e9, false, now), 0);
  });

  test('the VP8 temporal filter never throws on arbitrary payloads', () => {
    const filter = new Vp8TemporalFilter();
    const buf = Buffer.alloc(64);
    let seed = 12345;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      for (let j = 0; j < buf.length; j++) buf[j] = (seed >>> (j % 24)) & 0xff;
      const length = seed % buf.length;
      filter.targetTemporalLayer = seed % 3;
      if (filter.process(buf, 0, length, (seed & 1) === 0) && filter.rewrites)
        filter.rewrite(buf, 0, length);
    }
  });
});
