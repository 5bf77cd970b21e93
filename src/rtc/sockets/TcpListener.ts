/**
 * A passive TCP listener for ICE-TCP (RFC 6544): each accepted connection is
 * a tuple, and every STUN/DTLS/RTP/RTCP packet on it is framed with a 2-byte
 * length (RFC 4571 §2).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { bindInRange, type PortRange } from './bindPort.js';
import type { Tuple } from './TransportTuple.js';
import type { PacketHandler } from './UdpListener.js';
import { FrameDecoder } from './FrameDecoder.js';

/** Connections per listener; beyond it new ones are refused. */
const MAX_CONNECTIONS = 1024;
/** A frame can hold at most 65535 bytes; no legitimate packet is larger than this. */
const MAX_FRAME = 65535;

export class TcpListener {
  readonly #server: Server;
  readonly localAddress: string;
  readonly localPort: number;
  readonly #connections = new Set<Socket>();
  #onPacket: PacketHandler = () => undefined;
  #onTupleClosed: (tuple: Tuple) => void = () => undefined;
  #closed = false;

  private constructor(server: Server, localAddress: string, localPort: number) {
    this.#server = server;
    this.localAddress = localAddress;
    this.localPort = localPort;
    server.on('connection', (socket) => this.#onConnection(socket));
    server.on('error', () => undefined);
  }

  static async bind(ip: string, port: number | undefined, range: PortRange): Promise<TcpListener> {
    const bindOne = (p: number): Promise<Server> =>
      new Promise((resolve, reject) => {
        const server = createServer({ noDelay: true });
        server.once('error', reject);
        server.listen({ host: ip, port: p, exclusive: true }, () => {
          server.removeListener('error', reject);
          resolve(server);
        });
      });
    const server = port ? await bindOne(port) : await bindInRange(range, bindOne);
    const address = server.address();
    const localPort = typeof address === 'object' && address ? address.port : 0;
    return new TcpListener(server, ip, localPort);
  }

  setHandlers(onPacket: PacketHandler, onTupleClosed: (tuple: Tuple) => void): void {
    this.#onPacket = onPacket;
    this.#onTupleClosed = onTupleClosed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#connections) socket.destroy();
    this.#connections.clear();
    this.#server.close();
  }

  #onConnection(socket: Socket): void {
    if (this.#closed || this.#connections.size >= MAX_CONNECTIONS) {
      socket.destroy();
      return;
    }
    this.#connections.add(socket);
    socket.setNoDelay(true);
    let alive = true;
    const tuple: Tuple = {
      key: `tcp:${socket.remoteAddress}:${socket.remotePort}>${this.localAddress}:${this.localPort}`,
      localAddress: this.localAddress,
      localPort: this.localPort,
      remoteIp: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      protocol: 'tcp',
      get alive() {
        return alive;
      },
      send(data: Uint8Array): void {
        if (!alive || data.length > MAX_FRAME) return;
        // One buffer per frame: a TCP write may be queued, so the caller's
        // buffer cannot be referenced after this call.
        const frame = Buffer.allocUnsafe(2 + data.length);
        frame.writeUInt16BE(data.length, 0);
        frame.set(data, 2);
        socket.write(frame);
      },
    };
    const decoder = new FrameDecoder();
    const onFrame = (frame: Buffer): void => this.#onPacket(frame, tuple);
    socket.on('data', (chunk: Buffer) => decoder.push(chunk, onFrame));
    const onGone = (): void => {
      if (!alive) return;
      alive = false;
      this.#connections.delete(socket);
      this.#onTupleClosed(tuple);
    };
    socket.on('close', onGone);
    socket.on('error', () => socket.destroy());
  }
}
