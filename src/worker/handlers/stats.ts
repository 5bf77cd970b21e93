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
  // As mediasoup: a stream appears in the stats once its first packet arrived.
  return producer
    .getStats(nowMs)
    .filter((stats) => stats.packetCount > 0)
    .map((stats) => ({ ...stats, timestamp, kind: producer.kind }));
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
  const rates = transport.bitrates(performance.now());
  return [
    {
      type: 'webrtc-transport',
      transportId: transport.id,
      timestamp: Date.now(),
      bytesReceived: transport.bytes.received,
      recvBitrate: rates.recv,
      bytesSent: transport.bytes.sent,
      sendBitrate: rates.send,
      rtpBytesReceived: transport.bytes.rtpReceived,
      rtpRecvBitrate: rates.rtpRecv,
      rtpBytesSent: transport.bytes.rtpSent,
      rtpSendBitrate: rates.rtpSend,
      rtxBytesReceived: transport.bytes.rtxReceived,
      rtxRecvBitrate: rates.rtxRecv,
      rtxBytesSent: transport.bytes.rtxSent,
      rtxSendBitrate: rates.rtxSend,
      // Skein sends no bandwidth probation packets (no send-side estimator yet).
      probationBytesSent: 0,
      probationSendBitrate: 0,
      iceRole: 'controlled',
      iceState: transport.iceState,
      iceSelectedTuple: transport.iceSelectedTuple,
      dtlsState: transport.dtlsState,
      srtpCryptoSuite: transport.srtpCryptoSuite,
      // Skein extension: what was dropped and why (never forwarded).
      packetsDropped: { ...transport.drops, ...transport.iceServer.counters },
      // Skein extension: exceptions contained at the media plane's entries, by kind.
      faults: { ...transport.faults },
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
    dtlsParameters: { role: transport.dtlsRole, fingerprints: transport.localFingerprints },
    packetsDropped: { ...transport.drops, ...transport.iceServer.counters },
    faults: { ...transport.faults },
  };
}
