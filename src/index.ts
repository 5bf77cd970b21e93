/**
 * Skein: a WebRTC SFU for Node.js with mediasoup v3's API.
 */
import { readFileSync } from 'node:fs';
import {
  getSupportedRtpCapabilities as ortcSupported,
  parseScalabilityMode,
} from './ortc/index.js';
import type { RtpCapabilities } from './ortc/index.js';

export { createWorker, observer } from './api/createWorker.js';
export { Worker } from './api/Worker.js';
export { Router } from './api/Router.js';
export { Transport } from './api/Transport.js';
export { WebRtcTransport } from './api/WebRtcTransport.js';
export { DirectTransport } from './api/DirectTransport.js';
export { PlainTransport } from './api/PlainTransport.js';
export { PipeTransport } from './api/PipeTransport.js';
export { WebRtcServer } from './api/WebRtcServer.js';
export { Producer } from './api/Producer.js';
export { Consumer } from './api/Consumer.js';
export { DataProducer } from './api/DataProducer.js';
export { DataConsumer } from './api/DataConsumer.js';
export { RtpObserver } from './api/RtpObserver.js';
export { AudioLevelObserver } from './api/AudioLevelObserver.js';
export { ActiveSpeakerObserver } from './api/ActiveSpeakerObserver.js';
export {
  UnsupportedError,
  InvalidStateError,
  ChannelMessageTooLargeError,
  ChannelTimeoutError,
} from './common/errors.js';
export { setLogEventListeners } from './common/Logger.js';
export { parseScalabilityMode };

/** Every public type, flat and as mediasoup's `types` namespace. */
export type * from './types.js';
export type * as types from './types.js';

/** Skein's version, from its package.json. */
export const version: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The RTP capabilities Skein supports; a fresh copy on every call. */
export function getSupportedRtpCapabilities(): RtpCapabilities {
  return ortcSupported();
}
