/** router.createPipeTransport(): mediasoup's option rules, the request, the transport. */
import { randomUUID } from 'node:crypto';
import { assertAppData, type AppData } from '../appData.js';
import {
  PipeTransport,
  type PipeTransportData,
  type PipeTransportOptions,
} from '../PipeTransport.js';
import { listenInfoToWire } from '../WebRtcTransport.js';
import { checkOptions, listenIpToListenInfo, type RouterScope } from './routerScope.js';

export async function createPipeTransport<TransportAppData extends AppData>(
  scope: RouterScope,
  options: PipeTransportOptions<TransportAppData>,
): Promise<PipeTransport<TransportAppData>> {
  checkOptions(options);
  const { listenIp, port, appData } = options;
  let { listenInfo } = options;
  if (!listenInfo && !listenIp) {
    throw new TypeError('missing listenInfo and listenIp (one of them is mandatory)');
  }
  if (listenInfo && listenIp) {
    throw new TypeError('only one of listenInfo and listenIp must be given');
  }
  assertAppData(appData);
  if (listenIp !== undefined) listenInfo = listenIpToListenInfo(listenIp, port);
  if (typeof listenInfo !== 'object' || listenInfo === null) {
    throw new TypeError('listenInfo must be an object');
  }
  const transportId = randomUUID();
  const data = (await scope.channel.request('router.createPipeTransport', scope.routerId, {
    transportId,
    listenInfo: listenInfoToWire(listenInfo),
    enableSctp: options.enableSctp ?? false,
    numSctpStreams: options.numSctpStreams,
    maxSctpMessageSize: options.maxSctpMessageSize,
    sctpSendBufferSize: options.sctpSendBufferSize,
    enableRtx: options.enableRtx ?? false,
    enableSrtp: options.enableSrtp ?? false,
  })) as PipeTransportData;
  return new PipeTransport<TransportAppData>({
    id: transportId,
    data,
    channel: scope.channel,
    router: scope.link,
    appData,
  });
}
