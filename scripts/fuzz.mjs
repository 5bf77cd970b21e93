/* global process, console, URL, setTimeout, clearTimeout */
/**
 * `npm run fuzz`: runs every test/fuzz/*.test.ts (built into dist/test/fuzz) for about
 * `--minutes N` in all (default 10), one file at a time, and prints per target the inputs
 * tried and the crashes found. Exits non-zero on any crash or failed file.
 *
 * Each file is first run at SKEIN_FUZZ_SCALE=1 (its `npm test` budget) to time it; the rest of
 * the time is then shared equally, each file getting the scale that fills its share, in up to
 * three rounds (each re-measures the files' cost). A file that overruns its share threefold is
 * stopped and counted as failed. `--scale S` runs each file once at that scale instead.
 *
 *   node scripts/fuzz.mjs [--minutes N] [--scale S] [--seed N] [name-filter]
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = join(root, 'test/fuzz');
const builtDir = join(root, 'dist/test/fuzz');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  process.argv.splice(i, 2);
  return value;
}

const minutes = option('minutes', 10);
const fixedScale = option('scale', undefined);
const seed = option('seed', undefined);
const filter = process.argv[2];

const files = readdirSync(sourceDir)
  .filter((f) => f.endsWith('.test.ts') && (!filter || f.includes(filter)))
  .sort()
  .map((f) => {
    const built = join(builtDir, f.replace(/\.ts$/, '.js'));
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
    return built;
  });
if (files.length === 0) throw new Error('no fuzz files');

const REPORT = /fuzz (\S+): (\d+) inputs, (\d+) crashes/;
/** target → { inputs, crashes } over every run. */
const totals = new Map();

/** Runs one file; resolves with its exit status, duration and output. */
function run(file, scale, timeoutMs) {
  return new Promise((resolve) => {
    const started = Date.now();
    const env = { ...process.env, SKEIN_FUZZ_SCALE: String(scale) };
    if (seed !== undefined) env.SKEIN_FUZZ_SEED = String(seed);
    const child = spawn(
      process.execPath,
      ['--test', '--test-concurrency=1', '--test-reporter=tap', '--test-timeout=0', file],
      { cwd: join(root, 'dist/test'), env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const line of output.split('\n')) {
        const m = REPORT.exec(line);
        if (!m) continue;
        const t = totals.get(m[1]) ?? { inputs: 0, crashes: 0 };
        t.inputs += Number(m[2]);
        t.crashes += Number(m[3]);
        totals.set(m[1], t);
      }
      resolve({ ok: code === 0 && !timedOut, timedOut, ms: Date.now() - started, output });
    });
  });
}

const name = (file) => file.slice(builtDir.length + 1);
const failed = [];
function check(file, result) {
  if (result.ok) return;
  failed.push(name(file));
  const why = result.timedOut ? 'timed out' : 'failed';
  console.log(`\n${name(file)} ${why}:\n${result.output.split('\n').slice(-60).join('\n')}`);
}

const budgetMs = minutes * 60_000;
const start = Date.now();
const remaining = () => budgetMs - (Date.now() - start);
/** Milliseconds one unit of scale costs each file, beyond ~250 ms of node and module start-up. */
const perScale = new Map();
const learn = (file, scale, ms) => perScale.set(file, Math.max(ms - 250, 20) / scale);

if (fixedScale !== undefined) {
  for (const file of files) {
    console.log(`fuzz: ${name(file)} at scale ${fixedScale}`);
    check(file, await run(file, fixedScale, Math.max((3 * budgetMs) / files.length, 60_000)));
  }
} else {
  console.log(`fuzz: timing ${files.length} files at scale 1`);
  for (const file of files) {
    const r = await run(file, 1, 120_000);
    check(file, r);
    learn(file, 1, r.ms);
  }
  // Rounds until the time is spent: each shares what is left and re-learns each file's cost,
  // since a scale-1 run is mostly start-up and underestimates the rate.
  for (let round = 1; round <= 3 && remaining() > budgetMs * 0.1; round++) {
    for (const [i, file] of files.entries()) {
      // What is left, shared among the files still to run in this round; the first round aims
      // at half of it, as a scale-1 timing is a rough guide.
      const shareMs = Math.max(0, remaining()) / (files.length - i);
      const aim = round === 1 ? shareMs / 2 : shareMs;
      const scale = Math.max(1, Math.floor(aim / perScale.get(file)));
      console.log(`fuzz: round ${round}: ${name(file)} at scale ${scale}`);
      const r = await run(file, scale, Math.max(3 * shareMs, 60_000));
      check(file, r);
      learn(file, scale, r.ms);
    }
  }
}

console.log(`\nfuzz: ${((Date.now() - start) / 60_000).toFixed(1)} min, ${files.length} files`);
let crashes = 0;
let inputs = 0;
for (const [target, t] of [...totals].sort()) {
  console.log(
    `  ${target.padEnd(28)} ${String(t.inputs).padStart(10)} inputs  ${t.crashes} crashes`,
  );
  crashes += t.crashes;
  inputs += t.inputs;
}
console.log(`  ${'total'.padEnd(28)} ${String(inputs).padStart(10)} inputs  ${crashes} crashes`);
if (failed.length > 0) console.log(`failed files: ${failed.join(', ')}`);
process.exit(crashes > 0 || failed.length > 0 ? 1 : 0);
