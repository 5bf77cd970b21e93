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

export interface RouterDump {
  id: string;
  transportIds: string[];
  rtpObserverIds: string[];
  mapProducerIdConsumerIds: Record<string, string[]>;
  mapConsumerIdProducerId: Record<string, string>;
  mapProducerIdObserverIds: Record<string, string[]>;
  mapDataProducerIdDataConsumerIds: Record<string, string[]>;
  mapDataConsumerIdDataProducerId: Record<string, string>;
}

export class RouterHandler implements Handler {
  readonly id: string;
  readonly #router: RtcRouter;
  readonly #context: WorkerContext;
  readonly #transports = new Map<string, WebRtcTransportHandler>();
  #closed = false;

  constructor(id: string, headerExtensions: RouterHeaderExtension[], context: WorkerContext) {
    this.id = id;
    this.#router = new RtcRouter(id, headerExtensions);
    this.#context = context;
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
      case 'router.closeTransport': {
        const transportId = requireId(asObject(data, 'data').transportId, 'transportId');
        const handler = this.#transports.get(transportId);
        if (!handler)
          throw new InvalidStateError(`Transport not found [transportId:${transportId}]`);
        this.#closeTransport(handler);
        return undefined;
      }
      default:
        throw new TypeError(`unknown method '${method}' for a Router`);
    }
  }

  dump(): RouterDump {
    const mapProducerIdConsumerIds: Record<string, string[]> = {};
    const mapConsumerIdProducerId: Record<string, string> = {};
    for (const producerId of this.#router.producerIds) {
      const consumerIds = this.#router.consumerIdsOf(producerId);
      mapProducerIdConsumerIds[producerId] = consumerIds;
      for (const consumerId of consumerIds) mapConsumerIdProducerId[consumerId] = producerId;
    }
    return {
      id: this.id,
      transportIds: [...this.#transports.keys()],
      rtpObserverIds: [],
      mapProducerIdConsumerIds,
      mapConsumerIdProducerId,
      mapProducerIdObserverIds: {},
      mapDataProducerIdDataConsumerIds: {},
      mapDataConsumerIdDataProducerId: {},
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const handler of [...this.#transports.values()]) this.#closeTransport(handler);
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
    const transportId = requireId(asObject(data, 'data').transportId, 'transportId');
    if (this.#transports.has(transportId)) throw new TypeError(`Transport '${transportId}' exists`);
    const router = this.#router;
    const transport = await createWebRtcTransport(
      data,
      this.#context,
      (consumer) => router.onConsumerKeyFrameNeeded(consumer),
      (producerId) => router.getProducer(producerId)?.scores.map((s) => s.score) ?? [],
    );
    if (this.#closed) {
      transport.close();
      throw new InvalidStateError('Router closed');
    }
    const handler = new WebRtcTransportHandler(transport, router, this.#context, (consumerId) =>
      this.#closeConsumerAnywhere(consumerId),
    );
    this.#transports.set(transportId, handler);
    this.#context.registerHandler(transportId, handler);
    return {
      iceRole: 'controlled',
      iceParameters: {
        usernameFragment: transport.iceServer.usernameFragment,
        password: transport.iceServer.password,
        iceLite: true,
      },
      iceCandidates: transport.candidates,
      iceState: transport.iceState,
      dtlsParameters: { role: 'auto', fingerprints: this.#context.fingerprints },
      dtlsState: transport.dtlsState,
    };
  }

  #closeTransport(handler: WebRtcTransportHandler): void {
    handler.close();
    this.#transports.delete(handler.transport.id);
    this.#context.unregisterHandler(handler.transport.id);
  }

  #closeConsumerAnywhere(consumerId: string): void {
    for (const handler of this.#transports.values()) handler.closeConsumer(consumerId, true);
  }
}
