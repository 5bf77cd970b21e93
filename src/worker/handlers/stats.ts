/**
 * getStats() and dump() shapes, as mediasoup reports them, from the
 * worker-side objects.
 */
import { parseScalabilityMode } from '../../ortc/index.js';
import type { RtpEncodingParameters } from '../../ortc/index.js';
import type { Producer } from '../../rtc/rtp/Producer.js';
import type { RtpStreamRecv } from '../../rtc/rtpStream/index.js';
import type { Consumer } from '../../rtc/rtp/Consumer.js';
import type { RtcTransport } from '../../rtc/transport/RtcTransport.js';

export function producerStats(producer: Producer): Record<string, unknown>[] {
  const nowMs = performance.now();
  const timestamp = Date.now();
  const encodings = producer.rtpParameters.encodings ?? [];
  const out: Record<string, unknown>[] = [];
  for (const stream of producer.streams) {
    const stats = stream.recv.getStats(nowMs);
    // As mediasoup: a stream appears in the stats once its first packet arrived.
    if (stats.packetCount === 0) continue;
    out.push({
      ...stats,
      rid: stream.rid,
      timestamp,
      kind: producer.kind,
      bitrateByLayer: bitrateByLayer(stream.recv, encodings[stream.encodingIdx], nowMs),
    });
  }
  return out;
}

/**
 * mediasoup's bitrateByLayer: "spatial.temporal" → the bitrate up to that layer, for a
 * stream with several layers (its encoding's scalabilityMode); empty for one layer.
 */
function bitrateByLayer(
  recv: RtpStreamRecv,
  encoding: RtpEncodingParameters | undefined,
  nowMs: number,
): Record<string, number> {
  const { spatialLayers, temporalLayers } = parseScalabilityMode(encoding?.scalabilityMode);
  const out: Record<string, number> = {};
  if (spatialLayers === 1 && temporalLayers === 1) return out;
  for (let s = 0; s < spatialLayers; s++) {
    for (let t = 0; t < temporalLayers; t++) out[`${s}.${t}`] = recv.layersBitrate(nowMs, s, t);
  }
  return out;
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
  // As mediasoup: a pipe consumer reports its own streams only.
  if (producer && consumer.type !== 'pipe') stats.push(...producerStats(producer));
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
  // mediasoup writes both while its send-side estimator exists.
  const lossSent = transport.bitrate.packetLossSent;
  if (lossSent !== undefined) out.rtpPacketLossSent = lossSent;
  // mediasoup writes both while its receive-side estimation exists (see TransportBitrate).
  const availableIn = transport.bitrate.availableIncomingBitrate;
  if (availableIn !== undefined) out.availableIncomingBitrate = availableIn;
  const lossReceived = transport.bitrate.packetLossReceived;
  if (lossReceived !== undefined) out.rtpPacketLossReceived = lossReceived;
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

/** mediasoup's default maxMessageSize (a transport without SCTP, not direct). */
const DEFAULT_MAX_MESSAGE_SIZE = 262144;

/** The dump() fields every transport kind reports (mediasoup's, then Skein's extensions). */
export function transportDumpBase(transport: RtcTransport): Record<string, unknown> {
  const sctp = transport.data.sctp;
  return {
    id: transport.id,
    // Skein extension (mediasoup's worker has the flag; its node layer drops it).
    direct: false,
    producerIds: [...transport.producers.keys()],
    consumerIds: [...transport.consumers.keys()],
    ...consumerSsrcTables(transport),
    dataProducerIds: [...transport.data.dataProducers.keys()],
    dataConsumerIds: [...transport.data.dataConsumers.keys()],
    recvRtpHeaderExtensions: transport.recvRtpHeaderExtensions,
    rtpListener: transport.rtpListenerDump(),
    // A DirectTransport's own (its kindDump); with SCTP the association's.
    maxMessageSize: sctp?.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    ...(sctp
      ? {
          sctpParameters: sctp.parameters,
          sctpState: sctp.state,
          sctpListener: transport.data.sctpListener(),
        }
      : {}),
    traceEventTypes: transport.traceFlags.enabled,
    // Skein extensions: what was dropped and why, exceptions contained.
    packetsDropped: { ...transport.drops },
    faults: { ...transport.faults },
  };
}

/** mediasoup's mapSsrcConsumerId / mapRtxSsrcConsumerId: each consumer's media and RTX SSRCs. */
function consumerSsrcTables(transport: RtcTransport): {
  mapSsrcConsumerId: { key: number; value: string }[];
  mapRtxSsrcConsumerId: { key: number; value: string }[];
} {
  const mapSsrcConsumerId: { key: number; value: string }[] = [];
  const mapRtxSsrcConsumerId: { key: number; value: string }[] = [];
  for (const consumer of transport.consumers.values()) {
    for (const stream of consumer.sendStreams) {
      mapSsrcConsumerId.push({ key: stream.ssrc, value: consumer.id });
      if (stream.rtxSsrc !== undefined) {
        mapRtxSsrcConsumerId.push({ key: stream.rtxSsrc, value: consumer.id });
      }
    }
  }
  return { mapSsrcConsumerId, mapRtxSsrcConsumerId };
}
