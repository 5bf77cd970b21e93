/**
 * The worker-side Router: owns the transports, producers and consumers
 * created on it and the routing table (src/rtc/Router.ts) between them.
 */
import { InvalidStateError } from '../../common/errors.js';
import { RtcRouter, type RouterHeaderExtension } from '../../rtc/Router.js';
import type { WorkerContext } from '../WorkerContext.js';
import { asObject, requireId } from '../validate.js';
import type { Handler } from './Handler.js';
import { createWebRtcTransport } from './transportFactory.js';
import { WebRtcTransportHandler } from './WebRtcTransportHandler.js';
import { createPlainTransport } from './plainTransportFactory.js';
import { PlainTransportHandler } from './PlainTransportHandler.js';
import { createPipeTransport } from './pipeTransportFactory.js';
import { PipeTransportHandler } from './PipeTransportHandler.js';
import type { TransportHandler } from './TransportHandler.js';
import { DirectTransportHandler, createDirectTransport } from './DirectTransportHandler.js';
import { RouterObservers } from './RtpObserverHandler.js';

export interface RouterDump {
  id: string;
  transportIds: string[];
  rtpObserverIds: string[];
  mapProducerIdConsumerIds: DumpEntries[];
  mapConsumerIdProducerId: DumpEntry[];
  mapProducerIdObserverIds: DumpEntries[];
  mapDataProducerIdDataConsumerIds: DumpEntries[];
  mapDataConsumerIdDataProducerId: DumpEntry[];
}

/** mediasoup's dump maps are lists of entries: one id and the id(s) it maps to. */
export interface DumpEntry {
  key: string;
  value: string;
}
export interface DumpEntries {
  key: string;
  values: string[];
}

function entriesOf(map: Map<string, string[]>): DumpEntries[] {
  return [...map].map(([key, values]) => ({ key, values }));
}

/** The reverse of a one-to-many map: each value and the key it belongs to. */
function reverseOf(map: Map<string, string[]>): DumpEntry[] {
  return [...map].flatMap(([value, keys]) => keys.map((key) => ({ key, value })));
}

export class RouterHandler implements Handler {
  readonly id: string;
  readonly #router: RtcRouter;
  readonly #context: WorkerContext;
  readonly #transports = new Map<string, TransportHandler>();
  readonly #observers: RouterObservers;
  #closed = false;

  constructor(id: string, headerExtensions: RouterHeaderExtension[], context: WorkerContext) {
    this.id = id;
    this.#router = new RtcRouter(id, headerExtensions);
    this.#context = context;
    this.#observers = new RouterObservers(this.#router, context);
  }

  get closed(): boolean {
    return this.#closed;
  }

  handleRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'router.dump':
        return this.dump();
      case 'router.createWebRtcTransport':
        return this.#createWebRtcTransport(data);
      case 'router.createDirectTransport':
        return this.#createDirectTransport(data);
      case 'router.createPlainTransport':
        return this.#createPlainTransport(data);
      case 'router.createPipeTransport':
        return this.#createPipeTransport(data);
      case 'router.closeTransport': {
        const transportId = requireId(asObject(data, 'data').transportId, 'transportId');
        const handler = this.#transports.get(transportId);
        if (!handler)
          throw new InvalidStateError(`Transport not found [transportId:${transportId}]`);
        this.#closeTransport(handler);
        return undefined;
      }
      case 'router.createAudioLevelObserver':
        if (this.#closed) throw new InvalidStateError('Router closed');
        return this.#observers.createAudioLevelObserver(data);
      case 'router.createActiveSpeakerObserver':
        if (this.#closed) throw new InvalidStateError('Router closed');
        return this.#observers.createActiveSpeakerObserver(data);
      case 'router.closeRtpObserver':
        return this.#observers.closeRtpObserver(data);
      default:
        throw new TypeError(`unknown method '${method}' for a Router`);
    }
  }

  dump(): RouterDump {
    const consumers = new Map<string, string[]>();
    for (const producerId of this.#router.producerIds) {
      consumers.set(producerId, this.#router.consumerIdsOf(producerId));
    }
    const dataConsumers = this.#router.dataConsumerIdsByDataProducer();
    return {
      id: this.id,
      transportIds: [...this.#transports.keys()],
      rtpObserverIds: this.#router.rtpObserverIds,
      mapProducerIdConsumerIds: entriesOf(consumers),
      mapConsumerIdProducerId: reverseOf(consumers),
      mapProducerIdObserverIds: entriesOf(this.#router.observerIdsByProducer()),
      mapDataProducerIdDataConsumerIds: entriesOf(dataConsumers),
      mapDataConsumerIdDataProducerId: reverseOf(dataConsumers),
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const handler of [...this.#transports.values()]) this.#closeTransport(handler);
    this.#observers.closeAll();
  }

  /** A WebRtcServer closed: its transports close too. */
  closeTransportsOf(transportIds: Set<string>): void {
    for (const [id, handler] of this.#transports) {
      if (transportIds.has(id)) {
        this.#closeTransport(handler);
        this.#context.notify(id, 'listenserverclose');
      }
    }
  }

  async #createWebRtcTransport(data: unknown): Promise<unknown> {
    this.#checkNewTransportId(data);
    const transport = await createWebRtcTransport(data, this.#context, this.#router);
    this.#addTransport(
      new WebRtcTransportHandler(transport, this.#router, this.#context, (consumerId) =>
        this.#closeConsumerAnywhere(consumerId),
      ),
    );
    return {
      iceRole: 'controlled',
      iceParameters: transport.iceParameters,
      iceCandidates: transport.candidates,
      iceState: transport.iceState,
      dtlsParameters: { role: 'auto', fingerprints: this.#context.fingerprints },
      dtlsState: transport.dtlsState,
      ...(transport.data.sctp
        ? { sctpParameters: transport.data.sctp.parameters, sctpState: transport.data.sctp.state }
        : {}),
    };
  }

  #createDirectTransport(data: unknown): unknown {
    this.#checkNewTransportId(data);
    const transport = createDirectTransport(data, this.#context, this.#router);
    const handler = new DirectTransportHandler(transport, this.#router, this.#context, (id) =>
      this.#closeConsumerAnywhere(id),
    );
    this.#addTransport(handler);
    return handler.handleRequest('transport.dump', undefined);
  }

  async #createPlainTransport(data: unknown): Promise<unknown> {
    this.#checkNewTransportId(data);
    const transport = await createPlainTransport(data, this.#context, this.#router);
    this.#addTransport(
      new PlainTransportHandler(transport, this.#router, this.#context, (consumerId) =>
        this.#closeConsumerAnywhere(consumerId),
      ),
    );
    return {
      rtcpMux: transport.rtcpMux,
      comedia: transport.comedia,
      tuple: transport.tuple,
      rtcpTuple: transport.rtcpTuple,
      srtpParameters: transport.srtpParameters,
      ...(transport.data.sctp
        ? { sctpParameters: transport.data.sctp.parameters, sctpState: transport.data.sctp.state }
        : {}),
    };
  }

  async #createPipeTransport(data: unknown): Promise<unknown> {
    this.#checkNewTransportId(data);
    const transport = await createPipeTransport(data, this.#context, this.#router);
    this.#addTransport(
      new PipeTransportHandler(transport, this.#router, this.#context, (consumerId) =>
        this.#closeConsumerAnywhere(consumerId),
      ),
    );
    return {
      tuple: transport.tuple,
      rtx: transport.rtx,
      srtpParameters: transport.srtpParameters,
      ...(transport.data.sctp
        ? { sctpParameters: transport.data.sctp.parameters, sctpState: transport.data.sctp.state }
        : {}),
    };
  }

  /** A new transport's id must be new in this router. */
  #checkNewTransportId(data: unknown): string {
    const transportId = requireId(asObject(data, 'data').transportId, 'transportId');
    if (this.#transports.has(transportId)) throw new TypeError(`Transport '${transportId}' exists`);
    return transportId;
  }

  /** Registers a transport created for this router (closed at once if the router closed meanwhile). */
  #addTransport(handler: TransportHandler): void {
    const id = handler.transport.id;
    if (this.#closed) {
      handler.transport.close();
      throw new InvalidStateError('Router closed');
    }
    if (this.#transports.has(id)) {
      handler.transport.close();
      throw new TypeError(`Transport '${id}' exists`);
    }
    this.#transports.set(id, handler);
    this.#context.registerHandler(id, handler);
  }

  #closeTransport(handler: TransportHandler): void {
    handler.close();
    this.#transports.delete(handler.transport.id);
    this.#context.unregisterHandler(handler.transport.id);
  }

  #closeConsumerAnywhere(consumerId: string): void {
    for (const handler of this.#transports.values()) handler.closeConsumer(consumerId, true);
  }
}
