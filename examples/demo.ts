/**
 * A small demo of the foundation: starts a worker in a thread and one in a
 * child process, creates routers on both, and prints what it did. The
 * videorooms application takes over `npm start` once the media path exists.
 */
import * as skein from '../src/index.js';
import type { RouterRtpCodecCapability } from '../src/index.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
  },
];

console.log(`Skein ${skein.version}`);
skein.observer.on('newworker', (worker) => {
  console.log(`new worker: mode=${worker.mode} pid=${worker.pid} threadId=${worker.threadId}`);
});

for (const mode of ['thread', 'process'] as const) {
  const started = performance.now();
  const worker = await skein.createWorker({ mode, logLevel: 'warn' });
  console.log(`  started in ${(performance.now() - started).toFixed(0)} ms`);
  worker.on('died', (error) => console.error(`worker died: ${error.message}`));
  const router = await worker.createRouter({ mediaCodecs, appData: { room: 'demo' } });
  const codecs = router.rtpCapabilities
    .codecs!.map((c) => `${c.mimeType}/${c.preferredPayloadType}`)
    .join(', ');
  console.log(`  router ${router.id}: ${codecs}`);
  const dump = await worker.dump();
  console.log(`  worker dump: routers=[${dump.routerIds.join(', ')}]`);
  const usage = await worker.getResourceUsage();
  console.log(`  worker CPU: user ${usage.ru_utime} ms, system ${usage.ru_stime} ms`);
  router.close();
  worker.close();
  console.log(`  closed (died=${worker.died})`);
}
