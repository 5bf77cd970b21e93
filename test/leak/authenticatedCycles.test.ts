/**
 * Cycles where a real client (the bench's load-client Connection) completes
 * ICE, DTLS and SRTP on both transports and a VP8 stream is forwarded from the
 * producer to the consumer before everything closes: the sessions' state
 * (DTLS, SRTP contexts, RTP streams, retransmission buffers) must go too.
 * Fewer cycles than the plain ones (each costs two handshakes), so the bound
 * is absolute: a leak of one session per cycle (hundreds of KiB) would exceed
 * it many times over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createWorker,
  type Router,
  type RtpCapabilities,
  type WorkerMode,
} from '../../src/index.js';
import { workerChannelForTesting } from '../../src/api/Worker.js';
import { createDtlsCertificate, type DtlsCertificate } from '../../src/rtc/dtls/index.js';
import { Connection } from '../../bench/loadClient/Connection.js';
import { remoteTransportOf } from '../peer/SrtpPeer.js';
import { VideoSource, vp8RtpParameters } from '../../bench/loadClient/VideoSource.js';
import { eventually, mediaCodecs, udpTransport } from '../api/mediaFixtures.js';
import '../api/modes.js';
import { Sample, assertNothingLeft, countListeners, heaps, mib, perCycle } from './heap.js';

const TOTAL = 300;
const WARM_UP = 60;
const LANES = 4;
const MAX_GROWTH = 4 * 1024 * 1024;

let nextSsrc = 400_000_000;

async function authenticatedCycle(
  router: Router,
  caps: RtpCapabilities,
  certificate: DtlsCertificate,
  sample: Sample | undefined,
): Promise<void> {
  const dtlsParameters = { role: 'client' as const, fingerprints: [...certificate.fingerprints] };
  const [send, recv] = await Promise.all([udpTransport(router), udpTransport(router)]);
  await Promise.all([send.connect({ dtlsParameters }), recv.connect({ dtlsParameters })]);
  const payloadType = caps.codecs!.find((c) => c.mimeType === 'video/VP8')!.preferredPayloadType!;
  const ssrc = (nextSsrc += 1);
  const producer = await send.produce({
    kind: 'video',
    rtpParameters: vp8RtpParameters(payloadType, ssrc, 'leak-cycles'),
  });
  const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: caps });
  const [sender, receiver] = await Promise.all([
    Connection.open(`send-${ssrc}`, remoteTransportOf(send), certificate),
    Connection.open(`recv-${ssrc}`, remoteTransportOf(recv), certificate),
  ]);
  try {
    const source = new VideoSource(
      {
        ssrc,
        payloadType,
        packetRate: 200,
        fps: 50,
        keyFrameInterval: 1,
        minPacketSize: 200,
        maxPacketSize: 1100,
      },
      (packet) => sender.sendRtp(packet),
    );
    const forwarded = await eventually(() => {
      source.tick(performance.now());
      return receiver.counters.verified >= 4;
    }, 5000);
    assert.ok(
      forwarded,
      `no RTP forwarded (sent ${source.sent}, received ${receiver.counters.received})`,
    );
  } finally {
    sender.close();
    receiver.close();
  }
  if (sample) {
    sample.add('send transport', send);
    sample.add('producer', producer);
    sample.add('consumer', consumer);
    sample.add('client connection', receiver);
  }
  // Half the cycles close children first, half let the transports close them.
  if (ssrc % 2 === 0) {
    consumer.close();
    producer.close();
  }
  recv.close();
  send.close();
}

async function run(
  router: Router,
  caps: RtpCapabilities,
  certificate: DtlsCertificate,
  count: number,
  sample?: Sample,
): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < count) {
      const i = started++;
      await authenticatedCycle(router, caps, certificate, i % 20 === 0 ? sample : undefined);
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
}

async function leakCycles(mode: WorkerMode): Promise<void> {
  const worker = await createWorker({ mode, logLevel: 'none' });
  try {
    const router = await worker.createRouter({ mediaCodecs });
    const caps = structuredClone(router.rtpCapabilities);
    const certificate = await createDtlsCertificate();
    const listeners = countListeners(workerChannelForTesting(worker));
    const sample = new Sample();
    const started = Date.now();

    await run(router, caps, certificate, WARM_UP);
    const baseline = await heaps(worker);
    await run(router, caps, certificate, TOTAL - WARM_UP, sample);
    const end = await heaps(worker);
    const measured = TOTAL - WARM_UP;
    console.log(
      `authenticated leak cycles (${mode}): ${TOTAL} cycles (ICE+DTLS+SRTP, RTP forwarded) in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s; worker heap (no code)+external ` +
        `${mib(baseline.worker)} after ${WARM_UP} → ${mib(end.worker)} after ${TOTAL} ` +
        `(${perCycle((end.worker - baseline.worker) / measured)}); host heap (no code) ` +
        `${mib(baseline.host)} → ${mib(end.host)} (${perCycle((end.host - baseline.host) / measured)})`,
    );

    await assertNothingLeft(worker, router, listeners.live());
    assert.ok(sample.size > 0);
    assert.deepEqual(sample.alive(), [], 'closed objects still reachable');
    assert.ok(
      end.worker - baseline.worker < MAX_GROWTH,
      `worker grew ${mib(end.worker - baseline.worker)}`,
    );
    assert.ok(end.host - baseline.host < MAX_GROWTH, `host grew ${mib(end.host - baseline.host)}`);
  } finally {
    worker.close();
  }
}

test('300 authenticated cycles with media: thread worker heap back to baseline', () =>
  leakCycles('thread'));

test('300 authenticated cycles with media: process worker heap back to baseline', () =>
  leakCycles('process'));
