/** An SctpAssociation wired in memory to a werift-sctp client (the peer), with loss injection. */
import { SCTP } from 'werift-sctp';
import { sctpChecksum } from '../../../src/protocols/sctp/crc32c.js';
import {
  SctpAssociation,
  type SctpAssociationOptions,
  type SctpState,
} from '../../../src/rtc/sctp/SctpAssociation.js';

export interface Message {
  streamId: number;
  ppid: number;
  data: Buffer;
}

export interface SctpPair {
  ours: SctpAssociation;
  peer: SCTP;
  /** What our side received. */
  received: Message[];
  /** What the peer received. */
  peerReceived: Message[];
  states: SctpState[];
  faults: unknown[];
  /** Drop every Nth packet from us to the peer (0 = none). */
  lossToPeer: { every: number };
  /** Packets we sent to the peer (a hostile test reads our verification tag in them). */
  sentByUs: Buffer[];
  /** Feeds raw bytes to our side as if from the peer. */
  inject(packet: Buffer): void;
  close(): void;
}

export function sctpPair(options: Partial<SctpAssociationOptions> = {}): SctpPair {
  const received: Message[] = [];
  const peerReceived: Message[] = [];
  const states: SctpState[] = [];
  const faults: unknown[] = [];
  const lossToPeer = { every: 0 };
  const sentByUs: Buffer[] = [];
  let count = 0;
  let closed = false;
  const peerTransport = {
    onData: undefined as ((buf: Buffer) => void) | undefined,
    send: (packet: Buffer): Promise<void> => {
      const copy = Buffer.from(packet);
      setImmediate(() => {
        if (!closed) ours.receivePacket(copy);
      });
      return Promise.resolve();
    },
    close: () => undefined,
  };
  const ours = new SctpAssociation({
    OS: 1024,
    MIS: 1024,
    maxMessageSize: 262144,
    sendBufferSize: 262144,
    send: (packet) => {
      const copy = Buffer.from(packet);
      if (sentByUs.length < 64) sentByUs.push(copy);
      if (lossToPeer.every && ++count % lossToPeer.every === 0) return;
      setImmediate(() => {
        if (!closed) peerTransport.onData?.(copy);
      });
    },
    onStateChange: (state) => states.push(state),
    onMessage: (streamId, ppid, data) => received.push({ streamId, ppid, data: Buffer.from(data) }),
    onBufferedAmount: () => undefined,
    onFault: (error) => faults.push(error),
    ...options,
  });
  const peer = SCTP.client(peerTransport, 5000);
  peer.onReceive.subscribe((streamId, ppid, data) =>
    peerReceived.push({ streamId, ppid, data: Buffer.from(data) }),
  );
  ours.connect();
  void peer.start(5000);
  return {
    ours,
    peer,
    received,
    peerReceived,
    states,
    faults,
    lossToPeer,
    sentByUs,
    inject: (packet) => ours.receivePacket(packet),
    close: () => {
      closed = true;
      ours.close();
      void peer.stop();
    },
  };
}

/** An SCTP packet (ports 5000) with `tag` and the given chunks, with a valid checksum. */
export function sctpPacket(tag: number, ...chunks: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(5000, 0);
  header.writeUInt16BE(5000, 2);
  header.writeUInt32BE(tag >>> 0, 4);
  const packet = Buffer.concat([header, ...chunks]);
  packet.writeUInt32LE(sctpChecksum(packet), 8);
  return packet;
}

/** One chunk: type, flags, body (length field = 4 + body unless `length` is forced). */
export function chunk(type: number, flags: number, body: Buffer, length?: number): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt8(type, 0);
  head.writeUInt8(flags, 1);
  head.writeUInt16BE(length ?? body.length + 4, 2);
  const pad = Buffer.alloc((4 - (body.length % 4)) % 4);
  return Buffer.concat([head, body, pad]);
}

/** Our verification tag (what the peer must put on its packets): our INIT ACK's initiate tag. */
export function ourTag(pair: SctpPair): number {
  const initAck = pair.sentByUs.find((p) => p.length >= 20 && p[12] === 2);
  if (!initAck) throw new Error('no INIT ACK sent yet');
  return initAck.readUInt32BE(16);
}

/** A DATA chunk (RFC 9260 §3.3.1): B and E set unless told. */
export function dataChunk(
  tsn: number,
  streamId: number,
  ppid: number,
  data: Buffer,
  flags = 0x03,
): Buffer {
  const body = Buffer.alloc(12);
  body.writeUInt32BE(tsn >>> 0, 0);
  body.writeUInt16BE(streamId, 4);
  body.writeUInt16BE(0, 6);
  body.writeUInt32BE(ppid, 8);
  return chunk(0, flags, Buffer.concat([body, data]));
}
