/**
 * memoryLimitMb: whatever a request carries, a worker over its heap limit
 * dies alone (`died`); the host process (this test) lives. A V8 "Reached heap
 * limit" abort in a worker thread would end this whole process, so the test
 * fails by not finishing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnThread } from '../../src/channel/hosts/threadHost.js';
import { spawnProcess } from '../../src/channel/hosts/processHost.js';
import type { WorkerHost } from '../../src/channel/hosts/WorkerHost.js';
import { encodeMessage } from '../../src/channel/codec.js';
import {
  MAX_CHANNEL_MESSAGE_SIZE,
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
} from '../../src/channel/limits.js';
import { createWorker } from '../../src/index.js';
import { MODES } from './modes.js';

const settings = { logLevel: 'none', logTags: [], rtcMinPort: 10000, rtcMaxPort: 59999 };
const LIMIT_MB = 16;
/** Room for the envelope and the `{"routerId":…}` around the payload. */
const ROOM = MAX_CHANNEL_MESSAGE_SIZE - 256;

async function start(mode: string): Promise<WorkerHost> {
  const host =
    mode === 'thread'
      ? spawnThread({ settings, memoryLimitMb: LIMIT_MB })
      : spawnProcess({ settings, memoryLimitMb: LIMIT_MB });
  await new Promise<void>((resolve) => {
    host.channel.onNotification('worker', (event) => {
      if (event === 'running') resolve();
    });
  });
  return host;
}

/** Inputs at the channel's limits, shaped for the most heap per byte of JSON. */
const shapes: [string, () => unknown][] = [
  ['one string filling the message', () => 'x'.repeat(ROOM)],
  ['a two-byte string filling the message', () => 'é'.repeat(ROOM / 2)],
  [
    'the most objects, each with a long string',
    () =>
      new Array<unknown>(MAX_JSON_VALUES / 2 - 8).fill({
        k: 'y'.repeat(ROOM / (MAX_JSON_VALUES / 2) - 12),
      }),
  ],
  [
    'the most floats and a long string',
    () => [new Array(MAX_JSON_VALUES - 8).fill(0.5), 'x'.repeat(ROOM - 300_000)],
  ],
  [
    'the most keys, each long',
    () => {
      const object: Record<string, number> = {};
      const keyLength = Math.floor(ROOM / MAX_JSON_VALUES) - 6;
      for (let i = 0; i < MAX_JSON_VALUES - 8; i++) object[String(i).padStart(keyLength, 'k')] = 0;
      return object;
    },
  ],
  [
    'the deepest arrays, many times',
    () => {
      let deep: unknown = [];
      for (let i = 0; i < MAX_JSON_DEPTH - 3; i++) deep = [deep];
      return new Array<unknown>(Math.floor(MAX_JSON_VALUES / MAX_JSON_DEPTH) - 4).fill(deep);
    },
  ],
];

/** Raw frames no host would send: over the size, depth and value limits (ids no request uses). */
const rawFrames: [string, () => Uint8Array][] = [
  [
    'a 48 MiB request',
    () =>
      encodeMessage({
        t: 'q',
        id: 0x7ffffff1,
        method: 'worker.createRouter',
        data: { routerId: 'x'.repeat(48 << 20) },
      }),
  ],
  [
    'a million empty objects in 3 MiB',
    () => {
      const text = `[${'{},'.repeat(1_000_000)}{}]`;
      return Buffer.concat([
        encodeMessage({ t: 'q', id: 0x7ffffff2, method: 'worker.createRouter' }),
        Buffer.from(text),
      ]);
    },
  ],
  [
    'a million levels of nesting',
    () =>
      Buffer.concat([
        encodeMessage({ t: 'q', id: 0x7ffffff3, method: 'worker.createRouter' }),
        Buffer.from('['.repeat(1e6) + ']'.repeat(1e6)),
      ]),
  ],
];

for (const mode of MODES) {
  describe(`memoryLimitMb holds for any request (${mode} mode)`, () => {
    test(`a ${LIMIT_MB} MiB worker answers or dies alone, for requests at the limits and raw frames past them`, async () => {
      let host = await start(mode);
      const outcomes: string[] = [];
      const run = async (
        label: string,
        send: (h: WorkerHost) => Promise<unknown>,
      ): Promise<void> => {
        let died = false;
        host.onExit(() => {
          died = true;
        });
        const answer = await send(host).then(
          () => 'answered',
          (error: Error) => (died ? 'died' : `answered ${error.name}`),
        );
        // Alive means a ping is answered after it.
        const alive = await host.channel.request('worker.ping').then(
          () => true,
          () => false,
        );
        outcomes.push(`${label}: ${alive ? answer : 'died'}`);
        if (!alive) {
          assert.ok(died || host.channel.closed);
          host.terminate();
          host = await start(mode);
        }
      };
      try {
        for (const [label, make] of shapes) {
          const data = { routerId: 'r', payload: make() };
          await run(label, (h) => h.channel.request('worker.createRouter', undefined, data));
        }
        for (const [label, make] of rawFrames) {
          await run(label, (h) => {
            h.carrier.send(make());
            return Promise.reject(new Error('raw: dropped, or answered under an unused id'));
          });
        }
        // Whatever happened to the workers, this process and a fresh worker are fine.
        const other = await createWorker({ mode });
        await other.dump();
        other.close();
        // The host refused nothing: every shape above is within the channel's limits.
        for (const outcome of outcomes) assert.match(outcome, /answered|died/, outcome);
        console.log(`memoryLimitMb ${LIMIT_MB} (${mode}):\n  ${outcomes.join('\n  ')}`);
      } finally {
        host.channel.close();
        host.terminate();
      }
    });
  });
}
