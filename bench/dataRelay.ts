/**
 * DataChannel relay benchmark: one worker thread relays the messages of one data producer
 * to N SCTP data consumers. The producer is a direct one (dataProducer.send() from Node);
 * each consumer is on its own WebRtcTransport to a Node SCTP peer (werift-sctp over ICE +
 * DTLS on loopback). Messages of 1,000 bytes, a window of messages in flight per consumer.
 * Reported: messages/s and MB/s delivered (summed over consumers, i.e. relayed copies), and
 * the worker thread's CPU per relayed message (its getrusage, /proc/thread-self).
 */
import { performance } from 'node:perf_hooks';
import { createWorker, type Router, type WebRtcTransport } from '../src/index.js';
import { createDtlsCertificate, type DtlsCertificate } from '../src/rtc/dtls/index.js';
import { SctpPeer } from '../test/peer/SctpPeer.js';
import { remoteTransportOf } from '../test/peer/SrtpPeer.js';

const MESSAGE_SIZE = 1000;

export interface DataRelayFigures {
  consumers: number;
  messagesPerSec: number;
  megabytesPerSec: number;
  cpuMicrosPerMessage: number;
}

async function peerTransport(
  router: Router,
  cert: DtlsCertificate,
  id: string,
): Promise<{ transport: WebRtcTransport; peer: SctpPeer }> {
  const transport = await router.createWebRtcTransport({
    listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
    enableSctp: true,
    sctpSendBufferSize: 4 * 1024 * 1024,
  });
  await transport.connect({
    dtlsParameters: { role: 'client', fingerprints: [...cert.fingerprints] },
  });
  const peer = await SctpPeer.open(id, remoteTransportOf(transport), cert);
  const deadline = Date.now() + 5000;
  while (!(peer.connected && transport.sctpState === 'connected') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (transport.sctpState !== 'connected') throw new Error(`${id}: SCTP did not connect`);
  return { transport, peer };
}

async function measure(consumers: number, ms: number, window: number): Promise<DataRelayFigures> {
  const worker = await createWorker({ mode: 'thread', logLevel: 'none' });
  const cert = await createDtlsCertificate();
  const peers: SctpPeer[] = [];
  let router: Router | undefined;
  try {
    router = await worker.createRouter();
    const direct = await router.createDirectTransport();
    const producer = await direct.produceData();
    for (let i = 0; i < consumers; i++) {
      const { transport, peer } = await peerTransport(router, cert, `c${i}`);
      await transport.consumeData({ dataProducerId: producer.id });
      peers.push(peer);
    }
    const message = Buffer.alloc(MESSAGE_SIZE, 0x61);
    const delivered = (): number => peers.reduce((n, p) => n + p.received.length, 0);
    const slowest = (): number => Math.min(...peers.map((p) => p.received.length));
    const run = async (durationMs: number): Promise<{ count: number; seconds: number }> => {
      for (const p of peers) p.received.length = 0;
      let sent = 0;
      const start = performance.now();
      while (performance.now() - start < durationMs) {
        while (sent - slowest() < window) {
          producer.send(message);
          sent++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const count = delivered();
      return { count, seconds: (performance.now() - start) / 1000 };
    };
    await run(300); // warm-up (JIT, congestion windows)
    const before = await worker.getResourceUsage();
    const { count, seconds } = await run(ms);
    const after = await worker.getResourceUsage();
    const cpuMs = after.ru_utime + after.ru_stime - (before.ru_utime + before.ru_stime);
    return {
      consumers,
      messagesPerSec: count / seconds,
      megabytesPerSec: (count * MESSAGE_SIZE) / seconds / 1e6,
      cpuMicrosPerMessage: count > 0 ? (cpuMs * 1000) / count : 0,
    };
  } finally {
    for (const p of peers) p.close();
    // Sockets first, then the thread: packets still in flight must not reach a worker
    // thread being torn down (Node aborts in UDPWrap::OnRecv there).
    router?.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    worker.close();
  }
}

export async function runDataRelayBench(
  options: { consumerCounts?: number[]; ms?: number; window?: number } = {},
): Promise<DataRelayFigures[]> {
  const { consumerCounts = [1, 4], ms = 2000, window = 256 } = options;
  const figures: DataRelayFigures[] = [];
  for (const n of consumerCounts) figures.push(await measure(n, ms, window));
  console.log(
    `\nDataChannel relay (thread mode): a direct data producer → router → N SCTP data ` +
      `consumers over DTLS to Node werift-sctp peers, ${MESSAGE_SIZE}-byte messages, ` +
      `${window} in flight, ${ms} ms`,
  );
  console.table(
    figures.map((f) => ({
      consumers: f.consumers,
      'messages/s relayed': Math.round(f.messagesPerSec),
      'MB/s relayed': f.megabytesPerSec.toFixed(1),
      'worker CPU µs/message': f.cpuMicrosPerMessage.toFixed(1),
    })),
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runDataRelayBench();
}
