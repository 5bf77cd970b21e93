import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as skein from '../../src/index.js';

test('the package root exports the module API and the error classes', () => {
  const pkg = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  assert.equal(skein.version, pkg.version);
  assert.equal(typeof skein.createWorker, 'function');
  assert.equal(typeof skein.observer.on, 'function');
  assert.equal(typeof skein.setLogEventListeners, 'function');
  assert.ok(new skein.UnsupportedError('x') instanceof Error);
  assert.equal(new skein.UnsupportedError('x').name, 'UnsupportedError');
  assert.equal(new skein.InvalidStateError('x').name, 'InvalidStateError');
  for (const entity of [
    'Worker',
    'Router',
    'WebRtcTransport',
    'WebRtcServer',
    'Producer',
    'Consumer',
  ] as const) {
    assert.equal(typeof skein[entity], 'function', entity);
  }
});

test('getSupportedRtpCapabilities() returns a fresh copy each call', () => {
  const a = skein.getSupportedRtpCapabilities();
  const b = skein.getSupportedRtpCapabilities();
  assert.notEqual(a, b);
  assert.deepEqual(a, b);
  a.codecs!.length = 0;
  assert.ok(skein.getSupportedRtpCapabilities().codecs!.length > 0);
  const mimeTypes = b.codecs!.map((c) => c.mimeType);
  for (const mime of [
    'audio/opus',
    'audio/PCMU',
    'audio/PCMA',
    'video/VP8',
    'video/VP9',
    'video/H264',
    'video/AV1',
  ]) {
    assert.ok(mimeTypes.includes(mime), mime);
  }
});

test('parseScalabilityMode() parses mediasoup scalability modes', () => {
  assert.deepEqual(skein.parseScalabilityMode('L1T3'), {
    spatialLayers: 1,
    temporalLayers: 3,
    ksvc: false,
  });
  assert.deepEqual(skein.parseScalabilityMode('L3T3_KEY'), {
    spatialLayers: 3,
    temporalLayers: 3,
    ksvc: true,
  });
  assert.deepEqual(skein.parseScalabilityMode(undefined), {
    spatialLayers: 1,
    temporalLayers: 1,
    ksvc: false,
  });
  assert.deepEqual(skein.parseScalabilityMode('chicken'), {
    spatialLayers: 1,
    temporalLayers: 1,
    ksvc: false,
  });
});

test('setLogEventListeners() receives the logs of the control layer', async () => {
  const errors: string[] = [];
  skein.setLogEventListeners({ onerror: (namespace, log) => errors.push(`${namespace} ${log}`) });
  try {
    const worker = await skein.createWorker({ logLevel: 'warn' });
    const router = await worker.createRouter();
    // An unknown producer is reported through the logger, not thrown (as mediasoup does).
    assert.equal(
      router.canConsume({ producerId: 'nope', rtpCapabilities: router.rtpCapabilities }),
      false,
    );
    worker.close();
  } finally {
    skein.setLogEventListeners(undefined);
  }
  assert.ok(
    errors.some((line) => line.startsWith('skein:Router') && line.includes('"nope" not found')),
    errors.join('\n'),
  );
});
