import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseScalabilityMode } from '../../src/ortc/index.js';

describe('parseScalabilityMode()', () => {
  it('parses L, S and K-SVC modes', () => {
    assert.deepEqual(parseScalabilityMode('L1T3'), {
      spatialLayers: 1,
      temporalLayers: 3,
      ksvc: false,
    });
    assert.deepEqual(parseScalabilityMode('S3T3'), {
      spatialLayers: 3,
      temporalLayers: 3,
      ksvc: false,
    });
    assert.deepEqual(parseScalabilityMode('L3T3_KEY'), {
      spatialLayers: 3,
      temporalLayers: 3,
      ksvc: true,
    });
    assert.deepEqual(parseScalabilityMode('L2T2_KEY_SHIFT'), {
      spatialLayers: 2,
      temporalLayers: 2,
      ksvc: true,
    });
    assert.deepEqual(parseScalabilityMode('L2T1h'), {
      spatialLayers: 2,
      temporalLayers: 1,
      ksvc: false,
    });
    assert.deepEqual(parseScalabilityMode('L10T12'), {
      spatialLayers: 10,
      temporalLayers: 12,
      ksvc: false,
    });
  });

  it('defaults to one layer for a missing or invalid mode', () => {
    const single = { spatialLayers: 1, temporalLayers: 1, ksvc: false };
    for (const mode of [
      undefined,
      '',
      'foo',
      'L0T1',
      'L1T0',
      'X1T3',
      'l1t3',
      'L1T3_FOO',
      'L100T1',
    ]) {
      assert.deepEqual(parseScalabilityMode(mode), single, String(mode));
    }
  });
});
