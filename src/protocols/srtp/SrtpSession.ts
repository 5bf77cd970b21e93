/**
 * One direction of an SRTP/SRTCP session (RFC 3711): a master key and salt, the session keys
 * derived from them, and per-SSRC state (ROC and replay window). Pure: bytes in, bytes out.
 *
 * Buffer ownership: the input packet is never modified. Unless an `out` buffer is given, the
 * result is a view of a work buffer owned by the session and is valid only until the next
 * call of any method on the same session; copy it (or pass `out`) if it must live longer,
 * e.g. across an asynchronous `dgram.send`. `protectRtpInto` / `protectRtcpInto` take a caller
 * buffer as the work area itself (no copy out of the session's): the result is a view of it.
 *
 * Errors: malformed, forged or replayed input is answered with an `SrtpError` value, never
 * an exception. Only programming errors throw (bad key lengths, an `out` that is too small).
 * Nothing is counted here; the caller counts.
 */
import { AesCmHmacTransform } from './aesCmTransform.js';
import { AesGcmTransform } from './aesGcmTransform.js';
import { deriveSrtpSessionKeys, type SrtpSessionKeys } from './keyDerivation.js';
import { getSrtpProfile, type SrtpCryptoSuite, type SrtpProfile } from './profiles.js';
import { DEFAULT_REPLAY_WINDOW_SIZE, ReplayWindow } from './replayWindow.js';
import {
  RTCP_UNENCRYPTED_LENGTH,
  RTP_FIXED_HEADER_LENGTH,
  isRtcpHeader,
  readUint32,
  rtpHeaderLength,
} from './rtpHeader.js';
import { estimateRoc, updateIndexState, type RtpIndexState } from './srtpIndex.js';
import { MAX_SRTP_OVERHEAD, WORK_OFFSET, type SrtpTransform } from './transform.js';

/** Why a packet was refused. Numeric so a result is `Uint8Array | SrtpError`. */
export enum SrtpError {
  /** Too short, not RTP/RTCP version 2, or a header that overruns the packet. */
  Malformed = 1,
  /** The authentication tag did not verify. */
  AuthFailed = 2,
  /** Already received, or older than the replay window. */
  ReplayDetected = 3,
}

export type SrtpResult = Uint8Array | SrtpError;

export function isSrtpError(result: SrtpResult): result is SrtpError {
  return typeof result === 'number';
}

export interface SrtpSessionOptions {
  /** Replay window size in packets, for SRTP and SRTCP (default 128, minimum 64). */
  replayWindowSize?: number;
}

interface RxRtpStream extends RtpIndexState {
  window: ReplayWindow;
}

function resolveProfile(profile: SrtpProfile | SrtpCryptoSuite): SrtpProfile {
  if (typeof profile !== 'string') return profile;
  const p = getSrtpProfile(profile);
  if (p === undefined) throw new TypeError(`unknown SRTP crypto suite ${profile}`);
  return p;
}

/** What a `protectRtpInto` work area needs beyond the packet: scratch in front, overhead after. */
export const SRTP_INTO_EXTRA = WORK_OFFSET + MAX_SRTP_OVERHEAD;

const INITIAL_WORK_SIZE = WORK_OFFSET + 1500 + MAX_SRTP_OVERHEAD;

export class SrtpSession {
  readonly profile: SrtpProfile;
  readonly #windowSize: number;
  #rtp!: SrtpTransform;
  #rtcp!: SrtpTransform;
  #work = Buffer.from(new ArrayBuffer(INITIAL_WORK_SIZE));
  readonly #txRtp = new Map<number, RtpIndexState>();
  readonly #rxRtp = new Map<number, RxRtpStream>();
  readonly #txRtcp = new Map<number, number>();
  readonly #rxRtcp = new Map<number, ReplayWindow>();

  /** Throws TypeError on an unknown profile or wrong key / salt lengths. */
  constructor(
    profile: SrtpProfile | SrtpCryptoSuite,
    masterKey: Uint8Array,
    masterSalt: Uint8Array,
    options: SrtpSessionOptions = {},
  ) {
    const p = resolveProfile(profile);
    if (masterKey.length !== p.keyLength) {
      throw new TypeError(`${p.cryptoSuite} master key must be ${p.keyLength} bytes`);
    }
    if (masterSalt.length !== p.saltLength) {
      throw new TypeError(`${p.cryptoSuite} master salt must be ${p.saltLength} bytes`);
    }
    this.profile = p;
    this.#windowSize = options.replayWindowSize ?? DEFAULT_REPLAY_WINDOW_SIZE;
    this.#setSessionKeys(
      deriveSrtpSessionKeys(masterKey, masterSalt, p.authKeyLength, false),
      deriveSrtpSessionKeys(masterKey, masterSalt, p.authKeyLength, true),
    );
  }

  /** A session from already derived session keys (SDES-style tests, RFC test vectors). */
  static fromSessionKeys(
    profile: SrtpProfile | SrtpCryptoSuite,
    rtpKeys: SrtpSessionKeys,
    rtcpKeys: SrtpSessionKeys,
    options: SrtpSessionOptions = {},
  ): SrtpSession {
    const p = resolveProfile(profile);
    const session = new SrtpSession(
      p,
      new Uint8Array(p.keyLength),
      new Uint8Array(p.saltLength),
      options,
    );
    session.#setSessionKeys(rtpKeys, rtcpKeys);
    return session;
  }

  #setSessionKeys(rtp: SrtpSessionKeys, rtcp: SrtpSessionKeys): void {
    const p = this.profile;
    if (p.aead) {
      this.#rtp = new AesGcmTransform(rtp);
      this.#rtcp = new AesGcmTransform(rtcp);
    } else {
      this.#rtp = new AesCmHmacTransform(rtp, p.rtpAuthTagLength);
      this.#rtcp = new AesCmHmacTransform(rtcp, p.rtcpAuthTagLength);
    }
  }

  /** Encrypts and authenticates an RTP packet. Malformed if its header does not parse. */
  protectRtp(packet: Uint8Array, out?: Uint8Array): SrtpResult {
    return this.#protectRtp(packet, out, false);
  }

  /**
   * As protectRtp, but `space` is the work area when it has room for `packet.length +
   * SRTP_INTO_EXTRA` bytes (the result is then a view of it at some offset, written once, no
   * copy); otherwise the result is copied to its start, as with `out`. Every byte of `space`
   * may be overwritten. The hot send path's form: its send buffers are the work areas.
   */
  protectRtpInto(packet: Uint8Array, space: Uint8Array): SrtpResult {
    return this.#protectRtp(packet, space, true);
  }

  #protectRtp(packet: Uint8Array, out: Uint8Array | undefined, into: boolean): SrtpResult {
    const length = packet.length;
    const headerLength = rtpHeaderLength(packet, length);
    if (headerLength < 0) return SrtpError.Malformed;
    const seq = (packet[2] << 8) | packet[3];
    const ssrc = readUint32(packet, 8);

    let state = this.#txRtp.get(ssrc);
    let roc = 0;
    if (state === undefined) {
      state = { roc: 0, highestSeq: seq };
      this.#txRtp.set(ssrc, state);
    } else {
      // A sender has no ROC before 0: a far-behind SEQ at ROC 0 stays at ROC 0.
      roc = Math.max(0, estimateRoc(state, seq));
      updateIndexState(state, roc, seq);
    }
    const direct = into && out !== undefined && out.length >= length + SRTP_INTO_EXTRA;
    const work = direct ? out : this.#workFor(length);
    const n = this.#rtp.protectRtp(packet, length, headerLength, ssrc, roc >>> 0, seq, work);
    return direct ? out.subarray(WORK_OFFSET, WORK_OFFSET + n) : this.#result(n, out);
  }

  /** Verifies, replay-checks and decrypts an SRTP packet. */
  unprotectRtp(packet: Uint8Array, out?: Uint8Array): SrtpResult {
    const length = packet.length;
    const plainLength = length - this.profile.rtpAuthTagLength;
    if (plainLength < RTP_FIXED_HEADER_LENGTH) return SrtpError.Malformed;
    const headerLength = rtpHeaderLength(packet, plainLength);
    if (headerLength < 0) return SrtpError.Malformed;
    const seq = (packet[2] << 8) | packet[3];
    const ssrc = readUint32(packet, 8);

    // Unknown SSRC: the first packet defines s_l (ROC 0). State is only created once the
    // packet authenticated, so forged packets cannot fill the map.
    const stream = this.#rxRtp.get(ssrc);
    let v = 0;
    let index = seq;
    if (stream !== undefined) {
      v = estimateRoc(stream, seq);
      if (v < 0) return SrtpError.ReplayDetected;
      index = v * 0x10000 + seq;
      if (!stream.window.check(index)) return SrtpError.ReplayDetected;
    }
    const work = this.#workFor(length);
    const n = this.#rtp.unprotectRtp(packet, length, headerLength, ssrc, v >>> 0, seq, work);
    if (n < 0) return SrtpError.AuthFailed;

    if (stream === undefined) {
      const window = new ReplayWindow(this.#windowSize);
      window.commit(index);
      this.#rxRtp.set(ssrc, { roc: 0, highestSeq: seq, window });
    } else {
      updateIndexState(stream, v, seq);
      stream.window.commit(index);
    }
    return this.#result(n, out);
  }

  /** Encrypts (E = 1) and authenticates a (compound) RTCP packet. */
  protectRtcp(packet: Uint8Array, out?: Uint8Array): SrtpResult {
    return this.#protectRtcp(packet, out, false);
  }

  /** As protectRtcp, with `space` as the work area (see protectRtpInto). */
  protectRtcpInto(packet: Uint8Array, space: Uint8Array): SrtpResult {
    return this.#protectRtcp(packet, space, true);
  }

  #protectRtcp(packet: Uint8Array, out: Uint8Array | undefined, into: boolean): SrtpResult {
    const length = packet.length;
    if (!isRtcpHeader(packet, length)) return SrtpError.Malformed;
    const ssrc = readUint32(packet, 4);
    const index = this.#txRtcp.get(ssrc) ?? 0;
    // 31-bit index (§3.4); the session must be re-keyed before it wraps.
    this.#txRtcp.set(ssrc, (index + 1) & 0x7fffffff);
    const direct = into && out !== undefined && out.length >= length + SRTP_INTO_EXTRA;
    const work = direct ? out : this.#workFor(length);
    const n = this.#rtcp.protectRtcp(packet, length, ssrc, index, work);
    return direct ? out.subarray(WORK_OFFSET, WORK_OFFSET + n) : this.#result(n, out);
  }

  /** Verifies, replay-checks and decrypts an SRTCP packet. */
  unprotectRtcp(packet: Uint8Array, out?: Uint8Array): SrtpResult {
    const length = packet.length;
    const tagLength = this.profile.rtcpAuthTagLength;
    if (length < RTCP_UNENCRYPTED_LENGTH + 4 + tagLength) return SrtpError.Malformed;
    if (!isRtcpHeader(packet, length)) return SrtpError.Malformed;
    // The E || index word sits before the tag (RFC 3711 §3.4) or after it (RFC 7714 §9).
    const eIndex = readUint32(packet, this.profile.aead ? length - 4 : length - tagLength - 4);
    const index = eIndex & 0x7fffffff;
    const ssrc = readUint32(packet, 4);

    const window = this.#rxRtcp.get(ssrc);
    if (window !== undefined && !window.check(index)) return SrtpError.ReplayDetected;
    const work = this.#workFor(length);
    const n = this.#rtcp.unprotectRtcp(packet, length, ssrc, eIndex, work);
    if (n < 0) return SrtpError.AuthFailed;

    if (window === undefined) {
      const created = new ReplayWindow(this.#windowSize);
      created.commit(index);
      this.#rxRtcp.set(ssrc, created);
    } else {
      window.commit(index);
    }
    return this.#result(n, out);
  }

  /** The sender ROC of `ssrc` (undefined before its first packet). */
  getRoc(ssrc: number): number | undefined {
    return (this.#txRtp.get(ssrc) ?? this.#rxRtp.get(ssrc))?.roc;
  }

  /** Forgets all state of `ssrc` (e.g. when a stream is closed). */
  removeSsrc(ssrc: number): void {
    this.#txRtp.delete(ssrc);
    this.#rxRtp.delete(ssrc);
    this.#txRtcp.delete(ssrc);
    this.#rxRtcp.delete(ssrc);
  }

  #workFor(length: number): Buffer {
    const needed = WORK_OFFSET + length + MAX_SRTP_OVERHEAD;
    if (this.#work.length < needed) {
      this.#work = Buffer.from(new ArrayBuffer(Math.max(needed, this.#work.length * 2)));
    }
    return this.#work;
  }

  #result(length: number, out: Uint8Array | undefined): Uint8Array {
    const result = this.#work.subarray(WORK_OFFSET, WORK_OFFSET + length);
    if (out === undefined) return result;
    if (out.length < length) {
      throw new RangeError(`SRTP output buffer too small: ${out.length} < ${length}`);
    }
    out.set(result);
    return out.subarray(0, length);
  }
}
