/**
 * The delay-based estimate (draft-ietf-rmcat-gcc-02 §5): each feedback's packets, in arrival
 * order, go through burst grouping, the trendline filter and the over-use detector; the
 * detector's final state drives AIMD rate control with the acknowledged bitrate. A probe
 * cluster that proved more than the estimate lifts it at once (unless over-using).
 */
import { AimdRateControl } from './AimdRateControl.js';
import { InterArrival } from './InterArrival.js';
import { OveruseDetector, type BandwidthUsage } from './OveruseDetector.js';
import { ProbeEstimator } from './ProbeEstimator.js';
import { TrendlineEstimator } from './TrendlineEstimator.js';
import type { FeedbackAdapter } from './FeedbackAdapter.js';

export class DelayBasedBwe {
  readonly rate: AimdRateControl;
  readonly probes = new ProbeEstimator();
  readonly #interArrival = new InterArrival();
  readonly #trendline = new TrendlineEstimator();
  readonly #detector = new OveruseDetector();
  /** The last probe result (bits/s), 0 none yet. */
  lastProbeBitrate = 0;
  /** Whether the last update took a probe result as the estimate. */
  probed = false;

  constructor(startBitrate: number, minBitrate: number, maxBitrate: number) {
    this.rate = new AimdRateControl(startBitrate, minBitrate, maxBitrate);
  }

  get usage(): BandwidthUsage {
    return this.#detector.state;
  }

  get threshold(): number {
    return this.#detector.threshold;
  }

  get trend(): number {
    return this.#trendline.trend;
  }

  /** One feedback's results (arrival order); `acked` the acknowledged bitrate. Returns the rate. */
  update(results: FeedbackAdapter, acked: number, nowMs: number): number {
    const n = results.count;
    this.probed = false;
    if (n === 0) return this.rate.bitrate;
    let probe = 0;
    let overused = false;
    for (let i = 0; i < n; i++) {
      const sendMs = results.sendMs[i];
      const arrivalMs = results.arrivalMs[i];
      const cluster = results.probe[i];
      if (cluster >= 0) {
        const r = this.probes.add(cluster, sendMs, arrivalMs, results.size[i]);
        if (r > 0) probe = r;
      }
      if (this.#interArrival.add(sendMs, arrivalMs)) {
        const ia = this.#interArrival;
        const modified = this.#trendline.update(ia.arrivalDeltaMs, ia.sendDeltaMs, arrivalMs);
        const state = this.#detector.detect(modified, this.#trendline.trend, ia.sendDeltaMs, nowMs);
        if (state === 'overusing') overused = true;
      }
    }
    if (probe > 0 && !overused) {
      this.lastProbeBitrate = probe;
      if (probe > this.rate.bitrate) {
        this.rate.setEstimate(probe, nowMs);
        this.probed = true;
        return this.rate.bitrate;
      }
    }
    // An over-use seen anywhere in this feedback counts, even if the detector has moved on.
    return this.rate.update(overused ? 'overusing' : this.#detector.state, acked, nowMs);
  }
}
