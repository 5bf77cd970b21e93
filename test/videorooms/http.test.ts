/**
 * Malformed HTTP on every route and on upgrade, over raw TCP: each gets an
 * error status or a closed socket, the server stays up, and a participant of
 * another room still works.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../examples/videorooms/server.js';
import { Bystander, health, portOf, rawHttp } from './client.js';
import { testConfig } from './config.js';

process.env.SKEIN_QUIET = '1';

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
    server = await startServer(testConfig({ headersTimeoutMs: 500, requestTimeoutMs: 1000 }));
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
});
