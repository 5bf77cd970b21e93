/**
 * Fuzzing the videorooms signaling over a live WebSocket: valid request
 * shapes with random mutations (using real ids of this and other
 * participants), random JSON values and random bytes. A finding is a
 * request with no reply, an `internal` reply, or the server failing; after
 * the run /health answers and a fresh client can join.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../examples/videorooms/server.js';
import { Bystander, Client, health, vp8Parameters } from '../videorooms/client.js';
import { testConfig } from '../videorooms/config.js';
import { fuzzRuns, reportFuzz } from './budget.js';

type Outcome = { reply: { ok?: boolean; error?: { code: string } } } | 'closed' | 'timeout';

/** One raw connection: each message sent gets the next response, or the socket closes. */
class FuzzSocket {
  readonly #ws: WebSocket;
  readonly #pending: ((outcome: Outcome) => void)[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { type: string; error?: { code: string } };
      if (message.type === 'response') this.#pending.shift()?.({ reply: message });
    });
    ws.on('close', () => {
      for (const resolve of this.#pending.splice(0)) resolve('closed');
    });
    ws.on('error', () => {});
  }

  static async open(url: string): Promise<FuzzSocket> {
    const ws = new WebSocket(url.replace('http', 'ws') + '/ws');
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new FuzzSocket(ws);
  }

  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  exchange(data: string | Uint8Array, binary = false): Promise<Outcome> {
    if (!this.open) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = this.#pending.indexOf(done);
        if (index !== -1) this.#pending.splice(index, 1);
        resolve('timeout');
      }, 3000);
      const done = (outcome: Outcome): void => {
        clearTimeout(timer);
        resolve(outcome);
      };
      this.#pending.push(done);
      this.#ws.send(data, { binary });
    });
  }

  close(): void {
    this.#ws.terminate();
  }
}

/** Every path to a value inside `value` (objects and arrays), the root included. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (out.length > 200) return out;
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

type Mutation =
  | { kind: 'set'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'wrap'; depth: number }
  | { kind: 'repeat'; times: number };

/** Applies `mutation` at the `pick`-th path of a copy of `message`. */
function mutate(message: Record<string, unknown>, pick: number, mutation: Mutation): unknown {
  const copy = structuredClone(message);
  const all = paths(copy);
  const path = all[pick % all.length];
  if (path.length === 0) return mutation.kind === 'set' ? mutation.value : copy;
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], copy) as Record<
    string | number,
    unknown
  >;
  const key = path[path.length - 1];
  const current = parent[key];
  switch (mutation.kind) {
    case 'set':
      parent[key] = mutation.value;
      break;
    case 'delete':
      delete parent[key];
      break;
    case 'wrap': {
      let wrapped = current;
      for (let i = 0; i < mutation.depth; i++) wrapped = [wrapped];
      parent[key] = wrapped;
      break;
    }
    case 'repeat':
      parent[key] = Array.from({ length: mutation.times }, () => current);
      break;
  }
  return copy;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    value: fc.constantFrom(
      -1,
      0,
      2 ** 32,
      Number.MAX_SAFE_INTEGER + 2,
      1e308,
      '',
      'x'.repeat(300),
      '__proto__',
      'constructor',
      null,
      [],
      {},
      true,
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const) }),
  fc.record({ kind: fc.constant('wrap' as const), depth: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('repeat' as const), times: fc.integer({ min: 2, max: 300 }) }),
);

describe('fuzz: videorooms signaling', () => {
  let server: RunningServer;
  let peer: Bystander;
  let peerProducerId: string;
  const logLines: string[] = [];
  let inputs = 0;
  let crashes = 0;
  const findings: string[] = [];

  function judge(input: string, outcome: Outcome): void {
    inputs++;
    const bad =
      outcome === 'timeout' ||
      (typeof outcome === 'object' && outcome.reply.error?.code === 'internal');
    if (bad) {
      crashes++;
      if (findings.length < 5) findings.push(`${input.slice(0, 200)} → ${JSON.stringify(outcome)}`);
    }
  }

  before(async () => {
    server = await startServer(
      testConfig({ messageRate: 100_000, messageBurst: 100_000, maxProducers: 100 }),
      { log: (line) => logLines.push(line) },
    );
    // A participant in the fuzzed room, whose ids the fuzzer may name.
    peer = await Bystander.join(server, 'fuzz');
    const produced = await peer.client.request('produce', {
      transportId: peer.sendTransportId,
      kind: 'video',
      rtpParameters: vp8Parameters(50_000),
    });
    assert.equal(produced.ok, true);
    peerProducerId = produced.data!.producerId as string;
    const producedData = await peer.client.request('produceData', {
      transportId: peer.sendTransportId,
      sctpStreamParameters: { streamId: 0, ordered: true },
      label: 'chat',
    });
    assert.equal(producedData.ok, true, JSON.stringify(producedData.error));
    peerDataProducerId = producedData.data!.dataProducerId as string;
  });
  after(async () => {
    peer.client.close();
    await server.close();
    reportFuzz('videorooms-signaling', inputs, crashes);
  });

  test('mutated requests of every type, from a joined participant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom(
              'join',
              'connectTransport',
              'produce',
              'consume',
              'resumeConsumer',
              'setTileSize',
              'pauseProducer',
              'resumeProducer',
              'closeProducer',
              'produceData',
              'consumeData',
              'closeDataProducer',
              'leave',
            ),
            fc.nat(),
            fc.option(mutationArb, { nil: undefined }),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        async (steps) => {
          const socket = await FuzzSocket.open(server.url);
          try {
            const joined = await socket.exchange(
              JSON.stringify({ id: 0, type: 'join', roomId: 'fuzz', displayName: 'fz' }),
            );
            assert.ok(typeof joined === 'object' && joined.reply.ok, 'the fuzz client joins');
            const data = (joined.reply as { data: Record<string, { id: string }> }).data;
            const ids = {
              send: data.sendTransport.id,
              recv: data.recvTransport.id,
              caps: data.routerRtpCapabilities,
            };
            let id = 1;
            for (const [type, pick, mutation] of steps) {
              const template = templates(type, ids, pick, peerProducerId, peer.sendTransportId);
              const message = { id: id++, ...template };
              const value = mutation ? mutate(message, pick, mutation) : message;
              const text = JSON.stringify(value);
              judge(text, await socket.exchange(text));
              if (!socket.open) break;
            }
          } finally {
            socket.close();
          }
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
    assert.deepEqual(findings, []);
  });

  test('random JSON values and random bytes, as text and binary frames', async () => {
    let socket = await FuzzSocket.open(server.url);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc
              .jsonValue({ maxDepth: 30 })
              .map((v) => ({ data: JSON.stringify(v) ?? 'null', binary: false })),
            fc.record({
              data: fc.string({ unit: 'binary', maxLength: 300 }),
              binary: fc.constant(false),
            }),
            fc.record({ data: fc.uint8Array({ maxLength: 300 }), binary: fc.boolean() }),
            fc
              .record({ id: fc.jsonValue({ maxDepth: 1 }), type: fc.jsonValue({ maxDepth: 1 }) })
              .map((v) => ({ data: JSON.stringify(v), binary: false })),
          ),
          async ({ data, binary }) => {
            if (!socket.open) socket = await FuzzSocket.open(server.url);
            // Invalid UTF-8 in a text frame closes the socket (RFC 6455 §8.1): that is an answer.
            judge(String(data).slice(0, 200), await socket.exchange(data, binary));
          },
        ),
        { numRuns: fuzzRuns(1500) },
      );
    } finally {
      socket.close();
    }
    assert.deepEqual(findings, []);
  });

  test('afterwards the server answers /health, a fresh client joins, the peer works', async () => {
    assert.equal((await health(server)).status, 'ok');
    peer.client.notifications.length = 0;
    await peer.assertWorks();
    const fresh = await Client.connect(server.url);
    try {
      const joined = await fresh.request('join', { roomId: 'fuzz', displayName: 'New' });
      assert.equal(joined.ok, true, JSON.stringify(joined.error));
      // The peer's producer, named by every fuzzed pause/close, is untouched.
      const peers = joined.data!.peers as {
        producers: { producerId: string; paused: boolean }[];
      }[];
      assert.deepEqual(
        peers.flatMap((p) => p.producers),
        [{ producerId: peerProducerId, kind: 'video', paused: false, source: 'camera' }],
      );
    } finally {
      fresh.close();
    }
    assert.ok(logLines.length <= 20, `the fuzz run logged ${logLines.length} lines`);
  });
});

/** A valid request of `type` (without id), naming ids this client owns or others own. */
/** The bystander's data producer, which the fuzzed requests may name. */
let peerDataProducerId = '';

function templates(
  type: string,
  own: { send: string; recv: string; caps: unknown },
  pick: number,
  peerProducerId: string,
  peerTransportId: string,
): Record<string, unknown> {
  const transportId = [own.send, own.recv, peerTransportId][pick % 3];
  switch (type) {
    case 'join':
      return { type, roomId: 'fuzz', displayName: 'fz' };
    case 'connectTransport':
      return {
        type,
        transportId,
        dtlsParameters: {
          role: 'client',
          fingerprints: [{ algorithm: 'sha-256', value: Array(32).fill('AB').join(':') }],
        },
      };
    case 'produce':
      return {
        type,
        transportId: own.send,
        kind: pick % 2 ? 'video' : 'audio',
        rtpParameters: vp8Parameters(60_000 + (pick % 10_000) * 10, 1 + (pick % 4)),
        // The source field: screen sharing's one-per-room rule and the kinds each may be.
        appData: { source: ['camera', 'screen', 'mic', 'other'][pick % 4] },
      };
    case 'consume':
      return { type, producerId: peerProducerId, rtpCapabilities: own.caps };
    case 'resumeConsumer':
      return { type, consumerId: peerProducerId };
    case 'setTileSize':
      return { type, consumerId: peerProducerId, width: pick % 4000, height: (pick * 7) % 3000 };
    case 'produceData':
      return {
        type,
        transportId,
        sctpStreamParameters: { streamId: pick % 1100, ordered: pick % 2 === 0 },
        label: 'chat',
        protocol: '',
      };
    case 'consumeData':
      return { type, dataProducerId: peerDataProducerId };
    case 'closeDataProducer':
      return { type, dataProducerId: peerDataProducerId };
    case 'pauseProducer':
    case 'resumeProducer':
    case 'closeProducer':
      return { type, producerId: peerProducerId };
    default:
      return { type };
  }
}
