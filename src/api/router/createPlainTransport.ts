/** router.createPlainTransport(): mediasoup's option rules, the request, the transport. */
import { randomUUID } from 'node:crypto';
import { UnsupportedError } from '../../common/errors.js';
import { Logger } from '../../common/Logger.js';
import { assertAppData, type AppData } from '../appData.js';
import {
  PlainTransport,
  type PlainTransportData,
  type PlainTransportOptions,
} from '../PlainTransport.js';
import { listenInfoToWire } from '../WebRtcTransport.js';
import { checkOptions, listenIpToListenInfo, type RouterScope } from './routerScope.js';

const logger = new Logger('Router');

export async function createPlainTransport<TransportAppData extends AppData>(
  scope: RouterScope,
  options: PlainTransportOptions<TransportAppData>,
): Promise<PlainTransport<TransportAppData>> {
  checkOptions(options);
  const { rtcpListenInfo, listenIp, port, appData } = options;
  let { listenInfo, rtcpMux = true } = options;
  if (!listenInfo && !listenIp) {
    throw new TypeError('missing listenInfo and listenIp (one of them is mandatory)');
  }
  if (listenInfo && listenIp) {
    throw new TypeError('only one of listenInfo and listenIp must be given');
  }
  assertAppData(appData);
  if (rtcpMux && rtcpListenInfo) {
    logger.warn('createPlainTransport() | ignoring rtcpMux since rtcpListenInfo is given');
    rtcpMux = false;
  }
  if (listenIp !== undefined) listenInfo = listenIpToListenInfo(listenIp, port);
  if (typeof listenInfo !== 'object' || listenInfo === null) {
    throw new TypeError('listenInfo must be an object');
  }
  // Node 20's dgram cannot share a port (SO_REUSEPORT): refuse rather than ignore it.
  for (const info of [listenInfo, rtcpListenInfo]) {
    if (info?.flags?.udpReusePort) throw new UnsupportedError('listenInfo.flags.udpReusePort');
  }
  const transportId = randomUUID();
  const data = (await scope.channel.request('router.createPlainTransport', scope.routerId, {
    transportId,
    listenInfo: listenInfoToWire(listenInfo),
    rtcpListenInfo: rtcpListenInfo && listenInfoToWire(rtcpListenInfo),
    rtcpMux,
    comedia: options.comedia ?? false,
    enableSctp: options.enableSctp ?? false,
    numSctpStreams: options.numSctpStreams,
    maxSctpMessageSize: options.maxSctpMessageSize,
    sctpSendBufferSize: options.sctpSendBufferSize,
    enableSrtp: options.enableSrtp ?? false,
    srtpCryptoSuite: options.srtpCryptoSuite ?? 'AES_CM_128_HMAC_SHA1_80',
  })) as PlainTransportData;
  return new PlainTransport<TransportAppData>({
    id: transportId,
    data,
    channel: scope.channel,
    router: scope.link,
    appData,
  });
}
