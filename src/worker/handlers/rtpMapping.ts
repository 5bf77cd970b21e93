/** The producer's rtpMapping (computed by the control layer's ortc), validated again here. */
import { MAX_CODECS, MAX_ENCODINGS } from '../../ortc/index.js';
import type { RtpMapping } from '../../ortc/index.js';
import { asObject, optionalNumber, optionalString, requireArray } from '../validate.js';

export function validateRtpMapping(value: unknown): RtpMapping {
  const mapping = asObject(value, 'rtpMapping');
  const codecs = requireArray(mapping.codecs, 'rtpMapping.codecs', MAX_CODECS).map((c, i) => {
    const codec = asObject(c, `rtpMapping.codecs[${i}]`);
    const payloadType = optionalNumber(codec.payloadType, 'payloadType', -1, 0, 127);
    const mappedPayloadType = optionalNumber(
      codec.mappedPayloadType,
      'mappedPayloadType',
      -1,
      0,
      127,
    );
    if (payloadType < 0 || mappedPayloadType < 0)
      throw new TypeError('rtpMapping.codecs entry incomplete');
    return { payloadType, mappedPayloadType };
  });
  const encodings = requireArray(mapping.encodings, 'rtpMapping.encodings', MAX_ENCODINGS).map(
    (e, i) => {
      const encoding = asObject(e, `rtpMapping.encodings[${i}]`);
      const mappedSsrc = optionalNumber(encoding.mappedSsrc, 'mappedSsrc', -1, 0, 0xffffffff);
      if (mappedSsrc < 0) throw new TypeError('rtpMapping.encodings entry needs mappedSsrc');
      const ssrc = optionalNumber(encoding.ssrc, 'rtpMapping ssrc', -1, 0, 0xffffffff);
      return {
        ssrc: ssrc < 0 ? undefined : ssrc,
        rid: optionalString(encoding.rid, `rtpMapping.encodings[${i}].rid`),
        scalabilityMode: optionalString(
          encoding.scalabilityMode,
          `rtpMapping.encodings[${i}].scalabilityMode`,
        ),
        mappedSsrc,
      };
    },
  );
  return { codecs, encodings };
}
