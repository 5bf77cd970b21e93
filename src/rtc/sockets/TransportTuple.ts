/**
 * A transport tuple (local and remote address, protocol) and the way to send
 * on it. The public part is mediasoup's `TransportTuple` shape.
 */

export type TransportProtocol = 'udp' | 'tcp';

export interface TransportTupleData {
  localAddress: string;
  /** mediasoup's deprecated name of localAddress, still read by applications (same value). */
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  protocol: TransportProtocol;
}

export interface Tuple extends Omit<TransportTupleData, 'localIp'> {
  /** Unique per remote endpoint and socket, e.g. "udp:10.0.0.1:5000>127.0.0.1:40000". */
  readonly key: string;
  /** Sends one datagram (UDP) or one RFC 4571 frame (TCP); never throws. */
  send(data: Uint8Array): void;
  /** Whether the tuple can still carry data (a TCP connection may have closed). */
  readonly alive: boolean;
}

export function tupleData(tuple: Tuple): TransportTupleData {
  return {
    localAddress: tuple.localAddress,
    localIp: tuple.localAddress,
    localPort: tuple.localPort,
    remoteIp: tuple.remoteIp,
    remotePort: tuple.remotePort,
    protocol: tuple.protocol,
  };
}
