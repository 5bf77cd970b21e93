/**
 * Send-side estimation on a real transport: a receiving peer (a UDP socket behind a
 * PlainTransport consumer that negotiated transport-cc) reads the transport-wide sequence
 * numbers of what it receives and sends transport-cc feedback built by Skein's own receive
 * side; `availableOutgoingBitrate` in getStats follows it (a lossy receiver pulls it down;
 * setMaxOutgoingBitrate caps it). And the bitrate setters' validation (mediasoup's).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RtpPacketView, readU16 } from '../../src/protocols/rtp/index.js';
import { writeTransportCc } from '../../src/protocols/rtcp/index.js';
import { TransportCcFeedbackGenerator } from '../../src/rtc/bwe/TransportCcFeedbackGenerator.js';
import { PlainSession } from './plainSession.js';
import { vp8KeyFramePayload } from './authenticatedSession.js';
import { eventually } from './mediaFixtures.js';

const TWCC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

interface BitrateStats {
  availableOutgoingBitrate?: number;
  maxOutgoingBitrate?: number;
  minOutgoingBitrate?: number;
  maxIncomingBitrate?: number;
}

async function stats(session: PlainSession): Promise<BitrateStats> {
  return ((await session.consumerTransport.getStats()) as BitrateStats[])[0];
}

describe('send-side bandwidth estimation on a transport', () => {
  let session: PlainSession;
  before(async () => {
    session = await PlainSession.open('thread', false);
  });
  after(async () => {
    await session.close();
  });

  test('transport-cc feedback from the receiving peer moves availableOutgoingBitrate', async () => {
    const ext = session.consumer.rtpParameters.headerExtensions?.find((e) => e.uri === TWCC_URI);
    assert.ok(ext, 'the consumer negotiated transport-wide-cc');
    assert.equal((await stats(session)).availableOutgoingBitrate, 600_000);
    const generator = new TransportCcFeedbackGenerator({ senderSsrc: 0x1234 });
    const view = new RtpPacketView();
    const out = new Uint8Array(1500);
    let seen = 0;
    const seqs = new Set<number>();
    const sendFeedback = (nowMs: number, due: boolean): void => {
      const packets = due ? generator.takeFeedback(nowMs) : generator.tick(nowMs);
      for (const fb of packets) {
        const n = writeTransportCc(fb, out);
        if (n > 0) session.consumerPeer.sendRtcp(out.subarray(0, n));
      }
    };
    // The receiving peer: record every other packet (50 % loss as it reports it).
    const original = session.consumerPeer.socket.onDatagram!;
    session.consumerPeer.socket.onDatagram = (data: Buffer) => {
      original(data, 0);
      if (data.length < 2 || (data[1] >= 192 && data[1] <= 223)) return;
      if (view.wrap(data) !== 'ok') return;
      const at = view.findExtension(ext.id);
      if (at < 0 || view.foundExtensionLength !== 2) return;
      const seq = readU16(view.buffer, at);
      seqs.add(seq);
      if (seen++ % 2 === 1) return;
      if (generator.record(seq, performance.now(), view.ssrc))
        sendFeedback(performance.now(), true);
    };
    const timer = setInterval(() => sendFeedback(performance.now(), false), 50);
    // ~800 kbit/s offered, ~400 kbit/s acknowledged: the loss-based decrease (never below
    // 0.85 × what was acknowledged) takes the estimate from 600k to under 400k.
    const media = setInterval(() => {
      for (let i = 0; i < 2; i++) {
        session.producerPeer.sendRtp(
          session.rtp({ payload: vp8KeyFramePayload(Buffer.alloc(8), 1000) }),
        );
      }
    }, 20);
    try {
      const dropped = await eventually(async () => {
        const s = await stats(session);
        return (s.availableOutgoingBitrate ?? Infinity) < 400_000;
      }, 15_000);
      const s = await stats(session);
      assert.ok(dropped, `estimate ${s.availableOutgoingBitrate} after ${seen} packets`);
      // Every forwarded packet carried its own transport-wide number.
      assert.ok(seqs.size >= seen * 0.95, `${seqs.size} distinct numbers in ${seen} packets`);
      await session.consumerTransport.setMinOutgoingBitrate(450_000);
      assert.ok(((await stats(session)).availableOutgoingBitrate ?? 0) >= 450_000);
      await session.consumerTransport.setMinOutgoingBitrate(0);
      await session.consumerTransport.setMaxOutgoingBitrate(100_000);
      const capped = await stats(session);
      assert.ok((capped.availableOutgoingBitrate ?? Infinity) <= 100_000);
      assert.equal(capped.maxOutgoingBitrate, 100_000);
    } finally {
      clearInterval(timer);
      clearInterval(media);
      session.consumerPeer.socket.onDatagram = original;
    }
  });

  test('bitrate setters: mediasoup validation of max against min, 0 = unset', async () => {
    const t = session.producerTransport;
    await assert.rejects(t.setMaxOutgoingBitrate(10_000), TypeError);
    await assert.rejects(t.setMinOutgoingBitrate(29_999), TypeError);
    await t.setMinOutgoingBitrate(200_000);
    await assert.rejects(t.setMaxOutgoingBitrate(100_000), TypeError);
    await t.setMaxOutgoingBitrate(300_000);
    await assert.rejects(t.setMinOutgoingBitrate(400_000), TypeError);
    await t.setMinOutgoingBitrate(0);
    await t.setMaxOutgoingBitrate(0);
    await assert.rejects(t.setMaxOutgoingBitrate(-1), TypeError);
    await assert.rejects(t.setMaxIncomingBitrate(1.5), TypeError);
    await assert.rejects(t.setMaxIncomingBitrate('x' as unknown as number), TypeError);
    await t.setMaxIncomingBitrate(500_000);
    await t.setMaxOutgoingBitrate(1_000_000);
    await t.setMinOutgoingBitrate(100_000);
    const s = ((await t.getStats()) as BitrateStats[])[0];
    assert.equal(s.maxIncomingBitrate, 500_000);
    assert.equal(s.maxOutgoingBitrate, 1_000_000);
    assert.equal(s.minOutgoingBitrate, 100_000);
    // A transport without a video consumer runs no estimation.
    assert.equal(s.availableOutgoingBitrate, undefined);
  });
});
