/** router.createActiveSpeakerObserver(): `dominantspeaker` on each change. */
import { randomUUID } from 'node:crypto';
import { assertAppData, type AppData } from '../appData.js';
import {
  ActiveSpeakerObserver,
  type ActiveSpeakerObserverOptions,
} from '../ActiveSpeakerObserver.js';
import { checkOptions, notNaN, type RouterScope } from './routerScope.js';

export async function createActiveSpeakerObserver<ActiveSpeakerObserverAppData extends AppData>(
  scope: RouterScope,
  options: ActiveSpeakerObserverOptions<ActiveSpeakerObserverAppData>,
): Promise<ActiveSpeakerObserver<ActiveSpeakerObserverAppData>> {
  checkOptions(options);
  const { appData } = options;
  const interval = notNaN(options.interval) ?? 300;
  if (typeof interval !== 'number') throw new TypeError('if given, interval must be an number');
  assertAppData(appData);
  const rtpObserverId = randomUUID();
  await scope.channel.request('router.createActiveSpeakerObserver', scope.routerId, {
    rtpObserverId,
    interval: Math.trunc(interval),
  });
  return new ActiveSpeakerObserver<ActiveSpeakerObserverAppData>({
    id: rtpObserverId,
    routerId: scope.routerId,
    channel: scope.channel,
    appData,
    getProducerById: (producerId) => scope.link.getProducerById(producerId),
  });
}
