/**
 * UDP port helpers for the tool peers: a free RTP/RTCP port pair for a receiver that binds
 * port and port + 1 (ffmpeg does), and a wait until another process has bound a port, so a
 * test sends only once the receiver listens (read from /proc/net/udp, Linux).
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';

function bind(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, '0.0.0.0', () => resolve(socket));
  });
}

function close(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

/**
 * An even port p such that p and p + 1 are free right now on every address (the receiver
 * binds 0.0.0.0). Random in 20000–59998; a bounded number of tries.
 */
export async function freeUdpPortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 19999);
    const rtp = await bind(port);
    if (!rtp) continue;
    const rtcp = await bind(port + 1);
    await close(rtp);
    if (!rtcp) continue;
    await close(rtcp);
    return port;
  }
  throw new Error('no free UDP port pair after 50 tries');
}

/** The local UDP ports bound right now (IPv4 and IPv6). */
async function boundUdpPorts(): Promise<Set<number>> {
  const ports = new Set<number>();
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      // "  sl  local_address rem_address ..." with local_address = HEXIP:HEXPORT
      const local = line.trim().split(/\s+/)[1];
      const hex = local?.split(':')[1];
      if (hex) ports.add(parseInt(hex, 16));
    }
  }
  return ports;
}

/** Resolves once every port in `ports` is bound by someone; rejects after `timeoutMs`. */
export async function waitForUdpListeners(
  ports: readonly number[],
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const bound = await boundUdpPorts();
    if (ports.every((port) => bound.has(port))) return;
    if (Date.now() > deadline) throw new Error(`UDP ports ${ports.join(', ')} not bound in time`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
