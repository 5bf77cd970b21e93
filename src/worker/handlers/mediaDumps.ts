/**
 * dump() of producers and consumers in mediasoup's shapes (ProducerDump, the consumer dumps
 * of each type), built on request from the worker-side objects.
 */
import {
  isMediaCodec,
  type RtcpFeedback,
  type RtpEncodingParameters,
  type RtpParameters,
} from '../../ortc/index.js';
import type { Consumer } from '../../rtc/rtp/Consumer.js';
import type { Producer } from '../../rtc/rtp/Producer.js';
import { rtpStreamDump } from './rtpStreamDump.js';

/**
 * rtpParameters as mediasoup 3.19.3's worker writes them back in a dump (the objects the API
 * hands out, producer.rtpParameters and consumer.rtpParameters, are left as they are):
 * - an RTCP feedback entry without a parameter has no `parameter` (its flatbuffers string is
 *   left unset), where the API's objects carry '';
 * - `mid` is '' when there is none;
 * - each encoding names its codec (`codecPayloadType`, the first media codec's when none was
 *   given), has a `scalabilityMode` ('S1T1' when none was given) and no `maxBitrate` (the
 *   worker keeps it but does not write it).
 */
function rtpParametersDump(rtpParameters: RtpParameters): RtpParameters {
  const feedbackDump = ({ type, parameter }: RtcpFeedback): RtcpFeedback =>
    parameter ? { type, parameter } : { type };
  const firstMedia = rtpParameters.codecs.find(isMediaCodec)?.payloadType;
  return {
    ...rtpParameters,
    mid: rtpParameters.mid ?? '',
    codecs: rtpParameters.codecs.map((codec) =>
      codec.rtcpFeedback ? { ...codec, rtcpFeedback: codec.rtcpFeedback.map(feedbackDump) } : codec,
    ),
    encodings: (rtpParameters.encodings ?? []).map((encoding) => {
      const codecPayloadType = encoding.codecPayloadType ?? firstMedia;
      return {
        ...encodingDump(encoding),
        ...(codecPayloadType !== undefined && { codecPayloadType }),
      };
    }),
  };
}

/** An encoding as the worker writes it: a scalabilityMode always, no maxBitrate. */
function encodingDump(encoding: RtpEncodingParameters): RtpEncodingParameters {
  const { maxBitrate: _unwritten, ...rest } = encoding;
  return { ...rest, scalabilityMode: encoding.scalabilityMode ?? 'S1T1' };
}

export function producerDump(producer: Producer): Record<string, unknown> {
  const { rtpParameters, rtpMapping } = producer;
  const encodings = rtpParameters.encodings ?? [];
  const streams = producer.streams
    .filter((stream) => stream.recv.packetCount > 0)
    .map((stream) =>
      producerStreamDump(
        rtpStreamDump(stream.recv, {
          encodingIdx: stream.encodingIdx,
          rid: stream.rid,
          rtpParameters,
          encoding: encodings[stream.encodingIdx],
          layered: true,
        }),
      ),
    );
  return {
    id: producer.id,
    kind: producer.kind,
    type: producer.type,
    rtpParameters: rtpParametersDump(rtpParameters),
    rtpMapping: {
      codecs: rtpMapping.codecs.map(({ payloadType, mappedPayloadType }) => ({
        payloadType,
        mappedPayloadType,
      })),
      // As mediasoup 3.19.3 writes its mapping back: rid '' and scalabilityMode null (the
      // worker keeps neither in it), ssrc null when there is none.
      encodings: rtpMapping.encodings.map(({ ssrc, mappedSsrc }) => ({
        rid: '',
        ssrc: ssrc ?? null,
        scalabilityMode: null,
        mappedSsrc,
      })),
    },
    // As mediasoup: the receiving streams that got a packet (as getStats() lists them), the
    // key left out while there is none.
    ...(streams.length > 0 ? { rtpStreams: streams } : {}),
    traceEventTypes: producer.traceFlags.enabled,
    paused: producer.paused,
  };
}

export function consumerDump(
  consumer: Consumer,
  consumableRtpEncodings: readonly RtpEncodingParameters[] | undefined,
): Record<string, unknown> {
  const { rtpParameters } = consumer;
  const encodings = rtpParameters.encodings ?? [];
  const streams = consumer.sendStreams.map((stream, encodingIdx) =>
    rtpStreamDump(stream, {
      encodingIdx,
      rtpParameters,
      encoding: encodings[encodingIdx],
      layered: consumer.type !== 'simple',
    }),
  );
  return {
    id: consumer.id,
    producerId: consumer.producerId,
    kind: consumer.kind,
    type: consumer.type,
    rtpParameters: rtpParametersDump(rtpParameters),
    ...(consumableRtpEncodings?.length
      ? { consumableRtpEncodings: consumableRtpEncodings.map(encodingDump) }
      : {}),
    supportedCodecPayloadTypes: rtpParameters.codecs
      .filter(isMediaCodec)
      .map((codec) => codec.payloadType)
      .sort((a, b) => a - b),
    traceEventTypes: consumer.traceFlags.enabled,
    paused: consumer.paused,
    producerPaused: consumer.producerPaused,
    priority: consumer.priority,
    // A pipe consumer has one stream per encoding; the others one.
    ...(consumer.type === 'pipe' ? { rtpStreams: streams } : { rtpStream: streams[0] }),
    ...consumer.dumpFields(),
  };
}

/**
 * mediasoup 3.19.3 hands a producer's streams out as its flatbuffers tables unpacked (its
 * consumers' are parsed): what is unset is '' (rid, rrid) or null (RTX), not left out.
 */
function producerStreamDump(dump: Record<string, unknown>): Record<string, unknown> {
  const params = dump.params as Record<string, unknown>;
  const rtx = dump.rtxStream as { params: Record<string, unknown> } | undefined;
  return {
    ...dump,
    params: {
      ...params,
      rid: params.rid ?? '',
      rtxSsrc: params.rtxSsrc ?? null,
      rtxPayloadType: params.rtxPayloadType ?? null,
    },
    rtxStream: rtx ? { params: { ...rtx.params, rrid: rtx.params.rrid ?? '' } } : null,
  };
}
