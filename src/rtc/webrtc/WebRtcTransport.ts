/**
 * Worker-side WebRtcTransport: ICE-lite, DTLS and SRTP over UDP and/or TCP
 * (its own ports or a WebRtcServer's), demultiplexing every packet by its
 * first byte (RFC 7983) and carrying the RTP/RTCP of its producers and
 * consumers. Packets from tuples ICE has not validated, undecryptable,
 * malformed or too big packets are dropped and counted. Every entry (packet,
 * timer, DTLS callback) runs inside a FaultBoundary: an exception drops that
 * input and is counted in `faults`, and the worker goes on.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { InvalidStateError } from '../../common/errors.js';
import { classifyPacket } from '../../protocols/demux.js';
import { RtpPacketView, readU16 } from '../../protocols/rtp/index.js';
import {
  SdesItemType,
  nackItemsFromSequenceNumbers,
  parseRtcpCompound,
  writeFir,
  writeNack,
  writePli,
  writeRtcpCompound,
  writeTransportCc,
  type ReportBlock,
  type RtcpPacket,
  type TransportCcFeedback,
} from '../../protocols/rtcp/index.js';
import { RateCalculator, ntpFromUnixMs } from '../rtpStream/index.js';
import { MAX_SRTP_OVERHEAD, SrtpSession, isSrtpError } from '../../protocols/srtp/index.js';
import { IceServer, type IceState } from '../ice/IceServer.js';
import type { Tuple, TransportTupleData } from '../transport/TransportTuple.js';
import { tupleData } from '../transport/TransportTuple.js';
import type { Producer } from '../rtp/Producer.js';
import { RtpListener } from '../rtp/RtpListener.js';
import { URI, extensionId } from '../rtp/ExtensionMap.js';
import { TransportCcFeedbackGenerator } from '../bwe/TransportCcFeedbackGenerator.js';
import type { Consumer } from '../rtp/Consumer.js';
import { writeOutgoingPacket } from '../rtp/OutgoingPacketWriter.js';
import type { RoutedTransport } from '../Router.js';
import type {
  DtlsFingerprint,
  DtlsKeys,
  DtlsRole,
  DtlsSession,
  DtlsSessionFactory,
  DtlsState,
} from './dtlsSession.js';
import { SendBufferPool } from './SendBufferPool.js';
import { FaultBoundary, type FaultCounters } from '../FaultBoundary.js';
import {
  MAX_OUTGOING_RTP_SIZE,
  MAX_RTCP_PACKET_SIZE,
  MAX_RTP_PACKET_SIZE,
  SEND_BUFFER_SIZE,
} from '../rtp/packetLimits.js';

export interface IceCandidate {
  foundation: string;
  priority: number;
  ip: string;
  address: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host';
  tcpType?: 'passive';
}

export interface WebRtcTransportEvents {
  notify(event: string, data?: unknown): void;
  /** A consumer asks its producer for a key frame (through the router). */
  onConsumerKeyFrameNeeded(consumer: Consumer): void;
  /** A notification addressed to one of our producers or consumers. */
  notifyEntity(handlerId: string, event: string, data?: unknown): void;
  /** The scores of a producer's streams (for consumer score events). */
  producerScores(producerId: string): number[];
}

/** Dropped-packet counters: what getStats reports about bad input. */
export interface DropCounters {
  unverifiedTuple: number;
  srtpAuthFailed: number;
  srtpReplay: number;
  malformed: number;
  unknownSsrc: number;
  unknownKind: number;
  dtlsBeforeConnect: number;
  /** Larger than MAX_RTP_PACKET_SIZE, or grown past the send buffers on the way out. */
  tooBig: number;
}

/** RTCP reports: about once a second (RFC 3550 §6.2 allows more for a small session). */
const RTCP_INTERVAL_MS = 1000;
/** NACK retries and key frame request retries are timed at this granularity. */
const FEEDBACK_TICK_MS = 40;
/** Generic NACK FCIs that fit one RTCP packet (12-byte header, 4 bytes each; RFC 4585 §6.2.1). */
const MAX_NACK_ITEMS = Math.floor((MAX_RTCP_PACKET_SIZE - 12) / 4);

export class WebRtcTransport implements RoutedTransport {
  readonly id: string;
  readonly iceServer: IceServer;
  readonly candidates: IceCandidate[];
  /** Our certificate's fingerprints, as signalled in dtlsParameters. */
  readonly localFingerprints: DtlsFingerprint[];
  readonly #events: WebRtcTransportEvents;
  readonly #dtls: DtlsSession;
  #remoteFingerprints: DtlsFingerprint[] | undefined;
  #dtlsRole: DtlsRole = 'auto';
  #dtlsStarted = false;
  #srtpSend: SrtpSession | undefined;
  #srtpRecv: SrtpSession | undefined;
  #srtpCryptoSuite: string | undefined;
  #dtlsRemoteCert: string | undefined;
  readonly #producers = new Map<string, Producer>();
  readonly #listener = new RtpListener();
  readonly #consumers = new Map<string, Consumer>();
  readonly #consumerBySsrc = new Map<number, Consumer>();
  readonly #view = new RtpPacketView();
  readonly #scratch = Buffer.alloc(MAX_OUTGOING_RTP_SIZE);
  readonly #header = { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, marker: false };
  readonly #pool = new SendBufferPool(64, SEND_BUFFER_SIZE);
  readonly #rtcpScratch = Buffer.alloc(MAX_RTCP_PACKET_SIZE);
  readonly #outView = new RtpPacketView();
  /** The SSRC our receiver reports and feedback are sent from (RFC 3550 §6.4.2). */
  readonly #rtcpSsrc = randomInt(1, 0xffffffff);
  readonly #cname = randomUUID().slice(0, 8);
  readonly #feedbackTimer: NodeJS.Timeout;
  readonly drops: DropCounters = {
    unverifiedTuple: 0,
    srtpAuthFailed: 0,
    srtpReplay: 0,
    malformed: 0,
    unknownSsrc: 0,
    unknownKind: 0,
    dtlsBeforeConnect: 0,
    tooBig: 0,
  };
  readonly #boundary: FaultBoundary;
  /** Byte counters for getStats (mediasoup's transport stats fields). */
  readonly bytes = {
    received: 0,
    sent: 0,
    rtpReceived: 0,
    rtpSent: 0,
    rtxReceived: 0,
    rtxSent: 0,
  };
  readonly #rtxRecvRate = new RateCalculator();
  readonly #rtxSendRate = new RateCalculator();
  readonly #recvRate = new RateCalculator();
  readonly #sendRate = new RateCalculator();
  readonly #rtpRecvRate = new RateCalculator();
  readonly #rtpSendRate = new RateCalculator();
  #transportSeq = 0;
  /**
   * Transport-wide CC feedback for what our producers send, when one of them negotiated the
   * transport-wide-cc extension; `#twccId` is the sender's id for it (one per transport, as
   * BUNDLE gives every m-section the same ids; mediasoup keeps it per transport too).
   */
  #twcc: TransportCcFeedbackGenerator | undefined;
  #twccId = 0;
  /** Loss injection for tests (every Nth RTP packet dropped; 0 = off). */
  #dropIncomingEvery = 0;
  #dropOutgoingEvery = 0;
  #incomingCount = 0;
  #outgoingCount = 0;
  #timer: NodeJS.Timeout;
  #closed = false;
  /** Called when closing, to release sockets or the WebRtcServer registration. */
  #release: () => void = () => undefined;
  #onIceRestart: () => void = () => undefined;

  constructor(options: {
    id: string;
    candidates: IceCandidate[];
    localFingerprints: DtlsFingerprint[];
    consentTimeoutMs: number;
    dtlsFactory: DtlsSessionFactory;
    events: WebRtcTransportEvents;
  }) {
    this.id = options.id;
    this.candidates = options.candidates;
    this.localFingerprints = options.localFingerprints;
    this.#events = options.events;
    const boundary = new FaultBoundary(`WebRtcTransport ${options.id}`);
    this.#boundary = boundary;
    this.iceServer = new IceServer(
      {
        onStateChange: (state) => this.#onIceState(state),
        onSelectedTupleChange: (tuple) =>
          this.#events.notify('iceselectedtuplechange', { iceSelectedTuple: tupleData(tuple) }),
        onTupleRemoved: () => undefined,
      },
      options.consentTimeoutMs,
    );
    this.#dtls = options.dtlsFactory(
      (data) => boundary.run('dtls', this.#sendRaw, this, data, undefined),
      {
        onStateChange: (state) => boundary.run('dtls', this.#onDtlsState, this, state, undefined),
        onConnected: (keys) => boundary.run('dtls', this.#onDtlsConnected, this, keys, undefined),
      },
    );
    this.#timer = setInterval(boundary.wrap('timer', this.#tick, this), RTCP_INTERVAL_MS);
    this.#timer.unref();
    this.#feedbackTimer = setInterval(
      boundary.wrap('timer', this.#feedbackTick, this),
      FEEDBACK_TICK_MS,
    );
    this.#feedbackTimer.unref();
  }

  setRelease(release: () => void): void {
    this.#release = release;
  }

  get iceState(): IceState {
    return this.iceServer.state;
  }

  get iceSelectedTuple(): TransportTupleData | undefined {
    const tuple = this.iceServer.selectedTuple;
    return tuple ? tupleData(tuple) : undefined;
  }

  get dtlsState(): DtlsState {
    return this.#dtls.state;
  }

  get dtlsRole(): DtlsRole {
    return this.#dtlsRole;
  }

  get dtlsRemoteCert(): string | undefined {
    return this.#dtlsRemoteCert;
  }

  get srtpCryptoSuite(): string | undefined {
    return this.#srtpCryptoSuite;
  }

  get producers(): ReadonlyMap<string, Producer> {
    return this.#producers;
  }

  get consumers(): ReadonlyMap<string, Consumer> {
    return this.#consumers;
  }

  /** transport.connect(): the remote DTLS parameters. Returns our DTLS role. */
  connect(remoteRole: DtlsRole, fingerprints: DtlsFingerprint[]): DtlsRole {
    if (this.#remoteFingerprints) throw new InvalidStateError('connect() already called');
    this.#remoteFingerprints = fingerprints;
    // mediasoup's rule: we take the role the remote did not; 'auto' makes us the client.
    this.#dtlsRole = remoteRole === 'client' ? 'server' : 'client';
    this.#mayRunDtls();
    return this.#dtlsRole;
  }

  restartIce(): { usernameFragment: string; password: string; iceLite: true } {
    const credentials = this.iceServer.restart();
    this.#onIceRestart();
    return { ...credentials, iceLite: true };
  }

  /** A WebRtcServer learns the new username fragment this way. */
  setIceRestartHook(hook: () => void): void {
    this.#onIceRestart = hook;
  }

  /** Exceptions contained, by entry kind (a packet's is also dropped). */
  get faults(): FaultCounters {
    return this.#boundary.counts;
  }

  /** Every packet from a listener addressed to this transport; never throws. */
  receivePacket(data: Buffer, tuple: Tuple): void {
    const kind = tuple.protocol === 'tcp' ? 'tcpFrame' : 'datagram';
    this.#boundary.run(kind, this.#receivePacket, this, data, tuple);
  }

  #receivePacket(data: Buffer, tuple: Tuple): void {
    if (this.#closed) return;
    this.bytes.received += data.length;
    this.#recvRate.update(data.length, performance.now());
    switch (classifyPacket(data)) {
      case 'stun':
        this.iceServer.processStunPacket(data, tuple, performance.now());
        return;
      case 'dtls':
        if (!this.iceServer.isValidTuple(tuple)) {
          this.drops.unverifiedTuple++;
          return;
        }
        // Before start() the DTLS session keeps a few datagrams: the peer may
        // begin the handshake before the application calls connect().
        this.#dtls.handlePacket(data);
        return;
      case 'rtp':
        this.#receiveRtp(data, tuple);
        return;
      case 'rtcp':
        this.#receiveRtcp(data, tuple);
        return;
      default:
        this.drops.unknownKind++;
    }
  }

  addProducer(producer: Producer): void {
    this.#listener.add(producer);
    this.#producers.set(producer.id, producer);
    this.#updateTransportCc();
  }

  removeProducer(producer: Producer): void {
    this.#producers.delete(producer.id);
    this.#listener.remove(producer);
    this.#updateTransportCc();
  }

  /** Feedback is generated while some producer negotiated transport-wide-cc (the latest wins). */
  #updateTransportCc(): void {
    let id = 0;
    for (const producer of this.#producers.values()) {
      id = extensionId(producer.rtpParameters.headerExtensions, URI.transportWideCc) || id;
    }
    this.#twccId = id;
    if (id === 0) this.#twcc = undefined;
    else this.#twcc ??= new TransportCcFeedbackGenerator({ senderSsrc: this.#rtcpSsrc });
  }

  #sendTransportCc(feedback: readonly TransportCcFeedback[]): void {
    for (const packet of feedback) {
      const length = writeTransportCc(packet, this.#rtcpScratch);
      if (length > 0) this.#sendRtcp(this.#rtcpScratch.subarray(0, length));
    }
  }

  addConsumer(consumer: Consumer): void {
    this.#consumers.set(consumer.id, consumer);
    this.#consumerBySsrc.set(consumer.ssrc, consumer);
    if (consumer.rtxSsrc !== undefined) this.#consumerBySsrc.set(consumer.rtxSsrc, consumer);
  }

  removeConsumer(consumer: Consumer): void {
    this.#consumers.delete(consumer.id);
    this.#consumerBySsrc.delete(consumer.ssrc);
    if (consumer.rtxSsrc !== undefined) this.#consumerBySsrc.delete(consumer.rtxSsrc);
  }

  /** The hot path's second half: rewrite, encrypt, send. */
  sendConsumerRtp(consumer: Consumer, packet: RtpPacketView, isKeyFrame: boolean): void {
    const srtp = this.#srtpSend;
    const tuple = this.iceServer.selectedTuple;
    if (!srtp || !tuple) return;
    const header = this.#header;
    if (!consumer.prepare(packet, isKeyFrame, header)) return;
    header.ssrc = consumer.ssrc;
    header.marker = packet.marker;
    const nowMs = performance.now();
    const length = writeOutgoingPacket(
      this.#scratch,
      packet,
      header,
      consumer.extensionMap,
      consumer.hop,
      absSendTime24(nowMs),
      this.#transportSeq++,
    );
    if (length < 0) {
      this.drops.tooBig++;
      return;
    }
    if (this.#outView.wrap(this.#scratch, length) === 'ok') consumer.sent(this.#outView, nowMs);
    if (this.#dropOutgoingEvery && ++this.#outgoingCount % this.#dropOutgoingEvery === 0) return;
    const result = srtp.protectRtp(this.#scratch.subarray(0, length), this.#pool.next());
    if (isSrtpError(result)) return;
    tuple.send(result);
    this.#countSent(result.length, nowMs);
    this.bytes.rtpSent += result.length;
    this.#rtpSendRate.update(result.length, nowMs);
  }

  /** Bitrates over the last second, in bits per second. */
  bitrates(
    nowMs: number,
  ): Record<'recv' | 'send' | 'rtpRecv' | 'rtpSend' | 'rtxRecv' | 'rtxSend', number> {
    return {
      recv: this.#recvRate.getRate(nowMs),
      send: this.#sendRate.getRate(nowMs),
      rtpRecv: this.#rtpRecvRate.getRate(nowMs),
      rtpSend: this.#rtpSendRate.getRate(nowMs),
      rtxRecv: this.#rtxRecvRate.getRate(nowMs),
      rtxSend: this.#rtxSendRate.getRate(nowMs),
    };
  }

  #countSent(length: number, nowMs: number): void {
    this.bytes.sent += length;
    this.#sendRate.update(length, nowMs);
  }

  /** A consumer resends a packet a NACK asked for (RTX-wrapped when negotiated). */
  sendRetransmission(packet: RtpPacketView): void {
    const srtp = this.#srtpSend;
    const tuple = this.iceServer.selectedTuple;
    if (!srtp || !tuple) return;
    if (packet.length > SEND_BUFFER_SIZE - MAX_SRTP_OVERHEAD) {
      this.drops.tooBig++;
      return;
    }
    const result = srtp.protectRtp(packet.buffer.subarray(0, packet.length), this.#pool.next());
    if (isSrtpError(result)) return;
    tuple.send(result);
    const nowMs = performance.now();
    this.#countSent(result.length, nowMs);
    this.bytes.rtxSent += result.length;
    this.#rtxSendRate.update(result.length, nowMs);
  }

  /** Asks the endpoint producing `mediaSsrc` for a key frame (RFC 4585 §6.3.1, RFC 5104 §4.3.1). */
  sendKeyFrameRequest(mediaSsrc: number, kind: 'pli' | 'fir', firSequenceNumber: number): void {
    const senderSsrc = this.#rtcpSsrc;
    const length =
      kind === 'pli'
        ? writePli({ kind: 'pli', senderSsrc, mediaSsrc }, this.#rtcpScratch)
        : writeFir(
            {
              kind: 'fir',
              senderSsrc,
              mediaSsrc: 0,
              entries: [{ ssrc: mediaSsrc, sequenceNumber: firSequenceNumber & 0xff }],
            },
            this.#rtcpScratch,
          );
    if (length > 0) this.#sendRtcp(this.#rtcpScratch.subarray(0, length));
  }

  /** Asks the endpoint producing `mediaSsrc` to resend these packets (RFC 4585 §6.2.1). */
  sendNack(mediaSsrc: number, seqs: readonly number[]): void {
    const all = nackItemsFromSequenceNumbers(seqs);
    // Many losses need more FCIs than one packet holds: one NACK per packetful.
    for (let i = 0; i < all.length; i += MAX_NACK_ITEMS) {
      const items = all.length <= MAX_NACK_ITEMS ? all : all.slice(i, i + MAX_NACK_ITEMS);
      const length = writeNack(
        { kind: 'nack', senderSsrc: this.#rtcpSsrc, mediaSsrc, items },
        this.#rtcpScratch,
      );
      if (length > 0) this.#sendRtcp(this.#rtcpScratch.subarray(0, length));
    }
  }

  /** Test hook: drop every Nth RTP packet received / sent (0 = none), as a lossy network would. */
  setPacketLoss(incomingEvery: number, outgoingEvery: number): void {
    this.#dropIncomingEvery = incomingEvery;
    this.#dropOutgoingEvery = outgoingEvery;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    clearInterval(this.#feedbackTimer);
    this.iceServer.close();
    this.#dtls.close();
    this.#release();
  }

  #sendRtcp(packet: Uint8Array): void {
    const srtp = this.#srtpSend;
    const tuple = this.iceServer.selectedTuple;
    if (!srtp || !tuple) return;
    if (packet.length > SEND_BUFFER_SIZE - MAX_SRTP_OVERHEAD) return; // our writers stay below
    const result = srtp.protectRtcp(packet, this.#pool.next());
    if (isSrtpError(result)) return;
    tuple.send(result);
    this.#countSent(result.length, performance.now());
  }

  #sendRaw(data: Buffer): void {
    const tuple = this.iceServer.selectedTuple;
    if (!tuple) return;
    tuple.send(data);
    this.#countSent(data.length, performance.now());
  }

  #receiveRtp(data: Buffer, tuple: Tuple): void {
    if (!this.iceServer.isValidTuple(tuple)) {
      this.drops.unverifiedTuple++;
      return;
    }
    const srtp = this.#srtpRecv;
    if (!srtp) {
      this.drops.dtlsBeforeConnect++;
      return;
    }
    if (this.#dropIncomingEvery && ++this.#incomingCount % this.#dropIncomingEvery === 0) return;
    const result = srtp.unprotectRtp(data);
    if (isSrtpError(result)) {
      this.#countSrtpError(result);
      return;
    }
    if (result.length > MAX_RTP_PACKET_SIZE) {
      this.drops.tooBig++;
      return;
    }
    const view = this.#view;
    if (view.wrap(result) !== 'ok') {
      this.drops.malformed++;
      return;
    }
    const nowMs = performance.now();
    this.bytes.rtpReceived += data.length;
    this.#rtpRecvRate.update(data.length, nowMs);
    const ssrc = view.ssrc;
    // The transport-wide sequence number, read before a producer rewrites extension ids; every
    // packet the sender numbered counts (RTX and probes too), known SSRC or not.
    const twcc = this.#twcc;
    if (twcc) {
      const at = view.findExtension(this.#twccId);
      if (at >= 0 && view.foundExtensionLength === 2) {
        if (twcc.record(readU16(view.buffer, at), nowMs, ssrc)) {
          this.#sendTransportCc(twcc.takeFeedback(nowMs));
        }
      }
    }
    let producer = this.#listener.bySsrc(ssrc);
    let learning = false;
    if (!producer) {
      producer = this.#listener.find(view);
      learning = true;
    }
    const outcome = producer ? producer.receiveRtp(view, nowMs) : 'unknown';
    // The producer took a new SSRC as one of its streams (RFC 8852 rid, or MID): remember it.
    if (learning && producer && outcome !== 'unknown') {
      this.#listener.learn(ssrc, undefined, producer);
    }
    if (outcome === 'unknown') {
      this.drops.unknownSsrc++;
    } else if (outcome === 'rtx') {
      this.bytes.rtxReceived += data.length;
      this.#rtxRecvRate.update(data.length, nowMs);
    }
  }

  #receiveRtcp(data: Buffer, tuple: Tuple): void {
    if (!this.iceServer.isValidTuple(tuple)) {
      this.drops.unverifiedTuple++;
      return;
    }
    const srtp = this.#srtpRecv;
    if (!srtp) {
      this.drops.dtlsBeforeConnect++;
      return;
    }
    const result = srtp.unprotectRtcp(data);
    if (isSrtpError(result)) {
      this.#countSrtpError(result);
      return;
    }
    const packets = parseRtcpCompound(result);
    if (!Array.isArray(packets)) {
      this.drops.malformed++;
      return;
    }
    for (const packet of packets) this.#handleRtcp(packet);
  }

  #handleRtcp(packet: RtcpPacket): void {
    const nowMs = performance.now();
    switch (packet.kind) {
      case 'sr':
        this.#listener.bySsrc(packet.ssrc)?.receiveSenderReport(packet, nowMs);
        this.#receiveReportBlocks(packet.reports, nowMs);
        return;
      case 'rr':
        this.#receiveReportBlocks(packet.reports, nowMs);
        return;
      case 'pli':
        this.#consumerBySsrc.get(packet.mediaSsrc)?.receiveKeyFrameRequest('pli');
        return;
      case 'fir':
        for (const entry of packet.entries) {
          this.#consumerBySsrc.get(entry.ssrc)?.receiveKeyFrameRequest('fir');
        }
        return;
      case 'nack':
        this.#consumerBySsrc.get(packet.mediaSsrc)?.receiveNack(packet.items, nowMs);
        return;
      default:
        return;
    }
  }

  #receiveReportBlocks(blocks: readonly ReportBlock[], nowMs: number): void {
    for (const block of blocks) {
      this.#consumerBySsrc.get(block.ssrc)?.receiveReceiverReport(block, nowMs);
    }
  }

  #countSrtpError(error: number): void {
    if (error === 2) this.drops.srtpAuthFailed++;
    else if (error === 3) this.drops.srtpReplay++;
    else this.drops.malformed++;
  }

  #onIceState(state: IceState): void {
    this.#events.notify('icestatechange', { iceState: state });
    this.#mayRunDtls();
  }

  /** DTLS starts once the remote parameters are known and ICE found a path (as mediasoup). */
  #mayRunDtls(): void {
    if (this.#dtlsStarted || !this.#remoteFingerprints) return;
    const ice = this.iceServer.state;
    if (ice !== 'connected' && ice !== 'completed') return;
    this.#dtlsStarted = true;
    this.#dtls.start(this.#dtlsRole === 'server' ? 'server' : 'client', this.#remoteFingerprints);
  }

  #onDtlsState(state: DtlsState): void {
    const data: Record<string, unknown> = { dtlsState: state };
    if (state === 'connected') data.dtlsRemoteCert = this.#dtlsRemoteCert;
    this.#events.notify('dtlsstatechange', data);
  }

  #onDtlsConnected(keys: DtlsKeys): void {
    this.#srtpCryptoSuite = keys.srtpCryptoSuite;
    this.#dtlsRemoteCert = keys.remoteCertificate;
    this.#srtpSend = new SrtpSession(
      keys.srtpCryptoSuite,
      keys.localMasterKey,
      keys.localMasterSalt,
    );
    this.#srtpRecv = new SrtpSession(
      keys.srtpCryptoSuite,
      keys.remoteMasterKey,
      keys.remoteMasterSalt,
    );
    // Consumers created before DTLS finished need their first key frame now.
    for (const consumer of this.#consumers.values()) consumer.requestKeyFrame();
  }

  #tick(): void {
    const nowMs = performance.now();
    this.iceServer.tick(nowMs);
    this.#sendReports(nowMs);
    for (const consumer of this.#consumers.values()) {
      const score = consumer.scoreIfChanged(this.#events.producerScores(consumer.producerId));
      if (score) this.#events.notifyEntity(consumer.id, 'score', score);
    }
  }

  #feedbackTick(): void {
    if (this.#producers.size === 0 && this.#consumers.size === 0) return;
    const nowMs = performance.now();
    for (const producer of this.#producers.values()) producer.tick(nowMs);
    if (this.#twcc) this.#sendTransportCc(this.#twcc.tick(nowMs));
    // Simulcast consumers re-check which layer to forward.
    for (const consumer of this.#consumers.values()) consumer.tick(nowMs);
  }

  /**
   * Sender reports (with SDES CNAME) for what we send and one receiver report
   * for what we receive (RFC 3550 §6.4; compound packets per §6.1).
   */
  #sendReports(nowMs: number): void {
    if (!this.#srtpSend) return;
    const ntp = ntpFromUnixMs(Date.now());
    for (const consumer of this.#consumers.values()) {
      const sr = consumer.getSenderReport(nowMs, ntp);
      if (!sr) continue;
      this.#sendCompound([
        sr,
        {
          kind: 'sdes',
          chunks: [{ ssrc: sr.ssrc, items: [{ type: SdesItemType.CNAME, value: this.#cname }] }],
        },
      ]);
    }
    if (this.#producers.size === 0) return;
    const blocks: ReportBlock[] = [];
    for (const producer of this.#producers.values()) producer.getReportBlocks(nowMs, blocks);
    // At most 31 report blocks per RR (5-bit count, RFC 3550 §6.4.2).
    for (let i = 0; i < blocks.length || i === 0; i += 31) {
      this.#sendCompound([{ kind: 'rr', ssrc: this.#rtcpSsrc, reports: blocks.slice(i, i + 31) }]);
    }
  }

  #sendCompound(packets: RtcpPacket[]): void {
    const length = writeRtcpCompound(packets, this.#rtcpScratch);
    if (length > 0) this.#sendRtcp(this.#rtcpScratch.subarray(0, length));
  }
}

/** abs-send-time: 6.18 fixed-point seconds, 24 bits (webrtc.org abs-send-time). */
function absSendTime24(nowMs: number): number {
  return Math.floor((nowMs * 262.144) % 0x1000000);
}

export function newTransportId(): string {
  return randomUUID();
}
