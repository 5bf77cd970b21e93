// Builds the videorooms web client into dist/examples/videorooms/public/, the
// folder the videorooms server serves: copies index.html and styles.css and
// bundles examples/videorooms/public/app.js (with mediasoup-client) into
// app.bundle.js with esbuild. Runs at build time (npm run build); the page
// never loads anything from a CDN. app.js is checked first by TypeScript
// (`// @ts-check`, strict, DOM types), which the project's tsconfig (Node
// types only) does not cover.
/* global console, process */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'examples', 'videorooms', 'public');
const outdir = join(root, 'dist', 'examples', 'videorooms', 'public');

const started = performance.now();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const check = spawnSync(
  process.execPath,
  [
    tsc,
    '--noEmit',
    '--allowJs',
    '--checkJs',
    '--strict',
    '--skipLibCheck',
    '--target',
    'es2022',
    '--lib',
    'es2022,dom,dom.iterable',
    '--module',
    'esnext',
    '--moduleResolution',
    'bundler',
    join(source, 'app.js'),
  ],
  { cwd: root, stdio: 'inherit' },
);
if (check.status !== 0) {
  console.error('build-videorooms: examples/videorooms/public/app.js does not type-check');
  process.exit(1);
}
await mkdir(outdir, { recursive: true });
await Promise.all(
  ['index.html', 'styles.css'].map((name) => copyFile(join(source, name), join(outdir, name))),
);
await build({
  entryPoints: [join(source, 'app.js')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'chrome111',
  minify: true,
  sourcemap: true,
  outfile: join(outdir, 'app.bundle.js'),
  logLevel: 'warning',
});
const ms = (performance.now() - started).toFixed(0);
console.log(`build-videorooms: ${relative(root, outdir)}/ (${ms} ms)`);
