/** Whether a codec negotiated an RTCP feedback type (RFC 4585 §4.2), e.g. 'nack' + 'pli'. */
import type { RtpCodecParameters } from '../../ortc/index.js';

export function hasFeedback(
  codec: RtpCodecParameters | undefined,
  type: string,
  parameter?: string,
): boolean {
  return (codec?.rtcpFeedback ?? []).some(
    (fb) => fb.type === type && (fb.parameter ?? '') === (parameter ?? ''),
  );
}
