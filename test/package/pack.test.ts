/**
 * The npm package: what `npm pack` puts in it (the built library, its declarations, README and
 * package.json; no tests, benchmarks, sources or the videorooms app), and that the library runs
 * from the unpacked tarball alone, workers included. Packs with --ignore-scripts: the test runs
 * from dist/, which the prepack build would clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Skein from '../../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface PackResult {
  filename: string;
  files: { path: string }[];
}

test('npm pack ships the library alone, and it runs from the tarball', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  const [pack] = JSON.parse(out) as PackResult[];
  const paths = pack.files.map((f) => f.path);
  const stray = paths.filter(
    (p) => !(p === 'README.md' || p === 'package.json' || /^dist\/src\/.+\.(js|d\.ts)$/.test(p)),
  );
  assert.deepEqual(stray, [], 'only the library, README and package.json');
  for (const entry of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/types.d.ts']) {
    assert.ok(paths.includes(entry), entry);
  }
  const scripts = paths.filter((p) => p.endsWith('.js'));
  const missingTypes = scripts.filter((p) => !paths.includes(p.replace(/\.js$/, '.d.ts')));
  assert.deepEqual(missingTypes, [], 'every module has its declarations');

  execFileSync('tar', ['-xzf', join(dir, pack.filename), '-C', dir], { timeout: 30_000 });
  const unpacked = join(dir, 'package');
  // The dependencies an installer would fetch, taken from this checkout.
  symlinkSync(join(root, 'node_modules'), join(unpacked, 'node_modules'));
  assert.ok(!existsSync(join(unpacked, 'src')));
  const skein = (await import(
    pathToFileURL(join(unpacked, 'dist/src/index.js')).href
  )) as typeof Skein;
  assert.match(skein.version, /^\d+\.\d+\.\d+/);
  for (const mode of ['thread', 'process'] as const) {
    const worker = await skein.createWorker({ mode });
    const router = await worker.createRouter({
      mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
    });
    assert.ok(router.rtpCapabilities.codecs!.length > 0, mode);
    worker.close();
  }
});
