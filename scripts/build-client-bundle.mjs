// Bundles mediasoup-client for the browser (end-to-end tests) with esbuild:
// an IIFE that defines `window.mediasoupClient`, written to
// dist/e2e/mediasoup-client.bundle.js. Runs at build time (npm run build);
// the tests never load mediasoup-client from a CDN.
/* global console */
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'e2e', 'mediasoup-client.bundle.js');

const started = performance.now();
await mkdir(dirname(outfile), { recursive: true });
await build({
  stdin: {
    contents: "export * from 'mediasoup-client';",
    resolveDir: root,
    sourcefile: 'mediasoup-client-entry.js',
    loader: 'js',
  },
  bundle: true,
  format: 'iife',
  globalName: 'mediasoupClient',
  platform: 'browser',
  target: 'chrome111',
  outfile,
  logLevel: 'warning',
});
const ms = (performance.now() - started).toFixed(0);
console.log(`build-client-bundle: ${join('dist', 'e2e', 'mediasoup-client.bundle.js')} (${ms} ms)`);
