/** router.createWebRtcTransport(): mediasoup's option rules, the request, the transport. */
import { randomUUID } from 'node:crypto';
import { checkRequestList } from '../../channel/limits.js';
import { InvalidStateError } from '../../common/errors.js';
import type { NumSctpStreams } from '../../ortc/index.js';
import { assertAppData, type AppData } from '../appData.js';
import { WebRtcServer } from '../WebRtcServer.js';
import {
  WebRtcTransport,
  listenInfoToWire,
  type TransportListenInfo,
  type TransportListenIp,
  type WebRtcTransportData,
} from '../WebRtcTransport.js';
import { checkOptions, type RouterScope } from './routerScope.js';

export interface WebRtcTransportOptions<TransportAppData extends AppData = AppData> {
  webRtcServer?: WebRtcServer;
  listenInfos?: TransportListenInfo[];
  /** @deprecated Use listenInfos. */
  listenIps?: (TransportListenIp | string)[];
  /** @deprecated Use listenInfos. */
  port?: number;
  enableUdp?: boolean;
  enableTcp?: boolean;
  preferUdp?: boolean;
  preferTcp?: boolean;
  iceConsentTimeout?: number;
  initialAvailableOutgoingBitrate?: number;
  enableSctp?: boolean;
  /** SCTP stream counts (default { OS: 1024, MIS: 1024 }). */
  numSctpStreams?: NumSctpStreams;
  /** Largest SCTP message taken or sent (default 262144). */
  maxSctpMessageSize?: number;
  /** Bytes the association may hold unacknowledged (default 262144). */
  sctpSendBufferSize?: number;
  appData?: TransportAppData;
}

export async function createWebRtcTransport<TransportAppData extends AppData>(
  scope: RouterScope,
  options: WebRtcTransportOptions<TransportAppData>,
): Promise<WebRtcTransport<TransportAppData>> {
  checkOptions(options);
  const { webRtcServer, listenIps, port, appData } = options;
  let { listenInfos, enableUdp, enableTcp } = options;
  // mediasoup's rules: one is needed, all three is an error, otherwise webRtcServer wins over
  // listenIps, which wins over listenInfos (what is not used is not validated).
  if (!webRtcServer && !Array.isArray(listenInfos) && !Array.isArray(listenIps)) {
    throw new TypeError(
      'missing webRtcServer, listenInfos and listenIps (one of them is mandatory)',
    );
  }
  if (webRtcServer && listenInfos && listenIps) {
    throw new TypeError('only one of webRtcServer, listenInfos and listenIps must be given');
  }
  if (webRtcServer || listenIps) listenInfos = undefined;
  if (listenInfos !== undefined) checkRequestList(listenInfos, 'listenInfos');
  if (listenInfos?.length === 0) {
    throw new TypeError('listenInfos must be a non-empty array');
  }
  if (webRtcServer !== undefined && !(webRtcServer instanceof WebRtcServer)) {
    throw new TypeError('webRtcServer must be a WebRtcServer');
  }
  if (webRtcServer?.closed) throw new InvalidStateError('webRtcServer closed');
  assertAppData(appData);
  // As mediasoup: a WebRtcServer offers both protocols unless told otherwise.
  if (webRtcServer) {
    enableUdp ??= true;
    enableTcp ??= true;
  } else {
    enableUdp ??= true;
    enableTcp ??= false;
  }
  if (listenIps && !webRtcServer) {
    checkRequestList(listenIps, 'listenIps');
    listenInfos = [];
    for (const entry of listenIps) {
      const { ip, announcedIp } =
        typeof entry === 'string' ? { ip: entry, announcedIp: undefined } : entry;
      if (enableUdp) listenInfos.push({ protocol: 'udp', ip, announcedAddress: announcedIp, port });
      if (enableTcp) listenInfos.push({ protocol: 'tcp', ip, announcedAddress: announcedIp, port });
    }
  }
  const transportId = randomUUID();
  const data = (await scope.channel.request('router.createWebRtcTransport', scope.routerId, {
    transportId,
    webRtcServerId: webRtcServer?.id,
    listenInfos: listenInfos?.map(listenInfoToWire),
    enableUdp,
    enableTcp,
    preferUdp: options.preferUdp ?? false,
    preferTcp: options.preferTcp ?? false,
    iceConsentTimeout: options.iceConsentTimeout ?? 30,
    initialAvailableOutgoingBitrate: options.initialAvailableOutgoingBitrate ?? 600000,
    enableSctp: options.enableSctp ?? false,
    numSctpStreams: options.numSctpStreams,
    maxSctpMessageSize: options.maxSctpMessageSize,
    sctpSendBufferSize: options.sctpSendBufferSize,
  })) as WebRtcTransportData;
  const transport = new WebRtcTransport<TransportAppData>({
    id: transportId,
    data,
    channel: scope.channel,
    router: scope.link,
    appData,
  });
  webRtcServer?.handleWebRtcTransport(transport);
  return transport;
}
