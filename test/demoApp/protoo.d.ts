// The parts of protoo-server (plain JavaScript, no types of its own) this application uses.
declare module 'protoo-server' {
  import type { IncomingMessage, Server } from 'node:http';
  import type { Socket } from 'node:net';

  export const version: string;

  export interface ProtooRequest {
    method: string;
    data: unknown;
  }

  export type Accept = (data?: unknown) => void;
  export type Reject = (errorOrCode: Error | number, reason?: string | Error) => void;

  export class WebSocketTransport {
    close(): void;
  }

  export interface ConnectionRequestInfo {
    request: IncomingMessage;
    origin: string;
    socket: Socket;
  }

  export class WebSocketServer {
    constructor(httpServer: Server, options?: Record<string, unknown>);
    on(
      event: 'connectionrequest',
      listener: (
        info: ConnectionRequestInfo,
        accept: () => WebSocketTransport,
        reject: (code?: number | Error, reason?: string) => void,
      ) => void,
    ): this;
    stop(): void;
  }

  export class Peer {
    readonly id: string;
    readonly closed: boolean;
    /** The application's own per-peer state. */
    readonly data: object;
    on(
      event: 'request',
      listener: (request: ProtooRequest, accept: Accept, reject: Reject) => void,
    ): this;
    on(event: 'close', listener: () => void): this;
    request(method: string, data?: unknown): Promise<unknown>;
    notify(method: string, data?: unknown): Promise<void>;
    close(): void;
  }

  export class Room {
    readonly closed: boolean;
    readonly peers: Peer[];
    createPeer(peerId: string, transport: WebSocketTransport): Peer;
    getPeer(peerId: string): Peer | undefined;
    hasPeer(peerId: string): boolean;
    close(): void;
  }
}
