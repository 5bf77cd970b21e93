/**
 * The messages that cross a channel between the control layer and a worker.
 * Requests are correlated with responses by `id`; requests and notifications
 * are addressed to an entity by `handlerId` (the entity's id), as in mediasoup.
 */
import type { SerializedError } from '../common/errors.js';

export interface RequestMessage {
  t: 'q';
  id: number;
  method: string;
  handlerId?: string;
  data?: unknown;
  /** Set by the worker's decoder when the data broke the channel's limits (not parsed). */
  refused?: string;
}

export interface ResponseMessage {
  t: 's';
  id: number;
  /** Present when the request failed. */
  error?: SerializedError;
  data?: unknown;
}

export interface NotificationMessage {
  t: 'n';
  handlerId: string;
  event: string;
  data?: unknown;
}

export type ChannelMessage = RequestMessage | ResponseMessage | NotificationMessage;
