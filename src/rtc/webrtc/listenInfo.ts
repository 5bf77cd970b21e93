/**
 * Listening sockets for a transport or a WebRtcServer, from mediasoup's
 * `TransportListenInfo`, and the ICE host candidates they announce.
 */
import { TcpListener } from '../transport/TcpListener.js';
import { UdpListener } from '../transport/UdpListener.js';
import type { PortRange } from '../transport/bindPort.js';
import type { IceCandidate } from './WebRtcTransport.js';

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

/**
 * RFC 8445 §5.1.2.1: priority = 2^24·type + 2^8·local + (256 − component);
 * host type preference 64 as mediasoup uses; UDP before TCP unless preferTcp.
 */
export function candidateFor(
  info: ListenInfo,
  listener: Listener,
  index: number,
  prefer: { udp: boolean; tcp: boolean },
): IceCandidate {
  let localPreference = 10000 - index * 10;
  if (info.protocol === 'udp' && prefer.udp) localPreference += 1000;
  if (info.protocol === 'tcp' && prefer.tcp) localPreference += 1000;
  if (info.protocol === 'udp' && !prefer.tcp) localPreference += 500;
  const address = info.announcedAddress ?? info.ip;
  const candidate: IceCandidate = {
    foundation: `${info.protocol}candidate`,
    priority: 64 * 2 ** 24 + localPreference * 2 ** 8 + (256 - 1),
    ip: address,
    address,
    protocol: info.protocol,
    port: listener.localPort,
    type: 'host',
  };
  if (info.protocol === 'tcp') candidate.tcpType = 'passive';
  return candidate;
}
