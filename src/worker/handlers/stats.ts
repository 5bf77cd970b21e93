/**
 * getStats() and dump() shapes, as mediasoup reports them, from the
 * worker-side objects.
 */
import type { Producer } from '../../rtc/rtp/Producer.js';
import type { Consumer } from '../../rtc/rtp/Consumer.js';
import type { WebRtcTransport } from '../../rtc/webrtc/WebRtcTransport.js';

export function producerStats(producer: Producer): Record<string, unknown>[] {
  const nowMs = performance.now();
  const timestamp = Date.now();
  return producer.getStats(nowMs).map((stats) => ({
    ...stats,
    timestamp,
    kind: producer.kind,
  }));
}

export function consumerStats(
  consumer: Consumer,
  producer: Producer | undefined,
): Record<string, unknown>[] {
  const stats: Record<string, unknown>[] = [
    {
      ...consumer.getStats(performance.now()),
      timestamp: Date.now(),
      kind: consumer.kind,
      packetsDiscarded: consumer.packetsDiscarded,
    },
  ];
  if (producer) stats.push(...producerStats(producer));
  return stats;
}

export function transportStats(transport: WebRtcTransport): Record<string, unknown>[] {
  return [
    {
      type: 'webrtc-transport',
      transportId: transport.id,
      timestamp: Date.now(),
      bytesReceived: transport.bytes.received,
      bytesSent: transport.bytes.sent,
      recvBitrate: 0,
      sendBitrate: 0,
      iceRole: 'controlled',
      iceState: transport.iceState,
      iceSelectedTuple: transport.iceSelectedTuple,
      dtlsState: transport.dtlsState,
      srtpCryptoSuite: transport.srtpCryptoSuite,
      // Skein extension: what was dropped and why (never forwarded).
      packetsDropped: { ...transport.drops, ...transport.iceServer.counters },
    },
  ];
}

export function transportDump(transport: WebRtcTransport): Record<string, unknown> {
  return {
    id: transport.id,
    direct: false,
    producerIds: [...transport.producers.keys()],
    consumerIds: [...transport.consumers.keys()],
    iceRole: 'controlled',
    iceParameters: {
      usernameFragment: transport.iceServer.usernameFragment,
      password: transport.iceServer.password,
      iceLite: true,
    },
    iceCandidates: transport.candidates,
    iceState: transport.iceState,
    iceSelectedTuple: transport.iceSelectedTuple,
    dtlsState: transport.dtlsState,
    dtlsParameters: { role: transport.dtlsRole },
  };
}
