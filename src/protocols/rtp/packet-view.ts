/**
 * A reusable, allocation-free view over an RTP packet (RFC 3550 §5.1) held in a caller's
 * buffer. `wrap()` validates the bounds once; getters then read and setters write the header
 * in place.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           timestamp                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           synchronization source (SSRC) identifier            |
 *  +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *  |            contributing source (CSRC) identifiers             |
 *  |                             ....                              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   profile (§5.3.1)            |      length (32-bit words)    |
 *  |                   header extension (RFC 8285)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 payload ...   | padding ...  | padding count  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

import { readU32, writeU32 } from './bytes.js';
import { ExtensionCursor, ExtensionForm, extensionFormOf } from './header-extensions.js';

export const RTP_HEADER_LENGTH = 12;

export type RtpParseResult =
  'ok' | 'too-short' | 'bad-version' | 'csrc-overflow' | 'extension-overflow' | 'bad-padding';

const EMPTY = new Uint8Array(0);

export class RtpPacketView {
  #buf: Uint8Array = EMPTY;
  #length = 0;
  #headerLength = 0;
  /** Offset of the extension profile field, or -1. */
  #extOffset = -1;
  #extEnd = 0;
  #paddingLength = 0;
  #cursor = new ExtensionCursor();
  #foundLength = 0;

  /**
   * Points the view at `buf[0, length)` and validates it (RFC 3550 §5.1, A.1): version 2,
   * CSRC list, extension block and padding inside the packet. On anything but 'ok' the
   * view is empty and must not be used.
   */
  wrap(buf: Uint8Array, length: number = buf.length): RtpParseResult {
    this.#buf = EMPTY;
    this.#length = 0;
    if (length > buf.length || length < RTP_HEADER_LENGTH) return 'too-short';
    const b0 = buf[0];
    if (b0 >> 6 !== 2) return 'bad-version';
    let header = RTP_HEADER_LENGTH + (b0 & 0x0f) * 4;
    if (header > length) return 'csrc-overflow';
    let extOffset = -1;
    let extEnd = 0;
    if (b0 & 0x10) {
      if (header + 4 > length) return 'extension-overflow';
      extOffset = header;
      extEnd = header + 4 + ((buf[header + 2] << 8) | buf[header + 3]) * 4;
      if (extEnd > length) return 'extension-overflow';
      header = extEnd;
    }
    let padding = 0;
    if (b0 & 0x20) {
      // RFC 3550 §5.1: the last octet counts the padding, itself included.
      padding = buf[length - 1];
      if (padding === 0 || header + padding > length) return 'bad-padding';
    }
    this.#buf = buf;
    this.#length = length;
    this.#headerLength = header;
    this.#extOffset = extOffset;
    this.#extEnd = extEnd;
    this.#paddingLength = padding;
    return 'ok';
  }

  get buffer(): Uint8Array {
    return this.#buf;
  }
  /** Packet length in bytes (header, payload and padding). */
  get length(): number {
    return this.#length;
  }
  get version(): number {
    return this.#buf[0] >> 6;
  }
  get hasPadding(): boolean {
    return (this.#buf[0] & 0x20) !== 0;
  }
  get hasExtension(): boolean {
    return (this.#buf[0] & 0x10) !== 0;
  }
  get csrcCount(): number {
    return this.#buf[0] & 0x0f;
  }
  /** The i-th CSRC, or undefined if out of range. */
  csrc(i: number): number | undefined {
    if (i < 0 || i >= this.csrcCount) return undefined;
    return readU32(this.#buf, RTP_HEADER_LENGTH + i * 4);
  }

  get marker(): boolean {
    return (this.#buf[1] & 0x80) !== 0;
  }
  set marker(m: boolean) {
    this.#buf[1] = m ? this.#buf[1] | 0x80 : this.#buf[1] & 0x7f;
  }
  get payloadType(): number {
    return this.#buf[1] & 0x7f;
  }
  set payloadType(pt: number) {
    this.#buf[1] = (this.#buf[1] & 0x80) | (pt & 0x7f);
  }
  get sequenceNumber(): number {
    return (this.#buf[2] << 8) | this.#buf[3];
  }
  set sequenceNumber(seq: number) {
    this.#buf[2] = (seq >> 8) & 0xff;
    this.#buf[3] = seq & 0xff;
  }
  get timestamp(): number {
    return readU32(this.#buf, 4);
  }
  set timestamp(ts: number) {
    writeU32(this.#buf, 4, ts);
  }
  get ssrc(): number {
    return readU32(this.#buf, 8);
  }
  set ssrc(ssrc: number) {
    writeU32(this.#buf, 8, ssrc);
  }

  /** Fixed header + CSRCs + extension block. */
  get headerLength(): number {
    return this.#headerLength;
  }
  get payloadOffset(): number {
    return this.#headerLength;
  }
  /** Payload bytes, padding excluded. */
  get payloadLength(): number {
    return this.#length - this.#headerLength - this.#paddingLength;
  }
  get paddingLength(): number {
    return this.#paddingLength;
  }
  /** The payload as a sub-slice (allocates a view object, not a copy). */
  payload(): Uint8Array {
    return this.#buf.subarray(this.#headerLength, this.#headerLength + this.payloadLength);
  }

  /** The extension profile (0xBEDE, 0x100X, ...), or -1 without an extension. */
  get extensionProfile(): number {
    const o = this.#extOffset;
    return o < 0 ? -1 : (this.#buf[o] << 8) | this.#buf[o + 1];
  }
  get extensionForm(): ExtensionForm {
    return this.#extOffset < 0 ? ExtensionForm.None : extensionFormOf(this.extensionProfile);
  }

  /** Starts a cursor over the RFC 8285 elements (no allocation; the view owns the cursor). */
  extensions(): ExtensionCursor {
    const start = this.#extOffset < 0 ? 0 : this.#extOffset + 4;
    return this.#cursor.reset(this.#buf, start, this.#extEnd, this.extensionForm);
  }

  /**
   * Offset of the value of the extension element with this ID, or -1. Its length is then in
   * `foundExtensionLength`.
   */
  findExtension(id: number): number {
    const c = this.extensions();
    while (c.next()) {
      if (c.id === id) {
        this.#foundLength = c.valueLength;
        return c.valueOffset;
      }
    }
    this.#foundLength = 0;
    return -1;
  }
  get foundExtensionLength(): number {
    return this.#foundLength;
  }

  /** The value of the extension with this ID as a sub-slice, or undefined. */
  getExtension(id: number): Uint8Array | undefined {
    const at = this.findExtension(id);
    return at < 0 ? undefined : this.#buf.subarray(at, at + this.#foundLength);
  }

  /**
   * Overwrites the value of an existing extension element in place. False (nothing written)
   * if it is absent or `value` has a different length: the layout never changes.
   */
  setExtensionValue(id: number, value: Uint8Array): boolean {
    const at = this.findExtension(id);
    if (at < 0 || value.length !== this.#foundLength) return false;
    this.#buf.set(value, at);
    return true;
  }

  /**
   * Rewrites every element's ID through `map` (indexed by the current ID), in place, as an SFU
   * does when mapping a producer's IDs to its own. A mapped ID of 0 (or none) drops the
   * element by zero-filling it, which RFC 8285 §4.2/§4.3 reads as padding. Returns false and
   * changes nothing if a mapped ID does not fit the form (1–14 one-byte, 1–255 two-byte).
   */
  rewriteExtensionIds(map: ArrayLike<number>): boolean {
    const form = this.extensionForm;
    if (form === ExtensionForm.None) return this.#extOffset < 0;
    const maxId = form === ExtensionForm.OneByte ? 14 : 255;
    const c = this.extensions();
    while (c.next()) {
      const to = map[c.id] ?? 0;
      if (to < 0 || to > maxId) return false;
    }
    const buf = this.#buf;
    c.reset(buf, this.#extOffset + 4, this.#extEnd, form);
    while (c.next()) {
      const to = map[c.id] ?? 0;
      if (to === 0) buf.fill(0, c.at, c.valueOffset + c.valueLength);
      else if (form === ExtensionForm.OneByte) buf[c.at] = (to << 4) | (buf[c.at] & 0x0f);
      else buf[c.at] = to;
    }
    return true;
  }
}
