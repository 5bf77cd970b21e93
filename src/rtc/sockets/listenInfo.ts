/**
 * Listening sockets for a transport or a WebRtcServer, from mediasoup's
 * `TransportListenInfo` (validated by the worker before it gets here).
 */
import { TcpListener } from './TcpListener.js';
import { UdpListener } from './UdpListener.js';
import type { PortRange } from './bindPort.js';

export interface ListenInfo {
  protocol: 'udp' | 'tcp';
  ip: string;
  announcedAddress?: string;
  port?: number;
  portRange?: PortRange;
  recvBufferSize?: number;
  sendBufferSize?: number;
}

export type Listener = UdpListener | TcpListener;

export async function openListener(info: ListenInfo, workerRange: PortRange): Promise<Listener> {
  const range = info.portRange ?? workerRange;
  return info.protocol === 'udp'
    ? UdpListener.bind(info.ip, info.port, range, info)
    : TcpListener.bind(info.ip, info.port, range);
}
