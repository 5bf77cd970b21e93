/**
 * The room's DataChannel bot: a DirectTransport in the router with one data producer that
 * every peer consumes, and a data consumer per peer's 'bot' data producer; each text message
 * a peer sends it is answered to everyone, naming the sender.
 */
import { Logger } from './logger.js';
import type { types } from './sfu.js';

const logger = new Logger('Bot');

/** WebRTC's PPID of a UTF-8 string message (RFC 8831 section 8). */
const PPID_STRING = 51;

export class Bot {
  readonly #transport: types.DirectTransport;
  readonly #dataProducer: types.DataProducer;

  static async create(router: types.Router): Promise<Bot> {
    const transport = await router.createDirectTransport({ maxMessageSize: 512 });
    const dataProducer = await transport.produceData({ label: 'bot' });
    return new Bot(transport, dataProducer);
  }

  private constructor(transport: types.DirectTransport, dataProducer: types.DataProducer) {
    this.#transport = transport;
    this.#dataProducer = dataProducer;
  }

  get dataProducer(): types.DataProducer {
    return this.#dataProducer;
  }

  close(): void {
    // The router's closing closes the transport.
  }

  async handlePeerDataProducer(dataProducerId: string, peerName: () => string): Promise<void> {
    const dataConsumer = await this.#transport.consumeData({ dataProducerId });
    dataConsumer.on('message', (message: Buffer, ppid: number) => {
      if (ppid !== PPID_STRING) {
        logger.warn('ignoring a message that is not a string', ppid);
        return;
      }
      const text = message.toString('utf8');
      logger.debug('message from a peer', text.length);
      this.#dataProducer.send(`${peerName()} said me: "${text}"`);
    });
  }
}
