/**
 * Trace events and scores with real mediasoup-client peers in headless Chromium: page A
 * publishes the fake camera, page B consumes it. The producer's `rtp`/`keyframe` traces match
 * the packets Chromium sent (sequence numbers advance, a key frame follows requestKeyFrame());
 * the consumer's traces see B's NACKs and PLIs; a 3 s outage of the link toward B (every packet,
 * resends too, dropped) lowers the consumer's `score` event below 10, and it climbs back to 10
 * once the link is clean. Thread mode (the worker modes differ only in the channel, covered by
 * test/api/traceEvents.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type ConsumerScore,
  type ConsumerTraceEventData,
  type ProducerTraceEventData,
  type Router,
  type RouterRtpCodecCapability,
  type Worker,
} from '../../src/index.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser } from './browser.js';
import { publish, subscribe } from './sfu.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

// Lets the test make the subscriber's link lossy (WebRtcTransport.setPacketLossForTesting).
process.env.SKEIN_ENABLE_CRASH_REQUESTS = '1';

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

interface PacketDump {
  sequenceNumber: number;
  ssrc: number;
  payloadType: number;
  isKeyFrame: boolean;
  size: number;
  payloadSize: number;
  mid: string | null;
}

/** An rtp/keyframe trace's info (mediasoup types `info` as any). */
function rtpInfo(t: { info: unknown }): { rtpPacket: PacketDump; isRtx: boolean } {
  return t.info as { rtpPacket: PacketDump; isRtx: boolean };
}

describe('trace events and scores with Chromium peers', { skip: SKIP_WITHOUT_CHROMIUM }, () => {
  let worker: Worker;
  let router: Router;
  let browser: E2EBrowser;

  before(async () => {
    worker = await createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({ mediaCodecs });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    worker?.close();
  });

  test('producer rtp/keyframe traces, consumer nack/pli traces, score down under loss and back', async () => {
    const a = await browser.newPeerPage();
    const b = await browser.newPeerPage();
    try {
      const publisher = await publish(a, router, { audio: false });
      const [producer] = publisher.producers;
      const subscriber = await subscribe(b, router, publisher.producers);
      const [consumer] = subscriber.consumers;
      await b.waitForInboundStats('video', (s) => s.framesDecoded >= 10, 20_000);

      // transport.enableTraceEvent(['bwe']): mediasoup's checks on a real transport.
      await assert.rejects(subscriber.transport.enableTraceEvent('bwe' as never), TypeError);
      await subscriber.transport.enableTraceEvent(['bwe']);
      const dump = (await subscriber.transport.dump()) as { traceEventTypes: string[] };
      assert.deepEqual(dump.traceEventTypes, ['bwe']);

      // The producer's packets as Chromium sent them.
      const producerTraces: ProducerTraceEventData[] = [];
      producer.on('trace', (t) => producerTraces.push(t));
      await producer.enableTraceEvent(['rtp', 'keyframe']);
      assert.ok(await until(() => producerTraces.length >= 100, 10_000), 'rtp traces');
      const media = producerTraces
        .filter((t) => !rtpInfo(t).isRtx)
        .map((t) => rtpInfo(t).rtpPacket);
      const ssrc = producer.rtpParameters.encodings![0].ssrc;
      const pt = producer.rtpParameters.codecs[0].payloadType;
      assert.ok(media.every((p) => p.ssrc === ssrc && p.payloadType === pt));
      // libwebrtc sends the MID until our receiver reports acknowledge the SSRC.
      assert.ok(media.every((p) => p.mid === null || p.mid === producer.rtpParameters.mid));
      assert.ok(media.every((p) => p.size > p.payloadSize));
      const advancing = media.filter(
        (p, i) => i > 0 && ((p.sequenceNumber - media[i - 1].sequenceNumber) & 0xffff) === 1,
      ).length;
      assert.ok(advancing >= media.length - 3, `${advancing} of ${media.length} advance by one`);
      // A key frame on request, traced as 'keyframe' (and only key frames are).
      assert.ok(
        producerTraces.every((t) => (t.type === 'keyframe') === rtpInfo(t).rtpPacket.isKeyFrame),
      );
      const keyFramesBefore = producerTraces.filter((t) => t.type === 'keyframe').length;
      await consumer.requestKeyFrame();
      assert.ok(
        await until(
          () => producerTraces.filter((t) => t.type === 'keyframe').length > keyFramesBefore,
          5000,
        ),
        'a keyframe trace after requestKeyFrame()',
      );
      await producer.enableTraceEvent([]);

      // The receiver's feedback and the score on a lossy link toward it.
      const consumerTraces: ConsumerTraceEventData[] = [];
      consumer.on('trace', (t) => consumerTraces.push(t));
      const scores: ConsumerScore[] = [];
      consumer.on('score', (s) => scores.push(s));
      await consumer.enableTraceEvent(['nack', 'pli']);
      assert.equal(consumer.score.score, 10);
      // mediasoup's consumer score comes from the receiver's reports: losses that NACK/RTX
      // repair in time never show there. A 3 s outage does: what the retransmission buffer no
      // longer holds stays lost, and the receiver asks for a key frame.
      const lossAt = Date.now();
      await subscriber.transport.setPacketLossForTesting({ outgoingEvery: 1 });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await subscriber.transport.setPacketLossForTesting({ outgoingEvery: 0 });
      assert.ok(
        await until(() => scores.some((s) => s.score < 10), 15_000),
        `score after the outage: ${JSON.stringify(scores)}`,
      );
      const lowered = Date.now() - lossAt;
      assert.ok(await until(() => consumerTraces.some((t) => t.type === 'pli'), 10_000), 'PLI in');
      const nack = consumerTraces.find((t) => t.type === 'nack');
      const pli = consumerTraces.find((t) => t.type === 'pli')!;
      assert.equal(nack?.direction, 'in');
      assert.equal(pli.direction, 'in');
      assert.deepEqual(pli.info, { ssrc: consumer.rtpParameters.encodings![0].ssrc });
      const lowest = Math.min(...scores.map((s) => s.score));
      assert.equal(consumer.score, scores.at(-1));
      // Its producer was not lossy.
      assert.ok(scores.every((s) => s.producerScore === 10 && s.producerScores[0] === 10));

      const cleanAt = Date.now();
      assert.ok(
        await until(() => consumer.score.score === 10, 40_000),
        `score back to 10: ${JSON.stringify(scores.slice(-5))}`,
      );
      const recovered = Date.now() - cleanAt;
      const framesBefore = (await b.getInboundStats('video')).framesDecoded;
      await b.waitForInboundStats('video', (s) => s.framesDecoded >= framesBefore + 20, 10_000);
      console.log(
        `# consumer score: lowest ${lowest}, below 10 ${lowered} ms after a 3 s outage began; ` +
          `back to 10 ${recovered} ms after that; ` +
          `${consumerTraces.filter((t) => t.type === 'nack').length} NACK and ` +
          `${consumerTraces.filter((t) => t.type === 'pli').length} PLI traces`,
      );
      publisher.transport.close();
      subscriber.transport.close();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
