/** What the soak driver and its videorooms server child say over the IPC channel. */

/** Memory of the server process and its media workers, heaps measured after a full GC. */
export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  /** Part of heapUsedBytes that is compiled code (grows as V8 optimizes; not a leak). */
  codeBytes: number;
  externalBytes: number;
  workers: WorkerMemory[];
  rooms: number;
  participants: number;
  producers: number;
  consumers: number;
  workerDeaths: number;
}

export interface WorkerMemory {
  pid: number;
  threadId: number | undefined;
  heapUsedBytes: number;
  codeBytes: number;
  externalBytes: number;
  /** Process-mode workers only (their own process; in thread mode it is the server's RSS). */
  rssBytes: number | undefined;
}

export type ServerRequest = { rid: number; type: 'memory' } | { rid: number; type: 'stop' };

export type ServerReply =
  | { type: 'ready'; url: string }
  | { type: 'memory'; rid: number; sample: MemorySample }
  | { type: 'stopped'; rid: number }
  | { type: 'error'; rid: number; message: string };
