/**
 * RTP header extension elements (RFC 8285 §4). The extension block follows the CSRC list
 * (RFC 3550 §5.3.1): a 16-bit profile, a 16-bit length in 32-bit words, then the elements.
 *
 * One-byte form, profile 0xBEDE (§4.2):     Two-byte form, profile 0x100X (§4.3):
 *   0 1 2 3 4 5 6 7                           0                   1
 *  +-+-+-+-+-+-+-+-+                          0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 *  |  ID   |  len  |  len = bytes − 1        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  +-+-+-+-+-+-+-+-+                          |       ID      |     length    |
 *                                             +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * A zero byte is padding in both forms; ID 15 in the one-byte form ends processing.
 */

export const ONE_BYTE_PROFILE = 0xbede;
/** Two-byte profile: 0x100 followed by 4 application bits (RFC 8285 §4.3). */
export const TWO_BYTE_PROFILE = 0x1000;

export const ExtensionForm = { None: 0, OneByte: 1, TwoByte: 2 } as const;
export type ExtensionForm = (typeof ExtensionForm)[keyof typeof ExtensionForm];

export function extensionFormOf(profile: number): ExtensionForm {
  if (profile === ONE_BYTE_PROFILE) return ExtensionForm.OneByte;
  if ((profile & 0xfff0) === TWO_BYTE_PROFILE) return ExtensionForm.TwoByte;
  return ExtensionForm.None;
}

/**
 * Zero-allocation cursor over the elements in buf[start, end). `next()` advances to the next
 * element and fills `at` (element header offset), `id`, `valueOffset`, `valueLength`; it
 * returns false at the end, at an element that would run past `end` (bounds are checked
 * before every read) or, in the one-byte form, at the reserved ID 15.
 */
export class ExtensionCursor {
  at = 0;
  id = 0;
  valueOffset = 0;
  valueLength = 0;
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #end = 0;
  #form: ExtensionForm = ExtensionForm.None;

  reset(buf: Uint8Array, start: number, end: number, form: ExtensionForm): this {
    this.#buf = buf;
    this.#pos = start;
    this.#end = Math.min(end, buf.length);
    this.#form = form;
    return this;
  }

  next(): boolean {
    const buf = this.#buf;
    const end = this.#end;
    let pos = this.#pos;
    if (this.#form === ExtensionForm.OneByte) {
      while (pos < end && buf[pos] === 0) pos++;
      if (pos >= end) return this.#stop();
      const b = buf[pos];
      const id = b >> 4;
      if (id === 15) return this.#stop(); // RFC 8285 §4.2: reserved, stop processing
      const len = (b & 0x0f) + 1;
      if (pos + 1 + len > end) return this.#stop();
      this.#set(pos, id, pos + 1, len);
    } else if (this.#form === ExtensionForm.TwoByte) {
      while (pos < end && buf[pos] === 0) pos++;
      if (pos + 2 > end) return this.#stop();
      const len = buf[pos + 1];
      if (pos + 2 + len > end) return this.#stop();
      this.#set(pos, buf[pos], pos + 2, len);
    } else {
      return false;
    }
    return true;
  }

  #set(at: number, id: number, valueOffset: number, valueLength: number): void {
    this.at = at;
    this.id = id;
    this.valueOffset = valueOffset;
    this.valueLength = valueLength;
    this.#pos = valueOffset + valueLength;
  }

  #stop(): false {
    this.#pos = this.#end;
    return false;
  }
}
