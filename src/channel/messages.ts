/**
 * The messages that cross a channel between the control layer and a worker.
 * Requests are correlated with responses by `id`; requests and notifications
 * are addressed to an entity by `handlerId` (the entity's id), as in mediasoup.
 * Notifications go both ways: the worker's events, and the host's
 * fire-and-forget messages (a direct producer's packets), answered by nobody.
 */
import type { SerializedError } from '../common/errors.js';

export interface RequestMessage {
  t: 'q';
  id: number;
  method: string;
  handlerId?: string;
  data?: unknown;
  /** Raw bytes beside the data (never JSON); see codec.ts for who owns them. */
  payload?: Uint8Array;
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
  /** Raw bytes beside the data (an RTP or RTCP packet): see codec.ts. */
  payload?: Uint8Array;
}

export type ChannelMessage = RequestMessage | ResponseMessage | NotificationMessage;
