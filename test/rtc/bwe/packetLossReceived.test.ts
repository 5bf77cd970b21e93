/**
 * rtpPacketLossReceived and availableIncomingBitrate as mediasoup 3.19.3 computes them
 * (TransportCongestionControlServer): which producer starts receive-side estimation, one loss
 * sample per transport-cc feedback sent, the weighted average of the last 24 samples. The
 * figures 0.2 then 0.0667 are what mediasoup 3.19.3 reported for the same feedback (10
 * sequence numbers with 2 missing, then 10 with none), measured on 2026-12-01.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PacketLossHistory } from '../../../src/rtc/bwe/PacketLossHistory.js';
import { TransportBitrate } from '../../../src/rtc/transport/TransportBitrate.js';
import type { Producer } from '../../../src/rtc/rtp/Producer.js';
import type { RtpParameters } from '../../../src/ortc/index.js';
import { writeTransportCc, type TransportCcFeedback } from '../../../src/protocols/rtcp/index.js';
import { TransportBwe } from '../../../src/rtc/bwe/TransportBwe.js';

const TWCC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01' as const;
const AST = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' as const;

function producer(uri: typeof TWCC | typeof AST | undefined, feedback: string[]): Producer {
  const rtpParameters: RtpParameters = {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 101,
        clockRate: 90000,
        rtcpFeedback: feedback.map((type) => ({ type })),
      },
    ],
    headerExtensions: uri ? [{ uri, id: 5 }] : [],
    encodings: [{ ssrc: 1111 }],
  };
  return { rtpParameters } as unknown as Producer;
}

function bitrate(): TransportBitrate {
  return new TransportBitrate({ output: {} as never, onBwe: () => {} });
}

function feedback(deltas: (number | null)[]): TransportCcFeedback {
  return {
    kind: 'transport-cc',
    senderSsrc: 1,
    mediaSsrc: 1111,
    baseSequenceNumber: 0,
    referenceTime: 0,
    feedbackPacketCount: 0,
    deltas,
  };
}

const tenWithTwoLost = [4, 4, 4, null, 4, 4, 4, null, 4, 4];

void describe('rtpPacketLossReceived (mediasoup 3.19.3)', () => {
  void it('weights the last 24 samples 1 (oldest) to n (newest)', () => {
    const h = new PacketLossHistory();
    assert.equal(h.value, 0);
    h.add(2, 10);
    assert.equal(h.value, 0.2);
    h.add(0, 10);
    assert.ok(Math.abs(h.value - 0.2 / 3) < 1e-12);
    h.add(5, 0); // nothing covered: no sample
    assert.ok(Math.abs(h.value - 0.2 / 3) < 1e-12);
    // The lossy sample is the oldest of 24, then pushed out.
    for (let i = 0; i < 22; i++) h.add(0, 10);
    assert.ok(h.value > 0);
    h.add(0, 10);
    assert.equal(h.value, 0);
    h.add(10, 10);
    assert.ok(Math.abs(h.value - 24 / 300) < 1e-12);
  });

  void it('absent without a producer that allows receive-side estimation', () => {
    const b = bitrate();
    b.addProducer(producer(undefined, ['transport-cc']));
    b.addProducer(producer(TWCC, ['nack'])); // extension without the feedback
    b.addProducer(producer(AST, ['transport-cc']));
    b.transportCcSent(feedback(tenWithTwoLost));
    assert.equal(b.availableIncomingBitrate, undefined);
    assert.equal(b.packetLossReceived, undefined);
  });

  void it('transport-cc: incoming estimate 0 (the sender estimates), loss from feedback sent', () => {
    const b = bitrate();
    b.addProducer(producer(TWCC, ['nack', 'transport-cc']));
    assert.equal(b.availableIncomingBitrate, 0);
    assert.equal(b.packetLossReceived, 0);
    b.transportCcSent(feedback(tenWithTwoLost));
    assert.equal(b.packetLossReceived, 0.2);
    b.transportCcSent(feedback([4, 4, 4, 4, 4, 4, 4, 4, 4, 4]));
    assert.ok(Math.abs((b.packetLossReceived ?? NaN) - 0.06666666666666667) < 1e-12);
    // Later producers do not change the kind.
    b.addProducer(producer(AST, ['goog-remb']));
    assert.equal(b.availableIncomingBitrate, 0);
  });

  void it('goog-remb: loss stays 0; the abs-send-time estimate is not computed', () => {
    const b = bitrate();
    b.addProducer(producer(AST, ['goog-remb']));
    b.transportCcSent(feedback(tenWithTwoLost));
    assert.equal(b.packetLossReceived, 0);
    assert.equal(b.availableIncomingBitrate, undefined);
  });
});

void describe('rtpPacketLossSent (mediasoup 3.19.3: TransportCongestionControlClient)', () => {
  void it('one sample per transport-cc feedback received, the same weighted history', () => {
    const b = bitrate();
    assert.equal(b.packetLossSent, undefined, 'no send-side estimation yet');
    b.bwe = new TransportBwe({
      type: 'transport-cc',
      initialAvailableBitrate: 600_000,
      minOutgoingBitrate: 30_000,
      maxOutgoingBitrate: 10_000_000,
      output: { sendPaced: () => 0, sendProbe: () => 0 },
      maxPacketSize: 1500,
    });
    assert.equal(b.packetLossSent, 0);
    const out = Buffer.alloc(200);
    const received = (deltas: (number | null)[], nowMs: number): void => {
      const length = writeTransportCc(feedback(deltas), out);
      assert.ok(length > 0);
      assert.equal(b.receiveTransportCc(out.subarray(0, length), nowMs), 0);
    };
    received(tenWithTwoLost, 0);
    assert.equal(b.packetLossSent, 0.2);
    received([4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 100);
    assert.ok(Math.abs((b.packetLossSent ?? NaN) - 0.2 / 3) < 1e-12);
  });
});
