/**
 * The worker side of a router's RTP observers: `router.createAudioLevelObserver` /
 * `router.createActiveSpeakerObserver` / `router.closeRtpObserver` (through RouterObservers)
 * and the requests addressed to an observer (pause, resume, addProducer, removeProducer).
 * Options are checked as mediasoup's worker does: a positive threshold is refused, intervals
 * are clamped into the kind's range.
 */
import { InvalidStateError } from '../../common/errors.js';
import type { RtcRouter } from '../../rtc/Router.js';
import type { RtpObserver } from '../../rtc/observers/RtpObserver.js';
import {
  AUDIO_LEVEL_INTERVAL_MAX,
  AUDIO_LEVEL_INTERVAL_MIN,
  AudioLevelObserver,
} from '../../rtc/observers/AudioLevelObserver.js';
import {
  ACTIVE_SPEAKER_INTERVAL_MAX,
  ACTIVE_SPEAKER_INTERVAL_MIN,
  ActiveSpeakerObserver,
} from '../../rtc/observers/ActiveSpeakerObserver.js';
import type { WorkerContext } from '../WorkerContext.js';
import { asObject, requireId } from '../validate.js';
import type { Handler } from './Handler.js';

export class RtpObserverHandler implements Handler {
  readonly observer: RtpObserver;
  readonly #router: RtcRouter;

  constructor(observer: RtpObserver, router: RtcRouter) {
    this.observer = observer;
    this.#router = router;
  }

  handleRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'rtpObserver.pause':
        this.observer.pause();
        return undefined;
      case 'rtpObserver.resume':
        this.observer.resume();
        return undefined;
      case 'rtpObserver.addProducer':
        this.#router.observeProducer(this.observer, producerIdOf(data));
        return undefined;
      case 'rtpObserver.removeProducer':
        this.#router.unobserveProducer(this.observer, producerIdOf(data));
        return undefined;
      default:
        throw new TypeError(`unknown method '${method}' for an RtpObserver`);
    }
  }
}

function producerIdOf(data: unknown): string {
  return requireId(asObject(data, 'data').producerId, 'producerId');
}

function clampedInterval(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError('interval must be a number');
  }
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/** A router's observers: creation from request data, closing, and what dump() lists. */
export class RouterObservers {
  readonly #router: RtcRouter;
  readonly #context: WorkerContext;

  constructor(router: RtcRouter, context: WorkerContext) {
    this.#router = router;
    this.#context = context;
  }

  createAudioLevelObserver(data: unknown): undefined {
    const d = asObject(data, 'data');
    const id = this.#newId(d.rtpObserverId);
    const { maxEntries, threshold } = d;
    if (
      typeof maxEntries !== 'number' ||
      !Number.isInteger(maxEntries) ||
      maxEntries < 1 ||
      maxEntries > 0xffff
    ) {
      throw new TypeError('maxEntries must be an integer in [1, 65535]');
    }
    if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < -127) {
      throw new TypeError('threshold must be an integer in [-127, 0]');
    }
    if (threshold > 0) throw new TypeError(`invalid threshold value ${threshold}`);
    const interval = clampedInterval(
      d.interval,
      AUDIO_LEVEL_INTERVAL_MIN,
      AUDIO_LEVEL_INTERVAL_MAX,
    );
    this.#add(
      new AudioLevelObserver({ id, interval, maxEntries, threshold, notify: this.#notifier(id) }),
    );
    return undefined;
  }

  createActiveSpeakerObserver(data: unknown): undefined {
    const d = asObject(data, 'data');
    const id = this.#newId(d.rtpObserverId);
    const interval = clampedInterval(
      d.interval,
      ACTIVE_SPEAKER_INTERVAL_MIN,
      ACTIVE_SPEAKER_INTERVAL_MAX,
    );
    this.#add(new ActiveSpeakerObserver({ id, interval, notify: this.#notifier(id) }));
    return undefined;
  }

  closeRtpObserver(data: unknown): undefined {
    const id = requireId(asObject(data, 'data').rtpObserverId, 'rtpObserverId');
    const observer = this.#router.getRtpObserver(id);
    if (!observer) throw new InvalidStateError(`RtpObserver not found [rtpObserverId:${id}]`);
    this.#remove(observer);
    return undefined;
  }

  /** The router closed: every observer stops (the host closes its own side). */
  closeAll(): void {
    for (const id of this.#router.rtpObserverIds) {
      const observer = this.#router.getRtpObserver(id);
      if (observer) this.#remove(observer);
    }
  }

  #newId(value: unknown): string {
    const id = requireId(value, 'rtpObserverId');
    if (this.#router.getRtpObserver(id)) {
      throw new TypeError('an RtpObserver with same id already exists');
    }
    return id;
  }

  #notifier(id: string): (event: string, data?: unknown) => void {
    return (event, data) => this.#context.notify(id, event, data);
  }

  #add(observer: RtpObserver): void {
    this.#router.addRtpObserver(observer);
    this.#context.registerHandler(observer.id, new RtpObserverHandler(observer, this.#router));
  }

  #remove(observer: RtpObserver): void {
    this.#router.removeRtpObserver(observer);
    this.#context.unregisterHandler(observer.id);
  }
}
