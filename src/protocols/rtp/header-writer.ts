/**
 * Writes an RTP header (RFC 3550 §5.1) with optional CSRCs and RFC 8285 header extensions
 * into a caller-owned buffer. The one-byte form (§4.2) is used when every element fits it,
 * the two-byte form (§4.3) otherwise.
 */

import { writeU16, writeU32 } from './bytes.js';
import { ExtensionForm, ONE_BYTE_PROFILE, TWO_BYTE_PROFILE } from './header-extensions.js';
import { RTP_HEADER_LENGTH } from './packet-view.js';

export interface RtpExtensionElement {
  id: number;
  value: Uint8Array;
}

export interface RtpHeaderInit {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  csrcs?: readonly number[];
  extensions?: readonly RtpExtensionElement[];
}

/** The form the elements need, or undefined if some element fits neither. */
export function extensionFormFor(
  elements: readonly RtpExtensionElement[],
): ExtensionForm | undefined {
  let oneByte = true;
  for (const { id, value } of elements) {
    if (!Number.isInteger(id) || id < 1 || id > 255 || value.length > 255) return undefined;
    if (id > 14 || value.length < 1 || value.length > 16) oneByte = false;
  }
  return oneByte ? ExtensionForm.OneByte : ExtensionForm.TwoByte;
}

function extensionBlockSize(elements: readonly RtpExtensionElement[], form: ExtensionForm): number {
  let n = 0;
  for (const e of elements) n += (form === ExtensionForm.OneByte ? 1 : 2) + e.value.length;
  return 4 + ((n + 3) & ~3);
}

/** Header size in bytes, or 0 if the header cannot be written (bad CSRC count, extension). */
export function rtpHeaderSize(h: RtpHeaderInit): number {
  const csrcs = h.csrcs?.length ?? 0;
  if (csrcs > 15) return 0;
  let size = RTP_HEADER_LENGTH + csrcs * 4;
  if (h.extensions && h.extensions.length > 0) {
    const form = extensionFormFor(h.extensions);
    if (form === undefined) return 0;
    size += extensionBlockSize(h.extensions, form);
  }
  return size;
}

/** Writes the header at `out[offset]`; returns its size, or -1 if invalid or out of room. */
export function writeRtpHeader(out: Uint8Array, h: RtpHeaderInit, offset = 0): number {
  const size = rtpHeaderSize(h);
  if (size === 0 || offset < 0 || offset + size > out.length) return -1;
  const csrcs = h.csrcs ?? [];
  const exts = h.extensions ?? [];
  out[offset] = 0x80 | (exts.length > 0 ? 0x10 : 0) | csrcs.length;
  out[offset + 1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  writeU16(out, offset + 2, h.sequenceNumber);
  writeU32(out, offset + 4, h.timestamp);
  writeU32(out, offset + 8, h.ssrc);
  let pos = offset + RTP_HEADER_LENGTH;
  for (const c of csrcs) {
    writeU32(out, pos, c);
    pos += 4;
  }
  if (exts.length > 0) {
    const form = extensionFormFor(exts)!;
    const blockEnd = offset + size;
    writeU16(out, pos, form === ExtensionForm.OneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE);
    writeU16(out, pos + 2, (blockEnd - pos - 4) / 4);
    pos += 4;
    for (const { id, value } of exts) {
      if (form === ExtensionForm.OneByte) {
        out[pos++] = (id << 4) | (value.length - 1);
      } else {
        out[pos++] = id;
        out[pos++] = value.length;
      }
      out.set(value, pos);
      pos += value.length;
    }
    out.fill(0, pos, blockEnd); // RFC 8285 §4.1: padding bytes are zero
  }
  return size;
}
