/**
 * RTP capability and parameter shapes, identical to mediasoup v3's public
 * types so that mediasoup-client's JSON passes through unchanged.
 *
 * Capabilities say what an endpoint can receive (ORTC's RTCRtpCapabilities);
 * parameters describe one concrete stream (ORTC's RTCRtpParameters).
 */

/** Media kind ('audio' or 'video'). */
export type MediaKind = 'audio' | 'video';

/**
 * Codec-specific SDP format parameters (the `a=fmtp` line, RFC 8866 §6.15),
 * e.g. `{ 'packetization-mode': 1 }` or `{ apt: 101 }` for RTX.
 */
export type RtpCodecParametersParameters = Record<string, string | number>;

/** What a codec looks like inside RtpCapabilities. */
export interface RtpCodecCapability {
  kind: MediaKind;
  /** `<kind>/<subtype>`, e.g. 'audio/opus', 'video/VP8', 'video/rtx'. */
  mimeType: string;
  /** Payload type the endpoint prefers (0-127). Set on every router codec. */
  preferredPayloadType?: number;
  clockRate: number;
  /** Audio only; defaults to 1. */
  channels?: number;
  parameters?: RtpCodecParametersParameters;
  rtcpFeedback?: RtcpFeedback[];
}

/**
 * A codec as given in `mediaCodecs` when creating a Router. Same shape as
 * RtpCodecCapability; `preferredPayloadType` is usually left for the router
 * to assign.
 */
export type RouterRtpCodecCapability = RtpCodecCapability;

/** Direction of a header extension as seen from the router. */
export type RtpHeaderExtensionDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** URIs of the RTP header extensions Skein knows (RFC 8285 registrations and drafts). */
export type RtpHeaderExtensionUri =
  | 'urn:ietf:params:rtp-hdrext:sdes:mid'
  | 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id'
  | 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id'
  | 'http://tools.ietf.org/html/draft-ietf-avtext-framemarking-07'
  | 'urn:ietf:params:rtp-hdrext:framemarking'
  | 'urn:ietf:params:rtp-hdrext:ssrc-audio-level'
  | 'urn:3gpp:video-orientation'
  | 'urn:ietf:params:rtp-hdrext:toffset'
  | 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'
  | 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'
  | 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time'
  | 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay'
  | 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';

/** A header extension inside RtpCapabilities. */
export interface RtpHeaderExtension {
  kind: MediaKind;
  uri: RtpHeaderExtensionUri;
  /** Extension id (RFC 8285 §4.2: 1-14 one-byte, 1-255 two-byte). */
  preferredId: number;
  preferredEncrypt?: boolean;
  /** Defaults to 'sendrecv'. 'recvonly' means the router never sends it. */
  direction?: RtpHeaderExtensionDirection;
}

/** What an endpoint (or the router) can receive. */
export interface RtpCapabilities {
  codecs?: RtpCodecCapability[];
  headerExtensions?: RtpHeaderExtension[];
}

/** A router's capabilities (mediasoup's name; Skein's router codecs are RtpCodecCapability). */
export type RouterRtpCapabilities = RtpCapabilities;

/** An `a=rtcp-fb` entry (RFC 4585 §4.2), e.g. `{ type: 'nack', parameter: 'pli' }`. */
export interface RtcpFeedback {
  type: string;
  parameter?: string;
}

/** A codec inside RtpParameters: a concrete payload type on the wire. */
export interface RtpCodecParameters {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
  parameters?: RtpCodecParametersParameters;
  rtcpFeedback?: RtcpFeedback[];
}

/** A header extension inside RtpParameters, with the id actually used. */
export interface RtpHeaderExtensionParameters {
  uri: RtpHeaderExtensionUri;
  id: number;
  encrypt?: boolean;
  parameters?: RtpCodecParametersParameters;
}

/** One RTP stream (a simulcast layer, or the only stream). */
export interface RtpEncodingParameters {
  ssrc?: number;
  /** RID (RFC 8851) used when the sender signals streams by rid, not ssrc. */
  rid?: string;
  codecPayloadType?: number;
  /** The RTX repair stream (RFC 4588) of this encoding. */
  rtx?: { ssrc: number };
  /** Discontinuous transmission (opus). */
  dtx?: boolean;
  /** W3C webrtc-svc mode, e.g. 'L1T3', 'S3T3', 'L3T3_KEY'. */
  scalabilityMode?: string;
  scaleResolutionDownBy?: number;
  maxBitrate?: number;
  maxFramerate?: number;
  adaptivePtime?: boolean;
  priority?: 'very-low' | 'low' | 'medium' | 'high';
  networkPriority?: 'very-low' | 'low' | 'medium' | 'high';
}

/** RTCP settings of a stream (RFC 3550 §6.5.1 CNAME; RFC 5506 reduced size). */
export interface RtcpParameters {
  cname?: string;
  reducedSize?: boolean;
}

/** How one stream is sent or received. */
export interface RtpParameters {
  mid?: string;
  codecs: RtpCodecParameters[];
  headerExtensions?: RtpHeaderExtensionParameters[];
  encodings?: RtpEncodingParameters[];
  rtcp?: RtcpParameters;
  /** `<stream id> <track id>` (RFC 8830). */
  msid?: string;
}

/**
 * How a producer's payload types and streams are rewritten to the router's:
 * consumers only ever see the mapped values.
 */
export interface RtpMapping {
  codecs: { payloadType: number; mappedPayloadType: number }[];
  encodings: { ssrc?: number; rid?: string; scalabilityMode?: string; mappedSsrc: number }[];
}
