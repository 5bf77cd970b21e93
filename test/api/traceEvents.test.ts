/**
 * enableTraceEvent() on every transport kind, producers and consumers: mediasoup's argument
 * checks (not an array, a non-string entry: TypeError; unknown names dropped; [] disables),
 * the enabled set in dump(), and the `trace` events a direct producer and consumer emit for
 * the packets and RTCP that really went through (rtp, keyframe, sr, pli, fir, nack). Both
 * worker modes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createWorker,
  type ConsumerTraceEventData,
  type ProducerTraceEventData,
  type Router,
  type Worker,
} from '../../src/index.js';
import {
  writeFir,
  writeNack,
  writePli,
  writeSenderReport,
} from '../../src/protocols/rtcp/index.js';
import { MODES } from './modes.js';
import { eventually, mediaCodecs, udpTransport } from './mediaFixtures.js';
import { directVp8Parameters, vp8Packet } from './directFixtures.js';

const SSRC = 51_515_151;
const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };

/** An rtp/keyframe trace's info (mediasoup types `info` as any). */
function rtpInfo(t: { info: unknown }): {
  rtpPacket: { sequenceNumber: number; ssrc: number };
  isRtx: boolean;
} {
  return t.info as { rtpPacket: { sequenceNumber: number; ssrc: number }; isRtx: boolean };
}

interface RawChannel {
  request(method: string, handlerId: string, data?: unknown): Promise<unknown>;
}

interface Traceable {
  enableTraceEvent(types?: string[]): Promise<void>;
  dump(): Promise<unknown>;
}

async function traceTypesOf(entity: Traceable): Promise<string[]> {
  return ((await entity.dump()) as { traceEventTypes: string[] }).traceEventTypes;
}

/** mediasoup's checks and messages, the unknown name dropped, [] disabling. */
async function checkValidation(entity: Traceable, valid: string[]): Promise<void> {
  await assert.rejects(entity.enableTraceEvent('x' as unknown as string[]), {
    name: 'TypeError',
    message: 'types must be an array',
  });
  await assert.rejects(entity.enableTraceEvent([42] as unknown as string[]), {
    name: 'TypeError',
    message: 'every type must be a string',
  });
  await assert.rejects(entity.enableTraceEvent([valid[0], null] as unknown as string[]), TypeError);
  // A refused call changes nothing.
  assert.deepEqual(await traceTypesOf(entity), []);
  await entity.enableTraceEvent(['nope', ...valid]);
  assert.deepEqual(await traceTypesOf(entity), valid);
  await entity.enableTraceEvent([]);
  assert.deepEqual(await traceTypesOf(entity), []);
  await entity.enableTraceEvent(valid);
  await entity.enableTraceEvent();
  assert.deepEqual(await traceTypesOf(entity), []);
}

function sr(ssrc: number): Buffer {
  const out = Buffer.alloc(64);
  const length = writeSenderReport(
    {
      kind: 'sr',
      ssrc,
      ntpSeconds: 3_900_000_000,
      ntpFraction: 0x80000000,
      rtpTimestamp: 123_456,
      packetCount: 7,
      octetCount: 7000,
      reports: [],
    },
    out,
  );
  return out.subarray(0, length);
}

function rtcp(write: (out: Buffer) => number): Buffer {
  const out = Buffer.alloc(128);
  return out.subarray(0, write(out));
}

for (const mode of MODES) {
  void describe(`enableTraceEvent and trace events (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;

    before(async () => {
      worker = await createWorker({ mode, logLevel: 'none' });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker?.close());

    test('every transport kind validates its trace types as mediasoup does', async () => {
      const transports = [
        await udpTransport(router),
        await router.createPlainTransport({ listenInfo, comedia: true }),
        await router.createPipeTransport({ listenInfo }),
        await router.createDirectTransport(),
      ];
      for (const transport of transports) {
        await checkValidation(transport, ['probation', 'bwe']);
        await checkValidation(transport, ['bwe']);
        transport.close();
      }
    });

    test('producers and consumers validate their trace types as mediasoup does', async () => {
      const input = await router.createDirectTransport();
      const output = await router.createDirectTransport();
      const producer = await input.produce({
        kind: 'video',
        rtpParameters: directVp8Parameters(SSRC),
      });
      const consumer = await output.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      await checkValidation(producer, ['rtp', 'keyframe', 'nack', 'pli', 'fir', 'sr']);
      await checkValidation(consumer, ['rtp', 'keyframe', 'nack', 'pli', 'fir']);
      // 'sr' and 'bwe' are not consumer trace types: dropped, as mediasoup drops them.
      await consumer.enableTraceEvent(['sr', 'bwe', 'pli'] as never);
      assert.deepEqual(await traceTypesOf(consumer), ['pli']);
      // A raw request that bypasses the host's filter is refused by the worker.
      const { channel } = input as unknown as { channel: RawChannel };
      await assert.rejects(
        channel.request('producer.enableTraceEvent', producer.id, { types: ['nope'] }),
        TypeError,
      );
      await assert.rejects(
        channel.request('producer.enableTraceEvent', producer.id, { types: [1] }),
        TypeError,
      );
      await assert.rejects(
        channel.request('transport.enableTraceEvent', input.id, { types: 'bwe' }),
        TypeError,
      );
      input.close();
      output.close();
    });

    test('a direct producer and consumer trace the packets and feedback that went through', async () => {
      const input = await router.createDirectTransport();
      const output = await router.createDirectTransport();
      const producer = await input.produce({
        kind: 'video',
        rtpParameters: directVp8Parameters(SSRC),
      });
      const consumer = await output.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      const producerTraces: ProducerTraceEventData[] = [];
      const consumerTraces: ConsumerTraceEventData[] = [];
      const observed: string[] = [];
      producer.on('trace', (t) => producerTraces.push(t));
      producer.observer.on('trace', (t) => observed.push(`p:${t.type}`));
      consumer.on('trace', (t) => consumerTraces.push(t));
      consumer.observer.on('trace', (t) => observed.push(`c:${t.type}`));
      let forwarded = 0;
      consumer.on('rtp', () => forwarded++);
      await producer.enableTraceEvent(['rtp', 'keyframe', 'sr', 'pli', 'fir', 'nack']);
      await consumer.enableTraceEvent(['rtp', 'keyframe', 'pli', 'fir', 'nack']);

      const sent: Buffer[] = [];
      for (let i = 0; i < 12; i++) {
        const packet = vp8Packet({
          ssrc: SSRC,
          seq: 1000 + i,
          timestamp: 3000 * (i >> 2),
          key: i === 0,
          first: i % 4 === 0,
          size: 300 + i,
        });
        sent.push(packet);
        producer.send(packet);
      }
      assert.ok(await eventually(() => forwarded === 12 && consumerTraces.length === 12));
      assert.equal(producerTraces.length, 12);
      // The producer's: as received (its payload type and SSRC), a key frame as 'keyframe'.
      producerTraces.forEach((t, i) => {
        assert.equal(t.type, i === 0 ? 'keyframe' : 'rtp');
        assert.equal(t.direction, 'in');
        assert.equal(typeof t.timestamp, 'number');
        const p = rtpInfo(t).rtpPacket as unknown as Record<string, unknown>;
        assert.equal(p.sequenceNumber, 1000 + i);
        assert.equal(p.ssrc, SSRC);
        assert.equal(p.payloadType, 96);
        assert.equal(p.timestamp, 3000 * (i >> 2));
        assert.equal(p.isKeyFrame, i === 0);
        assert.equal(p.size, sent[i].length);
        assert.equal(p.payloadSize, sent[i].length - 12);
        assert.equal(p.marker, false);
        assert.equal(rtpInfo(t).isRtx, false);
      });
      // The consumer's: as sent (its SSRC, sequence numbers continuous).
      const consumerSsrc = consumer.rtpParameters.encodings![0].ssrc!;
      const seqs = consumerTraces.map((t) => rtpInfo(t).rtpPacket.sequenceNumber);
      consumerTraces.forEach((t, i) => {
        assert.equal(t.type, i === 0 ? 'keyframe' : 'rtp');
        assert.equal(t.direction, 'out');
        assert.equal(rtpInfo(t).rtpPacket.ssrc, consumerSsrc);
        if (i > 0) assert.equal(seqs[i], (seqs[i - 1] + 1) & 0xffff);
      });

      // Feedback from the consumer's endpoint: traced 'in'; the PLI reaches the producer,
      // whose PLI toward its endpoint is traced 'out'.
      producerTraces.length = 0;
      consumerTraces.length = 0;
      output.sendRtcp(
        rtcp((b) => writePli({ kind: 'pli', senderSsrc: 1, mediaSsrc: consumerSsrc }, b)),
      );
      assert.ok(await eventually(() => consumerTraces.some((t) => t.type === 'pli')));
      assert.deepEqual(
        consumerTraces.find((t) => t.type === 'pli'),
        {
          ...consumerTraces.find((t) => t.type === 'pli')!,
          direction: 'in',
          info: { ssrc: consumerSsrc },
        },
      );
      assert.ok(await eventually(() => producerTraces.some((t) => t.type === 'pli')));
      const pliOut = producerTraces.find((t) => t.type === 'pli')!;
      assert.equal(pliOut.direction, 'out');
      assert.deepEqual(pliOut.info, { ssrc: SSRC });
      output.sendRtcp(
        rtcp((b) =>
          writeFir(
            {
              kind: 'fir',
              senderSsrc: 1,
              mediaSsrc: 0,
              entries: [{ ssrc: consumerSsrc, sequenceNumber: 1 }],
            },
            b,
          ),
        ),
      );
      output.sendRtcp(
        rtcp((b) =>
          writeNack(
            {
              kind: 'nack',
              senderSsrc: 1,
              mediaSsrc: consumerSsrc,
              items: [{ pid: seqs[3], blp: 0 }],
            },
            b,
          ),
        ),
      );
      assert.ok(await eventually(() => consumerTraces.some((t) => t.type === 'fir')));
      assert.deepEqual(consumerTraces.find((t) => t.type === 'fir')!.info, { ssrc: consumerSsrc });
      assert.ok(await eventually(() => consumerTraces.some((t) => t.type === 'nack')));
      const nackIn = consumerTraces.find((t) => t.type === 'nack')!;
      assert.equal(nackIn.direction, 'in');
      assert.equal(nackIn.info, undefined);
      // The NACKed packet goes out again, RTX-wrapped (the consumer negotiated RTX): traced as
      // mediasoup does, the RTX packet with isRtx.
      const rtxSsrc = consumer.rtpParameters.encodings![0].rtx!.ssrc;
      assert.ok(
        await eventually(() =>
          consumerTraces.some(
            (t) => t.type === 'rtp' && rtpInfo(t).isRtx && rtpInfo(t).rtpPacket.ssrc === rtxSsrc,
          ),
        ),
      );

      // A sender report from the producer's endpoint.
      input.sendRtcp(sr(SSRC));
      assert.ok(await eventually(() => producerTraces.some((t) => t.type === 'sr')));
      const srTrace = producerTraces.find((t) => t.type === 'sr')!;
      assert.equal(srTrace.direction, 'in');
      assert.deepEqual(srTrace.info, {
        ssrc: SSRC,
        ntpSec: 3_900_000_000,
        ntpFrac: 0x80000000,
        rtpTs: 123_456,
        packetCount: 7,
        octetCount: 7000,
      });
      assert.ok(
        observed.includes('p:keyframe') && observed.includes('c:pli'),
        'observer trace events',
      );

      // Disabled: packets still flow, no trace.
      await producer.enableTraceEvent([]);
      await consumer.enableTraceEvent([]);
      producerTraces.length = 0;
      consumerTraces.length = 0;
      const before = forwarded;
      for (let i = 12; i < 20; i++) {
        producer.send(
          vp8Packet({
            ssrc: SSRC,
            seq: 1000 + i,
            timestamp: 3000 * (i >> 2),
            key: false,
            first: i % 4 === 0,
            size: 300,
          }),
        );
      }
      assert.ok(await eventually(() => forwarded === before + 8));
      assert.equal(producerTraces.length + consumerTraces.length, 0);
      input.close();
      output.close();
    });
  });
}
