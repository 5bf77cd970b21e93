/**
 * The ICE host candidates a WebRtcTransport announces for its listeners.
 */
import type { ListenInfo, Listener } from '../sockets/listenInfo.js';

export interface IceCandidate {
  foundation: string;
  priority: number;
  ip: string;
  address: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host';
  tcpType?: 'passive';
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
