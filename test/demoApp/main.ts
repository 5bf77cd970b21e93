/**
 * Runs the demo application by itself (development and side-by-side comparison):
 *
 *   node dist/test/demoApp/main.js                       # on Skein
 *   DEMOAPP_SFU=/tmp/ms/node_modules/mediasoup/node/lib/index.js \
 *     MEDIASOUP_WORKER_BIN=/work/shared/peers/mediasoup-worker node dist/test/demoApp/main.js
 *
 * Settings come from the environment (config.ts); open http://IP:PORT/?roomId=r&peerId=p.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPage } from './bundle.js';
import { makeConfig } from './config.js';
import { complaints } from './logger.js';
import { startDemoServer } from './server.js';
import { mediasoup } from './sfu.js';

const publicDir = join(tmpdir(), `demoapp-page-${process.pid}`);
await buildPage(publicDir);
const server = await startDemoServer(makeConfig(), { publicDir });
console.log(`demoApp (SFU ${mediasoup.version}) listening on ${server.url}`);
const stop = (): void => {
  for (const line of complaints) console.log(line);
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
