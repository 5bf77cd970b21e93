/**
 * The runtime floor's sender (a child process of floor.ts, so that its CPU is a process's,
 * GC threads included, as an SFU's is): one 1 Mbit/s-like stream (packets in bursts per frame)
 * SRTP-protected and sent once per socket over N UDP sockets, nothing else. No SFU: no
 * receiving, parsing, routing or RTCP. Reports its CPU (user, system) and packets sent.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';

import { SrtpSession, isSrtpError } from '../../src/protocols/srtp/index.js';

export interface FloorJob {
  /** Sink ports, one socket (and SRTP session) per port. */
  ports: number[];
  packetRate: number;
  fps: number;
  packetSize: number;
  ms: number;
  warmupMs: number;
  /** connect() each socket to its sink (send without an address). */
  connected: boolean;
  profile: 'AEAD_AES_128_GCM' | 'AES_CM_128_HMAC_SHA1_80';
}

export interface FloorReport {
  sent: number;
  userUs: number;
  systemUs: number;
  seconds: number;
}

async function run(job: FloorJob): Promise<FloorReport> {
  const sockets: Socket[] = [];
  const sessions: SrtpSession[] = [];
  for (const port of job.ports) {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    if (job.connected) {
      socket.connect(port, '127.0.0.1');
      await once(socket, 'connect');
    }
    sockets.push(socket);
    const keyLength = 16;
    const saltLength = job.profile === 'AEAD_AES_128_GCM' ? 12 : 14;
    sessions.push(new SrtpSession(job.profile, randomBytes(keyLength), randomBytes(saltLength)));
  }
  const packet = Buffer.alloc(job.packetSize);
  packet[0] = 0x80;
  packet[1] = 96;
  packet.writeUInt32BE(0x5e1f0001, 8);
  let seq = 0;
  let sent = 0;
  const perFrame = job.packetRate / job.fps;
  let owed = 0;
  const frame = (): void => {
    owed += perFrame;
    for (; owed >= 1; owed--) {
      seq = (seq + 1) & 0xffff;
      packet.writeUInt16BE(seq, 2);
      for (let i = 0; i < sockets.length; i++) {
        const out = sessions[i].protectRtp(packet);
        if (isSrtpError(out)) throw new Error('protect failed');
        if (job.connected) sockets[i].send(out);
        else sockets[i].send(out, job.ports[i], '127.0.0.1');
        sent++;
      }
    }
  };
  const timer = setInterval(frame, 1000 / job.fps);
  await new Promise((resolve) => setTimeout(resolve, job.warmupMs));
  const cpu0 = process.cpuUsage();
  const sent0 = sent;
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, job.ms));
  const cpu = process.cpuUsage(cpu0);
  const report: FloorReport = {
    sent: sent - sent0,
    userUs: cpu.user,
    systemUs: cpu.system,
    seconds: (performance.now() - t0) / 1000,
  };
  clearInterval(timer);
  for (const socket of sockets) socket.close();
  return report;
}

process.once('message', (job: FloorJob) => {
  run(job).then(
    (report) => process.send!(report, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
