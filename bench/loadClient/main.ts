/**
 * The forwarding benchmark's load client: a child process (its own event loop and its own CPU
 * accounting, apart from the SFU worker's) that plays the WebRTC endpoints. It obeys the
 * parent's requests over the IPC channel (see messages.ts): open connections, start a video
 * stream on a producer connection, report counters.
 */
import { createDtlsCertificate, type DtlsCertificate } from '../../src/rtc/dtls/index.js';
import { Connection, LatencyHistogram, epochMs, latency } from './Connection.js';
import type { ClientReply, ClientRequest, Snapshot } from './messages.js';
import { VideoSource } from './VideoSource.js';

/** The pacing timer: frames are sent when due, checked this often. */
const TICK_MS = 1;

const connections = new Map<string, Connection>();
const sources = new Map<string, VideoSource>();
let certificate: DtlsCertificate | undefined;
let verifyEvery = 1;
let latencyPerConnection = false;
let ticker: NodeJS.Timeout | undefined;

function reply(message: ClientReply): void {
  process.send?.(message);
}

function tick(): void {
  const now = performance.now();
  for (const source of sources.values()) source.tick(now);
}

function snapshot(): Snapshot {
  const cpu = process.cpuUsage();
  const result: Snapshot = {
    atMs: performance.now(),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    sent: 0,
    due: 0,
    keyFramesSent: 0,
    keyFrameRequestsReceived: 0,
    receivers: {},
    latencyCounts: [...latency.counts],
    latencySumMs: latency.sumMs,
  };
  for (const source of sources.values()) {
    result.sent += source.sent;
    result.due += source.due;
    result.keyFramesSent += source.keyFramesSent;
    result.keyFrameRequestsReceived += source.keyFrameRequestsReceived;
  }
  for (const [id, connection] of connections) {
    if (!sources.has(id)) result.receivers[id] = { ...connection.counters };
    if (connection.latency) {
      (result.latencyByConnection ??= {})[id] = [...connection.latency.counts];
    }
  }
  return result;
}

async function handle(request: ClientRequest): Promise<ClientReply> {
  const { rid } = request;
  switch (request.type) {
    case 'init': {
      certificate ??= await createDtlsCertificate();
      return { rid, type: 'ready', fingerprints: [...certificate.fingerprints] };
    }
    case 'connect': {
      if (!certificate) throw new Error('not initialised');
      const started = performance.now();
      const connection = await Connection.open(request.id, request.remote, certificate);
      connection.verifyEvery = verifyEvery;
      if (latencyPerConnection) connection.latency = new LatencyHistogram();
      connections.set(request.id, connection);
      return {
        rid,
        type: 'connected',
        srtpCryptoSuite: connection.srtpCryptoSuite ?? '?',
        ms: performance.now() - started,
      };
    }
    case 'stream': {
      const connection = connections.get(request.id);
      if (!connection) throw new Error(`no connection ${request.id}`);
      let source = sources.get(request.id);
      if (source) {
        source.setSettings(request.settings);
      } else {
        source = new VideoSource(request.settings, (packet) => connection.sendRtp(packet));
        const s = source;
        connection.onKeyFrameRequest = () => s.requestKeyFrame();
        sources.set(request.id, source);
      }
      ticker ??= setInterval(tick, TICK_MS);
      return { rid, type: 'ok' };
    }
    case 'receive': {
      verifyEvery = Math.max(1, Math.floor(request.verifyEvery));
      latencyPerConnection = request.latencyPerConnection ?? latencyPerConnection;
      for (const connection of connections.values()) {
        connection.verifyEvery = verifyEvery;
        if (latencyPerConnection) connection.latency ??= new LatencyHistogram();
        else connection.latency = undefined;
      }
      return { rid, type: 'ok' };
    }
    case 'clock':
      return { rid, type: 'clock', epochMs: epochMs() };
    case 'snapshot':
      return { rid, type: 'snapshot', snapshot: snapshot() };
    case 'disconnect': {
      connections.get(request.id)?.close();
      connections.delete(request.id);
      sources.delete(request.id);
      return { rid, type: 'ok' };
    }
    case 'exit':
      clearInterval(ticker);
      for (const connection of connections.values()) connection.close();
      connections.clear();
      sources.clear();
      setImmediate(() => process.disconnect?.());
      return { rid, type: 'ok' };
  }
}

process.on('message', (message: ClientRequest) => {
  handle(message).then(reply, (error: unknown) =>
    reply({
      rid: message.rid,
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    }),
  );
});
process.on('disconnect', () => process.exit(0));
