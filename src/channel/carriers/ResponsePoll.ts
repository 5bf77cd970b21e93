/**
 * The policy of a host's bounded poll for a response that is due (Carrier.expectResponse),
 * shared by the carriers that have one: at most one poll per macrotask, run once this
 * macrotask's code is done (setImmediate); a run of misses (the other side is not getting a
 * core: polling would only take more from it) pauses polling for a while; and its figures.
 */

/** This many misses in a row turn polling off for the next POLL_PAUSE calls. */
const POLL_MISSES_BEFORE_PAUSE = 4;
const POLL_PAUSE = 64;

export interface PollFigures {
  /** Polls run, polls that caught a frame, and the time they held the event loop (µs). */
  count: number;
  hits: number;
  micros: number;
}

export class ResponsePoll {
  readonly figures: PollFigures = { count: 0, hits: 0, micros: 0 };
  #scheduled = false;
  #missesInARow = 0;
  #toSkip = 0;

  /**
   * Schedules one poll: `spin(endMs)` looks until `endMs` (performance.now()) and says
   * whether a frame came, or returns undefined when there was nothing to poll for; `after`
   * runs once the poll is counted.
   */
  schedule(micros: number, spin: (endMs: number) => boolean | undefined, after?: () => void): void {
    if (this.#scheduled) return;
    if (this.#toSkip > 0) {
      this.#toSkip--;
      return;
    }
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const start = performance.now();
      const caught = spin(start + micros / 1000);
      if (caught === undefined) return;
      const figures = this.figures;
      figures.count++;
      if (caught) {
        figures.hits++;
        this.#missesInARow = 0;
      } else if (++this.#missesInARow >= POLL_MISSES_BEFORE_PAUSE) {
        this.#missesInARow = 0;
        this.#toSkip = POLL_PAUSE;
      }
      figures.micros += (performance.now() - start) * 1000;
      after?.();
    });
  }
}
