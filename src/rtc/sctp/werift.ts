/**
 * The one place Skein touches werift-sctp (MIT, Copyright (c) shinyoshiaki): the
 * internals SctpAssociation reads and the per-instance patches it applies. The version is
 * pinned exactly in package.json because these read private fields.
 *
 * Patched on each instance (never the prototype):
 * - `maybeAbandon`: werift treats `maxRetransmits: 0` as "no limit" (`!!0`) and marks the
 *   first DATA chunk of the queue instead of the expired one's message (RFC 3758 §3.5).
 * - async entries (`handleData`, `transmit`, the reconfig and heartbeat timers) and the
 *   sync timers are wrapped so nothing werift throws or rejects escapes the worker: it is
 *   reported to the owner, which counts it.
 */
import { SCTP } from 'werift-sctp';
import { DataChunk } from 'werift-sctp/lib/sctp/src/chunk.js';

export { SCTP, DataChunk };

/** The fields and methods of werift's SCTP that the association reads or patches. */
export interface WeriftSctpInternals {
  associationState: number;
  state: string;
  localVerificationTag: number;
  lastReceivedTsn?: number;
  advertisedRwnd: number;
  sackMisOrdered: Set<number>;
  inboundStreams: Record<number, unknown>;
  _inboundStreamsMax: number;
  _outboundStreamsCount: number;
  localTsn: number;
  outboundStreamSeq: Record<number, number>;
  outboundQueue: DataChunk[];
  sentQueue: DataChunk[];
  flightSize: number;
  onSackReceived: () => Promise<void>;
  handleData(data: Buffer): Promise<void>;
  transmit(): Promise<void>;
  maybeAbandon(chunk: DataChunk): boolean;
  /** Sends INIT and enters COOKIE-WAIT (what werift's client does on start()). */
  init(): Promise<void>;
  timer1Cancel(): void;
  timer1Expired: () => void;
  timer2Expired: () => void;
  timer3Expired: () => void;
  timerReconfigHandleExpired: () => Promise<void>;
  timerHeartbeatExpired: () => Promise<void>;
}

/** werift's SCTP_STATE.ESTABLISHED. */
export const ESTABLISHED = 4;

const DATA_LAST_FRAGMENT = 0x01;

/**
 * RFC 3758 §3.5 A1: a chunk is abandoned once its lifetime expired or it was retransmitted
 * more than `maxRetransmits` times; every fragment of its message goes with it.
 */
function maybeAbandon(this: WeriftSctpInternals, chunk: DataChunk): boolean {
  if (chunk.abandoned) return true;
  const byCount = chunk.maxRetransmits !== undefined && chunk.sentCount > chunk.maxRetransmits;
  const byTime = chunk.expiry !== undefined && chunk.expiry < Date.now() / 1000;
  if (!byCount && !byTime) return false;
  const queue = this.sentQueue;
  const at = queue.indexOf(chunk);
  if (at < 0) {
    chunk.abandoned = true;
    chunk.retransmit = false;
    return true;
  }
  // Back to the first fragment of the message (the one after a last fragment), then forward.
  let first = at;
  while (first > 0 && !(queue[first - 1].flags & DATA_LAST_FRAGMENT)) first--;
  for (let i = first; i < queue.length; i++) {
    queue[i].abandoned = true;
    queue[i].retransmit = false;
    if (queue[i].flags & DATA_LAST_FRAGMENT) break;
  }
  return true;
}

/** Applies the patches above to one instance; `onFault` gets what werift throws. */
export function patchSctp(sctp: SCTP, onFault: (error: unknown) => void): WeriftSctpInternals {
  const s = sctp as unknown as WeriftSctpInternals;
  s.maybeAbandon = maybeAbandon;
  const guardAsync = <A extends unknown[]>(
    fn: (...args: A) => Promise<void>,
  ): ((...args: A) => Promise<void>) => {
    return (...args: A) =>
      fn(...args).catch((error: unknown) => {
        onFault(error);
      });
  };
  const guardSync = (fn: () => void): (() => void) => {
    return () => {
      try {
        fn();
      } catch (error) {
        onFault(error);
      }
    };
  };
  const handleData = s.handleData.bind(s);
  const transmit = s.transmit.bind(s);
  s.handleData = guardAsync(handleData);
  s.transmit = guardAsync(transmit);
  s.timerReconfigHandleExpired = guardAsync(s.timerReconfigHandleExpired);
  s.timerHeartbeatExpired = guardAsync(s.timerHeartbeatExpired);
  s.timer1Expired = guardSync(s.timer1Expired);
  s.timer2Expired = guardSync(s.timer2Expired);
  s.timer3Expired = guardSync(s.timer3Expired);
  return s;
}
