// The npm package's build (prepack): the library alone, from a clean dist/, so nothing stale
// or test-only is packed. The next `npm run build` rebuilds the rest from scratch.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.lib.json'], {
  cwd: new URL('..', import.meta.url),
  stdio: 'inherit',
});
