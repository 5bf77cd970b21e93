/**
 * Builds the room page (page/client.js with mediasoup-client and protoo-client) into a folder
 * the server serves, with esbuild. Takes a few hundred milliseconds, so the test and the
 * development entry point build it when they start rather than in `npm run build`.
 */
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/demoApp/bundle.js → the repository root. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGE_DIR = join(REPO_ROOT, 'test', 'demoApp', 'page');

export async function buildPage(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await copyFile(join(PAGE_DIR, 'index.html'), join(outDir, 'index.html'));
  await build({
    entryPoints: [join(PAGE_DIR, 'client.js')],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome111',
    outfile: join(outDir, 'app.bundle.js'),
    logLevel: 'warning',
  });
}
