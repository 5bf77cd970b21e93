/**
 * DTLS 1.2 record and handshake-fragment framing (RFC 6347 §4.1, §4.2.2), bounds-checked.
 * Used to screen datagrams before werift-dtls sees them (its parser throws or misbehaves on
 * truncated input) and to build the few records Skein writes itself.
 */

export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

export const HandshakeType = {
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
} as const;

export const RECORD_HEADER_LENGTH = 13;
export const HANDSHAKE_HEADER_LENGTH = 12;
/** RFC 6347 §4.1.1: TLSCiphertext.length must not exceed 2^14 + 2048. */
const MAX_RECORD_FRAGMENT = 16384 + 2048;
/** Larger handshake messages than this (certificate chains) are refused. */
export const MAX_HANDSHAKE_MESSAGE = 65536;

export interface DtlsRecord {
  type: number;
  /** 0xfeff (DTLS 1.0, allowed in the first flight's record layer) or 0xfefd (DTLS 1.2). */
  version: number;
  epoch: number;
  sequenceNumber: number;
  fragment: Buffer;
  /** The whole record, header included (a view of the datagram). */
  raw: Buffer;
}

/** Splits a datagram into records; undefined if any record is malformed or truncated. */
export function splitRecords(datagram: Buffer): DtlsRecord[] | undefined {
  const records: DtlsRecord[] = [];
  let offset = 0;
  while (offset < datagram.length) {
    if (datagram.length - offset < RECORD_HEADER_LENGTH) return undefined;
    const type = datagram[offset];
    const version = datagram.readUInt16BE(offset + 1);
    const epoch = datagram.readUInt16BE(offset + 3);
    const sequenceNumber = datagram.readUIntBE(offset + 5, 6);
    const length = datagram.readUInt16BE(offset + 11);
    const end = offset + RECORD_HEADER_LENGTH + length;
    if (type < ContentType.changeCipherSpec || type > ContentType.applicationData) return undefined;
    if (version !== 0xfeff && version !== 0xfefd) return undefined;
    if (length === 0 || length > MAX_RECORD_FRAGMENT || end > datagram.length) return undefined;
    records.push({
      type,
      version,
      epoch,
      sequenceNumber,
      fragment: datagram.subarray(offset + RECORD_HEADER_LENGTH, end),
      raw: datagram.subarray(offset, end),
    });
    offset = end;
  }
  return records.length > 0 ? records : undefined;
}

export interface HandshakeFragmentHeader {
  msgType: number;
  length: number;
  messageSeq: number;
  fragmentOffset: number;
  fragmentLength: number;
}

/**
 * The handshake fragments of a plaintext record; undefined unless they tile the record exactly
 * and each lies inside its message (offset + fragment_length <= length).
 */
export function parseHandshakeFragments(fragment: Buffer): HandshakeFragmentHeader[] | undefined {
  const headers: HandshakeFragmentHeader[] = [];
  let offset = 0;
  while (offset < fragment.length) {
    if (fragment.length - offset < HANDSHAKE_HEADER_LENGTH) return undefined;
    const header: HandshakeFragmentHeader = {
      msgType: fragment[offset],
      length: fragment.readUIntBE(offset + 1, 3),
      messageSeq: fragment.readUInt16BE(offset + 4),
      fragmentOffset: fragment.readUIntBE(offset + 6, 3),
      fragmentLength: fragment.readUIntBE(offset + 9, 3),
    };
    offset += HANDSHAKE_HEADER_LENGTH + header.fragmentLength;
    if (offset > fragment.length) return undefined;
    if (header.length > MAX_HANDSHAKE_MESSAGE) return undefined;
    if (header.fragmentOffset + header.fragmentLength > header.length) return undefined;
    headers.push(header);
  }
  return headers;
}

/** One record: header (RFC 6347 §4.1) + fragment. */
export function encodeRecord(
  type: number,
  version: number,
  epoch: number,
  sequenceNumber: number,
  fragment: Uint8Array,
): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_LENGTH + fragment.length);
  out[0] = type;
  out.writeUInt16BE(version, 1);
  out.writeUInt16BE(epoch, 3);
  out.writeUIntBE(sequenceNumber, 5, 6);
  out.writeUInt16BE(fragment.length, 11);
  out.set(fragment, RECORD_HEADER_LENGTH);
  return out;
}
