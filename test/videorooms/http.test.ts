/**
 * Malformed HTTP on every route and on upgrade, over raw TCP: each gets an
 * error status or a closed socket, the server stays up, and a participant of
 * another room still works.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../examples/videorooms/server.js';
import { Bystander, health, portOf, rawHttp } from './client.js';
import { testConfig } from './config.js';

process.env.SKEIN_QUIET = '1';

const HEADERS_TIMEOUT_MS = 500;

/**
 * Opens a connection, writes `start`, then one byte of `drip` every 50 ms;
 * resolves with what came back and how long until the server closed it.
 */
function slowClient(
  port: number,
  start: string,
  drip: string,
  timeoutMs: number,
): Promise<{ response: string; closedAfterMs: number | undefined }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let i = 0;
    const dripper = setInterval(() => {
      if (drip.length > 0) socket.write(drip[i++ % drip.length]);
    }, 50);
    const finish = (closedAfterMs: number | undefined): void => {
      clearInterval(dripper);
      clearTimeout(timer);
      socket.destroy();
      resolve({ response, closedAfterMs });
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => finish(Date.now() - started));
    if (start) socket.write(start);
  });
}

const UPGRADE =
  'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

/** Request targets that are malformed, hostile or merely odd. */
const TARGETS = [
  '//x:99999',
  '//x:99999/ws',
  'http://x:99999/ws',
  'http://[::1/ws',
  'ws://h/ws',
  '*',
  'localhost:3000',
  '/%',
  '/%zz',
  '/%E0%A4%A',
  '/%00',
  '/..%2f..%2f..%2fetc%2fpasswd',
  '/../../../../etc/passwd',
  '/' + 'a'.repeat(8000),
  '',
];

function status(response: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
  return match ? Number(match[1]) : undefined;
}

describe('videorooms HTTP abuse', () => {
  let server: RunningServer;
  let port: number;
  let bystander: Bystander;
  before(async () => {
    server = await startServer(
      testConfig({ headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: 1000 }),
    );
    port = portOf(server);
    bystander = await Bystander.join(server);
  });
  after(async () => {
    bystander.client.close();
    await server.close();
  });

  test('the crash of issue 7: GET //x:99999 with Upgrade: websocket', async () => {
    const { response, closed } = await rawHttp(
      port,
      `GET //x:99999 HTTP/1.1\r\nHost: localhost\r\n${UPGRADE}\r\n`,
    );
    assert.ok(closed);
    assert.equal(status(response), 404);
    assert.equal((await health(server)).status, 'ok');
    await bystander.assertWorks();
  });

  for (const method of ['GET', 'HEAD', 'POST']) {
    for (const upgrade of [false, true]) {
      test(`${method} with malformed targets${upgrade ? ' and Upgrade' : ''}: 4xx, no crash`, async () => {
        for (const target of TARGETS) {
          const { response } = await rawHttp(
            port,
            `${method} ${target} HTTP/1.1\r\nHost: localhost\r\n${upgrade ? UPGRADE : ''}` +
              'Connection: close\r\n\r\n',
          );
          const code = status(response);
          // Nothing but a client error (or a closed socket from the HTTP parser).
          assert.ok(
            code === undefined || (code >= 400 && code < 500),
            `${method} ${target.slice(0, 40)} → ${response.slice(0, 60)}`,
          );
        }
        assert.equal((await health(server)).status, 'ok');
        await bystander.assertWorks();
      });
    }
  }

  test('routes still answer well-formed requests, in origin and absolute form', async () => {
    // The query is not read: an odd one is no error.
    for (const target of ['/health', 'http://localhost/health', '/health?x=%ff', '/health#x']) {
      const { response } = await rawHttp(
        port,
        `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(status(response), 200, target);
    }
    const { response } = await rawHttp(
      port,
      `GET /ws HTTP/1.1\r\nHost: localhost\r\n${UPGRADE}\r\n`,
      500,
    );
    assert.equal(status(response), 101);
  });

  test('missing Host, garbage request lines, huge headers and bare bytes', async () => {
    const requests = [
      'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n',
      `GET /ws HTTP/1.1\r\n${UPGRADE}\r\n`,
      'GET\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      '\x00\x01\x02\xff\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nX: ' + 'y'.repeat(40_000) + '\r\n\r\n',
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      `GET /ws HTTP/1.1\r\nHost: x\r\n${UPGRADE.replace('13', '99')}\r\n`,
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    ];
    for (const request of requests) {
      const { response, closed } = await rawHttp(port, request);
      const code = status(response);
      assert.ok(
        closed && (code === undefined || (code >= 400 && code < 500)),
        `${JSON.stringify(request.slice(0, 40))} → ${response.slice(0, 60)}`,
      );
    }
    assert.equal((await health(server)).status, 'ok');
    await bystander.assertWorks();
  });

  test('slow clients: dripped headers, dripped bodies and silent sockets are cut off', async () => {
    const limit = HEADERS_TIMEOUT_MS * 8;
    const cases: [string, string, string][] = [
      ['headers, one byte at a time', 'GET /health HTTP/1.1\r\nHost: x\r\n', 'X-Slow: a'],
      ['an upgrade, one byte at a time', `GET /ws HTTP/1.1\r\nHost: x\r\n`, 'X-Slow: a'],
      [
        'a body, one byte at a time',
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n',
        'a',
      ],
      ['nothing at all', '', ''],
    ];
    const results = await Promise.all(
      cases.map(([, start, drip]) => slowClient(port, start, drip, limit)),
    );
    results.forEach(({ closedAfterMs, response }, i) => {
      assert.notEqual(closedAfterMs, undefined, `${cases[i][0]}: still open after ${limit} ms`);
      const code = status(response);
      assert.ok(code === undefined || code === 408 || code === 405, `${cases[i][0]}: ${response}`);
    });
    assert.equal((await health(server)).status, 'ok');
    await bystander.assertWorks();
  });
});

describe('videorooms connection cap', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(testConfig({ maxConnections: 4 }));
  });
  after(async () => {
    await server.close();
  });

  test('connections over the cap are closed at once; the held ones and later ones work', async () => {
    const bystander = await Bystander.join(server);
    const held = Array.from({ length: 3 }, () => connect(portOf(server), '127.0.0.1'));
    try {
      await Promise.all(held.map((s) => new Promise((resolve) => s.once('connect', resolve))));
      // Accepted in order: the bystander's and these three fill the cap.
      const { response, closed } = await rawHttp(
        portOf(server),
        'GET /health HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      assert.ok(closed);
      assert.equal(response, '', 'the fifth connection gets nothing');
      await bystander.assertWorks();
    } finally {
      for (const socket of held) socket.destroy();
    }
    // Freed places are usable again.
    for (let i = 0; i < 50; i++) {
      const { response } = await rawHttp(
        portOf(server),
        'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      if (status(response) === 200) break;
      assert.ok(i < 49, 'the server never accepted again');
    }
    await bystander.assertWorks();
    bystander.client.close();
  });
});
