/**
 * Worker-side PipeTransport (mediasoup's `router.createPipeTransport()`): the transport core
 * over one UDP tuple to another router's PipeTransport, plain RTP or SRTP (AEAD_AES_256_GCM
 * only, keys exchanged in connect(), as mediasoup). Its consumers are pipe consumers (every
 * encoding of a producer); its producers are the far routers' producers, under their ids.
 * Nothing is sent before connect(); what arrives before it, or from another tuple, is dropped
 * and counted by the I/O.
 */
import { InvalidStateError } from '../../common/errors.js';
import type { RtcRouter } from '../Router.js';
import type { UdpListener } from '../sockets/UdpListener.js';
import { RtcTransport, type TransportNotifier } from '../transport/RtcTransport.js';
import { LocalSrtpKey, type SrtpParameters } from '../plain/srtpKeys.js';
import { UdpTupleIo, type UdpTupleDrops, type UdpTupleInfo } from '../plain/UdpTupleIo.js';
import type { SctpOptions } from '../transport/TransportData.js';

/** The one suite pipe transports use (mediasoup's choice). */
export const PIPE_SRTP_CRYPTO_SUITE = 'AEAD_AES_256_GCM';

export interface PipeTransportOptions {
  id: string;
  router: RtcRouter;
  notifier: TransportNotifier;
  listener: UdpListener;
  announcedAddress?: string;
  enableRtx: boolean;
  enableSrtp: boolean;
  /** enableSctp: an SCTP association over the tuple; both ends send INIT (as mediasoup). */
  sctp?: SctpOptions;
}

export interface PipeConnectParameters {
  ip?: string;
  port?: number;
  srtpParameters?: SrtpParameters;
}

export class PipeTransport extends RtcTransport {
  readonly rtx: boolean;
  readonly #io: UdpTupleIo;
  readonly #srtpKey: LocalSrtpKey | undefined;
  #connectCalled = false;

  constructor(options: PipeTransportOptions) {
    super({
      id: options.id,
      router: options.router,
      notifier: options.notifier,
      label: `PipeTransport ${options.id}`,
    });
    this.rtx = options.enableRtx;
    this.#srtpKey = options.enableSrtp ? new LocalSrtpKey(PIPE_SRTP_CRYPTO_SUITE) : undefined;
    this.#io = new UdpTupleIo({
      listener: options.listener,
      comedia: false,
      announcedAddress: options.announcedAddress,
      boundary: this.boundary,
      events: {
        onDatagram: (length) => this.countReceived(length),
        onRtp: (packet, wireLength) => this.receiveRtpPacket(packet, wireLength),
        onRtcp: (packet) => this.receiveRtcpPacket(packet),
        onSrtpError: (error) => this.countSrtpError(error),
        // Without comedia the tuple only comes from connect().
        onTuple: () => undefined,
        onRtcpTuple: () => undefined,
        onSctp: options.sctp ? (packet) => this.data.receiveSctpPacket(packet) : undefined,
      },
    });
    if (this.#srtpKey) this.#io.enableSrtp();
    if (options.sctp) {
      this.data.attachSctp({ ...options.sctp, initiate: true }, (packet) => this.#sendSctp(packet));
    }
  }

  #sendSctp(packet: Buffer): void {
    const sent = this.#io.sendSctp(packet);
    if (sent > 0) this.countSent(sent, performance.now());
  }

  /** The tuple: the local half until connect(). */
  get tuple(): UdpTupleInfo {
    return this.#io.tuple;
  }

  get srtpParameters(): SrtpParameters | undefined {
    return this.#srtpKey?.parameters;
  }

  /** The I/O's own drop counters (garbage, wrong tuple, before connect). */
  get tupleDrops(): UdpTupleDrops {
    return this.#io.drops;
  }

  /**
   * transport.connect(): the far PipeTransport's IP and port and, with SRTP, its parameters.
   * Everything is checked before anything changes: TypeError for bad parameters,
   * InvalidStateError for a second call.
   */
  connect(parameters: PipeConnectParameters): { tuple: UdpTupleInfo } {
    if (this.#connectCalled) throw new InvalidStateError('connect() already called');
    const { ip, port, srtpParameters } = parameters;
    if (!this.#srtpKey && srtpParameters) {
      throw new TypeError('invalid srtpParameters (SRTP not enabled)');
    }
    if (this.#srtpKey && !srtpParameters) {
      throw new TypeError('missing srtpParameters (SRTP enabled)');
    }
    if (srtpParameters && srtpParameters.cryptoSuite !== PIPE_SRTP_CRYPTO_SUITE) {
      throw new TypeError('invalid/unsupported srtpParameters.cryptoSuite');
    }
    if (ip === undefined) throw new TypeError('missing ip');
    if (port === undefined) throw new TypeError('missing port');
    this.#io.checkRemote(ip, port);
    const sessions = srtpParameters ? this.#srtpKey!.sessionsWith(srtpParameters) : undefined;
    this.#io.setRemote(ip, port);
    if (sessions) this.#io.setSrtpSessions(sessions);
    this.#connectCalled = true;
    if (this.#io.sendReady) this.onSendReady();
    this.data.sctp?.connect();
    return { tuple: this.#io.tuple };
  }

  protected override get carriesWholeProducers(): boolean {
    return true;
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
}
