/**
 * Probation packets as mediasoup sends them and mediasoup-client's probator m-section expects
 * them: SSRC 1234, payload type 127, MID "probator", abs-send-time and the transport-wide
 * sequence number in one-byte extensions, padding only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtpPacketView, readU16 } from '../../../src/protocols/rtp/index.js';
import { TransportBwe } from '../../../src/rtc/bwe/TransportBwe.js';
import {
  PROBE_INTERVAL_MS,
  PROBATION_PACKET_SIZE,
  PROBATION_PAYLOAD_TYPE,
  PROBATION_SSRC,
  Probation,
} from '../../../src/rtc/bwe/Probation.js';

void describe('Probation packets', () => {
  void it('carry the probator SSRC, payload type, MID and the extensions the consumer negotiated', () => {
    const probation = new Probation();
    const out = Buffer.alloc(PROBATION_PACKET_SIZE);
    const ids = { midId: 1, absSendTimeId: 4, transportWideCcId: 5 };
    const view = new RtpPacketView();
    let lastSeq = -1;
    for (const seq of [7, 8, 0xffff]) {
      const length = probation.write(out, ids, seq, 0x123456);
      assert.ok(length > 0 && length <= PROBATION_PACKET_SIZE);
      assert.equal(view.wrap(out, length), 'ok');
      assert.equal(view.ssrc, PROBATION_SSRC);
      assert.equal(view.payloadType, PROBATION_PAYLOAD_TYPE);
      assert.equal(view.marker, false);
      assert.ok(view.hasPadding);
      assert.equal(view.payloadLength, 0, 'padding only');
      assert.equal(Buffer.from(view.getExtension(1)!).toString(), 'probator');
      assert.deepEqual([...view.getExtension(4)!], [0x12, 0x34, 0x56]);
      const at = view.findExtension(5);
      assert.equal(view.foundExtensionLength, 2);
      assert.equal(readU16(view.buffer, at), seq);
      // Its own RTP sequence numbers run on.
      if (lastSeq >= 0) assert.equal(view.sequenceNumber, (lastSeq + 1) & 0xffff);
      lastSeq = view.sequenceNumber;
    }
  });

  void it('leave out extensions the consumer did not negotiate, and need transport-cc', () => {
    const probation = new Probation();
    const out = Buffer.alloc(PROBATION_PACKET_SIZE);
    const view = new RtpPacketView();
    const length = probation.write(out, { midId: 0, absSendTimeId: 0, transportWideCcId: 3 }, 9, 0);
    assert.equal(view.wrap(out, length), 'ok');
    assert.equal(view.getExtension(1), undefined);
    assert.equal(readU16(view.buffer, view.findExtension(3)), 9);
    assert.equal(
      probation.write(out, { midId: 1, absSendTimeId: 4, transportWideCcId: 0 }, 9, 0),
      -1,
    );
    assert.equal(
      probation.write(
        Buffer.alloc(100),
        { midId: 1, absSendTimeId: 4, transportWideCcId: 5 },
        9,
        0,
      ),
      -1,
    );
  });
});

void describe('When a transport probes', () => {
  const wantsMore = {
    kind: 'video' as const,
    bitratePriority: 1,
    desiredBitrate: () => 5_000_000,
    getStats: () => [],
    increaseLayer: () => 0,
    applyLayers: () => undefined,
  };
  const output = { sendPaced: () => 0, sendProbe: () => 0 };

  void it('probes again only after the receiver reported on the last cluster', () => {
    const bwe = new TransportBwe({
      type: 'transport-cc',
      initialAvailableBitrate: 600_000,
      minOutgoingBitrate: 30_000,
      maxOutgoingBitrate: 10_000_000,
      output,
      maxPacketSize: 1500,
    });
    bwe.allocate([wantsMore], 0);
    assert.ok(bwe.probe(0), 'the desired bitrate is above the estimate: a first cluster');
    // No feedback at all (a receiver that never sends transport-cc): no more clusters.
    for (let t = PROBE_INTERVAL_MS; t <= 10 * PROBE_INTERVAL_MS; t += PROBE_INTERVAL_MS) {
      bwe.allocate([wantsMore], t);
      assert.equal(bwe.probe(t), undefined, `t=${t}`);
    }
    // A report comes in: probing resumes at the next interval.
    const t = 11 * PROBE_INTERVAL_MS;
    bwe.onTransportCc(
      {
        kind: 'transport-cc',
        senderSsrc: 1,
        mediaSsrc: 0,
        baseSequenceNumber: 0,
        referenceTime: 0,
        feedbackPacketCount: 0,
        deltas: [1],
      },
      t,
    );
    bwe.allocate([wantsMore], t);
    assert.ok(bwe.probe(t));
    assert.equal(bwe.probe(t + PROBE_INTERVAL_MS), undefined);
  });
});
