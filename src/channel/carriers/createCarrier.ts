import type { Carrier } from './Carrier.js';
import { MessagePortCarrier, type MessagePortEnd } from './MessagePortCarrier.js';
import { SharedRingCarrier, type SharedRingEnd } from './SharedRingCarrier.js';

/** One end of a thread channel, as it is handed to the worker thread. */
export type ThreadChannelEnd = SharedRingEnd | MessagePortEnd;

export function createCarrier(end: ThreadChannelEnd): Carrier {
  return end.kind === 'ring' ? new SharedRingCarrier(end) : new MessagePortCarrier(end);
}
