/**
 * XOR-MAPPED-ADDRESS (RFC 5389 §15.2).
 *
 *   0                   1                   2                   3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |x x x x x x x x|    Family     |         X-Port                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                X-Address (Variable)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * X-Port is the port XOR the cookie's top 16 bits; an IPv4 X-Address is XOR the cookie, an IPv6
 * one XOR the cookie followed by the transaction id.
 */

import { MAGIC_COOKIE, TRANSACTION_ID_LENGTH } from './constants.js';
import { formatIp, parseIp } from './ip.js';

export const FAMILY_IPV4 = 0x01;
export const FAMILY_IPV6 = 0x02;

export interface StunAddress {
  family: 'IPv4' | 'IPv6';
  address: string;
  port: number;
}

const COOKIE_BYTES = [0x21, 0x12, 0xa4, 0x42];

function xorByte(i: number, transactionId: Uint8Array): number {
  return i < 4 ? COOKIE_BYTES[i] : transactionId[i - 4];
}

/** Decodes an XOR-MAPPED-ADDRESS value; undefined if malformed. */
export function decodeXorAddress(
  value: Uint8Array,
  transactionId: Uint8Array,
): StunAddress | undefined {
  if (value.length < 4 || transactionId.length !== TRANSACTION_ID_LENGTH) return undefined;
  const family = value[1];
  const size = family === FAMILY_IPV4 ? 4 : family === FAMILY_IPV6 ? 16 : 0;
  if (size === 0 || value.length !== 4 + size) return undefined;
  const port = ((value[2] << 8) | value[3]) ^ (MAGIC_COOKIE >>> 16);
  const ip = new Uint8Array(size);
  for (let i = 0; i < size; i++) ip[i] = value[4 + i] ^ xorByte(i, transactionId);
  return { family: size === 4 ? 'IPv4' : 'IPv6', address: formatIp(ip)!, port };
}

/** Value length for an address, or 0 if the address text is not an IP address. */
export function xorAddressValueLength(address: string): number {
  const ip = parseIp(address);
  return ip ? 4 + ip.length : 0;
}

/**
 * Writes an XOR-MAPPED-ADDRESS value at `out[offset]`. Returns the bytes written, or -1 if the
 * address or port is invalid or `out` is too small.
 */
export function writeXorAddressValue(
  out: Uint8Array,
  offset: number,
  address: string,
  port: number,
  transactionId: Uint8Array,
): number {
  const ip = parseIp(address);
  if (!ip || !Number.isInteger(port) || port < 0 || port > 0xffff) return -1;
  if (transactionId.length !== TRANSACTION_ID_LENGTH) return -1;
  const size = 4 + ip.length;
  if (offset < 0 || offset + size > out.length) return -1;
  const xport = port ^ (MAGIC_COOKIE >>> 16);
  out[offset] = 0;
  out[offset + 1] = ip.length === 4 ? FAMILY_IPV4 : FAMILY_IPV6;
  out[offset + 2] = xport >> 8;
  out[offset + 3] = xport & 0xff;
  for (let i = 0; i < ip.length; i++) out[offset + 4 + i] = ip[i] ^ xorByte(i, transactionId);
  return size;
}
