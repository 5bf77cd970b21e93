/**
 * The small pieces behind the abuse limits, alone: the token bucket, the
 * rate-limited log, request-target parsing, nesting depth, bounded sends and
 * the limit flags.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_LIMITS,
  HELP,
  ConfigError,
  parseConfig,
  type Config,
} from '../../examples/videorooms/config.js';
import { RateLimitedLog } from '../../examples/videorooms/log.js';
import {
  MAX_DEPTH,
  ProtocolError,
  nestingDepth,
  parseRequest,
  sourceField,
} from '../../examples/videorooms/protocol.js';
import { requestPath } from '../../examples/videorooms/requestTarget.js';
import { sendBounded } from '../../examples/videorooms/Session.js';
import { TokenBucket } from '../../examples/videorooms/TokenBucket.js';

describe('videorooms limits, piece by piece', () => {
  test('token bucket: a burst, then the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    let taken = 0;
    for (let i = 0; i < 100; i++) if (bucket.take()) taken++;
    assert.equal(taken, 5);
    now += 1000;
    taken = 0;
    for (let i = 0; i < 100; i++) if (bucket.take()) taken++;
    assert.equal(taken, 5, 'refilled to the burst, not beyond');
    now += 100;
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
    now -= 5000; // a clock step back takes nothing and gives nothing
    assert.equal(bucket.take(), false);
  });

  test('rate-limited log: a burst of lines, then one a second, counting the dropped', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RateLimitedLog(
      (line) => lines.push(line),
      () => now,
    );
    for (let i = 0; i < 1000; i++) log.line(`line ${i}`);
    assert.equal(lines.length, 10);
    now += 1000;
    log.line('later');
    assert.equal(lines.length, 11);
    assert.match(lines[10], /^later \(990 earlier lines dropped/);
  });

  test('produce appData.source: defaults by kind, screen only for video, nothing else', () => {
    assert.equal(sourceField(undefined, 'audio'), 'mic');
    assert.equal(sourceField(undefined, 'video'), 'camera');
    assert.equal(sourceField({ width: 640, height: 480 }, 'video'), 'camera');
    assert.equal(sourceField({ source: 'screen' }, 'video'), 'screen');
    assert.equal(sourceField({ source: 'camera' }, 'video'), 'camera');
    assert.equal(sourceField({ source: 'mic' }, 'audio'), 'mic');
    for (const [appData, kind] of [
      [{ source: 'screen' }, 'audio'],
      [{ source: 'mic' }, 'video'],
      [{ source: 'SCREEN' }, 'video'],
      [{ source: 7 }, 'video'],
    ] as const) {
      assert.throws(
        () => sourceField(appData, kind),
        (error: unknown) => error instanceof ProtocolError && error.code === 'bad-request',
      );
    }
  });

  test('request targets', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['/', '/'],
      ['/ws', '/ws'],
      ['/ws?x=%', '/ws'],
      ['/health#x', '/health'],
      ['/a%20b', '/a b'],
      ['//x:99999', '//x:99999'],
      ['http://h/ws', '/ws'],
      ['HTTP://h:80/health?q', '/health'],
      ['http://x:99999/ws', undefined],
      ['http://[::1/ws', undefined],
      ['ws://h/ws', undefined],
      ['*', undefined],
      ['h:80', undefined],
      ['/%', undefined],
      ['/%E0%A4%A', undefined],
      ['/%00', undefined],
      ['', undefined],
      [undefined, undefined],
      ['/' + 'a'.repeat(5000), undefined],
    ];
    for (const [target, path] of cases) assert.equal(requestPath(target), path, String(target));
  });

  test('nesting depth: brackets in strings and escapes do not count', () => {
    assert.equal(nestingDepth('{}'), 1);
    assert.equal(nestingDepth('{"a":[[{"b":[]}]]}'), 5);
    assert.equal(nestingDepth('{"a":"[[[[\\"[[[{{{"}'), 1);
    assert.equal(nestingDepth('"\\\\"'), 0);
    assert.equal(nestingDepth('['.repeat(100_000)), 100_000);
    const deep = `{"id":1,"type":"x","a":${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}}`;
    assert.throws(() => parseRequest(deep), { code: 'bad-request' });
    const ok = `{"id":1,"type":"x","a":${'['.repeat(MAX_DEPTH - 1)}${']'.repeat(MAX_DEPTH - 1)}}`;
    assert.equal(parseRequest(ok).type, 'x');
    assert.throws(() => parseRequest(`{"id":1,"type":"${'t'.repeat(33)}"}`), {
      code: 'bad-request',
    });
  });

  test('bounded send: a reader that does not take what it is sent is terminated', () => {
    const socket = {
      OPEN: 1 as const,
      readyState: 1 as 0 | 1 | 2 | 3,
      bufferedAmount: 0,
      sent: [] as string[],
      terminated: false,
      send(text: string) {
        this.sent.push(text);
      },
      terminate() {
        this.terminated = true;
        this.readyState = 3;
      },
    };
    sendBounded(socket, { a: 1 }, 1000);
    assert.deepEqual(socket.sent, ['{"a":1}']);
    socket.bufferedAmount = 1001;
    sendBounded(socket, { a: 2 }, 1000);
    assert.equal(socket.terminated, true);
    assert.equal(socket.sent.length, 1);
    sendBounded(socket, { a: 3 }, 1000);
    assert.equal(socket.sent.length, 1, 'nothing is sent on a closed socket');
  });

  test('limit flags and environment variables, and their help', () => {
    const config = parseConfig(
      ['--max-producers', '2', '--message-rate=7', '--heartbeat-ms', '500'],
      { MAX_ENCODINGS: '3', MAX_PRODUCERS: '5' },
    ) as Config;
    assert.equal(config.limits.maxProducers, 2, 'a flag beats the environment');
    assert.equal(config.limits.maxEncodings, 3);
    assert.equal(config.limits.messageRate, 7);
    assert.equal(config.limits.heartbeatMs, 500);
    assert.equal(config.limits.maxConsumers, DEFAULT_LIMITS.maxConsumers);
    assert.throws(() => parseConfig(['--max-transports', '1'], {}), ConfigError);
    assert.throws(() => parseConfig([], { MESSAGE_RATE: '0' }), ConfigError);
    assert.throws(() => parseConfig([], { MAX_ENCODINGS: 'x' }), ConfigError);
    assert.throws(
      () => parseConfig([], { HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' }),
      ConfigError,
    );
    for (const flag of [
      '--max-producers',
      '--max-consumers',
      '--max-transports',
      '--max-encodings',
      '--max-codecs',
      '--max-header-extensions',
      '--message-rate',
      '--message-burst',
      '--max-room-participants',
      '--max-connections',
      '--heartbeat-ms',
      '--max-send-buffer',
      '--headers-timeout-ms',
      '--request-timeout-ms',
    ]) {
      assert.ok(HELP.includes(flag), `--help lists ${flag}`);
    }
  });
});
