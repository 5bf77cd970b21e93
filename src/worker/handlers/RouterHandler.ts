/**
 * The worker-side Router: owns the transports, producers and consumers
 * created on it (added by the media path). For now it holds its identity and
 * answers dump.
 */
import type { Handler } from './Handler.js';

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
  #closed = false;

  constructor(id: string) {
    this.id = id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  handleRequest(method: string): unknown {
    switch (method) {
      case 'router.dump':
        return this.dump();
      default:
        throw new TypeError(`unknown method '${method}' for a Router`);
    }
  }

  dump(): RouterDump {
    return {
      id: this.id,
      transportIds: [],
      rtpObserverIds: [],
      mapProducerIdConsumerIds: {},
      mapConsumerIdProducerId: {},
      mapProducerIdObserverIds: {},
      mapDataProducerIdDataConsumerIds: {},
      mapDataConsumerIdDataProducerId: {},
    };
  }

  close(): void {
    this.#closed = true;
  }
}
