/**
 * PipeConsumer in the media plane: every encoding of a producer goes out as its own stream
 * (its SSRC, the producer's timestamps), sequence numbers stay continuous across a pause and
 * over dropped padding-only packets, video restarts on a key frame, and feedback for one
 * encoding's SSRC reaches that encoding only.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PipeConsumer } from '../../../src/rtc/rtp/PipeConsumer.js';
import { RtpPacketView, writeRtpHeader } from '../../../src/protocols/rtp/index.js';
import type { OutgoingHeader } from '../../../src/rtc/rtp/Consumer.js';

const MAPPED = [1000, 2000, 3000];
const OUT = [51, 52, 53];

function setup() {
  const keyFrameRequests: (number | undefined)[] = [];
  const consumer = new PipeConsumer(
    {
      id: 'c',
      producerId: 'p',
      kind: 'video',
      rtpParameters: {
        codecs: [
          {
            mimeType: 'video/VP8',
            payloadType: 100,
            clockRate: 90000,
            rtcpFeedback: [{ type: 'nack', parameter: 'pli' }],
          },
        ],
        encodings: OUT.map((ssrc) => ({ ssrc })),
        headerExtensions: [],
      },
      paused: false,
      producerPaused: false,
      routerIdForUri: () => undefined,
      mappedSsrcs: MAPPED,
    },
    {
      sendRtp: () => undefined,
      sendRetransmission: () => undefined,
      requestProducerKeyFrame: (_c, mappedSsrc) => keyFrameRequests.push(mappedSsrc),
      notifyConsumer: () => undefined,
    },
  );
  consumer.start();
  const header: OutgoingHeader = {
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    marker: false,
  };
  /** A router packet of encoding `layer`; returns the outgoing header, or undefined if skipped. */
  function send(
    layer: number,
    seq: number,
    options: { key?: boolean; padding?: boolean } = {},
  ): OutgoingHeader | undefined {
    const buf = Buffer.alloc(64);
    const length = writeRtpHeader(buf, {
      payloadType: 100,
      sequenceNumber: seq,
      timestamp: seq * 3000,
      ssrc: MAPPED[layer],
      marker: false,
    });
    let end = length;
    if (options.padding) {
      buf[0] |= 0x20;
      buf[end + 3] = 4; // four bytes of padding, no payload (RFC 3550 §5.1)
      end += 4;
    } else {
      buf[end] = 0x10;
      buf[end + 1] = options.key ? 0x10 : 0x11;
      end += 20;
    }
    const view = new RtpPacketView();
    assert.equal(view.wrap(buf.subarray(0, end)), 'ok');
    return consumer.prepare(view, options.key ?? false, header) ? { ...header } : undefined;
  }
  return { consumer, send, keyFrameRequests };
}

describe('PipeConsumer', () => {
  test('every encoding leaves as its own stream with the producer timestamps', () => {
    const { consumer, send } = setup();
    assert.equal(consumer.type, 'pipe');
    assert.deepEqual(consumer.ssrcs, OUT);
    for (let layer = 0; layer < 3; layer++) {
      assert.equal(send(layer, 100, {}), undefined, 'video waits for a key frame');
      const out = send(layer, 101, { key: true });
      assert.equal(out?.ssrc, OUT[layer]);
      assert.equal(out?.timestamp, 101 * 3000);
      assert.equal(send(layer, 102)?.sequenceNumber, ((out?.sequenceNumber ?? 0) + 1) & 0xffff);
    }
  });

  test('sequence numbers continue over padding-only packets and across a pause', () => {
    const { consumer, send } = setup();
    const first = send(0, 10, { key: true })!.sequenceNumber;
    assert.equal(send(0, 11, { padding: true }), undefined, 'padding-only is not forwarded');
    assert.equal(send(0, 12)?.sequenceNumber, (first + 1) & 0xffff, 'no gap for the padding');
    consumer.pause();
    assert.equal(send(0, 13), undefined);
    consumer.resume();
    assert.equal(send(0, 500), undefined, 'after a resume video waits for a key frame');
    assert.equal(send(0, 501, { key: true })?.sequenceNumber, (first + 2) & 0xffff);
  });

  test('a key frame request for one encoding asks the producer for that encoding', () => {
    const { consumer, keyFrameRequests } = setup();
    keyFrameRequests.length = 0;
    consumer.receiveKeyFrameRequest('pli', OUT[1]);
    assert.deepEqual(keyFrameRequests, [MAPPED[1]]);
    consumer.receiveKeyFrameRequest('pli', 12345);
    assert.deepEqual(keyFrameRequests, [MAPPED[1]], 'an SSRC not ours is ignored');
    const stats = consumer.getStats(performance.now());
    assert.deepEqual(
      stats.map((s) => s.pliCount),
      [0, 1, 0],
    );
  });
});
