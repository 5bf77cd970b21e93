/**
 * The per-profile packet transforms behind `SrtpSession`. A transform holds one set of
 * session keys (the RTP set or the RTCP set) and does the cryptography only: the session
 * parses headers, tracks indices and replay, and owns the work buffer.
 *
 * Every method reads the packet from `packet[0, length)` (never modifying it) and writes its
 * output to `work[WORK_OFFSET, WORK_OFFSET + returned length)`. The bytes in front of
 * WORK_OFFSET are scratch (HMAC-SHA1 writes its inner key block there). `work` has room for
 * at least `length + MAX_SRTP_OVERHEAD` bytes after WORK_OFFSET.
 */
import { HMAC_SHA1_PREFIX } from './hmacSha1.js';

export const WORK_OFFSET = HMAC_SHA1_PREFIX;
/** Largest number of bytes protection adds (16-byte tag + 4-byte SRTCP index). */
export const MAX_SRTP_OVERHEAD = 20;

export interface SrtpTransform {
  /** Returns the protected length. */
  protectRtp(
    packet: Uint8Array,
    length: number,
    headerLength: number,
    ssrc: number,
    roc: number,
    seq: number,
    work: Uint8Array,
  ): number;
  /** `length` includes the tag. Returns the plain length, or -1 if authentication failed. */
  unprotectRtp(
    packet: Uint8Array,
    length: number,
    headerLength: number,
    ssrc: number,
    roc: number,
    seq: number,
    work: Uint8Array,
  ): number;
  /** Encrypts (E = 1) with SRTCP index `index`. Returns the protected length. */
  protectRtcp(
    packet: Uint8Array,
    length: number,
    ssrc: number,
    index: number,
    work: Uint8Array,
  ): number;
  /**
   * `eIndex` is the 32-bit E || SRTCP index word read from the trailer. Returns the plain
   * length, or -1 if authentication failed.
   */
  unprotectRtcp(
    packet: Uint8Array,
    length: number,
    ssrc: number,
    eIndex: number,
    work: Uint8Array,
  ): number;
}
