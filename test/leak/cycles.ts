/**
 * One create/connect/close cycle of the leak tests: a send and a receive
 * WebRtcTransport, both connected, a producer on one and its consumer on the
 * other, then everything closed — in one of three orders, so every close path
 * (explicit, by the producer's close, by the transport's close) is exercised.
 */
import type {
  Consumer,
  Producer,
  Router,
  RtpCapabilities,
  WebRtcTransport,
} from '../../src/index.js';
import { remoteDtlsParameters, udpTransport, videoRtpParameters } from '../api/mediaFixtures.js';
import type { Sample } from './heap.js';

export interface OpenCycle {
  send: WebRtcTransport;
  recv: WebRtcTransport;
  producer: Producer;
  consumer: Consumer;
}

let nextSsrc = 300_000_000;

export async function openCycle(router: Router, caps: RtpCapabilities): Promise<OpenCycle> {
  const [send, recv] = await Promise.all([udpTransport(router), udpTransport(router)]);
  await Promise.all([
    send.connect({ dtlsParameters: remoteDtlsParameters('client') }),
    recv.connect({ dtlsParameters: remoteDtlsParameters('client') }),
  ]);
  nextSsrc += 2;
  const producer = await send.produce({
    kind: 'video',
    rtpParameters: videoRtpParameters(nextSsrc, nextSsrc + 1),
  });
  const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: caps });
  return { send, recv, producer, consumer };
}

export function closeCycle(cycle: OpenCycle, order: number): void {
  switch (order % 3) {
    case 0:
      cycle.consumer.close();
      cycle.producer.close();
      break;
    case 1:
      // The consumer closes because its producer did.
      cycle.producer.close();
      break;
    default:
      // Transports close their producers and consumers.
      break;
  }
  cycle.recv.close();
  cycle.send.close();
}

export function sampleCycle(sample: Sample, cycle: OpenCycle): void {
  sample.add('send transport', cycle.send);
  sample.add('recv transport', cycle.recv);
  sample.add('producer', cycle.producer);
  sample.add('consumer', cycle.consumer);
}

/**
 * Runs `count` cycles, `lanes` at a time (the channel pipelines requests), and
 * puts every `sampleEvery`-th cycle's objects in `sample`.
 */
export async function runCycles(
  router: Router,
  caps: RtpCapabilities,
  count: number,
  options: { lanes: number; sample?: Sample; sampleEvery?: number },
): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < count) {
      const i = started++;
      const cycle = await openCycle(router, caps);
      if (options.sample && i % (options.sampleEvery ?? 100) === 0) {
        sampleCycle(options.sample, cycle);
      }
      closeCycle(cycle, i);
    }
  };
  await Promise.all(Array.from({ length: options.lanes }, lane));
}
