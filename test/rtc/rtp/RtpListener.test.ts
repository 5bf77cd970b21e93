import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RtpListener } from '../../../src/rtc/rtp/RtpListener.js';
import { MAPPED, RTX_PT, ridOnlyProducer, synthPacket } from './helpers.js';

/** What WebRtcTransport does with a packet: SSRC table, else MID/rid lookup, then learn. */
function receive(listener: RtpListener, packet: ReturnType<typeof synthPacket>): string {
  const ssrc = packet.ssrc;
  let producer = listener.bySsrc(ssrc);
  const learning = !producer;
  producer ??= listener.find(packet);
  const outcome = producer ? producer.receiveRtp(packet, 0) : 'unknown';
  if (learning && producer && outcome !== 'unknown') listener.learn(ssrc, undefined, producer);
  return outcome;
}

void describe('SSRC learning from rid (RFC 8852) and MID (RFC 8843)', () => {
  test('a rid-only simulcast producer learns each encoding SSRC from the rid extension', () => {
    const { producer, recorded } = ridOnlyProducer();
    assert.equal(producer.type, 'simulcast');
    assert.equal(producer.streams.length, 0);
    const listener = new RtpListener();
    listener.add(producer);
    // Learned in any order; streams stay in encoding order.
    assert.equal(
      receive(listener, synthPacket({ ssrc: 33, seq: 1, mid: '0', rid: 'r2' })),
      'media',
    );
    assert.equal(
      receive(listener, synthPacket({ ssrc: 11, seq: 1, mid: '0', rid: 'r0' })),
      'media',
    );
    assert.equal(
      receive(listener, synthPacket({ ssrc: 22, seq: 1, mid: '0', rid: 'r1' })),
      'media',
    );
    assert.deepEqual(
      producer.streams.map((s) => [s.encodingIdx, s.ssrc, s.rid]),
      [
        [0, 11, 'r0'],
        [1, 22, 'r1'],
        [2, 33, 'r2'],
      ],
    );
    // Later packets carry no extensions (libwebrtc stops sending them): the SSRC table knows them.
    assert.equal(receive(listener, synthPacket({ ssrc: 22, seq: 2 })), 'media');
    assert.equal(listener.bySsrc(22), producer);
    // Forwarded with the router's SSRC of each encoding.
    assert.deepEqual(
      recorded.rtp.map((r) => r.ssrc),
      [MAPPED[2], MAPPED[0], MAPPED[1], MAPPED[1]],
    );
    assert.deepEqual(
      producer.scores.map((s) => s.rid),
      ['r0', 'r1', 'r2'],
    );
    assert.equal(producer.getStats(0).length, 3);
  });

  test('RTX SSRCs are learned from repaired-rid once the media stream exists (RFC 4588)', () => {
    const { producer } = ridOnlyProducer();
    const listener = new RtpListener();
    listener.add(producer);
    // RTX before its media stream is unknown (as in mediasoup).
    const early = synthPacket({ ssrc: 111, seq: 7, pt: RTX_PT, mid: '0', rrid: 'r0', osn: 1 });
    assert.equal(receive(listener, early), 'unknown');
    receive(listener, synthPacket({ ssrc: 11, seq: 1, mid: '0', rid: 'r0' }));
    receive(listener, synthPacket({ ssrc: 11, seq: 3, mid: '0', rid: 'r0' }));
    const rtx = synthPacket({ ssrc: 111, seq: 8, pt: RTX_PT, mid: '0', rrid: 'r0', osn: 2 });
    assert.equal(receive(listener, rtx), 'rtx');
    assert.equal(producer.streams[0].rtxSsrc, 111);
    assert.equal(listener.bySsrc(111), producer);
    assert.equal(producer.getStats(0)[0].rtxSsrc, 111);
  });

  test('a rid no encoding has, or a media packet without rid, teaches nothing', () => {
    const { producer } = ridOnlyProducer();
    const listener = new RtpListener();
    listener.add(producer);
    assert.equal(
      receive(listener, synthPacket({ ssrc: 5, seq: 1, mid: '0', rid: 'r9' })),
      'unknown',
    );
    assert.equal(receive(listener, synthPacket({ ssrc: 6, seq: 1, mid: '0' })), 'unknown');
    assert.equal(
      receive(listener, synthPacket({ ssrc: 7, seq: 1, mid: '9', rid: 'r0' })),
      'unknown',
    );
    assert.equal(producer.streams.length, 0);
    assert.equal(listener.size, 0);
  });

  test('an encoding keeps the first SSRC it learned; a flood of new SSRCs does not grow the table', () => {
    const { producer } = ridOnlyProducer();
    const listener = new RtpListener();
    listener.add(producer);
    for (let i = 0; i < 10_000; i++) {
      receive(listener, synthPacket({ ssrc: 1000 + i, seq: 1, mid: '0', rid: `r${i % 3}` }));
      receive(listener, synthPacket({ ssrc: 900_000 + i, seq: 1, rid: 'r1' }));
    }
    // As mediasoup's listener, a rid without MID names the producer too: r1 learned 900000,
    // sent before 1001.
    assert.deepEqual(
      producer.streams.map((s) => s.ssrc),
      [1000, 900_000, 1002],
    );
    assert.equal(listener.size, 3);
  });

  test('without MID, the rid finds the producer (RFC 8853 simulcast)', () => {
    const { producer } = ridOnlyProducer();
    delete (producer.rtpParameters as { mid?: string }).mid;
    const listener = new RtpListener();
    listener.add(producer);
    assert.equal(receive(listener, synthPacket({ ssrc: 44, seq: 1, rid: 'r1' })), 'media');
    assert.equal(producer.streams[0].encodingIdx, 1);
  });

  test('removing a producer forgets its learned SSRCs', () => {
    const { producer } = ridOnlyProducer();
    const listener = new RtpListener();
    listener.add(producer);
    receive(listener, synthPacket({ ssrc: 11, seq: 1, mid: '0', rid: 'r0' }));
    assert.equal(listener.size, 1);
    listener.remove(producer);
    assert.equal(listener.size, 0);
    assert.equal(listener.find(synthPacket({ ssrc: 12, seq: 1, mid: '0', rid: 'r0' })), undefined);
  });
});
