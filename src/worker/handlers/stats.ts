/**
 * getStats() and dump() shapes, as mediasoup reports them, from the
 * worker-side objects.
 */
import type { Producer } from '../../rtc/rtp/Producer.js';
import type { Consumer } from '../../rtc/rtp/Consumer.js';
import type { RtcTransport } from '../../rtc/transport/RtcTransport.js';

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
  const timestamp = Date.now();
  const stats: Record<string, unknown>[] = consumer.getStats(performance.now()).map((s) => ({
    ...s,
    timestamp,
    kind: consumer.kind,
    packetsDiscarded: consumer.packetsDiscarded,
  }));
  if (producer) stats.push(...producerStats(producer));
  return stats;
}

/** The getStats() fields every transport kind reports (mediasoup's names). */
export function transportStatsBase(transport: RtcTransport): Record<string, unknown> {
  const rates = transport.bitrates(performance.now());
  return {
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
    probationBytesSent: transport.bitrate.probation.bytesSent,
    probationSendBitrate: transport.bitrate.probation.bitrate(performance.now()),
    ...bitrateStats(transport),
    // Skein extension: what was dropped and why (never forwarded); kinds may add their own.
    packetsDropped: { ...transport.drops },
    // Skein extension: exceptions contained at the media plane's entries, by kind.
    faults: { ...transport.faults },
    // Skein extension: data messages dropped, by reason.
    dataDropped: { ...transport.data.drops },
    ...sctpStats(transport),
  };
}

/** mediasoup's optional bitrate fields: the estimate while one runs, limits once set. */
function bitrateStats(transport: RtcTransport): Record<string, number> {
  const out: Record<string, number> = {};
  const available = transport.bitrate.availableOutgoingBitrate;
  if (available !== undefined) out.availableOutgoingBitrate = available;
  const limits = transport.bitrate.limits;
  if (limits.maxIncomingBitrate) out.maxIncomingBitrate = limits.maxIncomingBitrate;
  if (limits.maxOutgoingBitrate) out.maxOutgoingBitrate = limits.maxOutgoingBitrate;
  if (limits.minOutgoingBitrate) out.minOutgoingBitrate = limits.minOutgoingBitrate;
  return out;
}

/** mediasoup's sctpState, and (Skein extension) what SCTP dropped, by reason. */
function sctpStats(transport: RtcTransport): Record<string, unknown> {
  const sctp = transport.data.sctp;
  if (!sctp) return {};
  return {
    sctpState: sctp.state,
    sctpDropped: { ...sctp.drops },
  };
}

/** The dump() fields every transport kind reports. */
export function transportDumpBase(transport: RtcTransport): Record<string, unknown> {
  return {
    id: transport.id,
    direct: false,
    producerIds: [...transport.producers.keys()],
    consumerIds: [...transport.consumers.keys()],
    traceEventTypes: transport.traceFlags.enabled,
    packetsDropped: { ...transport.drops },
    faults: { ...transport.faults },
    dataProducerIds: [...transport.data.dataProducers.keys()],
    dataConsumerIds: [...transport.data.dataConsumers.keys()],
    ...(transport.data.sctp
      ? {
          sctpParameters: transport.data.sctp.parameters,
          sctpState: transport.data.sctp.state,
          sctpListener: transport.data.sctpListener(),
        }
      : {}),
  };
}
