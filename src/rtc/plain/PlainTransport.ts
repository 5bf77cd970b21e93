/**
 * Worker-side PlainTransport: the transport core over a UDP tuple (UdpTupleIo), plain RTP or
 * SRTP with keys given in connect() (mediasoup's `router.createPlainTransport()`). The remote
 * endpoint comes from connect() or, with comedia, from the first valid packet; until then
 * nothing is sent. Notifications: 'tuple' and 'rtcptuple' when comedia learns them.
 */
import { InvalidStateError } from '../../common/errors.js';
import type { SrtpCryptoSuite } from '../../protocols/srtp/index.js';
import type { RtcRouter } from '../Router.js';
import type { UdpListener } from '../sockets/UdpListener.js';
import { RtcTransport, type TransportNotifier } from '../transport/RtcTransport.js';
import type { SctpOptions } from '../transport/TransportData.js';
import { LocalSrtpKey, type SrtpParameters } from './srtpKeys.js';
import { UdpTupleIo, type UdpTupleDrops, type UdpTupleInfo } from './UdpTupleIo.js';

export interface PlainTransportOptions {
  id: string;
  router: RtcRouter;
  notifier: TransportNotifier;
  listener: UdpListener;
  /** Without RTCP-mux: the RTCP socket. */
  rtcpListener?: UdpListener;
  comedia: boolean;
  announcedAddress?: string;
  rtcpAnnouncedAddress?: string;
  /** enableSrtp: our crypto suite (the remote may switch it in connect()). */
  srtpCryptoSuite?: SrtpCryptoSuite;
  /** enableSctp: an SCTP association over the UDP tuple. */
  sctp?: SctpOptions;
}

export interface PlainConnectParameters {
  ip?: string;
  port?: number;
  rtcpPort?: number;
  srtpParameters?: SrtpParameters;
}

export interface PlainConnectResult {
  tuple?: UdpTupleInfo;
  rtcpTuple?: UdpTupleInfo;
  srtpParameters?: SrtpParameters;
}

export class PlainTransport extends RtcTransport {
  readonly #io: UdpTupleIo;
  readonly #srtpKey: LocalSrtpKey | undefined;
  #connectCalled = false;

  constructor(options: PlainTransportOptions) {
    super({
      id: options.id,
      router: options.router,
      notifier: options.notifier,
      label: `PlainTransport ${options.id}`,
    });
    this.#srtpKey = options.srtpCryptoSuite ? new LocalSrtpKey(options.srtpCryptoSuite) : undefined;
    this.#io = new UdpTupleIo({
      listener: options.listener,
      rtcpListener: options.rtcpListener,
      comedia: options.comedia,
      announcedAddress: options.announcedAddress,
      rtcpAnnouncedAddress: options.rtcpAnnouncedAddress,
      boundary: this.boundary,
      events: {
        onDatagram: (length) => this.countReceived(length),
        onRtp: (packet, wireLength) => this.receiveRtpPacket(packet, wireLength),
        onRtcp: (packet) => this.receiveRtcpPacket(packet),
        onSrtpError: (error) => this.countSrtpError(error),
        onTuple: (tuple) => this.#onTupleLearned(tuple),
        onRtcpTuple: (rtcpTuple) => this.notifier.notify('rtcptuple', { rtcpTuple }),
        onSctp: options.sctp ? (packet) => this.data.receiveSctpPacket(packet) : undefined,
      },
    });
    if (this.#srtpKey) this.#io.enableSrtp();
    if (options.sctp) this.data.attachSctp(options.sctp, (packet) => this.#sendSctp(packet));
  }

  #sendSctp(packet: Buffer): void {
    const sent = this.#io.sendSctp(packet);
    if (sent > 0) this.countSent(sent, performance.now());
  }

  get rtcpMux(): boolean {
    return this.#io.rtcpMux;
  }

  get comedia(): boolean {
    return this.#io.comedia;
  }

  get tuple(): UdpTupleInfo {
    return this.#io.tuple;
  }

  get rtcpTuple(): UdpTupleInfo | undefined {
    return this.#io.rtcpTuple;
  }

  /** The RTCP tuple once its remote is known (what getStats reports). */
  get connectedRtcpTuple(): UdpTupleInfo | undefined {
    return this.#io.connectedRtcpTuple;
  }

  get srtpParameters(): SrtpParameters | undefined {
    return this.#srtpKey?.parameters;
  }

  /** The I/O's own drop counters (garbage, wrong tuple, before connect). */
  get tupleDrops(): UdpTupleDrops {
    return this.#io.drops;
  }

  /**
   * transport.connect(): the remote endpoint (unless comedia) and the remote SRTP parameters
   * (when SRTP is enabled). Everything is checked before anything changes: TypeError for bad
   * parameters, InvalidStateError for a second call.
   */
  connect(parameters: PlainConnectParameters): PlainConnectResult {
    if (this.#connectCalled) throw new InvalidStateError('connect() already called');
    const { ip, port, rtcpPort, srtpParameters } = parameters;
    if (!this.#srtpKey && srtpParameters) {
      throw new TypeError('invalid srtpParameters (SRTP not enabled)');
    }
    if (this.#srtpKey && !srtpParameters) {
      throw new TypeError('missing srtpParameters (SRTP enabled)');
    }
    const comedia = this.#io.comedia;
    if (!comedia) {
      if (ip === undefined) throw new TypeError('missing ip');
      if (port === undefined) throw new TypeError('missing port');
      this.#io.checkRemote(ip, port, rtcpPort);
    }
    // Validates the remote key (may switch our suite): the last step that can throw.
    const sessions = srtpParameters ? this.#srtpKey!.sessionsWith(srtpParameters) : undefined;
    if (!comedia) this.#io.setRemote(ip!, port!, rtcpPort);
    if (sessions) this.#io.setSrtpSessions(sessions);
    this.#connectCalled = true;
    if (this.#io.sendReady) this.onSendReady();
    if (this.#io.connected) this.data.sctp?.connect();
    return {
      tuple: this.#io.connected ? this.#io.tuple : undefined,
      rtcpTuple: this.#io.connectedRtcpTuple,
      srtpParameters: this.srtpParameters,
    };
  }

  protected get sendReady(): boolean {
    return this.#io.sendReady;
  }

  protected sendRtpPacket(packet: Uint8Array): number {
    return this.#io.sendRtp(packet, this.sendBuffers.next());
  }

  protected sendRtcpPacket(packet: Uint8Array): number {
    return this.#io.sendRtcp(packet, this.sendBuffers.next());
  }

  protected onClose(): void {
    this.#io.close();
  }

  #onTupleLearned(tuple: UdpTupleInfo): void {
    this.notifier.notify('tuple', { tuple });
    // Consumers created before the remote was known need their first key frame now.
    if (this.#io.sendReady) this.onSendReady();
    this.data.sctp?.connect();
  }
}
