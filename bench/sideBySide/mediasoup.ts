/**
 * mediasoup 3.19.3's C++ worker, the peer the side-by-side benchmarks measure Skein against
 * (/work/shared/peers/README.md). Only benchmarks load it, and only when it is there: nothing
 * in `npm test`, `npm ci` or CI needs it.
 *
 * The worker binary: MEDIASOUP_WORKER_BIN, else `shared/peers/mediasoup-worker` in the first
 * ancestor of the repository that has it (`../shared/peers/` from a checkout beside it).
 * The Node package: `mediasoup@3.19.3` installed with `--ignore-scripts` (its worker download
 * and build never run) into a scratch folder, node_modules/.skein-bench-peers/ (or
 * SKEIN_BENCH_PEERS_DIR), on first use. SKEIN_BENCH_MEDIASOUP=0 skips it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { createWorker as skeinCreateWorker } from '../../src/index.js';

export const MEDIASOUP_VERSION = '3.19.3';

/** The repository root (dist/bench/sideBySide → up three, or bench/sideBySide → up two). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bench'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

function defaultWorkerBin(root: string): string | undefined {
  let dir = dirname(root);
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'shared', 'peers', 'mediasoup-worker');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * mediasoup's API as the benches use it. It is the API Skein follows, so the benches drive
 * both through Skein's types (only what both have is called).
 */
export interface MediasoupPeer {
  createWorker: typeof skeinCreateWorker;
  version: string;
  workerBin: string;
}

let loaded: Promise<MediasoupPeer | string> | undefined;

/** mediasoup, or the one line saying why it is skipped. Loaded once. */
export function loadMediasoup(): Promise<MediasoupPeer | string> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<MediasoupPeer | string> {
  const skip = (why: string): string => `mediasoup ${MEDIASOUP_VERSION}: skipped (${why})`;
  if (process.env.SKEIN_BENCH_MEDIASOUP === '0') return skip('SKEIN_BENCH_MEDIASOUP=0');
  const root = repoRoot();
  const workerBin = process.env.MEDIASOUP_WORKER_BIN || defaultWorkerBin(root);
  if (!workerBin || !existsSync(workerBin)) {
    return skip(
      `no worker binary: set MEDIASOUP_WORKER_BIN (${workerBin ?? '../shared/peers/mediasoup-worker'} is absent)`,
    );
  }
  const scratch = resolve(
    process.env.SKEIN_BENCH_PEERS_DIR || join(root, 'node_modules', '.skein-bench-peers'),
    `mediasoup-${MEDIASOUP_VERSION}`,
  );
  const entry = join(scratch, 'node_modules', 'mediasoup', 'node', 'lib', 'index.js');
  if (!existsSync(entry)) {
    try {
      mkdirSync(scratch, { recursive: true });
      writeFileSync(join(scratch, 'package.json'), '{ "name": "scratch", "private": true }\n');
      execFileSync(
        'npm',
        [
          'install',
          '--no-save',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          `mediasoup@${MEDIASOUP_VERSION}`,
        ],
        { cwd: scratch, stdio: 'ignore', timeout: 180_000 },
      );
    } catch (error) {
      return skip(`npm install into ${scratch} failed: ${(error as Error).message}`);
    }
    if (!existsSync(entry)) return skip(`npm install did not provide ${entry}`);
  }
  // mediasoup reads the variable when it spawns a worker.
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  const module = (await import(pathToFileURL(entry).href)) as {
    createWorker: typeof skeinCreateWorker;
    version: string;
  };
  return { createWorker: module.createWorker, version: module.version, workerBin };
}
