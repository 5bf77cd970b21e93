/**
 * A worker driven through its raw channel (no control-layer validation in
 * between), with one entity of each kind, for the worker-side input tests.
 */
import { spawnThread } from '../../src/channel/hosts/threadHost.js';
import { spawnProcess } from '../../src/channel/hosts/processHost.js';
import type { WorkerHost } from '../../src/channel/hosts/WorkerHost.js';

export const rawSettings = { logLevel: 'none', logTags: [], rtcMinPort: 10000, rtcMaxPort: 59999 };

export async function startRawWorker(mode: string, memoryLimitMb?: number): Promise<WorkerHost> {
  const host =
    mode === 'thread'
      ? spawnThread({ settings: rawSettings, memoryLimitMb })
      : spawnProcess({ settings: rawSettings, memoryLimitMb });
  await new Promise<void>((resolve) => {
    host.channel.onNotification('worker', (event) => {
      if (event === 'running') resolve();
    });
  });
  return host;
}

/** Ids of the entities createRawEntities() makes. */
export const RAW = { router: 'r1', transport: 't1', producer: 'p1', consumer: 'c1' } as const;

/** A VP8 producer's parameters and mapping as the control layer would send them. */
export function rawProduceData(producerId: string, encodings: unknown[] = [{ ssrc: 1111 }]) {
  return {
    producerId,
    kind: 'video',
    rtpParameters: {
      mid: '0',
      codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
      encodings,
    },
    rtpMapping: {
      codecs: [{ payloadType: 96, mappedPayloadType: 101 }],
      encodings: encodings.map((_, i) => ({ mappedSsrc: 5000 + i })),
    },
  };
}

/** A router, a transport on it, a producer and a consumer of it. */
export async function createRawEntities(host: WorkerHost): Promise<void> {
  const { channel } = host;
  await channel.request('worker.createRouter', undefined, { routerId: RAW.router });
  await channel.request('router.createWebRtcTransport', RAW.router, {
    transportId: RAW.transport,
    listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
  });
  await channel.request('transport.produce', RAW.transport, rawProduceData(RAW.producer));
  await channel.request('transport.consume', RAW.transport, {
    consumerId: RAW.consumer,
    producerId: RAW.producer,
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
      encodings: [{ ssrc: 7777 }],
    },
  });
}
