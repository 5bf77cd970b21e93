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
 * As mediasoup 3.19.3's worker writes them: an RTCP feedback entry without a parameter has
 * no `parameter` in a dump (its flatbuffers string is left unset), where the objects the API
 * hands out (producer.rtpParameters, consumer.rtpParameters) carry ''.
 */
function rtpParametersDump(rtpParameters: RtpParameters): RtpParameters {
  const feedbackDump = ({ type, parameter }: RtcpFeedback): RtcpFeedback =>
    parameter ? { type, parameter } : { type };
  return {
    ...rtpParameters,
    codecs: rtpParameters.codecs.map((codec) =>
      codec.rtcpFeedback ? { ...codec, rtcpFeedback: codec.rtcpFeedback.map(feedbackDump) } : codec,
    ),
  };
}

export function producerDump(producer: Producer): Record<string, unknown> {
  const { rtpParameters, rtpMapping } = producer;
  const encodings = rtpParameters.encodings ?? [];
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
      encodings: rtpMapping.encodings.map(({ rid, ssrc, scalabilityMode, mappedSsrc }) => ({
        ...(rid !== undefined ? { rid } : {}),
        ...(ssrc !== undefined ? { ssrc } : {}),
        ...(scalabilityMode !== undefined ? { scalabilityMode } : {}),
        mappedSsrc,
      })),
    },
    // As mediasoup: the receiving streams created so far (an SSRC signalled or learned).
    rtpStreams: producer.streams.map((stream) =>
      rtpStreamDump(stream.recv, {
        encodingIdx: stream.encodingIdx,
        rid: stream.rid,
        rtpParameters,
        encoding: encodings[stream.encodingIdx],
        layered: true,
      }),
    ),
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
    ...(consumableRtpEncodings?.length ? { consumableRtpEncodings } : {}),
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
