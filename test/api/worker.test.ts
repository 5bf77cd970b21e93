import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as skein from '../../src/index.js';
import { InvalidStateError, createWorker, type Worker } from '../../src/index.js';
import { MODES } from './modes.js';
import { createDtlsCertificate } from '../../src/rtc/dtls/index.js';

for (const mode of MODES) {
  describe(`Worker (${mode} mode)`, () => {
    const workers: Worker[] = [];
    after(() => workers.forEach((w) => w.close()));
    const create = async (settings: Parameters<typeof createWorker>[0] = {}): Promise<Worker> => {
      const worker = await createWorker({ mode, ...settings });
      workers.push(worker);
      return worker;
    };

    test('createWorker() succeeds and emits observer newworker', async () => {
      let observed: Worker | undefined;
      const onNewWorker = (w: Worker): void => {
        observed = w;
      };
      skein.observer.once('newworker', onNewWorker);
      const worker = await create();
      assert.equal(observed, worker);
      assert.equal(worker.mode, mode);
      assert.equal(typeof worker.pid, 'number');
      if (mode === 'thread') {
        assert.equal(worker.pid, process.pid);
        assert.equal(typeof worker.threadId, 'number');
      } else {
        assert.notEqual(worker.pid, process.pid);
      }
      assert.equal(worker.closed, false);
      assert.equal(worker.died, false);
      assert.deepEqual(worker.appData, {});
      worker.close();
      assert.equal(worker.closed, true);
      assert.equal(worker.died, false);
    });

    test('createWorker() with valid settings keeps appData', async () => {
      const worker = await create({
        logLevel: 'warn',
        logTags: ['info', 'ice'],
        rtcMinPort: 40000,
        rtcMaxPort: 41000,
        appData: { foo: 'bar' },
      });
      assert.deepEqual(worker.appData, { foo: 'bar' });
      worker.appData = { baz: 1 };
      assert.deepEqual(worker.appData, { baz: 1 });
      worker.close();
    });

    test('createWorker() ignores NaN ports as mediasoup does (Number() of an unset variable)', async () => {
      const worker = await createWorker({
        mode,
        rtcMinPort: Number(undefined),
        rtcMaxPort: Number(undefined),
      });
      try {
        const dump = (await worker.dump()) as { pid?: number };
        assert.ok(dump, 'the worker runs with the default port range');
      } finally {
        worker.close();
      }
    });

    test('createWorker() rejects with TypeError on wrong settings', async () => {
      const bad: Parameters<typeof createWorker>[0][] = [
        { logLevel: 'chicken' as never },
        { logTags: ['chicken' as never] },
        { rtcMinPort: 1000, rtcMaxPort: 999 },
        { rtcMinPort: 0 },
        { rtcMaxPort: 70000 },
        { appData: 'foo' as never },
        { mode: 'fiber' as never },
        { dtlsCertificateFile: '/x.pem' },
        { memoryLimitMb: 1 },
      ];
      for (const settings of bad) {
        await assert.rejects(
          createWorker({ mode, ...settings }),
          TypeError,
          JSON.stringify(settings),
        );
      }
    });

    test('createWorker() rejects if the DTLS certificate files cannot be read', async () => {
      await assert.rejects(
        createWorker({
          mode,
          dtlsCertificateFile: '/nonexistent/cert.pem',
          dtlsPrivateKeyFile: '/nonexistent/key.pem',
        }),
        /ENOENT/,
      );
      const dir = mkdtempSync(join(tmpdir(), 'skein-'));
      writeFileSync(join(dir, 'cert.pem'), 'not a certificate');
      writeFileSync(join(dir, 'key.pem'), 'not a key');
      await assert.rejects(
        createWorker({
          mode,
          dtlsCertificateFile: join(dir, 'cert.pem'),
          dtlsPrivateKeyFile: join(dir, 'key.pem'),
        }),
      );
      const certificate = await createDtlsCertificate();
      writeFileSync(join(dir, 'cert.pem'), certificate.certificatePem);
      writeFileSync(join(dir, 'key.pem'), certificate.privateKeyPem);
      const worker = await create({
        dtlsCertificateFile: join(dir, 'cert.pem'),
        dtlsPrivateKeyFile: join(dir, 'key.pem'),
      });
      worker.close();
    });

    test('worker.dump() lists its routers', async () => {
      const worker = await create();
      const router = await worker.createRouter();
      const dump = await worker.dump();
      assert.equal(dump.pid, worker.pid);
      assert.deepEqual(dump.routerIds, [router.id]);
      assert.deepEqual(dump.webRtcServerIds, []);
      assert.deepEqual(dump.channelMessageHandlers.channelRequestHandlers, [router.id]);
      worker.close();
    });

    test('worker.getResourceUsage() returns the getrusage figures', async () => {
      const worker = await create();
      const usage = await worker.getResourceUsage();
      for (const key of ['ru_utime', 'ru_stime', 'ru_maxrss', 'ru_nvcsw', 'ru_nivcsw'] as const) {
        assert.equal(typeof usage[key], 'number', key);
        assert.ok(usage[key] >= 0, key);
      }
      assert.ok(usage.ru_maxrss > 0);
      worker.close();
    });

    test('worker.updateSettings() accepts valid and rejects invalid settings', async () => {
      const worker = await create();
      await worker.updateSettings({ logLevel: 'debug', logTags: ['ice'] });
      await assert.rejects(worker.updateSettings({ logLevel: 'chicken' as never }), TypeError);
      await assert.rejects(worker.updateSettings({ logTags: 'ice' as never }), TypeError);
      worker.close();
    });

    test('worker.close() closes its routers and emits observer close', async () => {
      const worker = await create();
      const router = await worker.createRouter();
      let workerObserverClosed = 0;
      let routerWorkerClose = 0;
      let routerObserverClosed = 0;
      worker.observer.on('close', () => workerObserverClosed++);
      router.on('workerclose', () => routerWorkerClose++);
      router.observer.on('close', () => routerObserverClosed++);
      worker.close();
      worker.close();
      assert.equal(workerObserverClosed, 1);
      assert.equal(routerWorkerClose, 1);
      assert.equal(routerObserverClosed, 1);
      assert.equal(router.closed, true);
      await once(worker, 'subprocessclose');
      assert.equal(worker.subprocessClosed, true);
      assert.equal(worker.died, false);
    });

    test('methods of a closed Worker reject with InvalidStateError', async () => {
      const worker = await create();
      worker.close();
      await assert.rejects(worker.dump(), InvalidStateError);
      await assert.rejects(worker.getResourceUsage(), InvalidStateError);
      await assert.rejects(worker.updateSettings({ logLevel: 'debug' }), InvalidStateError);
      await assert.rejects(worker.createRouter(), InvalidStateError);
    });

    test('closing a Worker rejects its pending requests with InvalidStateError', async () => {
      const worker = await create();
      const pending = [worker.dump(), worker.getResourceUsage(), worker.createRouter()];
      worker.close();
      for (const p of pending) await assert.rejects(p, InvalidStateError);
    });
  });
}
