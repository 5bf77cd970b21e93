/**
 * The one place the application names its SFU: everything else imports `mediasoup` (and its
 * types) from here, so running the application on another SFU changes this file only.
 *
 * DEMOAPP_SFU=<path to a mediasoup package> runs the same application on real mediasoup
 * (a development mode for comparing behaviours; see README.md in this folder).
 */
import * as skein from '../../src/index.js';

export type * as types from '../../src/index.js';

async function load(): Promise<typeof skein> {
  const other = process.env.DEMOAPP_SFU;
  if (!other) return skein;
  // mediasoup is CommonJS: its module.exports is the default export.
  const loaded = (await import(other)) as { default: typeof skein };
  return loaded.default;
}

export const mediasoup: typeof skein = await load();
