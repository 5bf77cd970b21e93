/**
 * The WebRTC Data Channel Establishment Protocol (RFC 8832) and the PPIDs of
 * RFC 8831 §8: bytes in, values out, bounds checked.
 */

/** Payload protocol identifiers (RFC 8831 §8, RFC 8832 §8.1). */
export const Ppid = {
  dcep: 50,
  string: 51,
  binary: 53,
  stringEmpty: 56,
  binaryEmpty: 57,
} as const;

/** DCEP message types (RFC 8832 §8.2.1). */
export const DcepType = { ack: 0x02, open: 0x03 } as const;

/** Channel types of DATA_CHANNEL_OPEN (RFC 8832 §5.1). */
export const DcepChannelType = {
  reliable: 0x00,
  partialReliableRexmit: 0x01,
  partialReliableTimed: 0x02,
  reliableUnordered: 0x80,
  partialReliableRexmitUnordered: 0x81,
  partialReliableTimedUnordered: 0x82,
} as const;

export interface DcepOpen {
  channelType: number;
  priority: number;
  reliability: number;
  label: string;
  protocol: string;
}

/** Parses DATA_CHANNEL_OPEN (RFC 8832 §5.1); undefined when malformed. */
export function parseDcepOpen(msg: Uint8Array): DcepOpen | undefined {
  if (msg.length < 12 || msg[0] !== DcepType.open) return undefined;
  const labelLength = (msg[8] << 8) | msg[9];
  const protocolLength = (msg[10] << 8) | msg[11];
  if (12 + labelLength + protocolLength > msg.length) return undefined;
  const decoder = new TextDecoder();
  return {
    channelType: msg[1],
    priority: (msg[2] << 8) | msg[3],
    reliability: ((msg[4] << 24) | (msg[5] << 16) | (msg[6] << 8) | msg[7]) >>> 0,
    label: decoder.decode(msg.subarray(12, 12 + labelLength)),
    protocol: decoder.decode(msg.subarray(12 + labelLength, 12 + labelLength + protocolLength)),
  };
}

/** Writes DATA_CHANNEL_OPEN into a new buffer (RFC 8832 §5.1). */
export function writeDcepOpen(open: DcepOpen): Uint8Array {
  const encoder = new TextEncoder();
  const label = encoder.encode(open.label);
  const protocol = encoder.encode(open.protocol);
  if (label.length > 0xffff || protocol.length > 0xffff) throw new RangeError('label too long');
  const out = new Uint8Array(12 + label.length + protocol.length);
  out[0] = DcepType.open;
  out[1] = open.channelType;
  out[2] = open.priority >>> 8;
  out[3] = open.priority & 0xff;
  out[4] = open.reliability >>> 24;
  out[5] = (open.reliability >>> 16) & 0xff;
  out[6] = (open.reliability >>> 8) & 0xff;
  out[7] = open.reliability & 0xff;
  out[8] = label.length >>> 8;
  out[9] = label.length & 0xff;
  out[10] = protocol.length >>> 8;
  out[11] = protocol.length & 0xff;
  out.set(label, 12);
  out.set(protocol, 12 + label.length);
  return out;
}

/** DATA_CHANNEL_ACK is one byte (RFC 8832 §5.2). */
export const DCEP_ACK: Uint8Array = Uint8Array.of(DcepType.ack);

export function isDcepAck(msg: Uint8Array): boolean {
  return msg.length >= 1 && msg[0] === DcepType.ack;
}

/** The payload of an empty-form PPID is one byte to be ignored (RFC 8831 §6.6). */
export function isEmptyPpid(ppid: number): boolean {
  return ppid === Ppid.stringEmpty || ppid === Ppid.binaryEmpty;
}
