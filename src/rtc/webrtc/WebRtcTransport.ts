/**
 * Worker-side WebRtcTransport: the transport core plus ICE-lite, DTLS and
 * SRTP over UDP and/or TCP (its own ports or a WebRtcServer's). Every packet
 * is demultiplexed by its first byte (RFC 7983); packets from tuples ICE has
 * not validated and undecryptable ones are dropped and counted. The core
 * (src/rtc/transport/RtcTransport.ts) does the RTP/RTCP work.
 */
import { InvalidStateError } from '../../common/errors.js';
import { classifyPacket } from '../../protocols/demux.js';
import { MAX_SRTP_OVERHEAD, SrtpSession, isSrtpError } from '../../protocols/srtp/index.js';
import { IceServer, type IceState } from '../ice/IceServer.js';
import type { Tuple, TransportTupleData } from '../sockets/TransportTuple.js';
import { tupleData } from '../sockets/TransportTuple.js';
import { RtcTransport, type TransportNotifier } from '../transport/RtcTransport.js';
import type { RtcRouter } from '../Router.js';
import type { SctpOptions } from '../transport/TransportData.js';
import { SEND_BUFFER_SIZE } from '../rtp/packetLimits.js';
import type {
  DtlsFingerprint,
  DtlsKeys,
  DtlsRole,
  DtlsSession,
  DtlsSessionFactory,
  DtlsState,
} from './dtlsSession.js';
import type { IceCandidate } from './iceCandidates.js';

export type { IceCandidate };

export class WebRtcTransport extends RtcTransport {
  readonly iceServer: IceServer;
  readonly candidates: IceCandidate[];
  /** Our certificate's fingerprints, as signalled in dtlsParameters. */
  readonly localFingerprints: DtlsFingerprint[];
  readonly #dtls: DtlsSession;
  #remoteFingerprints: DtlsFingerprint[] | undefined;
  #dtlsRole: DtlsRole = 'auto';
  #dtlsStarted = false;
  #srtpSend: SrtpSession | undefined;
  #srtpRecv: SrtpSession | undefined;
  #srtpCryptoSuite: string | undefined;
  #dtlsRemoteCert: string | undefined;
  /** Called when closing, to release sockets or the WebRtcServer registration. */
  #release: () => void = () => undefined;
  #onIceRestart: () => void = () => undefined;

  constructor(options: {
    id: string;
    router: RtcRouter;
    notifier: TransportNotifier;
    candidates: IceCandidate[];
    localFingerprints: DtlsFingerprint[];
    consentTimeoutMs: number;
    dtlsFactory: DtlsSessionFactory;
    /** enableSctp: an SCTP association over DTLS (RFC 8261). */
    sctp?: SctpOptions;
    /** The send-side estimate before feedback (default 600000). */
    initialAvailableOutgoingBitrate?: number;
  }) {
    super({
      id: options.id,
      router: options.router,
      notifier: options.notifier,
      label: `WebRtcTransport ${options.id}`,
      initialAvailableOutgoingBitrate: options.initialAvailableOutgoingBitrate,
    });
    this.candidates = options.candidates;
    this.localFingerprints = options.localFingerprints;
    const boundary = this.boundary;
    this.iceServer = new IceServer(
      {
        onStateChange: (state) => this.#onIceState(state),
        onSelectedTupleChange: (tuple) =>
          this.notifier.notify('iceselectedtuplechange', { iceSelectedTuple: tupleData(tuple) }),
        onTupleRemoved: () => undefined,
      },
      options.consentTimeoutMs,
    );
    this.#dtls = options.dtlsFactory(
      (data) => boundary.run('dtls', this.#sendRaw, this, data, undefined),
      {
        onStateChange: (state) => boundary.run('dtls', this.#onDtlsState, this, state, undefined),
        onConnected: (keys) => boundary.run('dtls', this.#onDtlsConnected, this, keys, undefined),
        onApplicationData: (data) =>
          boundary.run('dtls', this.#onApplicationData, this, data, undefined),
      },
    );
    if (options.sctp) this.data.attachSctp(options.sctp, (packet) => this.#sendSctp(packet));
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

  /** The ICE-lite parameters as signalled (mediasoup's `iceParameters`). */
  get iceParameters(): { usernameFragment: string; password: string; iceLite: true } {
    return {
      usernameFragment: this.iceServer.usernameFragment,
      password: this.iceServer.password,
      iceLite: true,
    };
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

  /** Every packet from a listener addressed to this transport; never throws. */
  receivePacket(data: Buffer, tuple: Tuple): void {
    const kind = tuple.protocol === 'tcp' ? 'tcpFrame' : 'datagram';
    this.boundary.run(kind, this.#receivePacket, this, data, tuple);
  }

  protected get sendReady(): boolean {
    return this.#srtpSend !== undefined && this.iceServer.selectedTuple !== undefined;
  }

  protected sendRtpPacket(packet: Uint8Array): number {
    const srtp = this.#srtpSend;
    const tuple = this.iceServer.selectedTuple;
    if (!srtp || !tuple) return 0;
    const result = srtp.protectRtpInto(packet, this.sendBuffers.next());
    if (isSrtpError(result)) return 0;
    tuple.send(result);
    return result.length;
  }

  protected sendRtcpPacket(packet: Uint8Array): number {
    const srtp = this.#srtpSend;
    const tuple = this.iceServer.selectedTuple;
    if (!srtp || !tuple) return 0;
    if (packet.length > SEND_BUFFER_SIZE - MAX_SRTP_OVERHEAD) return 0; // our writers stay below
    const result = srtp.protectRtcpInto(packet, this.sendBuffers.next());
    if (isSrtpError(result)) return 0;
    tuple.send(result);
    return result.length;
  }

  protected override onTick(nowMs: number): void {
    this.iceServer.tick(nowMs);
  }

  protected onClose(): void {
    this.iceServer.close();
    this.#dtls.close();
    this.#release();
  }

  #receivePacket(data: Buffer, tuple: Tuple): void {
    if (this.closed) return;
    this.countReceived(data.length);
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
        this.#receiveSrtp(data, tuple, false);
        return;
      case 'rtcp':
        this.#receiveSrtp(data, tuple, true);
        return;
      default:
        this.drops.unknownKind++;
    }
  }

  #receiveSrtp(data: Buffer, tuple: Tuple, rtcp: boolean): void {
    if (!this.iceServer.isValidTuple(tuple)) {
      this.drops.unverifiedTuple++;
      return;
    }
    const srtp = this.#srtpRecv;
    if (!srtp) {
      this.drops.dtlsBeforeConnect++;
      return;
    }
    const result = rtcp ? srtp.unprotectRtcp(data) : srtp.unprotectRtp(data);
    if (isSrtpError(result)) {
      this.countSrtpError(result);
      return;
    }
    if (rtcp) this.receiveRtcpPacket(result);
    else this.receiveRtpPacket(result, data.length);
  }

  #sendRaw(data: Buffer): void {
    const tuple = this.iceServer.selectedTuple;
    if (!tuple) return;
    tuple.send(data);
    this.countSent(data.length, performance.now());
  }

  #onIceState(state: IceState): void {
    this.notifier.notify('icestatechange', { iceState: state });
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
    // 'connected' is told with the peer's certificate, which comes with the keys (just after).
    if (state === 'connected') return;
    this.notifier.notify('dtlsstatechange', { dtlsState: state });
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
    this.notifier.notify('dtlsstatechange', {
      dtlsState: 'connected',
      dtlsRemoteCert: this.#dtlsRemoteCert,
    });
    // Consumers created before DTLS finished need their first key frame now.
    this.onSendReady();
    this.data.sctp?.connect();
  }

  /** DTLS application data is SCTP (RFC 8261 §4); without SCTP it is dropped and counted. */
  #onApplicationData(data: Buffer): void {
    if (!this.data.sctp) {
      this.drops.unknownKind++;
      return;
    }
    this.data.receiveSctpPacket(data);
  }

  #sendSctp(packet: Buffer): void {
    if (this.#dtls.state !== 'connected') return;
    this.#dtls.sendApplicationData(packet);
  }
}
