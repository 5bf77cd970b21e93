/**
 * Header extension id tables: which URI an id means, per side. Ids travel as
 * small integers, so a 256-entry table per direction replaces map lookups on
 * the hot path.
 */
import type { RtpHeaderExtensionParameters } from '../../ortc/index.js';

export const URI = {
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  repairedRid: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  transportWideCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  videoOrientation: 'urn:3gpp:video-orientation',
} as const;

/** Extensions that identify a stream on one hop only: never forwarded as they are. */
const HOP_BY_HOP = new Set<string>([URI.mid, URI.rid, URI.repairedRid]);

/**
 * Producer side: producer id → router id (0 drops the element), built from the
 * producer's negotiated extensions and the router's ids for the same URIs.
 */
export function buildProducerExtensionMap(
  producerExtensions: readonly RtpHeaderExtensionParameters[],
  routerIdForUri: (uri: string) => number | undefined,
): Uint8Array {
  const map = new Uint8Array(256);
  for (const ext of producerExtensions) {
    if (HOP_BY_HOP.has(ext.uri)) continue;
    const routerId = routerIdForUri(ext.uri);
    if (routerId !== undefined && ext.id > 0 && ext.id < 256) map[ext.id] = routerId;
  }
  return map;
}

/** The id negotiated for `uri`, or 0. */
export function extensionId(
  extensions: readonly RtpHeaderExtensionParameters[] | undefined,
  uri: string,
): number {
  return extensions?.find((e) => e.uri === uri)?.id ?? 0;
}

/**
 * Consumer side: router id → consumer id for the extensions forwarded as they
 * are (0 = not negotiated by this consumer: dropped).
 */
export function buildConsumerExtensionMap(
  consumerExtensions: readonly RtpHeaderExtensionParameters[],
  routerIdForUri: (uri: string) => number | undefined,
): Uint8Array {
  const map = new Uint8Array(256);
  for (const ext of consumerExtensions) {
    if (HOP_BY_HOP.has(ext.uri) || ext.uri === URI.absSendTime || ext.uri === URI.transportWideCc) {
      continue;
    }
    const routerId = routerIdForUri(ext.uri);
    if (routerId !== undefined && ext.id > 0 && ext.id < 256) map[routerId] = ext.id;
  }
  return map;
}
