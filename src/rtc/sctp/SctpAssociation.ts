/**
 * One SCTP association of a transport (RFC 9260, carried over DTLS per RFC 8261 or over a
 * plain UDP tuple): the engine is werift-sctp; this class is the gate in front of it and
 * the DataChannel layer on top.
 *
 * Gate: every packet is inspected first (src/protocols/sctp/packet.ts: checksum, chunk and
 * parameter lengths); then what the engine would mishandle is dropped and counted: forged
 * verification tags, INITs once established or faster than a few per second, DATA for
 * streams beyond MIS, TSNs far ahead of the cumulative ack or past the receive window,
 * SACKs claiming huge gap spans. The engine's buffers are then bounded: reassembly by the
 * receive window, the send queue by `sendBufferSize`.
 *
 * DataChannels: DCEP OPEN is answered with ACK (RFC 8832 §6); mediasoup-client's channels
 * are negotiated (no DCEP), so both work. Messages keep their PPID (RFC 8831 §8).
 */
import { DCEP_ACK, DcepType, Ppid, parseDcepOpen } from '../../protocols/sctp/dcep.js';
import {
  inspectSctpPacket,
  newSctpPacketSummary,
  type SctpPacketProblem,
} from '../../protocols/sctp/packet.js';
import { DataChunk, ESTABLISHED, SCTP, patchSctp, type WeriftSctpInternals } from './werift.js';

export type SctpState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

/** The port of WebRTC's association (RFC 8841 §5); mediasoup uses it everywhere. */
export const SCTP_PORT = 5000;
/** werift fragments user data at this size. */
const FRAGMENT_SIZE = 1200;
/** TSNs taken ahead of the cumulative ack: bounds the engine's gap set and its sort. */
const MAX_TSN_AHEAD = 2048;
/** SACK gap spans taken (each span is walked TSN by TSN by the engine). */
const MAX_SACK_GAP_SPAN = 4096;
/** INITs answered per second before the association is up (each costs an HMAC). */
const MAX_INITS_PER_SECOND = 8;
/** The receive window we advertise, at least this (reassembly is bounded by it). */
const MIN_RECEIVE_WINDOW = 1024 * 1024;

export interface SctpAssociationOptions {
  OS: number;
  MIS: number;
  maxMessageSize: number;
  sendBufferSize: number;
  /**
   * Send INIT on connect() too, as mediasoup does (both ends of a pipe): the engine stays
   * a server, so the peer's INIT is still answered and a collision (RFC 9260 §5.2.1)
   * ends in one association whichever INIT gets through first.
   */
  initiate?: boolean;
  /** What sctpParameters.isDataChannel reports (mediasoup: false on plain and pipe transports). */
  isDataChannel?: boolean;
  /** Puts one SCTP packet on the wire (DTLS application data, or a UDP datagram). */
  send(packet: Buffer): void;
  onStateChange(state: SctpState): void;
  /** A message of a stream; `data` is only valid during the call. */
  onMessage(streamId: number, ppid: number, data: Buffer): void;
  /** A DCEP DATA_CHANNEL_OPEN arrived on `streamId` (already acknowledged). */
  onDataChannelOpen?(streamId: number, label: string, protocol: string): void;
  /** Bytes queued and not yet acknowledged changed (after a SACK). */
  onBufferedAmount(bufferedAmount: number): void;
  /** Something the engine threw or rejected (counted by the owner's FaultBoundary). */
  onFault(error: unknown): void;
}

/** Partial reliability of one outgoing message (RFC 3758, RFC 8831 §6.1). */
export interface SctpSendOptions {
  ordered: boolean;
  maxPacketLifeTime?: number;
  maxRetransmits?: number;
}

export type SctpSendResult = 'sent' | 'notConnected' | 'tooBig' | 'bufferFull';

export type SctpDropCounters = Record<
  | SctpPacketProblem
  | 'badVerificationTag'
  | 'initFlood'
  | 'initAfterEstablished'
  | 'dataBeforeEstablished'
  | 'badStream'
  | 'tsnOutOfWindow'
  | 'receiveWindowFull'
  | 'sackSpanTooLarge'
  | 'messageTooBig'
  | 'dcepMalformed',
  number
>;

function newDropCounters(): SctpDropCounters {
  return {
    tooShort: 0,
    tooLong: 0,
    badChecksum: 0,
    noChunks: 0,
    tooManyChunks: 0,
    badChunkLength: 0,
    badParameterLength: 0,
    unknownChunk: 0,
    initNotAlone: 0,
    badInit: 0,
    emptyData: 0,
    badSack: 0,
    badForwardTsn: 0,
    badVerificationTag: 0,
    initFlood: 0,
    initAfterEstablished: 0,
    dataBeforeEstablished: 0,
    badStream: 0,
    tsnOutOfWindow: 0,
    receiveWindowFull: 0,
    sackSpanTooLarge: 0,
    messageTooBig: 0,
    dcepMalformed: 0,
  };
}

export class SctpAssociation {
  readonly OS: number;
  readonly MIS: number;
  readonly maxMessageSize: number;
  readonly sendBufferSize: number;
  readonly drops: SctpDropCounters = newDropCounters();
  /** Messages and bytes in and out (the DataProducer/DataConsumer stats add per stream). */
  readonly counts = { messagesReceived: 0, bytesReceived: 0, messagesSent: 0, bytesSent: 0 };
  readonly #options: SctpAssociationOptions;
  readonly #sctp: SCTP;
  readonly #engine: WeriftSctpInternals;
  readonly #summary = newSctpPacketSummary();
  #state: SctpState = 'new';
  #bufferedAmount = 0;
  #initWindowStart = 0;
  #initsInWindow = 0;
  #transmitQueued = false;

  constructor(options: SctpAssociationOptions) {
    this.OS = options.OS;
    this.MIS = options.MIS;
    this.maxMessageSize = options.maxMessageSize;
    this.sendBufferSize = options.sendBufferSize;
    this.#options = options;
    const transport = {
      onData: undefined as ((buf: Buffer) => void) | undefined,
      send: (packet: Buffer): Promise<void> => {
        options.send(packet);
        return Promise.resolve();
      },
      close: () => undefined,
    };
    // A server engine: the peer's INIT is always answered (RFC 8841 leaves roles open).
    this.#sctp = SCTP.server(transport, SCTP_PORT);
    this.#engine = patchSctp(this.#sctp, (error) => options.onFault(error));
    const engine = this.#engine;
    engine._outboundStreamsCount = options.OS;
    engine._inboundStreamsMax = options.MIS;
    engine.advertisedRwnd = Math.max(MIN_RECEIVE_WINDOW, options.maxMessageSize + 65536);
    engine.onSackReceived = () => {
      this.#updateBufferedAmount();
      return Promise.resolve();
    };
    this.#sctp.onReceive.subscribe((streamId, ppid, data) =>
      this.#receiveMessage(streamId, ppid, data),
    );
    this.#sctp.stateChanged.connected.subscribe(() => {
      // Established by the peer's COOKIE-ECHO while ours was pending: its COOKIE-ACK is
      // then ignored by the engine, which would retransmit our COOKIE-ECHO until it gives up.
      engine.timer1Cancel();
      this.#setState('connected');
    });
    this.#sctp.stateChanged.closed.subscribe(() =>
      this.#setState(this.#state === 'connecting' ? 'failed' : 'closed'),
    );
  }

  get state(): SctpState {
    return this.#state;
  }

  /** Bytes of messages queued or in flight, not yet acknowledged. */
  get bufferedAmount(): number {
    return this.#bufferedAmount;
  }

  /** What the engine holds for the peer (tests check it stays bounded). */
  get receiveState(): { gapTsns: number; streams: number; window: number } {
    const engine = this.#engine;
    return {
      gapTsns: engine.sackMisOrdered.size,
      streams: Object.keys(engine.inboundStreams).length,
      window: engine.advertisedRwnd,
    };
  }

  /** mediasoup's `sctpParameters` (plus its dump extras). */
  get parameters(): Record<string, unknown> {
    return {
      port: SCTP_PORT,
      OS: this.OS,
      MIS: this.MIS,
      maxMessageSize: this.maxMessageSize,
      sendBufferSize: this.sendBufferSize,
      sctpBufferedAmount: this.#bufferedAmount,
      isDataChannel: this.#options.isDataChannel ?? true,
    };
  }

  /** The lower layer is up (DTLS connected, or the UDP tuple known): INIT may flow. */
  connect(): void {
    if (this.#state !== 'new') return;
    this.#setState('connecting');
    const initiate = this.#options.initiate === true;
    void this.#sctp
      .start(SCTP_PORT)
      .then(() => (initiate ? this.#engine.init() : undefined))
      .catch((error: unknown) => this.#options.onFault(error));
  }

  /** One SCTP packet from the peer (already decrypted). Synchronous throws reach the caller's boundary. */
  receivePacket(packet: Buffer): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    const problem = this.#admit(packet);
    if (problem !== undefined) {
      this.drops[problem]++;
      return;
    }
    void this.#engine.handleData(packet);
  }

  /** Queues one message on `streamId`; `data` is copied. */
  send(streamId: number, ppid: number, data: Uint8Array, options: SctpSendOptions): SctpSendResult {
    if (this.#state !== 'connected') return 'notConnected';
    if (data.length > this.maxMessageSize) return 'tooBig';
    if (this.#bufferedAmount + data.length > this.sendBufferSize) return 'bufferFull';
    const engine = this.#engine;
    const ordered = options.ordered;
    const expiry =
      options.maxPacketLifeTime !== undefined
        ? Date.now() / 1000 + options.maxPacketLifeTime / 1000
        : undefined;
    // One copy: fragments are views of it (the engine keeps them until acknowledged).
    const copy = Buffer.from(data.buffer, data.byteOffset, data.length);
    const owned = Buffer.allocUnsafe(copy.length);
    copy.copy(owned);
    const ssn = ordered ? (engine.outboundStreamSeq[streamId] ?? 0) : 0;
    const fragments = Math.max(1, Math.ceil(owned.length / FRAGMENT_SIZE));
    for (let i = 0; i < fragments; i++) {
      const chunk = new DataChunk(0, undefined);
      chunk.flags = (ordered ? 0 : 0x04) | (i === 0 ? 0x02 : 0) | (i === fragments - 1 ? 0x01 : 0);
      chunk.tsn = engine.localTsn;
      chunk.streamId = streamId;
      chunk.streamSeqNum = ssn;
      chunk.protocol = ppid;
      chunk.userData = owned.subarray(i * FRAGMENT_SIZE, (i + 1) * FRAGMENT_SIZE);
      chunk.bookSize = chunk.userData.length;
      chunk.expiry = expiry;
      chunk.maxRetransmits = options.maxRetransmits;
      engine.localTsn = (engine.localTsn + 1) % 0x100000000;
      engine.outboundQueue.push(chunk);
    }
    if (ordered) engine.outboundStreamSeq[streamId] = (ssn + 1) & 0xffff;
    this.#bufferedAmount += owned.length;
    this.counts.messagesSent++;
    this.counts.bytesSent += owned.length;
    // One transmit per burst: the engine walks its whole sent queue on each call.
    if (!this.#transmitQueued) {
      this.#transmitQueued = true;
      queueMicrotask(this.#flush);
    }
    return 'sent';
  }

  readonly #flush = (): void => {
    this.#transmitQueued = false;
    if (this.#state === 'connected') void this.#engine.transmit();
  };

  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    // Sends an ABORT if the engine is up, and clears every engine timer either way.
    void this.#sctp.stop().catch((error: unknown) => this.#options.onFault(error));
  }

  #admit(packet: Buffer): SctpPacketProblem | keyof SctpDropCounters | undefined {
    const summary = this.#summary;
    const problem = inspectSctpPacket(packet, summary);
    if (problem !== undefined) return problem;
    const engine = this.#engine;
    const established = engine.associationState === ESTABLISHED;
    if (summary.isInit) {
      // RFC 9260 §8.5.1: an INIT carries tag 0. No restarts once up (a peer's
      // INIT would reset the engine's TSNs and tags: §5.2.2 is not supported).
      if (summary.verificationTag !== 0) return 'badVerificationTag';
      if (established) return 'initAfterEstablished';
      const now = performance.now();
      if (now - this.#initWindowStart >= 1000) {
        this.#initWindowStart = now;
        this.#initsInWindow = 0;
      }
      if (++this.#initsInWindow > MAX_INITS_PER_SECOND) return 'initFlood';
      return undefined;
    }
    // §8.5: every other packet carries our tag.
    if (summary.verificationTag !== engine.localVerificationTag) return 'badVerificationTag';
    if (summary.sackGapSpan > MAX_SACK_GAP_SPAN) return 'sackSpanTooLarge';
    if (summary.maxForwardStream >= this.MIS) return 'badStream';
    if (summary.dataCount > 0) {
      if (!established || engine.lastReceivedTsn === undefined) return 'dataBeforeEstablished';
      if (engine.advertisedRwnd <= 0) return 'receiveWindowFull';
      const cumulative = engine.lastReceivedTsn;
      for (let i = 0; i < summary.dataCount; i++) {
        if (summary.dataStream[i] >= this.MIS) return 'badStream';
        const ahead = (summary.dataTsn[i] - cumulative) >>> 0;
        // Behind (a duplicate, ahead ≥ 2^31) is fine: the engine reports it in its SACK.
        if (ahead > MAX_TSN_AHEAD && ahead < 0x80000000) return 'tsnOutOfWindow';
      }
    }
    return undefined;
  }

  #receiveMessage(streamId: number, ppid: number, data: Buffer): void {
    if (data.length > this.maxMessageSize) {
      this.drops.messageTooBig++;
      return;
    }
    if (ppid === Ppid.dcep) {
      this.#receiveDcep(streamId, data);
      return;
    }
    this.counts.messagesReceived++;
    this.counts.bytesReceived += data.length;
    this.#options.onMessage(streamId, ppid, data);
  }

  /** RFC 8832 §6: answer OPEN with ACK on the same stream; ACKs need nothing. */
  #receiveDcep(streamId: number, data: Buffer): void {
    if (data.length >= 1 && data[0] === DcepType.ack) return;
    const open = parseDcepOpen(data);
    if (!open) {
      this.drops.dcepMalformed++;
      return;
    }
    this.send(streamId, Ppid.dcep, DCEP_ACK, { ordered: true });
    this.#options.onDataChannelOpen?.(streamId, open.label, open.protocol);
  }

  #updateBufferedAmount(): void {
    const engine = this.#engine;
    let bytes = 0;
    for (const chunk of engine.sentQueue)
      if (!chunk.acked && !chunk.abandoned) bytes += chunk.bookSize;
    for (const chunk of engine.outboundQueue) bytes += chunk.bookSize;
    if (bytes === this.#bufferedAmount) return;
    this.#bufferedAmount = bytes;
    this.#options.onBufferedAmount(bytes);
  }

  #setState(state: SctpState): void {
    if (this.#state === state || this.#state === 'closed') return;
    this.#state = state;
    this.#options.onStateChange(state);
  }
}
