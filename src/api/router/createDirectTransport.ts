/** router.createDirectTransport(): a transport to and from Node itself. */
import { randomUUID } from 'node:crypto';
import { assertAppData, type AppData } from '../appData.js';
import { DirectTransport, type DirectTransportOptions } from '../DirectTransport.js';
import { checkOptions, type RouterScope } from './routerScope.js';

export async function createDirectTransport<TransportAppData extends AppData>(
  scope: RouterScope,
  options: DirectTransportOptions<TransportAppData>,
): Promise<DirectTransport<TransportAppData>> {
  checkOptions(options);
  const { maxMessageSize = 262144, appData } = options;
  if (typeof maxMessageSize !== 'number' || !(maxMessageSize >= 0)) {
    throw new TypeError('if given, maxMessageSize must be a positive number');
  }
  assertAppData(appData);
  const transportId = randomUUID();
  await scope.channel.request('router.createDirectTransport', scope.routerId, {
    transportId,
    maxMessageSize,
  });
  return new DirectTransport<TransportAppData>({
    id: transportId,
    channel: scope.channel,
    router: scope.link,
    appData,
  });
}
