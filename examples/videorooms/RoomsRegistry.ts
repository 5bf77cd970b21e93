/**
 * The rooms of this server: a room is created (on the least loaded worker)
 * by its first join and closed when its last participant leaves. When a
 * worker dies, its rooms are dropped and their participants told to
 * reconnect: their next join re-creates the room on a live worker.
 *
 * A join reserves its room (`reserve`) before its first await and releases
 * it when it has landed or failed, so the last leave during a join does not
 * close the room under it.
 */
import type { WebRtcTransport, Worker } from '../../src/index.js';
import type { Config } from './config.js';
import { Room } from './Room.js';
import { Speakers } from './Speakers.js';
import type { WorkerManager } from './WorkerManager.js';

export class RoomsRegistry {
  readonly #rooms = new Map<string, Room>();
  /** Rooms being created, so concurrent first joins share one router. */
  readonly #creating = new Map<string, Promise<Room>>();
  readonly #workers: WorkerManager;
  readonly #config: Config;

  constructor(workers: WorkerManager, config: Config) {
    this.#workers = workers;
    this.#config = config;
    workers.on('workerdied', (worker) => this.#onWorkerDied(worker));
  }

  get rooms(): ReadonlyMap<string, Room> {
    return this.#rooms;
  }

  /**
   * A live room for a join, held open until `release`. The check and the
   * hold happen in one turn after the await, so no leave can come between.
   */
  async reserve(roomId: string): Promise<Room> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const room = await this.#getOrCreate(roomId);
      if (!room.closed) {
        room.joining++;
        return room;
      }
    }
    throw new Error(`room ${roomId} closed while joining, three times`);
  }

  /** Ends a join's hold; the room closes if the join failed and it is empty. */
  release(room: Room): void {
    room.joining--;
    this.#closeIfEmpty(room);
  }

  async #getOrCreate(roomId: string): Promise<Room> {
    const existing = this.#rooms.get(roomId);
    if (existing && !existing.closed) return existing;
    let pending = this.#creating.get(roomId);
    if (!pending) {
      pending = this.#workers.createRouter().then(async ({ router, worker }) => {
        const room = new Room(roomId, router, worker);
        try {
          room.speakers = await Speakers.create(router, {
            activeSpeaker: (speaker) => room.broadcast(undefined, 'activeSpeaker', speaker),
            audioLevels: (levels) => room.broadcast(undefined, 'audioLevels', { levels }),
          });
        } catch (error) {
          room.close();
          throw error;
        }
        this.#rooms.set(roomId, room);
        return room;
      });
      this.#creating.set(roomId, pending);
      const forget = (): void => {
        this.#creating.delete(roomId);
      };
      pending.then(forget, forget);
    }
    return pending;
  }

  createTransport(room: Room): Promise<WebRtcTransport> {
    const { host, announcedAddress } = this.#config;
    return room.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ip: host, announcedAddress },
        { protocol: 'tcp', ip: host, announcedAddress },
      ],
      preferUdp: true,
      // Chat data channels (PROTOCOL.md); both directions need the association.
      enableSctp: true,
      numSctpStreams: { OS: 1024, MIS: 1024 },
      maxSctpMessageSize: this.#config.limits.maxDataMessageBytes,
    });
  }

  /** Closes the room once nobody is left in it. */
  participantLeft(room: Room): void {
    this.#closeIfEmpty(room);
  }

  #closeIfEmpty(room: Room): void {
    if (room.participants.size > 0 || room.joining > 0) return;
    room.close();
    if (this.#rooms.get(room.id) === room) this.#rooms.delete(room.id);
  }

  closeAll(): void {
    for (const room of this.#rooms.values()) {
      for (const participant of [...room.participants.values()]) participant.leave(false);
      room.close();
    }
    this.#rooms.clear();
  }

  #onWorkerDied(worker: Worker): void {
    for (const room of [...this.#rooms.values()]) {
      if (room.worker !== worker) continue;
      this.#rooms.delete(room.id);
      const participants = [...room.participants.values()];
      for (const participant of participants) participant.leave(false);
      room.close();
      for (const participant of participants) {
        participant.notify('reconnect', { reason: 'the media worker of this room restarted' });
      }
    }
  }
}
