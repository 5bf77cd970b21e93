/**
 * WebRtcTransport: ICE-lite + DTLS + SRTP toward a WebRTC endpoint such as a
 * browser running mediasoup-client; mediasoup v3 semantics and shapes.
 */
import type { WebRtcTransportDump } from './dumpTypes.js';
import type { WebRtcTransportStat } from './statsTypes.js';
import type { Channel } from '../channel/Channel.js';
import { checkRequestList } from '../channel/limits.js';
import type { AppData } from './appData.js';
import type { SctpParameters } from '../ortc/index.js';
import { Transport, type TransportRouterLink } from './Transport.js';

export type IceState = 'new' | 'connected' | 'completed' | 'disconnected' | 'closed';
export type DtlsState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';
export type DtlsRole = 'auto' | 'client' | 'server';
export type FingerprintAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';
export type IceRole = 'controlled' | 'controlling';
/** Skein, like mediasoup, is ICE-lite: it offers host candidates only, passive over TCP. */
export type IceCandidateType = 'host';
export type IceCandidateTcpType = 'passive';
export type TransportProtocol = 'udp' | 'tcp';
export interface TransportPortRange {
  min: number;
  max: number;
}
export interface TransportSocketFlags {
  ipv6Only?: boolean;
  udpReusePort?: boolean;
}

export interface IceParameters {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}

export interface IceCandidate {
  foundation: string;
  priority: number;
  /** @deprecated Use address. */
  ip: string;
  address: string;
  protocol: TransportProtocol;
  port: number;
  type: IceCandidateType;
  tcpType?: IceCandidateTcpType;
}

export interface DtlsFingerprint {
  algorithm: FingerprintAlgorithm;
  value: string;
}

export interface DtlsParameters {
  role?: DtlsRole;
  fingerprints: DtlsFingerprint[];
}

export interface TransportTuple {
  localAddress: string;
  /** @deprecated Use localAddress (mediasoup still sets it, with the same value). */
  localIp: string;
  localPort: number;
  remoteIp?: string;
  remotePort?: number;
  protocol: TransportProtocol;
}

export interface TransportListenInfo {
  protocol: TransportProtocol;
  ip: string;
  announcedAddress?: string;
  /** @deprecated Use announcedAddress. */
  announcedIp?: string;
  port?: number;
  portRange?: TransportPortRange;
  flags?: TransportSocketFlags;
  sendBufferSize?: number;
  recvBufferSize?: number;
}

/** A listen info as the worker takes it (deprecated names resolved). */
export function listenInfoToWire(info: TransportListenInfo): Record<string, unknown> {
  return {
    protocol: info.protocol,
    ip: info.ip,
    announcedAddress: info.announcedAddress ?? info.announcedIp,
    port: info.port,
    portRange: info.portRange,
    recvBufferSize: info.recvBufferSize,
    sendBufferSize: info.sendBufferSize,
  };
}

export interface TransportListenIp {
  ip: string;
  announcedIp?: string;
}

export type WebRtcTransportEvents = {
  icestatechange: [IceState];
  iceselectedtuplechange: [TransportTuple];
  dtlsstatechange: [DtlsState];
  sctpstatechange: [SctpState];
};

export type SctpState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export type WebRtcTransportObserverEvents = {
  icestatechange: [IceState];
  iceselectedtuplechange: [TransportTuple];
  dtlsstatechange: [DtlsState];
  sctpstatechange: [SctpState];
};

export interface WebRtcTransportData {
  iceRole: 'controlled';
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  iceState: IceState;
  iceSelectedTuple?: TransportTuple;
  dtlsParameters: DtlsParameters;
  dtlsState: DtlsState;
  dtlsRemoteCert?: string;
  sctpParameters?: SctpParameters;
  sctpState?: SctpState;
}

export class WebRtcTransport<TransportAppData extends AppData = AppData> extends Transport<
  TransportAppData,
  WebRtcTransportEvents,
  WebRtcTransportObserverEvents,
  WebRtcTransportDump,
  WebRtcTransportStat
> {
  readonly #data: WebRtcTransportData;

  /** @internal Use router.createWebRtcTransport(). */
  get type(): 'webrtc' {
    return 'webrtc';
  }

  constructor(args: {
    id: string;
    data: WebRtcTransportData;
    channel: Channel;
    router: TransportRouterLink;
    appData?: TransportAppData;
  }) {
    super(args);
    this.#data = args.data;
    this.channel.onNotification(this.id, (event, data) => this.#onNotification(event, data));
  }

  get iceRole(): 'controlled' {
    return 'controlled';
  }
  get iceParameters(): IceParameters {
    return this.#data.iceParameters;
  }
  get iceCandidates(): IceCandidate[] {
    return this.#data.iceCandidates;
  }
  get iceState(): IceState {
    return this.#data.iceState;
  }
  get iceSelectedTuple(): TransportTuple | undefined {
    return this.#data.iceSelectedTuple;
  }
  get dtlsParameters(): DtlsParameters {
    return this.#data.dtlsParameters;
  }
  get dtlsState(): DtlsState {
    return this.#data.dtlsState;
  }
  get dtlsRemoteCert(): string | undefined {
    return this.#data.dtlsRemoteCert;
  }
  /** The SCTP association's parameters (enableSctp); mediasoup-client's data channels need them. */
  get sctpParameters(): SctpParameters | undefined {
    return this.#data.sctpParameters;
  }
  get sctpState(): SctpState | undefined {
    return this.#data.sctpState;
  }

  protected override get sctpOutgoingStreams(): number | undefined {
    return this.#data.sctpParameters?.OS;
  }

  override close(): void {
    if (this.closed) return;
    this.#data.iceState = 'closed';
    this.#data.iceSelectedTuple = undefined;
    this.#data.dtlsState = 'closed';
    if (this.#data.sctpState) this.#data.sctpState = 'closed';
    super.close();
  }

  /** @internal */
  override routerClosed(): void {
    if (this.closed) return;
    this.#data.iceState = 'closed';
    this.#data.iceSelectedTuple = undefined;
    this.#data.dtlsState = 'closed';
    if (this.#data.sctpState) this.#data.sctpState = 'closed';
    super.routerClosed();
  }

  /** @internal */
  override listenServerClosed(): void {
    if (this.closed) return;
    this.#data.iceState = 'closed';
    this.#data.iceSelectedTuple = undefined;
    this.#data.dtlsState = 'closed';
    super.listenServerClosed();
  }

  async connect({ dtlsParameters }: { dtlsParameters: DtlsParameters }): Promise<void> {
    if (typeof dtlsParameters !== 'object' || dtlsParameters === null) {
      throw new TypeError('missing dtlsParameters');
    }
    if (dtlsParameters.fingerprints !== undefined) {
      checkRequestList(dtlsParameters.fingerprints, 'dtlsParameters.fingerprints');
    }
    const { dtlsLocalRole } = (await this.request('transport.connect', { dtlsParameters })) as {
      dtlsLocalRole: DtlsRole;
    };
    this.#data.dtlsParameters.role = dtlsLocalRole;
  }

  async restartIce(): Promise<IceParameters> {
    const { iceParameters } = (await this.request('transport.restartIce')) as {
      iceParameters: IceParameters;
    };
    this.#data.iceParameters = iceParameters;
    return iceParameters;
  }

  /**
   * @internal Drops every Nth RTP packet received / sent in the worker, as a
   * lossy network would (tests of NACK/RTX; needs SKEIN_ENABLE_CRASH_REQUESTS=1).
   */
  async setPacketLossForTesting({
    incomingEvery = 0,
    outgoingEvery = 0,
  }: {
    incomingEvery?: number;
    outgoingEvery?: number;
  }): Promise<void> {
    await this.request('transport.debugSetPacketLoss', { incomingEvery, outgoingEvery });
  }

  #onNotification(event: string, data: unknown): void {
    const d = (data ?? {}) as Record<string, unknown>;
    switch (event) {
      case 'icestatechange': {
        const iceState = d.iceState as IceState;
        this.#data.iceState = iceState;
        this.safeEmit('icestatechange', iceState);
        this.observer.safeEmit('icestatechange', iceState);
        return;
      }
      case 'iceselectedtuplechange': {
        const tuple = d.iceSelectedTuple as TransportTuple;
        this.#data.iceSelectedTuple = tuple;
        this.safeEmit('iceselectedtuplechange', tuple);
        this.observer.safeEmit('iceselectedtuplechange', tuple);
        return;
      }
      case 'dtlsstatechange': {
        const dtlsState = d.dtlsState as DtlsState;
        this.#data.dtlsState = dtlsState;
        if (dtlsState === 'connected') this.#data.dtlsRemoteCert = d.dtlsRemoteCert as string;
        this.safeEmit('dtlsstatechange', dtlsState);
        this.observer.safeEmit('dtlsstatechange', dtlsState);
        return;
      }
      case 'sctpstatechange': {
        const sctpState = d.sctpState as SctpState;
        this.#data.sctpState = sctpState;
        this.safeEmit('sctpstatechange', sctpState);
        this.observer.safeEmit('sctpstatechange', sctpState);
        return;
      }
      case 'listenserverclose':
        this.listenServerClosed();
        return;
      default:
        return;
    }
  }
}
