/**
 * The runtime's floor for the forwarding workload: what sending one 1 Mbit/s stream to N
 * consumers costs Node itself, with no SFU: SRTP protection plus one dgram send per packet
 * per consumer socket (floorSender.ts, in a child process), received by N sink sockets here.
 * Prints µs of sender CPU (user/system) per delivered packet.
 */
import { fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { FloorJob, FloorReport } from './floorSender.js';

export interface FloorFigures {
  consumers: number;
  connected: boolean;
  profile: FloorJob['profile'];
  delivered: number;
  userUsPerPacket: number;
  systemUsPerPacket: number;
}

export async function measureFloor(
  consumers: number,
  options: Partial<Pick<FloorJob, 'connected' | 'profile' | 'ms'>> = {},
): Promise<FloorFigures> {
  const sinks: Socket[] = [];
  let received = 0;
  for (let i = 0; i < consumers; i++) {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    socket.on('message', () => received++);
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    sinks.push(socket);
  }
  const job: FloorJob = {
    ports: sinks.map((s) => s.address().port),
    packetRate: 100,
    fps: 30,
    packetSize: 1100,
    ms: options.ms ?? 3000,
    warmupMs: 1000,
    connected: options.connected ?? false,
    profile: options.profile ?? 'AEAD_AES_128_GCM',
  };
  const child = fork(fileURLToPath(new URL('./floorSender.js', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reply = once(child, 'message') as Promise<[FloorReport]>;
  child.send(job);
  let receivedAtStart = 0;
  const startTimer = setTimeout(() => (receivedAtStart = received), job.warmupMs);
  const [report] = await Promise.race([
    reply,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('floor sender timed out')), job.ms + job.warmupMs + 20_000),
    ),
  ]);
  clearTimeout(startTimer);
  const delivered = Math.min(report.sent, received - receivedAtStart);
  for (const socket of sinks) socket.close();
  return {
    consumers,
    connected: job.connected,
    profile: job.profile,
    delivered,
    userUsPerPacket: report.userUs / Math.max(1, delivered),
    systemUsPerPacket: report.systemUs / Math.max(1, delivered),
  };
}

export function printFloor(rows: FloorFigures[]): void {
  console.log(
    '\nRuntime floor: 1 Mbit/s (100 pkt/s of 1100 B, 30 bursts/s) SRTP-protected (SrtpSession) ' +
      'and sent to N sockets by a bare loop in a child process, no SFU',
  );
  console.table(
    rows.map((r) => ({
      N: r.consumers,
      sockets: r.connected ? 'connected' : 'unconnected (send to address)',
      SRTP: r.profile,
      'delivered pkt': r.delivered,
      'µs CPU/pkt (user+sys)': (r.userUsPerPacket + r.systemUsPerPacket).toFixed(1),
      'user µs': r.userUsPerPacket.toFixed(1),
      'sys µs': r.systemUsPerPacket.toFixed(1),
    })),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows: FloorFigures[] = [];
  for (const n of [100, 200]) {
    rows.push(await measureFloor(n));
    rows.push(await measureFloor(n, { connected: true }));
    rows.push(await measureFloor(n, { profile: 'AES_CM_128_HMAC_SHA1_80' }));
  }
  printFloor(rows);
}
