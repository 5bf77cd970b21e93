/**
 * Every live SFU object of the process, found through mediasoup's observer API as the demo's
 * interactive console finds them (for its dump and stats commands).
 */
import { mediasoup, type types } from './sfu.js';

export class Registry {
  readonly workers = new Map<number, types.Worker>();
  readonly webRtcServers = new Map<string, types.WebRtcServer>();
  readonly routers = new Map<string, types.Router>();
  readonly transports = new Map<string, types.Transport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  readonly dataProducers = new Map<string, types.DataProducer>();
  readonly dataConsumers = new Map<string, types.DataConsumer>();

  constructor() {
    mediasoup.observer.on('newworker', (worker) => this.#worker(worker));
  }

  #worker(worker: types.Worker): void {
    this.workers.set(worker.pid, worker);
    worker.observer.on('close', () => this.workers.delete(worker.pid));
    worker.observer.on('newwebrtcserver', (server) => {
      this.webRtcServers.set(server.id, server);
      server.observer.on('close', () => this.webRtcServers.delete(server.id));
    });
    worker.observer.on('newrouter', (router) => {
      this.routers.set(router.id, router);
      router.observer.on('close', () => this.routers.delete(router.id));
      router.observer.on('newtransport', (transport) => this.#transport(transport));
    });
  }

  #transport(transport: types.Transport): void {
    this.transports.set(transport.id, transport);
    transport.observer.on('close', () => this.transports.delete(transport.id));
    transport.observer.on('newproducer', (producer) => {
      this.producers.set(producer.id, producer);
      producer.observer.on('close', () => this.producers.delete(producer.id));
    });
    transport.observer.on('newconsumer', (consumer) => {
      this.consumers.set(consumer.id, consumer);
      consumer.observer.on('close', () => this.consumers.delete(consumer.id));
    });
    transport.observer.on('newdataproducer', (dataProducer) => {
      this.dataProducers.set(dataProducer.id, dataProducer);
      dataProducer.observer.on('close', () => this.dataProducers.delete(dataProducer.id));
    });
    transport.observer.on('newdataconsumer', (dataConsumer) => {
      this.dataConsumers.set(dataConsumer.id, dataConsumer);
      dataConsumer.observer.on('close', () => this.dataConsumers.delete(dataConsumer.id));
    });
  }

  /** How many of each are alive. */
  counts(): Record<string, number> {
    return {
      workers: this.workers.size,
      webRtcServers: this.webRtcServers.size,
      routers: this.routers.size,
      transports: this.transports.size,
      producers: this.producers.size,
      consumers: this.consumers.size,
      dataProducers: this.dataProducers.size,
      dataConsumers: this.dataConsumers.size,
    };
  }

  /** dump() of every live object (the console's dump commands, all at once). */
  async dumpAll(): Promise<unknown[]> {
    const all = [
      ...this.workers.values(),
      ...this.webRtcServers.values(),
      ...this.routers.values(),
      ...this.transports.values(),
      ...this.producers.values(),
      ...this.consumers.values(),
      ...this.dataProducers.values(),
      ...this.dataConsumers.values(),
    ];
    return Promise.all(all.map((entity) => entity.dump()));
  }
}
