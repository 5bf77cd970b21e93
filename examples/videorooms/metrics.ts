/**
 * What /health and /metrics report: rooms, participants, producers,
 * consumers, data producers and consumers (chat channels), and the load of each media worker.
 */
import type { RoomsRegistry } from './RoomsRegistry.js';
import type { WorkerManager } from './WorkerManager.js';

export interface WorkerHealth {
  pid: number;
  threadId: number | undefined;
  mode: string;
  routers: number;
  rooms: string[];
  participants: number;
  cpuMs: number;
}

export interface Health {
  status: 'ok';
  uptimeSeconds: number;
  rooms: number;
  participants: number;
  producers: number;
  consumers: number;
  dataProducers: number;
  dataConsumers: number;
  workerDeaths: number;
  workers: WorkerHealth[];
}

export async function healthJson(workers: WorkerManager, registry: RoomsRegistry): Promise<Health> {
  let participants = 0;
  let producers = 0;
  let consumers = 0;
  let dataProducers = 0;
  let dataConsumers = 0;
  for (const room of registry.rooms.values()) {
    for (const participant of room.participants.values()) {
      participants++;
      producers += participant.producers.size;
      consumers += participant.consumers.size;
      dataProducers += participant.dataProducers.size;
      dataConsumers += participant.dataConsumers.size;
    }
  }
  const workerHealth = await Promise.all(
    workers.workers.map(async ({ worker, routers }) => {
      const rooms = [...registry.rooms.values()].filter((room) => room.worker === worker);
      let cpuMs = 0;
      try {
        const usage = await worker.getResourceUsage();
        cpuMs = usage.ru_utime + usage.ru_stime;
      } catch {
        // A worker dying right now: report what is known.
      }
      return {
        pid: worker.pid,
        threadId: worker.threadId,
        mode: worker.mode,
        routers,
        rooms: rooms.map((room) => room.id),
        participants: rooms.reduce((n, room) => n + room.participants.size, 0),
        cpuMs,
      };
    }),
  );
  return {
    status: 'ok',
    uptimeSeconds: Math.round(process.uptime()),
    rooms: registry.rooms.size,
    participants,
    producers,
    consumers,
    dataProducers,
    dataConsumers,
    workerDeaths: workers.deaths,
    workers: workerHealth,
  };
}

export async function prometheusText(
  workers: WorkerManager,
  registry: RoomsRegistry,
): Promise<string> {
  const h = await healthJson(workers, registry);
  const lines = [
    '# HELP videorooms_rooms Rooms open.',
    '# TYPE videorooms_rooms gauge',
    `videorooms_rooms ${h.rooms}`,
    '# HELP videorooms_participants Participants joined.',
    '# TYPE videorooms_participants gauge',
    `videorooms_participants ${h.participants}`,
    '# HELP videorooms_producers Producers (published tracks).',
    '# TYPE videorooms_producers gauge',
    `videorooms_producers ${h.producers}`,
    '# HELP videorooms_consumers Consumers (forwarded tracks).',
    '# TYPE videorooms_consumers gauge',
    `videorooms_consumers ${h.consumers}`,
    '# HELP videorooms_data_producers Data producers (chat channels sent).',
    '# TYPE videorooms_data_producers gauge',
    `videorooms_data_producers ${h.dataProducers}`,
    '# HELP videorooms_data_consumers Data consumers (chat channels forwarded).',
    '# TYPE videorooms_data_consumers gauge',
    `videorooms_data_consumers ${h.dataConsumers}`,
    '# HELP videorooms_worker_deaths_total Media workers that died and were replaced.',
    '# TYPE videorooms_worker_deaths_total counter',
    `videorooms_worker_deaths_total ${h.workerDeaths}`,
    '# HELP videorooms_worker_routers Routers (rooms) per media worker.',
    '# TYPE videorooms_worker_routers gauge',
    ...h.workers.map(
      (w) => `videorooms_worker_routers{pid="${w.pid}",thread="${w.threadId ?? ''}"} ${w.routers}`,
    ),
    '# HELP videorooms_worker_participants Participants per media worker.',
    '# TYPE videorooms_worker_participants gauge',
    ...h.workers.map(
      (w) =>
        `videorooms_worker_participants{pid="${w.pid}",thread="${w.threadId ?? ''}"} ${w.participants}`,
    ),
    '# HELP videorooms_worker_cpu_seconds_total CPU time used by each media worker.',
    '# TYPE videorooms_worker_cpu_seconds_total counter',
    ...h.workers.map(
      (w) =>
        `videorooms_worker_cpu_seconds_total{pid="${w.pid}",thread="${w.threadId ?? ''}"} ${(w.cpuMs / 1000).toFixed(3)}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
