/**
 * Serializes a STUN message into a caller-owned buffer (RFC 5389 §6, §15). Attributes are
 * appended in order; MESSAGE-INTEGRITY and FINGERPRINT, when wanted, go last (§15.4, §15.5).
 * Nothing throws: a write that does not fit sets `overflow`, and `finish()` then returns -1.
 */

import { createHmac } from 'node:crypto';
import {
  FINGERPRINT_XOR,
  MAGIC_COOKIE,
  MESSAGE_INTEGRITY_LENGTH,
  STUN_HEADER_LENGTH,
  StunAttr,
  TRANSACTION_ID_LENGTH,
  type StunClass,
} from './constants.js';
import { crc32 } from 'node:zlib';
import { REASON_MAX_BYTES, isValidErrorCode } from './error-code.js';
import { writeTieBreaker, writeUint32 } from './ice-attributes.js';
import type { StunKey } from './message-integrity.js';
import { stunMessageType } from './message.js';
import { writeXorAddressValue, xorAddressValueLength } from './xor-address.js';

/** Bytes an attribute with a value of `valueLength` takes, padding included. */
export function stunAttributeSize(valueLength: number): number {
  return 4 + ((valueLength + 3) & ~3);
}

export class StunWriter {
  #out: Uint8Array;
  #start: number;
  #pos: number;
  #tid: Uint8Array = new Uint8Array(TRANSACTION_ID_LENGTH);
  /** True once a write did not fit (or had invalid input); `finish()` then returns -1. */
  overflow = false;

  /** Starts a message at `out[offset]`. */
  constructor(
    out: Uint8Array,
    method: number,
    cls: StunClass,
    transactionId: Uint8Array,
    offset = 0,
  ) {
    this.#out = out;
    this.#start = offset;
    this.#pos = offset + STUN_HEADER_LENGTH;
    if (transactionId.length !== TRANSACTION_ID_LENGTH || offset < 0 || this.#pos > out.length) {
      this.overflow = true;
      return;
    }
    const type = stunMessageType(method, cls);
    out[offset] = type >> 8;
    out[offset + 1] = type & 0xff;
    writeUint32(out, offset + 4, MAGIC_COOKIE);
    out.set(transactionId, offset + 8);
    this.#tid.set(transactionId);
    this.#setLength();
  }

  #setLength(): void {
    const len = this.#pos - this.#start - STUN_HEADER_LENGTH;
    this.#out[this.#start + 2] = len >> 8;
    this.#out[this.#start + 3] = len & 0xff;
  }

  /** Reserves an attribute header + padded value; returns the value offset or -1. */
  #begin(type: number, valueLength: number): number {
    if (this.overflow) return -1;
    const size = stunAttributeSize(valueLength);
    if (valueLength > 0xffff || this.#pos + size > this.#out.length) {
      this.overflow = true;
      return -1;
    }
    const p = this.#pos;
    this.#out[p] = type >> 8;
    this.#out[p + 1] = type & 0xff;
    this.#out[p + 2] = valueLength >> 8;
    this.#out[p + 3] = valueLength & 0xff;
    this.#out.fill(0, p + 4 + valueLength, p + size); // RFC 5389 §15: padding, zero on send
    this.#pos = p + size;
    this.#setLength();
    return p + 4;
  }

  attribute(type: number, value: Uint8Array): this {
    const at = this.#begin(type, value.length);
    if (at >= 0) this.#out.set(value, at);
    return this;
  }

  /** A UTF-8 text attribute (USERNAME, SOFTWARE, REALM, NONCE). */
  text(type: number, value: string): this {
    return this.attribute(type, Buffer.from(value, 'utf8'));
  }

  uint32(type: number, value: number): this {
    const at = this.#begin(type, 4);
    if (at >= 0) writeUint32(this.#out, at, value >>> 0);
    return this;
  }

  /** ICE-CONTROLLING / ICE-CONTROLLED (RFC 8445 §7.1.3). */
  tieBreaker(type: number, value: bigint): this {
    const at = this.#begin(type, 8);
    if (at >= 0) writeTieBreaker(this.#out, at, BigInt.asUintN(64, value));
    return this;
  }

  /** XOR-MAPPED-ADDRESS (RFC 5389 §15.2). */
  xorMappedAddress(address: string, port: number): this {
    const len = xorAddressValueLength(address);
    if (len === 0) {
      this.overflow = true;
      return this;
    }
    const at = this.#begin(StunAttr.XorMappedAddress, len);
    if (at >= 0 && writeXorAddressValue(this.#out, at, address, port, this.#tid) < 0) {
      this.overflow = true;
    }
    return this;
  }

  /** ERROR-CODE (RFC 5389 §15.6). */
  errorCode(code: number, reason: string): this {
    const phrase = Buffer.from(reason, 'utf8');
    if (!isValidErrorCode(code) || phrase.length > REASON_MAX_BYTES) {
      this.overflow = true;
      return this;
    }
    const at = this.#begin(StunAttr.ErrorCode, 4 + phrase.length);
    if (at < 0) return this;
    this.#out[at] = 0;
    this.#out[at + 1] = 0;
    this.#out[at + 2] = Math.floor(code / 100);
    this.#out[at + 3] = code % 100;
    this.#out.set(phrase, at + 4);
    return this;
  }

  /** MESSAGE-INTEGRITY (RFC 5389 §15.4) over everything written so far. */
  messageIntegrity(key: StunKey): this {
    const p = this.#pos;
    const at = this.#begin(StunAttr.MessageIntegrity, MESSAGE_INTEGRITY_LENGTH);
    if (at < 0) return this;
    // The length field already covers this attribute, as §15.4 requires.
    const mac = createHmac('sha1', key).update(this.#out.subarray(this.#start, p)).digest();
    this.#out.set(mac, at);
    return this;
  }

  /** FINGERPRINT (RFC 5389 §15.5); must be the last attribute. */
  fingerprint(): this {
    const p = this.#pos;
    const at = this.#begin(StunAttr.Fingerprint, 4);
    if (at < 0) return this;
    const crc = (crc32(this.#out.subarray(this.#start, p)) ^ FINGERPRINT_XOR) >>> 0;
    writeUint32(this.#out, at, crc);
    return this;
  }

  /** Total bytes written, or -1 if anything overflowed or was invalid. */
  finish(): number {
    return this.overflow ? -1 : this.#pos - this.#start;
  }
}
