/**
 * A producer's type as mediasoup derives it from its encodings: several are simulcast; one
 * with spatial or temporal layers (its scalabilityMode) is SVC for VP9 (layers within one
 * stream) and simulcast (one stream, temporal layers) for VP8 and H264; anything else is
 * simple. Unlike mediasoup, H264-SVC and AV1 with layers are forwarded as simple streams:
 * Skein reads neither their layer signalling nor the AV1 dependency descriptor yet.
 */
import { parseScalabilityMode, type RtpParameters } from '../../ortc/index.js';

export type ProducerType = 'simple' | 'simulcast' | 'svc';

export function producerType(rtpParameters: RtpParameters): ProducerType {
  const encodings = rtpParameters.encodings ?? [];
  if (encodings.length > 1) return 'simulcast';
  const encoding = encodings[0];
  if (!encoding) return 'simple';
  const mode = parseScalabilityMode(encoding.scalabilityMode);
  if (mode.spatialLayers <= 1 && mode.temporalLayers <= 1) return 'simple';
  const codec =
    rtpParameters.codecs.find((c) => c.payloadType === encoding.codecPayloadType) ??
    rtpParameters.codecs.find((c) => !c.mimeType.toLowerCase().endsWith('/rtx'));
  switch (codec?.mimeType.toLowerCase()) {
    case 'video/vp9':
      return 'svc';
    case 'video/vp8':
    case 'video/h264':
      return 'simulcast';
    default:
      return 'simple';
  }
}
