/** The worker modes every Worker and Router suite runs in. */
import type { WorkerMode } from '../../src/index.js';

export const MODES: WorkerMode[] = ['thread', 'process'];

// Worker logs of deliberate failures would only be noise in test output.
process.env.SKEIN_QUIET = '1';
