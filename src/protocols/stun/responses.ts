/**
 * The two responses an ICE-lite agent sends (RFC 8445 §7.3.1.4 success, §7.3.1.1 / RFC 5389
 * §10.1.2 errors), written into a caller-owned buffer with matching size functions.
 */

import { MESSAGE_INTEGRITY_LENGTH, StunClass, StunMethod } from './constants.js';
import { defaultReason } from './error-code.js';
import type { StunKey } from './message-integrity.js';
import { StunWriter, stunAttributeSize } from './writer.js';
import { xorAddressValueLength } from './xor-address.js';

const INTEGRITY_SIZE = stunAttributeSize(MESSAGE_INTEGRITY_LENGTH);
const FINGERPRINT_SIZE = stunAttributeSize(4);

export interface BindingSuccessOptions {
  transactionId: Uint8Array;
  /** The request's source address and port (RFC 5389 §7.3.1, reflexive transport address). */
  address: string;
  port: number;
  /** The local ICE password: the key for MESSAGE-INTEGRITY (RFC 8445 §7.3.1.4). */
  password: StunKey;
}

/** Bytes needed for a binding success response; 0 if the address is not an IP address. */
export function bindingSuccessResponseSize(address: string): number {
  const len = xorAddressValueLength(address);
  return len === 0 ? 0 : 20 + stunAttributeSize(len) + INTEGRITY_SIZE + FINGERPRINT_SIZE;
}

/**
 * Writes a Binding success response: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT.
 * Returns the length written, or -1 if `out` is too small or an input is invalid.
 */
export function writeBindingSuccessResponse(
  out: Uint8Array,
  opts: BindingSuccessOptions,
  offset = 0,
): number {
  return new StunWriter(
    out,
    StunMethod.Binding,
    StunClass.SuccessResponse,
    opts.transactionId,
    offset,
  )
    .xorMappedAddress(opts.address, opts.port)
    .messageIntegrity(opts.password)
    .fingerprint()
    .finish();
}

export interface ErrorResponseOptions {
  transactionId: Uint8Array;
  method?: number;
  code: number;
  reason?: string;
  /**
   * Key for MESSAGE-INTEGRITY. Leave it out when the request could not be authenticated
   * (400 without credentials, 401), RFC 5389 §10.1.2.
   */
  password?: StunKey;
}

export function errorResponseSize(
  opts: Pick<ErrorResponseOptions, 'reason' | 'code' | 'password'>,
): number {
  const reason = opts.reason ?? defaultReason(opts.code);
  return (
    20 +
    stunAttributeSize(4 + Buffer.byteLength(reason, 'utf8')) +
    (opts.password !== undefined ? INTEGRITY_SIZE : 0) +
    FINGERPRINT_SIZE
  );
}

/**
 * Writes an error response (e.g. 400, 401, 487) with ERROR-CODE, optional MESSAGE-INTEGRITY and
 * FINGERPRINT. Returns the length written, or -1.
 */
export function writeErrorResponse(
  out: Uint8Array,
  opts: ErrorResponseOptions,
  offset = 0,
): number {
  const w = new StunWriter(
    out,
    opts.method ?? StunMethod.Binding,
    StunClass.ErrorResponse,
    opts.transactionId,
    offset,
  ).errorCode(opts.code, opts.reason ?? defaultReason(opts.code));
  if (opts.password !== undefined) w.messageIntegrity(opts.password);
  return w.fingerprint().finish();
}
