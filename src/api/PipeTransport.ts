/**
 * PipeTransport: RTP between two routers (in one worker, in two workers, or on two hosts) over
 * one UDP tuple, optionally with SRTP and NACK/RTX; mediasoup v3 semantics and shapes
 * (router.createPipeTransport(), router.pipeToRouter()). Its consumers carry every encoding of
 * a producer; its producers are the far router's producers, under the same ids.
 */
import type { Channel } from '../channel/Channel.js';
import { getPipeConsumerRtpParameters } from '../ortc/index.js';
import type { RtpParameters, SctpParameters } from '../ortc/index.js';
import type { AppData } from './appData.js';
import type { Consumer, ConsumerOptions, ConsumerType } from './Consumer.js';
import type { NumSctpStreams, SctpState, SrtpParameters } from './PlainTransport.js';
import type { Producer } from './Producer.js';
import { Transport, type TransportRouterLink } from './Transport.js';
import type { TransportListenInfo, TransportListenIp, TransportTuple } from './WebRtcTransport.js';

/** router.createPipeTransport() options (mediasoup v3's names and defaults). */
export interface PipeTransportOptions<TransportAppData extends AppData = AppData> {
  /** UDP only. */
  listenInfo?: TransportListenInfo;
  /** @deprecated Use listenInfo. */
  listenIp?: TransportListenIp | string;
  /** @deprecated Use listenInfo. */
  port?: number;
  /** An SCTP association over the tuple (both ends send INIT, as mediasoup). Default false. */
  enableSctp?: boolean;
  numSctpStreams?: NumSctpStreams;
  maxSctpMessageSize?: number;
  sctpSendBufferSize?: number;
  /** NACK and RTX over the pipe (both ends must enable it). Default false. */
  enableRtx?: boolean;
  /** SRTP (AEAD_AES_256_GCM) keyed by srtpParameters in connect(). Default false. */
  enableSrtp?: boolean;
  appData?: TransportAppData;
}

export interface PipeConsumerOptions<ConsumerAppData extends AppData = AppData> {
  producerId: string;
  appData?: ConsumerAppData;
}

export interface PipeTransportConnectOptions {
  ip: string;
  port: number;
  srtpParameters?: SrtpParameters;
}

export type PipeTransportEvents = {
  sctpstatechange: [SctpState];
};

export type PipeTransportObserverEvents = PipeTransportEvents;

/** What the worker reports of a new transport. */
export interface PipeTransportData {
  tuple: TransportTuple;
  rtx: boolean;
  srtpParameters?: SrtpParameters;
  sctpParameters?: SctpParameters;
  sctpState?: SctpState;
}

export class PipeTransport<TransportAppData extends AppData = AppData> extends Transport<
  TransportAppData,
  PipeTransportEvents,
  PipeTransportObserverEvents
> {
  readonly #data: PipeTransportData;

  /** @internal Use router.createPipeTransport(). */
  get type(): 'pipe' {
    return 'pipe';
  }

  constructor(args: {
    id: string;
    data: PipeTransportData;
    channel: Channel;
    router: TransportRouterLink;
    appData?: TransportAppData;
  }) {
    super(args);
    this.#data = args.data;
    this.channel.onNotification(this.id, (event, data) => this.#onNotification(event, data));
  }

  /** The tuple: the local half until connect(). */
  get tuple(): TransportTuple {
    return this.#data.tuple;
  }

  /** Our SRTP parameters (give them to the far PipeTransport's connect()) when enableSrtp. */
  get srtpParameters(): SrtpParameters | undefined {
    return this.#data.srtpParameters;
  }

  /** The SCTP association over the tuple (enableSctp). */
  get sctpParameters(): SctpParameters | undefined {
    return this.#data.sctpParameters;
  }

  get sctpState(): SctpState | undefined {
    return this.#data.sctpState;
  }

  protected override get sctpOutgoingStreams(): number | undefined {
    return this.#data.sctpParameters?.OS;
  }

  /** The far PipeTransport's tuple (its `tuple.localAddress`/`localPort`) and SRTP parameters. */
  async connect(options: PipeTransportConnectOptions): Promise<void> {
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { ip, port, srtpParameters } = options;
    if (typeof ip !== 'string') throw new TypeError('missing ip');
    if (typeof port !== 'number') throw new TypeError('missing port');
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
      srtpParameters: srtpParameters && {
        cryptoSuite: srtpParameters.cryptoSuite,
        keyBase64: srtpParameters.keyBase64,
      },
    })) as Partial<PipeTransportData>;
    if (data.tuple) this.#data.tuple = data.tuple;
  }

  /** A pipe consumer: every encoding of the producer, for the far router's pipe producer. */
  override async consume<ConsumerAppData extends AppData = AppData>(
    options: PipeConsumerOptions<ConsumerAppData>,
  ): Promise<Consumer<ConsumerAppData>> {
    return super.consume(options as ConsumerOptions<ConsumerAppData>);
  }

  protected override consumerRtpParameters(producer: Producer): {
    rtpParameters: RtpParameters;
    type: ConsumerType;
  } {
    const rtpParameters = getPipeConsumerRtpParameters({
      consumableRtpParameters: producer.consumableRtpParameters,
      enableRtx: this.#data.rtx,
    });
    return { rtpParameters, type: 'pipe' };
  }

  protected override get keepsProducerCname(): boolean {
    return true;
  }

  /**
   * A pipe producer has its original's id, and both routers may be in one worker: its
   * handler gets an id of its own there (mediasoup refuses routers of one worker instead).
   */
  protected override producerHandlerId(producerId: string): string {
    return `${this.id}/${producerId}`;
  }

  /**
   * @internal Drops every Nth RTP packet received / sent in the worker, as a lossy link would
   * (tests of NACK/RTX over the pipe; needs SKEIN_ENABLE_CRASH_REQUESTS=1).
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
    if (event !== 'sctpstatechange') return;
    const sctpState = (data as { sctpState?: SctpState } | undefined)?.sctpState ?? 'closed';
    if (this.#data.sctpParameters) this.#data.sctpState = sctpState;
    this.safeEmit('sctpstatechange', sctpState);
    this.observer.safeEmit('sctpstatechange', sctpState);
  }
}
