/**
 * Rewrites a forwarded stream's header for one consumer (RFC 3550 §5.1 fields): its own SSRC
 * and payload type, a sequence number that stays continuous across pauses, source restarts and
 * dropped packets (SeqManager), and a timestamp that stays continuous when the source changes,
 * the way mediasoup's SimpleConsumer does it:
 *
 * - `requestSync()` on resume or source change: the next forwarded packet (a key frame, when
 *   `keyFrameRequired`) continues at last sent seq + 1.
 * - Same source SSRC after the sync: its timestamps are kept (same clock, just a pause).
 *   Different SSRC: the timestamp is re-anchored to the last sent one plus the time elapsed.
 *
 * `process()` computes the output values; `apply()` writes them into the packet. Keep the
 * original header if the same packet goes on to other consumers.
 */

import type { RtpPacketView } from '../../protocols/rtp/packet-view.js';
import { SeqManager } from './SeqManager.js';

export interface RtpRewriterOptions {
  /** The consumer's SSRC and payload type. */
  ssrc: number;
  payloadType: number;
  clockRate: number;
  /** After a sync forward nothing until a key frame (video). Default false. */
  keyFrameRequired?: boolean;
  /** First outgoing sequence number (default: the first input's). */
  initialSequenceNumber?: number;
}

export class RtpRewriter {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly keyFrameRequired: boolean;
  readonly #seq: SeqManager;

  #syncRequired = true;
  #started = false;
  #sourceSsrc = 0;
  /** output timestamp = input − offset (mod 2^32). */
  #tsOffset = 0;
  #lastTs = 0;
  #lastMs = 0;

  /** Output values of the last `process()` that returned true. */
  sequenceNumber = 0;
  timestamp = 0;

  constructor(options: RtpRewriterOptions) {
    this.ssrc = options.ssrc >>> 0;
    this.payloadType = options.payloadType;
    this.clockRate = options.clockRate;
    this.keyFrameRequired = options.keyFrameRequired ?? false;
    this.#seq = new SeqManager(options.initialSequenceNumber);
  }

  get syncRequired(): boolean {
    return this.#syncRequired;
  }
  get seqManager(): SeqManager {
    return this.#seq;
  }

  /** The next packet re-anchors the output (call on resume and on a source change). */
  requestSync(): void {
    this.#syncRequired = true;
  }

  /** Takes the newest input packet out of the output (e.g. padding-only), closing the gap. */
  drop(sequenceNumber: number): void {
    this.#seq.drop(sequenceNumber);
  }

  /**
   * Computes `sequenceNumber` and `timestamp` for this input packet. False: do not forward it
   * (waiting for a key frame after a sync, or a straggler/dropped packet).
   */
  process(view: RtpPacketView, nowMs: number, isKeyFrame = false): boolean {
    const inSeq = view.sequenceNumber;
    const inTs = view.timestamp;
    const srcSsrc = view.ssrc;
    if (this.#syncRequired) {
      if (this.keyFrameRequired && !isKeyFrame) return false;
      this.#seq.sync((inSeq - 1) & 0xffff);
      if (!this.#started) {
        this.#tsOffset = 0;
      } else if (srcSsrc !== this.#sourceSsrc) {
        // New source clock: continue from the last timestamp sent plus the time since.
        const elapsed = Math.max(1, Math.floor(((nowMs - this.#lastMs) * this.clockRate) / 1000));
        this.#tsOffset = (inTs - ((this.#lastTs + elapsed) >>> 0)) >>> 0;
      }
      this.#sourceSsrc = srcSsrc;
      this.#syncRequired = false;
    } else if (srcSsrc !== this.#sourceSsrc) {
      return false; // another source's packet before a sync was asked for
    }
    const out = this.#seq.input(inSeq);
    if (out < 0) return false;
    const ts = (inTs - this.#tsOffset) >>> 0;
    if (!this.#started || ((ts - this.#lastTs) | 0) > 0) {
      this.#lastTs = ts;
      this.#lastMs = nowMs;
    }
    this.#started = true;
    this.sequenceNumber = out;
    this.timestamp = ts;
    return true;
  }

  /** Writes SSRC, payload type, and the values of the last `process()` into the packet. */
  apply(view: RtpPacketView): void {
    view.ssrc = this.ssrc;
    view.payloadType = this.payloadType;
    view.sequenceNumber = this.sequenceNumber;
    view.timestamp = this.timestamp;
  }
}
