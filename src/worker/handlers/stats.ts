/**
 * getStats() and dump() shapes, as mediasoup reports them, from the
 * worker-side objects.
 */
import type { Producer } from '../../rtc/rtp/Producer.js';
import type { Consumer } from '../../rtc/rtp/Consumer.js';
import type { WebRtcTransport } from '../../rtc/webrtc/WebRtcTransport.js';

export function producerStats(producer: Producer): Record<string, unknown>[] {
  const timestamp = Date.now();
  return producer.streams.map((s) => ({
    type: 'inbound-rtp',
    timestamp,
    ssrc: s.ssrc,
    rtxSsrc: s.rtxSsrc,
    rid: s.rid,
    kind: producer.kind,
    mimeType: s.mimeType,
    packetsLost: 0,
    fractionLost: 0,
    packetsDiscarded: s.packetsDiscarded,
    packetsRetransmitted: s.packetsRetransmitted,
    packetsRepaired: 0,
    nackCount: 0,
    nackPacketCount: 0,
    pliCount: 0,
    firCount: 0,
    score: s.score,
    packetCount: s.packetCount,
    byteCount: s.byteCount,
    bitrate: 0,
  }));
}

export function consumerStats(
  consumer: Consumer,
  producer: Producer | undefined,
): Record<string, unknown>[] {
  const c = consumer.counters;
  const codec = consumer.rtpParameters.codecs[0];
  const stats: Record<string, unknown>[] = [
    {
      type: 'outbound-rtp',
      timestamp: Date.now(),
      ssrc: consumer.ssrc,
      rtxSsrc: consumer.rtxSsrc,
      kind: consumer.kind,
      mimeType: codec?.mimeType,
      packetsLost: 0,
      fractionLost: 0,
      packetsDiscarded: c.packetsDiscarded,
      packetsRetransmitted: c.packetsRetransmitted,
      packetsRepaired: 0,
      nackCount: c.nackCount,
      nackPacketCount: 0,
      pliCount: c.pliCount,
      firCount: c.firCount,
      score: 10,
      packetCount: c.packetCount,
      byteCount: c.byteCount,
      bitrate: 0,
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
