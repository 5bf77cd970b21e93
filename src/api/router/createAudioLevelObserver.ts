/** router.createAudioLevelObserver(): `volumes` of the loudest producers every `interval` ms. */
import { randomUUID } from 'node:crypto';
import { assertAppData, type AppData } from '../appData.js';
import { AudioLevelObserver, type AudioLevelObserverOptions } from '../AudioLevelObserver.js';
import { checkOptions, notNaN, type RouterScope } from './routerScope.js';

export async function createAudioLevelObserver<AudioLevelObserverAppData extends AppData>(
  scope: RouterScope,
  options: AudioLevelObserverOptions<AudioLevelObserverAppData>,
): Promise<AudioLevelObserver<AudioLevelObserverAppData>> {
  checkOptions(options);
  const { appData } = options;
  const maxEntries = notNaN(options.maxEntries) ?? 1;
  const threshold = notNaN(options.threshold) ?? -80;
  const interval = notNaN(options.interval) ?? 1000;
  if (typeof maxEntries !== 'number' || maxEntries <= 0) {
    throw new TypeError('if given, maxEntries must be a positive number');
  }
  if (typeof threshold !== 'number' || threshold < -127 || threshold > 0) {
    throw new TypeError('if given, threshold must be a negative number greater than -127');
  }
  if (typeof interval !== 'number') throw new TypeError('if given, interval must be an number');
  assertAppData(appData);
  const rtpObserverId = randomUUID();
  // The wire takes integers, as mediasoup's (uint16 / int8 / uint16) do.
  await scope.channel.request('router.createAudioLevelObserver', scope.routerId, {
    rtpObserverId,
    maxEntries: Math.min(0xffff, Math.max(1, Math.trunc(maxEntries))),
    threshold: Math.trunc(threshold),
    interval: Math.trunc(interval),
  });
  return new AudioLevelObserver<AudioLevelObserverAppData>({
    id: rtpObserverId,
    routerId: scope.routerId,
    channel: scope.channel,
    appData,
    getProducerById: (producerId) => scope.link.getProducerById(producerId),
  });
}
