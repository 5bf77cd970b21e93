/**
 * WebRtcServer: one UDP and/or TCP port per listen info, shared by many
 * WebRtcTransports of the same worker; mediasoup v3 semantics.
 */
import type { WebRtcServerDump } from './dumpTypes.js';
import { EnhancedEventEmitter } from '../common/EnhancedEventEmitter.js';
import { InvalidStateError } from '../common/errors.js';
import { Logger } from '../common/Logger.js';
import type { Channel } from '../channel/Channel.js';
import type { AppData } from './appData.js';
import type { TransportListenInfo, WebRtcTransport } from './WebRtcTransport.js';

const logger = new Logger('WebRtcServer');

export interface WebRtcServerOptions<WebRtcServerAppData extends AppData = AppData> {
  listenInfos: TransportListenInfo[];
  appData?: WebRtcServerAppData;
}

export type WebRtcServerEvents = {
  workerclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type WebRtcServerObserverEvents = {
  close: [];
  webrtctransporthandled: [WebRtcTransport];
  webrtctransportunhandled: [WebRtcTransport];
};

export class WebRtcServer<
  WebRtcServerAppData extends AppData = AppData,
> extends EnhancedEventEmitter<WebRtcServerEvents> {
  readonly #id: string;
  readonly #channel: Channel;
  readonly #observer = new EnhancedEventEmitter<WebRtcServerObserverEvents>();
  readonly #transports = new Set<WebRtcTransport>();
  #closed = false;
  #appData: WebRtcServerAppData;

  /** @internal Use worker.createWebRtcServer(). */
  constructor(args: { id: string; channel: Channel; appData?: WebRtcServerAppData }) {
    super();
    this.#id = args.id;
    this.#channel = args.channel;
    this.#appData = args.appData ?? ({} as WebRtcServerAppData);
  }

  get id(): string {
    return this.#id;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get appData(): WebRtcServerAppData {
    return this.#appData;
  }
  set appData(appData: WebRtcServerAppData) {
    this.#appData = appData;
  }
  get observer(): EnhancedEventEmitter<WebRtcServerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel
      .request('worker.closeWebRtcServer', undefined, { webRtcServerId: this.#id })
      .catch((error: unknown) => logger.debug(`close() | ${String(error)}`));
    // Each closes at once ('listenserverclose'); its '@close' unregisters it here.
    for (const transport of [...this.#transports]) transport.listenServerClosed();
    this.#transports.clear();
    this.emit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal */
  workerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transports.clear();
    this.safeEmit('workerclose');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<WebRtcServerDump> {
    if (this.#closed) throw new InvalidStateError('closed');
    return (await this.#channel.request('webRtcServer.dump', this.#id)) as WebRtcServerDump;
  }

  /** @internal A transport created through this server. */
  handleWebRtcTransport(transport: WebRtcTransport): void {
    this.#transports.add(transport);
    this.#observer.safeEmit('webrtctransporthandled', transport);
    transport.on('@close', () => {
      this.#transports.delete(transport);
      this.#observer.safeEmit('webrtctransportunhandled', transport);
    });
  }
}
