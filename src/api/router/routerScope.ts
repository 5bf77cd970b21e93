/**
 * What a router's create* modules share: the router they create for (its id, its channel and
 * the link each transport keeps) and the checks every one of them makes, in mediasoup's words.
 */
import type { Channel } from '../../channel/Channel.js';
import type { TransportRouterLink } from '../Transport.js';
import type { TransportListenInfo, TransportListenIp } from '../WebRtcTransport.js';

export interface RouterScope {
  readonly routerId: string;
  readonly channel: Channel;
  readonly link: TransportRouterLink;
}

/** Every create* call takes an options object. */
export function checkOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
}

/** The deprecated `listenIp` (and `port`) as the UDP listenInfo mediasoup makes of it. */
export function listenIpToListenInfo(
  listenIp: TransportListenIp | string,
  port?: number,
): TransportListenInfo {
  const { ip, announcedIp } =
    typeof listenIp === 'string' ? { ip: listenIp, announcedIp: undefined } : listenIp;
  return { protocol: 'udp', ip, announcedAddress: announcedIp, port };
}

/** NaN is taken as not given (mediasoup's wire would turn it into a default-like 0). */
export function notNaN<T>(value: T): T | undefined {
  return typeof value === 'number' && Number.isNaN(value) ? undefined : value;
}
