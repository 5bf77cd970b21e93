/**
 * WebRtcServer: one UDP and/or TCP port shared by many WebRtcTransports.
 * Packets are demultiplexed first by the ICE username fragment of STUN
 * requests (the local part of USERNAME, RFC 8445 §7.2.2), then by the remote
 * tuple that ICE validated for a transport.
 */
import {
  StunAttr,
  decodeUsername,
  getAttribute,
  parseStunMessage,
} from '../../protocols/stun/index.js';
import { classifyPacket } from '../../protocols/demux.js';
import type { Tuple } from '../sockets/TransportTuple.js';
import type { PortRange } from '../sockets/bindPort.js';
import { openListener, type ListenInfo, type Listener } from '../sockets/listenInfo.js';
import type { WebRtcTransport } from './WebRtcTransport.js';
import { FaultBoundary, type FaultCounters } from '../FaultBoundary.js';

export class WebRtcServer {
  readonly id: string;
  readonly listenInfos: ListenInfo[];
  readonly listeners: Listener[];
  readonly #byUfrag = new Map<string, WebRtcTransport>();
  readonly #byTuple = new Map<string, WebRtcTransport>();
  readonly #transports = new Set<WebRtcTransport>();
  /** Packets no transport claimed. */
  unmatchedPackets = 0;
  /** The demultiplexing in front of the transports (which contain their own faults). */
  readonly #boundary: FaultBoundary;

  private constructor(id: string, listenInfos: ListenInfo[], listeners: Listener[]) {
    this.id = id;
    this.listenInfos = listenInfos;
    this.listeners = listeners;
    this.#boundary = new FaultBoundary(`WebRtcServer ${id}`);
    for (const listener of listeners) {
      const onPacket = (data: Buffer, tuple: Tuple): void =>
        this.#boundary.run(
          tuple.protocol === 'tcp' ? 'tcpFrame' : 'datagram',
          this.#onPacket,
          this,
          data,
          tuple,
        );
      if ('setHandler' in listener) listener.setHandler(onPacket);
      else
        listener.setHandlers(onPacket, (tuple) =>
          this.#byTuple.get(tuple.key)?.iceServer.removeTuple(tuple),
        );
    }
  }

  static async create(
    id: string,
    listenInfos: ListenInfo[],
    range: PortRange,
  ): Promise<WebRtcServer> {
    const listeners: Listener[] = [];
    try {
      for (const info of listenInfos) listeners.push(await openListener(info, range));
    } catch (error) {
      for (const listener of listeners) listener.close();
      throw error;
    }
    return new WebRtcServer(id, listenInfos, listeners);
  }

  /** Exceptions contained while demultiplexing, by entry kind. */
  get faults(): FaultCounters {
    return this.#boundary.counts;
  }

  get transportIds(): string[] {
    return [...this.#transports].map((t) => t.id);
  }

  get usernameFragments(): { localIceUsernameFragment: string; webRtcTransportId: string }[] {
    return [...this.#byUfrag].map(([ufrag, t]) => ({
      localIceUsernameFragment: ufrag,
      webRtcTransportId: t.id,
    }));
  }

  register(transport: WebRtcTransport): void {
    this.#transports.add(transport);
    this.#byUfrag.set(transport.iceServer.usernameFragment, transport);
  }

  /** After restartIce(): the new fragment also leads to the transport. */
  updateUfrag(transport: WebRtcTransport): void {
    this.#byUfrag.set(transport.iceServer.usernameFragment, transport);
  }

  unregister(transport: WebRtcTransport): void {
    this.#transports.delete(transport);
    for (const [ufrag, t] of this.#byUfrag) if (t === transport) this.#byUfrag.delete(ufrag);
    for (const [key, t] of this.#byTuple) if (t === transport) this.#byTuple.delete(key);
  }

  close(): WebRtcTransport[] {
    for (const listener of this.listeners) listener.close();
    const transports = [...this.#transports];
    this.#transports.clear();
    this.#byUfrag.clear();
    this.#byTuple.clear();
    return transports;
  }

  #onPacket(data: Buffer, tuple: Tuple): void {
    if (classifyPacket(data) === 'stun') {
      const transport = this.#transportForStun(data);
      if (!transport) {
        this.unmatchedPackets++;
        return;
      }
      transport.receivePacket(data, tuple);
      if (transport.iceServer.isValidTuple(tuple)) this.#byTuple.set(tuple.key, transport);
      return;
    }
    const transport = this.#byTuple.get(tuple.key);
    if (!transport) {
      this.unmatchedPackets++;
      return;
    }
    transport.receivePacket(data, tuple);
  }

  #transportForStun(data: Buffer): WebRtcTransport | undefined {
    const message = parseStunMessage(data);
    if (typeof message === 'string') return undefined;
    const attribute = getAttribute(message, StunAttr.Username);
    const username = attribute ? decodeUsername(attribute.value) : undefined;
    if (!username) return undefined;
    const colon = username.indexOf(':');
    return this.#byUfrag.get(colon === -1 ? username : username.slice(0, colon));
  }
}
