/**
 * A bounds-checked look at one SCTP packet (RFC 9260 §3) before any SCTP
 * engine sees it: the common header, the checksum, every chunk's length and
 * the parameters inside, and the fields a receiver must bound (DATA TSNs and
 * stream ids, SACK gap spans, FORWARD TSN streams). Nothing is allocated: the
 * summary is written into a caller-owned object. Malformed input gives a reason.
 */
import { sctpChecksum } from './crc32c.js';

export const ChunkType = {
  data: 0,
  init: 1,
  initAck: 2,
  sack: 3,
  heartbeat: 4,
  heartbeatAck: 5,
  abort: 6,
  shutdown: 7,
  shutdownAck: 8,
  error: 9,
  cookieEcho: 10,
  cookieAck: 11,
  shutdownComplete: 14,
  reconfig: 130,
  forwardTsn: 192,
} as const;

/** Chunks per packet we look at: a 1500-byte MTU holds fewer than 94 of 16 bytes. */
export const MAX_CHUNKS_PER_PACKET = 128;
/** Largest SCTP packet taken (a DTLS record carries at most 2^14 bytes, RFC 6347 §4.3.1). */
export const MAX_SCTP_PACKET_SIZE = 16384;

export type SctpPacketProblem =
  | 'tooShort'
  | 'tooLong'
  | 'badChecksum'
  | 'noChunks'
  | 'tooManyChunks'
  | 'badChunkLength'
  | 'badParameterLength'
  | 'unknownChunk'
  | 'initNotAlone'
  | 'badInit'
  | 'emptyData'
  | 'badSack'
  | 'badForwardTsn';

export interface SctpPacketSummary {
  verificationTag: number;
  chunkCount: number;
  /** The packet's only chunk is an INIT. */
  isInit: boolean;
  dataCount: number;
  /** TSN and stream id of each DATA chunk, in order (the first `dataCount`). */
  readonly dataTsn: Uint32Array;
  readonly dataStream: Uint16Array;
  /** Sum of SACK gap block spans (TSNs the SACK claims), 0 without a SACK. */
  sackGapSpan: number;
  /** Highest stream id a FORWARD TSN names, -1 if none. */
  maxForwardStream: number;
}

export function newSctpPacketSummary(): SctpPacketSummary {
  return {
    verificationTag: 0,
    chunkCount: 0,
    isInit: false,
    dataCount: 0,
    dataTsn: new Uint32Array(MAX_CHUNKS_PER_PACKET),
    dataStream: new Uint16Array(MAX_CHUNKS_PER_PACKET),
    sackGapSpan: 0,
    maxForwardStream: -1,
  };
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** TLV parameters in `[start, end)` (RFC 9260 §3.2.1): each at least 4 bytes and inside. */
function paramsWellFormed(b: Uint8Array, start: number, end: number): boolean {
  let pos = start;
  while (pos + 4 <= end) {
    const length = u16(b, pos + 2);
    if (length < 4 || pos + length > end) return false;
    pos += (length + 3) & ~3;
  }
  return true;
}

/** Checks `packet`; fills `out` and returns undefined when it is well-formed. */
export function inspectSctpPacket(
  packet: Uint8Array,
  out: SctpPacketSummary,
): SctpPacketProblem | undefined {
  const n = packet.length;
  if (n < 16) return 'tooShort'; // common header (§3.1) and one chunk header
  if (n > MAX_SCTP_PACKET_SIZE) return 'tooLong';
  // The checksum field is little-endian as computed (RFC 9260 Appendix A).
  const sent = (packet[8] | (packet[9] << 8) | (packet[10] << 16) | (packet[11] << 24)) >>> 0;
  if (sent !== sctpChecksum(packet)) return 'badChecksum';
  out.verificationTag = u32(packet, 4);
  out.chunkCount = 0;
  out.isInit = false;
  out.dataCount = 0;
  out.sackGapSpan = 0;
  out.maxForwardStream = -1;
  let pos = 12;
  while (pos + 4 <= n) {
    const type = packet[pos];
    const length = u16(packet, pos + 2);
    if (length < 4 || pos + length > n) return 'badChunkLength';
    if (++out.chunkCount > MAX_CHUNKS_PER_PACKET) return 'tooManyChunks';
    const body = pos + 4;
    const end = pos + length;
    switch (type) {
      case ChunkType.data:
        // §3.3.1: 16-byte header; a DATA chunk without user data is a protocol violation.
        if (length < 17) return 'emptyData';
        out.dataTsn[out.dataCount] = u32(packet, body);
        out.dataStream[out.dataCount] = u16(packet, body + 4);
        out.dataCount++;
        break;
      case ChunkType.init:
      case ChunkType.initAck:
        // §3.3.2: tag, a_rwnd, OS, MIS, initial TSN; §3.3.2.1 tag, OS and MIS are not 0.
        if (length < 20) return 'badInit';
        if (u32(packet, body) === 0 || u16(packet, body + 8) === 0 || u16(packet, body + 10) === 0)
          return 'badInit';
        if (!paramsWellFormed(packet, body + 16, end)) return 'badParameterLength';
        if (type === ChunkType.init) out.isInit = true;
        break;
      case ChunkType.sack: {
        // §3.3.4: cumulative TSN, a_rwnd, gap and duplicate counts, then 4 bytes each.
        if (length < 16) return 'badSack';
        const gaps = u16(packet, body + 8);
        const dups = u16(packet, body + 10);
        if (16 + 4 * gaps + 4 * dups > length) return 'badSack';
        for (let i = 0; i < gaps; i++) {
          const start = u16(packet, body + 12 + 4 * i);
          const stop = u16(packet, body + 14 + 4 * i);
          if (start === 0 || stop < start) return 'badSack';
          out.sackGapSpan += stop - start + 1;
        }
        break;
      }
      case ChunkType.heartbeat:
      case ChunkType.heartbeatAck:
      case ChunkType.abort:
      case ChunkType.error:
      case ChunkType.reconfig:
        if (!paramsWellFormed(packet, body, end)) return 'badParameterLength';
        break;
      case ChunkType.shutdown:
        if (length !== 8) return 'badChunkLength';
        break;
      case ChunkType.forwardTsn:
        // RFC 3758 §3.2: new cumulative TSN, then (stream, sequence) pairs.
        if (length < 8 || (length - 8) % 4 !== 0) return 'badForwardTsn';
        for (let at = body + 4; at < end; at += 4) {
          out.maxForwardStream = Math.max(out.maxForwardStream, u16(packet, at));
        }
        break;
      case ChunkType.cookieEcho:
      case ChunkType.cookieAck:
      case ChunkType.shutdownAck:
      case ChunkType.shutdownComplete:
        break;
      default:
        // The engine cannot skip unknown chunks (§3.2 upper bits), so the packet goes.
        return 'unknownChunk';
    }
    pos += (length + 3) & ~3;
  }
  if (out.chunkCount === 0) return 'noChunks';
  // §6.10: an INIT must be the only chunk of its packet.
  if (out.isInit && out.chunkCount !== 1) return 'initNotAlone';
  return undefined;
}

/**
 * Whether a datagram that is neither STUN, DTLS nor RTP/RTCP may be SCTP over UDP: a common
 * header and a chunk header, and a first byte outside the RTP/RTCP range (RFC 7983 §7; an
 * SCTP source port below 0x8000, as WebRTC's 5000). The inspector decides the rest.
 */
export function mayBeSctp(datagram: Uint8Array): boolean {
  return datagram.length >= 16 && datagram[0] < 128;
}
