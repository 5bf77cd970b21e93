/**
 * One UDP socket listening for a transport (or a WebRtcServer). Each remote
 * endpoint becomes a Tuple; datagrams go to `onPacket`.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { bindInRange, type PortRange } from './bindPort.js';
import type { Tuple } from './TransportTuple.js';

export type PacketHandler = (data: Buffer, tuple: Tuple) => void;

/** Kernel socket buffer size unless the listen info says otherwise. */
const DEFAULT_SOCKET_BUFFER = 4 * 1024 * 1024;

/** Remote endpoints remembered per socket, bounded so a flood cannot grow memory. */
const MAX_TUPLES = 4096;

export class UdpListener {
  readonly #socket: Socket;
  readonly localAddress: string;
  readonly localPort: number;
  readonly #tuples = new Map<string, Tuple>();
  #onPacket: PacketHandler = () => undefined;
  #closed = false;

  private constructor(socket: Socket, localAddress: string) {
    this.#socket = socket;
    this.localAddress = localAddress;
    this.localPort = socket.address().port;
    socket.on('message', (data, rinfo) => this.#onMessage(data, rinfo));
    // Errors on a UDP socket (e.g. ICMP unreachable) must not kill the worker.
    socket.on('error', () => undefined);
  }

  static async bind(
    ip: string,
    port: number | undefined,
    range: PortRange,
    buffers: { recvBufferSize?: number; sendBufferSize?: number } = {},
  ): Promise<UdpListener> {
    const family = isIPv6(ip) ? 6 : 4;
    const bindOne = (p: number): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = createSocket({
          type: family === 6 ? 'udp6' : 'udp4',
          reuseAddr: false,
          // Remote addresses are always IP literals: answering the lookup at
          // once makes send() hand the datagram to the kernel synchronously
          // (uv_udp_try_send) instead of after a deferred dns.lookup(), so
          // the caller's buffer is free again when send() returns.
          lookup: (hostname, _options, callback) => callback(null, hostname, family),
        });
        socket.once('error', (error) => {
          socket.close();
          reject(error);
        });
        socket.bind({ address: ip, port: p, exclusive: true }, () => {
          socket.removeAllListeners('error');
          resolve(socket);
        });
      });
    const socket = port ? await bindOne(port) : await bindInRange(range, bindOne);
    // Media bursts: larger kernel buffers reduce drops at the socket (the
    // listen info may choose; mediasoup's option names).
    try {
      socket.setRecvBufferSize(buffers.recvBufferSize ?? DEFAULT_SOCKET_BUFFER);
      socket.setSendBufferSize(buffers.sendBufferSize ?? DEFAULT_SOCKET_BUFFER);
    } catch {
      // Not fatal: the system may cap buffer sizes.
    }
    return new UdpListener(socket, ip);
  }

  setHandler(onPacket: PacketHandler): void {
    this.#onPacket = onPacket;
  }

  /**
   * The tuple toward a remote endpoint that may not have sent anything yet (a plain
   * transport's connect()); the same object its datagrams will arrive with.
   */
  tupleFor(remoteIp: string, remotePort: number): Tuple {
    const key = `${remoteIp}:${remotePort}`;
    let tuple = this.#tuples.get(key);
    if (!tuple) {
      if (this.#tuples.size >= MAX_TUPLES) this.#tuples.clear();
      tuple = this.#createTuple(remoteIp, remotePort, key);
      this.#tuples.set(key, tuple);
    }
    return tuple;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#tuples.clear();
    this.#socket.close();
  }

  #onMessage(data: Buffer, rinfo: RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    let tuple = this.#tuples.get(key);
    if (!tuple) {
      if (this.#tuples.size >= MAX_TUPLES) this.#tuples.clear();
      tuple = this.#createTuple(rinfo.address, rinfo.port, key);
      this.#tuples.set(key, tuple);
    }
    this.#onPacket(data, tuple);
  }

  #createTuple(remoteIp: string, remotePort: number, key: string): Tuple {
    return new UdpTuple(
      this.#socket,
      this.localAddress,
      this.localPort,
      remoteIp,
      remotePort,
      key,
      () => this.#closed,
    );
  }
}

class UdpTuple implements Tuple {
  readonly key: string;
  readonly protocol = 'udp' as const;
  readonly #socket: Socket;
  readonly #isClosed: () => boolean;

  constructor(
    socket: Socket,
    readonly localAddress: string,
    readonly localPort: number,
    readonly remoteIp: string,
    readonly remotePort: number,
    key: string,
    isClosed: () => boolean,
  ) {
    this.#socket = socket;
    this.#isClosed = isClosed;
    this.key = `udp:${key}>${localAddress}:${localPort}`;
  }

  get alive(): boolean {
    return !this.#isClosed();
  }

  send(data: Uint8Array): void {
    if (this.#isClosed()) return;
    // With the synchronous lookup above, dgram sends at once (uv_udp_try_send)
    // and `data` is free when this returns; only a send queued behind a full
    // socket buffer keeps a reference, which the senders' buffer ring covers.
    this.#socket.send(data, this.remotePort, this.remoteIp);
  }
}
