/**
 * The rate a probe cluster proved (libwebrtc's probe bitrate estimator): from the cluster's
 * acknowledged packets, the send rate (bytes but the last over the send span) and the receive
 * rate (bytes but the first over the arrival span); the result is the lower one, or the
 * receive rate alone when it is clearly below the send rate (the link capped it). A cluster
 * counts once at least 5 of its packets and 80 % of them were acknowledged.
 */

const MIN_PACKETS = 5;
const MIN_RATIO = 0.8;
const MAX_CLUSTERS = 8;
/** Receive rate below 90 % of the send rate: the probe found the link's limit. */
const LIMIT_RATIO = 0.9;

interface Cluster {
  id: number;
  sent: number;
  received: number;
  firstSend: number;
  lastSend: number;
  lastSendSize: number;
  firstArrival: number;
  firstArrivalSize: number;
  lastArrival: number;
  bytes: number;
  target: number;
  done: boolean;
}

export class ProbeEstimator {
  /** A ring of the latest clusters (preallocated records). */
  readonly #clusters: Cluster[] = Array.from({ length: MAX_CLUSTERS }, () => ({
    id: -1,
    sent: 0,
    received: 0,
    firstSend: 0,
    lastSend: 0,
    lastSendSize: 0,
    firstArrival: 0,
    firstArrivalSize: 0,
    lastArrival: 0,
    bytes: 0,
    target: 0,
    done: true,
  }));

  /**
   * A cluster of `packets` probe packets is being sent at `target` bits/s: the result is
   * capped there (a cluster sent faster than its target proves only the target).
   */
  startCluster(id: number, packets: number, target = Infinity): void {
    const c = this.#clusters[id % MAX_CLUSTERS];
    c.id = id;
    c.target = target;
    c.sent = packets;
    c.received = 0;
    c.bytes = 0;
    c.done = false;
  }

  /** One acknowledged probe packet; returns the cluster's rate once it is known, else 0. */
  add(cluster: number, sendMs: number, arrivalMs: number, size: number): number {
    const c = this.#clusters[cluster % MAX_CLUSTERS];
    if (c.id !== cluster || c.done) return 0;
    if (c.received === 0) {
      c.firstSend = c.lastSend = sendMs;
      c.firstArrival = c.lastArrival = arrivalMs;
      c.firstArrivalSize = c.lastSendSize = size;
    } else {
      if (sendMs < c.firstSend) c.firstSend = sendMs;
      if (sendMs >= c.lastSend) {
        c.lastSend = sendMs;
        c.lastSendSize = size;
      }
      if (arrivalMs < c.firstArrival) {
        c.firstArrival = arrivalMs;
        c.firstArrivalSize = size;
      }
      if (arrivalMs > c.lastArrival) c.lastArrival = arrivalMs;
    }
    c.received++;
    c.bytes += size;
    if (c.received < Math.max(MIN_PACKETS, Math.ceil(c.sent * MIN_RATIO))) return 0;
    c.done = true;
    // Spans shorter than a millisecond say nothing reliable.
    const sendSpan = Math.max(c.lastSend - c.firstSend, 1);
    const recvSpan = Math.max(c.lastArrival - c.firstArrival, 1);
    const sendRate = ((c.bytes - c.lastSendSize) * 8 * 1000) / sendSpan;
    const recvRate = ((c.bytes - c.firstArrivalSize) * 8 * 1000) / recvSpan;
    if (recvRate < LIMIT_RATIO * sendRate) return Math.min(recvRate, c.target);
    return Math.min(sendRate, recvRate, c.target);
  }
}
