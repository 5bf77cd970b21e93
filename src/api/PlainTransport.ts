/**
 * PlainTransport: plain RTP/RTCP over UDP to one remote endpoint (ffmpeg, GStreamer, a
 * recorder or an encoder), with optional SRTP keyed out of band; mediasoup v3 semantics and
 * shapes (router.createPlainTransport()).
 */
import type { Channel } from '../channel/Channel.js';
import type { AppData } from './appData.js';
import type { SctpParameters } from '../ortc/index.js';
import { Transport, type TransportRouterLink } from './Transport.js';
import type { TransportListenInfo, TransportListenIp, TransportTuple } from './WebRtcTransport.js';

export type SrtpCryptoSuite =
  'AEAD_AES_256_GCM' | 'AEAD_AES_128_GCM' | 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface SrtpParameters {
  cryptoSuite: SrtpCryptoSuite;
  /** Master key followed by master salt, base64. */
  keyBase64: string;
}

export interface NumSctpStreams {
  OS: number;
  MIS: number;
}

/** router.createPlainTransport() options (mediasoup v3's names and defaults). */
export interface PlainTransportOptions<TransportAppData extends AppData = AppData> {
  /** UDP only. */
  listenInfo?: TransportListenInfo;
  /** Its own RTCP socket (implies rtcpMux: false). */
  rtcpListenInfo?: TransportListenInfo;
  /** @deprecated Use listenInfo. */
  listenIp?: TransportListenIp | string;
  /** @deprecated Use listenInfo. */
  port?: number;
  /** RTP and RTCP on one port. Default true. */
  rtcpMux?: boolean;
  /** Learn the remote IP:port from the first valid packet. Default false. */
  comedia?: boolean;
  /** An SCTP association over the UDP tuple (DataChannels; mediasoup's option). */
  enableSctp?: boolean;
  numSctpStreams?: NumSctpStreams;
  maxSctpMessageSize?: number;
  sctpSendBufferSize?: number;
  /** SRTP keyed by srtpParameters in connect(). Default false. */
  enableSrtp?: boolean;
  /** Default 'AES_CM_128_HMAC_SHA1_80'. */
  srtpCryptoSuite?: SrtpCryptoSuite;
  appData?: TransportAppData;
}

export type SctpState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export type PlainTransportEvents = {
  tuple: [TransportTuple];
  rtcptuple: [TransportTuple];
  sctpstatechange: [SctpState];
};

export type PlainTransportObserverEvents = PlainTransportEvents;

/** What the worker reports of a new transport (and after connect()). */
export interface PlainTransportData {
  rtcpMux: boolean;
  comedia: boolean;
  tuple: TransportTuple;
  rtcpTuple?: TransportTuple;
  srtpParameters?: SrtpParameters;
  sctpParameters?: SctpParameters;
  sctpState?: SctpState;
}

export interface PlainTransportConnectOptions {
  ip?: string;
  port?: number;
  rtcpPort?: number;
  srtpParameters?: SrtpParameters;
}

export class PlainTransport<TransportAppData extends AppData = AppData> extends Transport<
  TransportAppData,
  PlainTransportEvents,
  PlainTransportObserverEvents
> {
  readonly #data: PlainTransportData;

  /** @internal Use router.createPlainTransport(). */
  get type(): 'plain' {
    return 'plain';
  }

  constructor(args: {
    id: string;
    data: PlainTransportData;
    channel: Channel;
    router: TransportRouterLink;
    appData?: TransportAppData;
  }) {
    super(args);
    this.#data = args.data;
    this.channel.onNotification(this.id, (event, data) => this.#onNotification(event, data));
  }

  /** The RTP tuple: the local half until connect() or comedia learned the remote. */
  get tuple(): TransportTuple {
    return this.#data.tuple;
  }

  /** The RTCP tuple without rtcpMux; undefined with it. */
  get rtcpTuple(): TransportTuple | undefined {
    return this.#data.rtcpTuple;
  }

  /** Our SRTP parameters (give them to the remote) when enableSrtp. */
  get srtpParameters(): SrtpParameters | undefined {
    return this.#data.srtpParameters;
  }

  /** The SCTP association over the UDP tuple (enableSctp). */
  get sctpParameters(): SctpParameters | undefined {
    return this.#data.sctpParameters;
  }

  get sctpState(): SctpState | undefined {
    return this.#data.sctpState;
  }

  protected override get sctpOutgoingStreams(): number | undefined {
    return this.#data.sctpParameters?.OS;
  }

  /**
   * The remote endpoint (`ip`, `port`, and `rtcpPort` without rtcpMux) unless comedia, and
   * the remote's SRTP parameters when enableSrtp (which may switch our crypto suite).
   */
  async connect(options: PlainTransportConnectOptions): Promise<void> {
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { ip, port, rtcpPort, srtpParameters } = options;
    if (ip !== undefined && typeof ip !== 'string') throw new TypeError('ip must be a string');
    for (const [name, value] of [
      ['port', port],
      ['rtcpPort', rtcpPort],
    ] as const) {
      if (value !== undefined && typeof value !== 'number') {
        throw new TypeError(`${name} must be a number`);
      }
    }
    if (srtpParameters !== undefined) {
      if (typeof srtpParameters !== 'object' || srtpParameters === null) {
        throw new TypeError('srtpParameters must be an object');
      }
      if (typeof srtpParameters.cryptoSuite !== 'string') {
        throw new TypeError('missing srtpParameters.cryptoSuite');
      }
      if (typeof srtpParameters.keyBase64 !== 'string') {
        throw new TypeError('missing srtpParameters.keyBase64');
      }
    }
    const data = (await this.request('transport.connect', {
      ip,
      port,
      rtcpPort,
      srtpParameters: srtpParameters && {
        cryptoSuite: srtpParameters.cryptoSuite,
        keyBase64: srtpParameters.keyBase64,
      },
    })) as Partial<PlainTransportData>;
    if (data.tuple) this.#data.tuple = data.tuple;
    if (data.rtcpTuple) this.#data.rtcpTuple = data.rtcpTuple;
    if (data.srtpParameters) this.#data.srtpParameters = data.srtpParameters;
  }

  #onNotification(event: string, data: unknown): void {
    const d = (data ?? {}) as Record<string, unknown>;
    switch (event) {
      case 'tuple': {
        const tuple = d.tuple as TransportTuple;
        this.#data.tuple = tuple;
        this.safeEmit('tuple', tuple);
        this.observer.safeEmit('tuple', tuple);
        return;
      }
      case 'rtcptuple': {
        const rtcpTuple = d.rtcpTuple as TransportTuple;
        this.#data.rtcpTuple = rtcpTuple;
        this.safeEmit('rtcptuple', rtcpTuple);
        this.observer.safeEmit('rtcptuple', rtcpTuple);
        return;
      }
      case 'sctpstatechange': {
        const sctpState = d.sctpState as SctpState;
        this.#data.sctpState = sctpState;
        this.safeEmit('sctpstatechange', sctpState);
        this.observer.safeEmit('sctpstatechange', sctpState);
        return;
      }
      default:
        return;
    }
  }
}
