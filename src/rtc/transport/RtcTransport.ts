/**
 * The transport core: what every transport kind shares. It owns the
 * transport's producers and consumers, the RTP listener that routes incoming
 * packets to producers, RTCP dispatch, the report and feedback timers,
 * NACK/RTX and transport-wide CC feedback, byte counters and drop counters,
 * and the FaultBoundary every entry runs in.
 *
 * A kind (WebRTC, plain, pipe, direct) adds only its I/O and its security:
 * it hands decrypted packets to `receiveRtpPacket` / `receiveRtcpPacket` and
 * implements `sendRtpPacket` / `sendRtcpPacket` (protect if it must, put on
 * the wire) and `sendReady`. Bandwidth estimation and SCTP attach here too.
 */
import { randomInt, randomUUID } from 'node:crypto';
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
  writeXrRrt,
  type ExtendedReport,
  type ReportBlock,
  type RtcpPacket,
  type SenderReport,
  type TransportCcFeedback,
} from '../../protocols/rtcp/index.js';
import { RateCalculator, compactNtp, ntpFromUnixMs } from '../rtpStream/index.js';
import { MAX_SRTP_OVERHEAD } from '../../protocols/srtp/index.js';
import {
  orientationCamera,
  orientationFlip,
  orientationRotation,
} from '../../protocols/rtp/video-orientation.js';
import { Producer, type ProducerOptions } from '../rtp/Producer.js';
import {
  RtpListener,
  type RecvHeaderExtensionIds,
  type RtpListenerTables,
} from '../rtp/RtpListener.js';
import { URI, extensionId } from '../rtp/ExtensionMap.js';
import { TransportCcFeedbackGenerator } from '../bwe/TransportCcFeedbackGenerator.js';
import type { TransportBwe } from '../bwe/TransportBwe.js';
import { PACER_INTERVAL_MS, type PacedOutput } from '../bwe/Pacer.js';
import type { ProbationExtensionIds } from '../bwe/Probation.js';
import { TRANSPORT_TRACE_TYPES, TraceFlags, emitTrace } from '../trace.js';
import type { Consumer, ConsumerOutput, OutgoingHeader } from '../rtp/Consumer.js';
import { createConsumer, type CreateConsumerOptions } from '../rtp/createConsumer.js';
import { writeOutgoingPacket } from '../rtp/OutgoingPacketWriter.js';
import type { RtcRouter } from '../Router.js';
import { SendBufferPool } from './SendBufferPool.js';
import { FaultBoundary, type FaultCounters } from '../FaultBoundary.js';
import { TransportData } from './TransportData.js';
import { TransportBitrate } from './TransportBitrate.js';
import {
  MAX_OUTGOING_RTP_SIZE,
  MAX_RTCP_PACKET_SIZE,
  MAX_RTP_PACKET_SIZE,
  SEND_BUFFER_SIZE,
} from '../rtp/packetLimits.js';

/**
 * Where a transport's notifications go (the worker's channel). A `payload`
 * (raw bytes beside the data: a direct transport's packets) is copied before
 * the call returns.
 */
export interface TransportNotifier {
  /** A notification addressed to the transport itself. */
  notify(event: string, data?: unknown, payload?: Uint8Array): void;
  /** A notification addressed to one of its producers or consumers. */
  notifyEntity(handlerId: string, event: string, data?: unknown, payload?: Uint8Array): void;
}

export interface RtcTransportOptions {
  id: string;
  router: RtcRouter;
  notifier: TransportNotifier;
  /** Names the transport in contained-fault log lines, e.g. "PlainTransport <id>". */
  label: string;
  /** The send-side estimate before any feedback (mediasoup's default 600000). */
  initialAvailableOutgoingBitrate?: number;
}

/** Dropped-input counters: what getStats reports about bad input, for every kind. */
export interface DropCounters {
  /** From an address the transport has not validated (ICE) or is not connected to. */
  unverifiedTuple: number;
  srtpAuthFailed: number;
  srtpReplay: number;
  malformed: number;
  unknownSsrc: number;
  unknownKind: number;
  /** Media before the transport could decrypt or accept it (DTLS not done, not connected). */
  dtlsBeforeConnect: number;
  /** Larger than MAX_RTP_PACKET_SIZE, or grown past the send buffers on the way out. */
  tooBig: number;
  /** Outgoing video the pacer could not hold, its queue full (the receiver NACKs it). */
  pacerQueueFull: number;
}

/** RTCP reports: about once a second (RFC 3550 §6.2 allows more for a small session). */
const RTCP_INTERVAL_MS = 1000;
/** NACK retries and key frame request retries are timed at this granularity. */
const FEEDBACK_TICK_MS = 40;
/** Generic NACK FCIs that fit one RTCP packet (12-byte header, 4 bytes each; RFC 4585 §6.2.1). */
const MAX_NACK_ITEMS = Math.floor((MAX_RTCP_PACKET_SIZE - 12) / 4);

export abstract class RtcTransport implements ConsumerOutput {
  readonly id: string;
  protected readonly router: RtcRouter;
  protected readonly notifier: TransportNotifier;
  protected readonly boundary: FaultBoundary;
  /** DataProducers, DataConsumers and the SCTP association of the kinds that carry one. */
  readonly data: TransportData;
  readonly drops: DropCounters = {
    unverifiedTuple: 0,
    srtpAuthFailed: 0,
    srtpReplay: 0,
    malformed: 0,
    unknownSsrc: 0,
    unknownKind: 0,
    dtlsBeforeConnect: 0,
    tooBig: 0,
    pacerQueueFull: 0,
  };
  /** transport.enableTraceEvent(): the `bwe` and `probation` traces to emit. */
  readonly traceFlags = new TraceFlags(TRANSPORT_TRACE_TYPES);
  /** Byte counters for getStats (mediasoup's transport stats fields). */
  readonly bytes = { received: 0, sent: 0, rtpReceived: 0, rtpSent: 0, rtxReceived: 0, rtxSent: 0 };
  readonly #producers = new Map<string, Producer>();
  readonly #listener = new RtpListener();
  readonly #consumers = new Map<string, Consumer>();
  readonly #consumerBySsrc = new Map<number, Consumer>();
  readonly #view = new RtpPacketView();
  readonly #outView = new RtpPacketView();
  readonly #scratch = Buffer.alloc(MAX_OUTGOING_RTP_SIZE);
  readonly #rtcpScratch = Buffer.alloc(MAX_RTCP_PACKET_SIZE);
  /** Outgoing packets rotate through these: a socket may still hold the previous ones. */
  protected readonly sendBuffers = new SendBufferPool(64, SEND_BUFFER_SIZE);
  /** The SSRC our receiver reports and feedback are sent from (RFC 3550 §6.4.2). */
  protected readonly rtcpSsrc = randomInt(1, 0xffffffff);
  readonly #cname = randomUUID().slice(0, 8);
  readonly #rates = {
    recv: new RateCalculator(),
    send: new RateCalculator(),
    rtpRecv: new RateCalculator(),
    rtpSend: new RateCalculator(),
    rtxRecv: new RateCalculator(),
    rtxSend: new RateCalculator(),
  };
  #transportSeq = 0;
  /** Send-side estimation, pacing, probation, allocation and the application's limits. */
  readonly bitrate: TransportBitrate;
  /** The consumers as an iterable that can be walked more than once (the allocator does). */
  readonly #consumerList: Iterable<Consumer> = {
    [Symbol.iterator]: () => this.#consumers.values(),
  };
  #rembAtMs = 0;
  /**
   * Transport-wide CC feedback for what our producers send, while one of them negotiated the
   * extension; `#twccId` is the sender's id for it (one per transport, as BUNDLE gives every
   * m-section the same ids; mediasoup keeps it per transport too).
   */
  #twcc: TransportCcFeedbackGenerator | undefined;
  #twccId = 0;
  /** Loss injection for tests (every Nth RTP packet dropped; 0 = off). */
  #dropIncomingEvery = 0;
  #dropOutgoingEvery = 0;
  #incomingCount = 0;
  #outgoingCount = 0;
  readonly #timer: NodeJS.Timeout;
  readonly #feedbackTimer: NodeJS.Timeout;
  /** Runs every PACER_INTERVAL_MS only while the pacer has packets waiting or a probe cluster. */
  #pacerTimer: NodeJS.Timeout | undefined;
  readonly #pacerTick: () => void;
  readonly #pacedOutput: PacedOutput = {
    sendPaced: (buffer, length, twccAt, nowMs) => this.#sendPaced(buffer, length, twccAt, nowMs),
    sendProbe: (clusterId, nowMs) => this.#sendProbePacket(clusterId, nowMs),
  };
  /** The probator stream's header extension ids (those of the video consumer it follows). */
  readonly #probeIds: ProbationExtensionIds = { midId: 0, absSendTimeId: 0, transportWideCcId: 0 };
  #closed = false;

  protected constructor(options: RtcTransportOptions) {
    this.id = options.id;
    this.router = options.router;
    this.notifier = options.notifier;
    this.boundary = new FaultBoundary(options.label);
    this.data = new TransportData(options.router, options.notifier, this.boundary);
    this.bitrate = new TransportBitrate({
      initialAvailableOutgoingBitrate: options.initialAvailableOutgoingBitrate,
      output: this.#pacedOutput,
      onBwe: (info) => {
        if (this.traceFlags.has('bwe'))
          emitTrace(this.notifier, undefined, 'bwe', 'out', { ...info });
      },
    });
    this.#timer = setInterval(this.boundary.wrap('timer', this.#tick, this), RTCP_INTERVAL_MS);
    this.#timer.unref();
    this.#feedbackTimer = setInterval(
      this.boundary.wrap('timer', this.#feedbackTick, this),
      FEEDBACK_TICK_MS,
    );
    this.#feedbackTimer.unref();
    this.#pacerTick = this.boundary.wrap('timer', this.#drainPacer, this);
  }

  // ---- The seam each kind fills in ----

  /** Whether media and RTCP can go out now (keys and remote endpoint known). */
  protected abstract get sendReady(): boolean;
  /**
   * Puts one RTP packet on the wire, protected as the kind requires. `packet` is only valid
   * during the call. Returns the bytes sent (0: not sent).
   */
  protected abstract sendRtpPacket(packet: Uint8Array): number;
  /** The same for one (compound) RTCP packet. */
  protected abstract sendRtcpPacket(packet: Uint8Array): number;
  /** Periodic work of the kind (about once a second). */
  protected onTick(nowMs: number): void {
    void nowMs;
  }
  /** Releases the kind's sockets, sessions and registrations (once). */
  protected abstract onClose(): void;
  /** A kind that links routers (pipe) sends every encoding of a producer: pipe consumers. */
  protected get carriesWholeProducers(): boolean {
    return false;
  }
  /** Whether receivers' feedback can drive send-side estimation (not a DirectTransport's). */
  protected get estimatesBandwidth(): boolean {
    return true;
  }

  // ---- Registry ----

  get closed(): boolean {
    return this.#closed;
  }

  get producers(): ReadonlyMap<string, Producer> {
    return this.#producers;
  }

  get consumers(): ReadonlyMap<string, Consumer> {
    return this.#consumers;
  }

  /** The RTP listener's tables, for dump() (built on request). */
  rtpListenerDump(): RtpListenerTables {
    return this.#listener.dump();
  }

  /** The header extension ids incoming RTP is read with, for dump(). */
  get recvRtpHeaderExtensions(): RecvHeaderExtensionIds {
    return this.#listener.headerExtensionIds;
  }

  /** Exceptions contained, by entry kind (a packet's is also dropped). */
  get faults(): FaultCounters {
    return this.boundary.counts;
  }

  /**
   * A new producer on this transport, routed by this transport's router. Its notifications go
   * to `handlerId` (default: its id).
   */
  produce(options: Omit<ProducerOptions, 'routerIdForUri'> & { handlerId?: string }): Producer {
    const router = this.router;
    const notifyId = options.handlerId ?? options.id;
    const producer = new Producer(
      { ...options, routerIdForUri: router.routerIdForUri(options.kind) },
      {
        onRtp: (p, packet, keyFrame) => router.onProducerRtp(p, packet, keyFrame),
        onNack: (ssrc, seqs) => this.sendNack(ssrc, seqs),
        onKeyFrameRequest: (ssrc, kind, firSeq) => this.sendKeyFrameRequest(ssrc, kind, firSeq),
        onScore: (p) => this.notifier.notifyEntity(notifyId, 'score', p.scores),
        onVideoOrientationChange: (_p, bits) =>
          this.notifier.notifyEntity(notifyId, 'videoorientationchange', {
            camera: orientationCamera(bits),
            flip: orientationFlip(bits),
            rotation: orientationRotation(bits),
          }),
        onTrace: (type, direction, info) =>
          emitTrace(this.notifier, notifyId, type, direction, info),
      },
    );
    try {
      this.#listener.add(producer);
    } catch (error) {
      producer.close();
      throw error;
    }
    try {
      router.addProducer(producer);
    } catch (error) {
      this.#listener.remove(producer);
      producer.close();
      throw error;
    }
    this.#producers.set(producer.id, producer);
    this.#updateTransportCc();
    this.bitrate.addProducer(producer);
    return producer;
  }

  removeProducer(producer: Producer): void {
    this.#producers.delete(producer.id);
    this.#listener.remove(producer);
    this.#updateTransportCc();
  }

  /** A new consumer on this transport of one of the router's producers. */
  consume(options: Omit<CreateConsumerOptions, 'routerIdForUri' | 'pipe'>): Consumer {
    const consumer = createConsumer(
      {
        ...options,
        routerIdForUri: this.router.routerIdForUri(options.producer.kind),
        pipe: this.carriesWholeProducers,
      },
      this,
    );
    this.#consumers.set(consumer.id, consumer);
    for (const ssrc of consumer.ssrcs) this.#consumerBySsrc.set(ssrc, consumer);
    this.router.addConsumer(consumer);
    if (this.estimatesBandwidth) this.bitrate.addConsumer(consumer, this.#consumers.values());
    consumer.start();
    return consumer;
  }

  removeConsumer(consumer: Consumer): void {
    this.#consumers.delete(consumer.id);
    for (const ssrc of consumer.ssrcs) this.#consumerBySsrc.delete(ssrc);
    this.router.removeConsumer(consumer);
    this.#bwe?.requestAllocation(true);
  }

  // ---- Bandwidth estimation and limits (the rest in `bitrate`) ----

  /** The estimator itself while estimation runs (tests, benches, the core's send path). */
  get bwe(): TransportBwe | undefined {
    return this.bitrate.bwe;
  }

  get #bwe(): TransportBwe | undefined {
    return this.bitrate.bwe;
  }

  /**
   * 0 = unlimited. The producers' endpoint is told with a REMB (sent now and every second),
   * which browsers honour as a cap whether they estimate with transport-cc or REMB.
   */
  setMaxIncomingBitrate(bitrate: number): void {
    this.bitrate.limits.maxIncomingBitrate = bitrate;
    if (bitrate > 0) this.#sendLimitRemb(performance.now());
  }

  /** consumer.setPriority() / unsetPriority(): re-allocate soon. */
  onConsumerPriorityChanged(): void {
    this.#bwe?.requestAllocation();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    clearInterval(this.#feedbackTimer);
    clearInterval(this.#pacerTimer);
    this.#pacerTimer = undefined;
    this.data.close();
    this.onClose();
  }

  /** Test hook: drop every Nth RTP packet received / sent (0 = none), as a lossy network would. */
  setPacketLoss(incomingEvery: number, outgoingEvery: number): void {
    this.#dropIncomingEvery = incomingEvery;
    this.#dropOutgoingEvery = outgoingEvery;
    this.data.setPacketLoss(incomingEvery, outgoingEvery);
  }

  /** Bitrates over the last second, in bits per second. */
  bitrates(
    nowMs: number,
  ): Record<'recv' | 'send' | 'rtpRecv' | 'rtpSend' | 'rtxRecv' | 'rtxSend', number> {
    const r = this.#rates;
    return {
      recv: r.recv.getRate(nowMs),
      send: r.send.getRate(nowMs),
      rtpRecv: r.rtpRecv.getRate(nowMs),
      rtpSend: r.rtpSend.getRate(nowMs),
      rtxRecv: r.rtxRecv.getRate(nowMs),
      rtxSend: r.rtxSend.getRate(nowMs),
    };
  }

  // ---- ConsumerOutput: what consumers send through ----

  /** The hot path's second half: write the consumer's packet, then the kind protects and sends. */
  sendRtp(consumer: Consumer, packet: RtpPacketView, header: OutgoingHeader): void {
    if (!this.sendReady) return;
    const nowMs = performance.now();
    // Only packets that carry the number take one (a gap would read as a loss), when they go
    // on the wire: one the pacer holds is numbered when it leaves.
    const twcc = consumer.hop.transportWideCcId !== 0;
    const seq = this.#transportSeq;
    const length = writeOutgoingPacket(
      this.#scratch,
      packet,
      header,
      consumer.extensionMap,
      consumer.hop,
      absSendTime24(nowMs),
      seq,
    );
    if (length < 0) {
      this.drops.tooBig++;
      return;
    }
    // One view of the written packet serves the retransmission store and the send.
    const bytes = this.#scratch.subarray(0, length);
    const wrapped = this.#outView.wrap(bytes) === 'ok';
    // A payload the writer rewrote is not the producer's: the consumer keeps a full copy.
    if (wrapped) {
      consumer.sent(this.#outView, nowMs, header.payloadRewriter ? undefined : packet);
    }
    if (this.#dropOutgoingEvery && ++this.#outgoingCount % this.#dropOutgoingEvery === 0) {
      if (twcc) this.#transportSeq = (seq + 1) & 0xffff;
      return;
    }
    const pacer = this.#bwe?.pacer;
    if (pacer !== undefined) {
      if (consumer.kind === 'audio') {
        pacer.charge(length, nowMs);
      } else if (!pacer.admit(length, nowMs)) {
        const at =
          twcc && wrapped ? this.#outView.findExtension(consumer.hop.transportWideCcId) : -1;
        if (pacer.enqueue(this.#scratch, length, at, nowMs)) this.#startPacer();
        else this.drops.pacerQueueFull++;
        return;
      }
    }
    if (twcc) this.#transportSeq = (seq + 1) & 0xffff;
    const sent = this.sendRtpPacket(bytes);
    if (sent === 0) return;
    if (twcc) this.#bwe?.onSent(seq, nowMs, sent);
    this.countSent(sent, nowMs);
    this.bytes.rtpSent += sent;
    this.#rates.rtpSend.update(sent, nowMs);
  }

  /** A consumer resends a packet a NACK asked for (RTX-wrapped when negotiated). */
  sendRetransmission(packet: RtpPacketView): void {
    if (!this.sendReady) return;
    // The test hook's lossy link loses resends too (else every loss is repaired in time).
    if (this.#dropOutgoingEvery && ++this.#outgoingCount % this.#dropOutgoingEvery === 0) return;
    if (packet.length > SEND_BUFFER_SIZE - MAX_SRTP_OVERHEAD) {
      this.drops.tooBig++;
      return;
    }
    // A resend is a new packet on the wire: it takes a new transport-wide number.
    const consumer = this.#consumerBySsrc.get(packet.ssrc);
    const id = consumer ? consumer.hop.transportWideCcId : 0;
    const at = id !== 0 ? packet.findExtension(id) : -1;
    const seq = this.#transportSeq;
    if (at >= 0 && packet.foundExtensionLength === 2) {
      packet.buffer[at] = seq >> 8;
      packet.buffer[at + 1] = seq & 0xff;
      this.#transportSeq = (seq + 1) & 0xffff;
    }
    const sent = this.sendRtpPacket(packet.buffer.subarray(0, packet.length));
    if (sent === 0) return;
    const nowMs = performance.now();
    // Never delayed behind video, but it takes its share of the pacing budget.
    this.#bwe?.pacer.charge(sent, nowMs);
    if (at >= 0) this.#bwe?.onSent(seq, nowMs, sent);
    this.countSent(sent, nowMs);
    this.bytes.rtxSent += sent;
    this.#rates.rtxSend.update(sent, nowMs);
  }

  /** A consumer needs a key frame from its producer (of one stream: its router SSRC). */
  requestProducerKeyFrame(consumer: Consumer, mappedSsrc?: number): void {
    this.router.onConsumerKeyFrameNeeded(consumer, mappedSsrc);
  }

  notifyConsumer(consumer: Consumer, event: string, data?: unknown): void {
    this.notifier.notifyEntity(consumer.id, event, data);
  }

  // ---- Feedback toward the endpoints ----

  /** Asks the endpoint producing `mediaSsrc` for a key frame (RFC 4585 §6.3.1, RFC 5104 §4.3.1). */
  sendKeyFrameRequest(mediaSsrc: number, kind: 'pli' | 'fir', firSequenceNumber: number): void {
    const senderSsrc = this.rtcpSsrc;
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
    if (length > 0) this.sendRtcp(this.#rtcpScratch.subarray(0, length));
  }

  /** Asks the endpoint producing `mediaSsrc` to resend these packets (RFC 4585 §6.2.1). */
  sendNack(mediaSsrc: number, seqs: readonly number[]): void {
    const all = nackItemsFromSequenceNumbers(seqs);
    // Many losses need more FCIs than one packet holds: one NACK per packetful.
    for (let i = 0; i < all.length; i += MAX_NACK_ITEMS) {
      const items = all.length <= MAX_NACK_ITEMS ? all : all.slice(i, i + MAX_NACK_ITEMS);
      const length = writeNack(
        { kind: 'nack', senderSsrc: this.rtcpSsrc, mediaSsrc, items },
        this.#rtcpScratch,
      );
      if (length > 0) this.sendRtcp(this.#rtcpScratch.subarray(0, length));
    }
  }

  // ---- For the kinds ----

  /** The consumer sending on this SSRC (media or RTX), if any. */
  protected consumerOfSsrc(ssrc: number): Consumer | undefined {
    return this.#consumerBySsrc.get(ssrc);
  }

  /** Counts bytes as they arrive from the network, before any check. */
  protected countReceived(length: number): void {
    this.bytes.received += length;
    this.#rates.recv.update(length, performance.now());
  }

  protected countSent(length: number, nowMs: number): void {
    this.bytes.sent += length;
    this.#rates.send.update(length, nowMs);
  }

  /** SrtpSession error codes (2 auth, 3 replay) as drop counters. */
  protected countSrtpError(error: number): void {
    if (error === 2) this.drops.srtpAuthFailed++;
    else if (error === 3) this.drops.srtpReplay++;
    else this.drops.malformed++;
  }

  /** Sends one RTCP packet (ours, already written) if the kind can send. */
  protected sendRtcp(packet: Uint8Array): void {
    if (!this.sendReady) return;
    const sent = this.sendRtcpPacket(packet);
    if (sent > 0) this.countSent(sent, performance.now());
  }

  /** The kind is ready to send (DTLS done, remote known): consumers need their key frames. */
  protected onSendReady(): void {
    for (const consumer of this.#consumers.values()) consumer.requestKeyFrame();
  }

  /** One decrypted RTP packet; `wireLength` is its size as received. */
  protected receiveRtpPacket(data: Uint8Array, wireLength: number): void {
    if (this.#closed) return;
    if (this.#dropIncomingEvery && ++this.#incomingCount % this.#dropIncomingEvery === 0) return;
    if (data.length > MAX_RTP_PACKET_SIZE) {
      this.drops.tooBig++;
      return;
    }
    const view = this.#view;
    if (view.wrap(data) !== 'ok') {
      this.drops.malformed++;
      return;
    }
    const nowMs = performance.now();
    this.bytes.rtpReceived += wireLength;
    this.#rates.rtpRecv.update(wireLength, nowMs);
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
      this.bytes.rtxReceived += wireLength;
      this.#rates.rtxRecv.update(wireLength, nowMs);
    }
  }

  /** One decrypted (compound) RTCP packet. */
  protected receiveRtcpPacket(data: Uint8Array): void {
    if (this.#closed) return;
    const packets = parseRtcpCompound(data);
    if (!Array.isArray(packets)) {
      this.drops.malformed++;
      return;
    }
    for (const packet of packets) this.#handleRtcp(packet);
    this.drops.malformed += this.bitrate.receiveTransportCc(data, performance.now());
  }

  // ---- Inside the core ----

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
      case 'xr':
        this.#receiveXr(packet, nowMs);
        return;
      case 'pli':
        this.#consumerBySsrc.get(packet.mediaSsrc)?.receiveKeyFrameRequest('pli', packet.mediaSsrc);
        return;
      case 'fir':
        for (const entry of packet.entries) {
          this.#consumerBySsrc.get(entry.ssrc)?.receiveKeyFrameRequest('fir', entry.ssrc);
        }
        return;
      case 'nack':
        this.#consumerBySsrc
          .get(packet.mediaSsrc)
          ?.receiveNack(packet.items, nowMs, packet.mediaSsrc);
        return;
      case 'remb':
        this.#bwe?.onRemb(packet.bitrate, nowMs);
        return;
      default:
        return;
    }
  }

  /**
   * A probe cluster, when the estimator wants one, on the probator SSRC; the pacer sends it
   * over the next ticks at the cluster's rate.
   */
  #sendProbation(bwe: TransportBwe, nowMs: number): void {
    if (bwe.pacer.busy) return;
    let carrier: Consumer | undefined;
    for (const consumer of this.#consumers.values()) {
      const id = consumer.hop.transportWideCcId;
      if (consumer.kind === 'video' && id >= 1 && id <= 14) {
        carrier = consumer;
        break;
      }
    }
    if (!carrier) return;
    const probe = bwe.probe(nowMs);
    if (!probe) return;
    const ids = this.#probeIds;
    ids.midId = carrier.hop.midId;
    ids.absSendTimeId = carrier.hop.absSendTimeId;
    ids.transportWideCcId = carrier.hop.transportWideCcId;
    bwe.pacer.startProbe(probe.clusterId, probe.packets, probe.bitrate, nowMs);
    this.#startPacer();
  }

  /** One packet of probe cluster `clusterId`, numbered now. Returns the bytes sent (0: stop). */
  #sendProbePacket(clusterId: number, nowMs: number): number {
    const bwe = this.#bwe;
    if (!bwe || !this.sendReady) return 0;
    const seq = this.#transportSeq;
    const ids = this.#probeIds;
    const length = bwe.probation.write(this.#scratch, ids, seq, absSendTime24(nowMs));
    if (length < 0) return 0;
    this.#transportSeq = (seq + 1) & 0xffff;
    const sent = this.sendRtpPacket(this.#scratch.subarray(0, length));
    if (sent === 0) return 0;
    bwe.onSent(seq, nowMs, sent, clusterId);
    bwe.probation.sent(sent, nowMs);
    // mediasoup's probation trace: one per packet, no info.
    if (this.traceFlags.has('probation'))
      emitTrace(this.notifier, undefined, 'probation', 'out', {});
    this.countSent(sent, nowMs);
    return sent;
  }

  /** A packet the pacer held: numbered now (the number goes at `twccAt`), then sent. */
  #sendPaced(buffer: Buffer, length: number, twccAt: number, nowMs: number): number {
    if (!this.sendReady) return 0;
    const seq = this.#transportSeq;
    if (twccAt >= 0) {
      buffer[twccAt] = seq >> 8;
      buffer[twccAt + 1] = seq & 0xff;
      this.#transportSeq = (seq + 1) & 0xffff;
    }
    const sent = this.sendRtpPacket(buffer.subarray(0, length));
    if (sent === 0) return 0;
    if (twccAt >= 0) this.#bwe?.onSent(seq, nowMs, sent);
    this.countSent(sent, nowMs);
    this.bytes.rtpSent += sent;
    this.#rates.rtpSend.update(sent, nowMs);
    return sent;
  }

  #startPacer(): void {
    if (this.#pacerTimer !== undefined || this.#closed) return;
    this.#pacerTimer = setInterval(this.#pacerTick, PACER_INTERVAL_MS);
    this.#pacerTimer.unref();
  }

  #drainPacer(): void {
    const pacer = this.#bwe?.pacer;
    if (pacer) pacer.drain(performance.now());
    if (!pacer?.busy) {
      clearInterval(this.#pacerTimer);
      this.#pacerTimer = undefined;
    }
  }

  /** A REMB with the max incoming bitrate for every producer's media SSRCs. */
  #sendLimitRemb(nowMs: number): void {
    if (this.bitrate.limits.maxIncomingBitrate <= 0 || this.#producers.size === 0) return;
    this.#rembAtMs = nowMs;
    const length = this.bitrate.writeLimitRemb(
      this.#producers.values(),
      this.rtcpSsrc,
      this.#rtcpScratch,
    );
    if (length > 0) this.sendRtcp(this.#rtcpScratch.subarray(0, length));
  }

  /**
   * Report blocks about what our consumers send. The RTT they give (RFC 3550 §6.4.1, computed
   * by each consumer's stream) paces the estimator: AIMD decreases at most once per RTT, the
   * additive increase by a packet per response time.
   */
  #receiveReportBlocks(blocks: readonly ReportBlock[], nowMs: number): void {
    let rttMs: number | undefined;
    for (const block of blocks) {
      const consumer = this.#consumerBySsrc.get(block.ssrc);
      if (!consumer) continue;
      consumer.receiveReceiverReport(block, nowMs);
      if (block.lastSr !== 0) rttMs = consumer.stream.rttMs ?? rttMs;
    }
    if (rttMs !== undefined) this.#bwe?.bwe.setRtt(rttMs);
  }

  /**
   * DLRR sub-blocks (RFC 3611 §4.5) answering our RRTs: each producer stream they name measures
   * its RTT. Our RRTs carry SSRC 0, which a sender (Chromium) echoes as the sub-block's SSRC;
   * as mediasoup, that stands for the XR's own SSRC, the sender's media SSRC.
   */
  #receiveXr(xr: ExtendedReport, nowMs: number): void {
    if (xr.dlrr.length === 0) return;
    const ntp = xrClockNtp(nowMs);
    const now = compactNtp(ntp.seconds, ntp.fraction);
    for (const item of xr.dlrr) {
      const ssrc = item.ssrc === 0 ? xr.ssrc : item.ssrc;
      this.#listener.bySsrc(ssrc)?.receiveXrDlrr(ssrc, item, now);
    }
  }

  /** Feedback is generated while some producer negotiated transport-wide-cc (the latest wins). */
  #updateTransportCc(): void {
    let id = 0;
    for (const producer of this.#producers.values()) {
      id = extensionId(producer.rtpParameters.headerExtensions, URI.transportWideCc) || id;
    }
    this.#twccId = id;
    if (id === 0) this.#twcc = undefined;
    else this.#twcc ??= new TransportCcFeedbackGenerator({ senderSsrc: this.rtcpSsrc });
  }

  #sendTransportCc(feedback: readonly TransportCcFeedback[]): void {
    for (const packet of feedback) {
      const length = writeTransportCc(packet, this.#rtcpScratch);
      if (length <= 0) continue;
      this.sendRtcp(this.#rtcpScratch.subarray(0, length));
      this.bitrate.transportCcSent(packet);
    }
  }

  #tick(): void {
    const nowMs = performance.now();
    this.onTick(nowMs);
    this.#sendReports(nowMs);
    if (nowMs - this.#rembAtMs >= RTCP_INTERVAL_MS - FEEDBACK_TICK_MS) this.#sendLimitRemb(nowMs);
    for (const consumer of this.#consumers.values()) {
      const producer = this.router.getProducer(consumer.producerId);
      const score = consumer.scoreIfChanged(producer ? producer.encodingScores : []);
      if (score) this.notifier.notifyEntity(consumer.id, 'score', score);
    }
  }

  #feedbackTick(): void {
    if (this.#producers.size === 0 && this.#consumers.size === 0) return;
    const nowMs = performance.now();
    for (const producer of this.#producers.values()) producer.tick(nowMs);
    if (this.#twcc) this.#sendTransportCc(this.#twcc.tick(nowMs));
    // Allocation first, so simulcast consumers re-check their layers against it.
    const bwe = this.#bwe;
    if (bwe) {
      bwe.tick(this.#consumerList, nowMs);
      if (this.sendReady) this.#sendProbation(bwe, nowMs);
    }
    // Simulcast consumers re-check which layer to forward.
    for (const consumer of this.#consumers.values()) consumer.tick(nowMs);
  }

  /**
   * Sender reports (with SDES CNAME) for what we send and one receiver report
   * for what we receive (RFC 3550 §6.4; compound packets per §6.1). Each receiver report's
   * compound ends with an XR RRT block (RFC 3611 §4.4), as mediasoup adds one to every
   * compound holding producers' reports, so the senders answer with DLRR and the producer
   * streams learn their RTT.
   */
  #sendReports(nowMs: number): void {
    if (!this.sendReady) return;
    const ntp = ntpFromUnixMs(Date.now());
    const reports: SenderReport[] = [];
    for (const consumer of this.#consumers.values()) consumer.getSenderReports(nowMs, ntp, reports);
    for (const sr of reports) {
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
    const rrt = xrClockNtp(nowMs);
    const out = this.#rtcpScratch;
    for (let i = 0; i < blocks.length || i === 0; i += 31) {
      const rr = { kind: 'rr' as const, ssrc: this.rtcpSsrc, reports: blocks.slice(i, i + 31) };
      const length = writeRtcpCompound([rr], out);
      if (length <= 0) continue;
      // SSRC 0 as mediasoup: the sender's DLRR then names no SSRC and its XR's SSRC is used.
      const xr = writeXrRrt(out, length, 0, rrt.seconds, rrt.fraction);
      this.sendRtcp(out.subarray(0, xr > 0 ? length + xr : length));
    }
  }

  #sendCompound(packets: RtcpPacket[]): void {
    const length = writeRtcpCompound(packets, this.#rtcpScratch);
    if (length > 0) this.sendRtcp(this.#rtcpScratch.subarray(0, length));
  }
}

/**
 * The clock of our RRTs and of the RTT computed from their DLRR echoes: wall-clock NTP
 * (RFC 3611 §4.4) anchored at process start and advancing monotonically, so a wall-clock step
 * does not skew an RTT.
 */
function xrClockNtp(nowMs: number): { seconds: number; fraction: number } {
  return ntpFromUnixMs(performance.timeOrigin + nowMs);
}

/** abs-send-time: 6.18 fixed-point seconds, 24 bits (webrtc.org abs-send-time). */
function absSendTime24(nowMs: number): number {
  return Math.floor((nowMs * 262.144) % 0x1000000);
}
