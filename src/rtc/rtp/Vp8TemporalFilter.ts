/**
 * VP8 temporal layer filtering and PictureID / TL0PICIDX continuity for one consumer
 * (mediasoup's VP8 EncodingContext + PayloadDescriptorHandler::Process semantics):
 * packets above the target temporal layer are dropped; the current temporal layer goes up
 * only on a layer sync (Y bit, RFC 7741 §4.2) frame and down at once; PictureID (15 bits)
 * and TL0PICIDX (8 bits) are renumbered so that dropped pictures leave no gap and a switch
 * to another simulcast stream continues the numbering (`syncRequired`). The new values are
 * written into the outgoing copy of the payload through the `PayloadRewriter` hook.
 */
import {
  Vp8Descriptor,
  parseVp8Descriptor,
  rewriteVp8Descriptor,
} from '../../protocols/rtp/vp8.js';
import type { PayloadRewriter } from './OutgoingPacketWriter.js';

/** A modular counter that keeps its output continuous across drops and re-syncs. */
class ModularSeq {
  readonly #mask: number;
  readonly #half: number;
  #base = 0;
  #maxInput = 0;
  #maxOutput = 0;
  #started = false;

  constructor(bits: number) {
    this.#mask = (1 << bits) - 1;
    this.#half = 1 << (bits - 1);
  }

  /** `input` − maxInput as a signed distance. */
  diff(input: number): number {
    return ((input - this.#maxInput + this.#half) & this.#mask) - this.#half;
  }

  /** The next input after `input` continues at the last output + 1. */
  sync(input: number): void {
    input &= this.#mask;
    if (!this.#started) {
      this.#started = true;
      this.#maxOutput = input;
    }
    this.#base = (this.#maxOutput - input) & this.#mask;
    this.#maxInput = input;
  }

  /** Removes a newer-than-newest input from the output sequence. */
  drop(input: number): void {
    if (!this.#started || this.diff(input) <= 0) return;
    this.#maxInput = input & this.#mask;
    this.#base = (this.#base - 1) & this.#mask;
  }

  input(input: number): number {
    if (!this.#started) this.sync(input - 1);
    const output = (input + this.#base) & this.#mask;
    if (this.diff(input) > 0) this.#maxInput = input & this.#mask;
    if (((output - this.#maxOutput + this.#half) & this.#mask) - this.#half > 0) {
      this.#maxOutput = output;
    }
    return output;
  }
}

export class Vp8TemporalFilter implements PayloadRewriter {
  readonly descriptor = new Vp8Descriptor();
  targetTemporalLayer = 0;
  /** -1 before the first packet after a sync. */
  currentTemporalLayer = -1;
  /** The next packet with PictureID and TL0PICIDX re-anchors both (a stream switch). */
  syncRequired = true;
  readonly #pictureIds = new ModularSeq(15);
  readonly #tl0PicIdxs = new ModularSeq(8);
  /** Values to write into the packet being sent. */
  #pictureId = 0;
  #tl0PicIdx = 0;

  /**
   * Decides on one packet of the forwarded stream: false to drop it. True: when it carries
   * PictureID and TL0PICIDX, `rewrite()` must be applied to its outgoing payload.
   */
  process(buf: Uint8Array, offset: number, length: number, isKeyFrame: boolean): boolean {
    const d = this.descriptor;
    if (!parseVp8Descriptor(buf, offset, length, d)) return true; // not ours to judge
    // A key frame or a base-layer picture depends on no higher layer: start from layer 0.
    if (this.currentTemporalLayer < 0 && (isKeyFrame || d.tid === 0)) this.currentTemporalLayer = 0;
    const numbered = d.hasPictureId && d.hasTl0PicIdx;
    if (this.syncRequired && numbered) {
      this.#pictureIds.sync(d.pictureId - 1);
      this.#tl0PicIdxs.sync(d.tl0PicIdx - 1);
      this.syncRequired = false;
    }
    if (d.hasTid && numbered && this.#pictureIds.diff(d.pictureId) >= 0) {
      const drop =
        d.tid > this.targetTemporalLayer || (d.tid > this.currentTemporalLayer && !d.layerSync);
      if (drop) {
        this.#pictureIds.drop(d.pictureId);
        if (d.tid === 0) this.#tl0PicIdxs.drop(d.tl0PicIdx);
        return false;
      }
    } else if (d.hasTid && d.tid > this.targetTemporalLayer) {
      return false;
    }
    if (numbered) {
      this.#pictureId = this.#pictureIds.input(d.pictureId);
      this.#tl0PicIdx = this.#tl0PicIdxs.input(d.tl0PicIdx);
    }
    if (!d.hasTid) this.currentTemporalLayer = 0;
    else if (d.tid > this.currentTemporalLayer) this.currentTemporalLayer = d.tid;
    if (this.currentTemporalLayer > this.targetTemporalLayer) {
      this.currentTemporalLayer = this.targetTemporalLayer;
    }
    return true;
  }

  /** Whether the last processed packet gets its PictureID / TL0PICIDX rewritten. */
  get rewrites(): boolean {
    return this.descriptor.hasPictureId && this.descriptor.hasTl0PicIdx;
  }

  rewrite(buf: Uint8Array, offset: number, length: number): void {
    rewriteVp8Descriptor(buf, offset, length, this.#pictureId, this.#tl0PicIdx);
  }
}
