/**
 * A room: one router on one worker, and its participants. A participant's
 * producers are consumed by the others through the router.
 */
import type { Router, Worker } from '../../src/index.js';
import type { Participant } from './Participant.js';
import type { Speakers } from './Speakers.js';

export class Room {
  readonly id: string;
  readonly router: Router;
  readonly worker: Worker;
  readonly participants = new Map<string, Participant>();
  /** Joins in progress: they hold the room open until they land or fail. */
  joining = 0;
  /**
   * Who shares a screen: one at a time per room (PROTOCOL.md), claimed before
   * the producer is made so that two concurrent shares cannot both win.
   */
  screenSharer: Participant | undefined;
  /** The room's active-speaker and audio-level observers (set once they exist). */
  speakers: Speakers | undefined;
  #closed = false;

  constructor(id: string, router: Router, worker: Worker) {
    this.id = id;
    this.router = router;
    this.worker = worker;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a notification to every participant but `except`. */
  broadcast(except: Participant | undefined, event: string, data: unknown): void {
    for (const participant of this.participants.values()) {
      if (participant !== except) participant.notify(event, data);
    }
  }

  /** Claims the room's screen for `participant`; false if someone else holds it. */
  claimScreen(participant: Participant): boolean {
    if (this.screenSharer && this.screenSharer !== participant) return false;
    this.screenSharer = participant;
    return true;
  }

  releaseScreen(participant: Participant): void {
    if (this.screenSharer === participant) this.screenSharer = undefined;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.speakers?.close();
    this.router.close();
  }
}
