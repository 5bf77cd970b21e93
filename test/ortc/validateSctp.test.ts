import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  validateNumSctpStreams,
  validateSctpCapabilities,
  validateSctpParameters,
  validateSctpStreamParameters,
} from '../../src/ortc/index.js';

function rejects(fn: () => void, field: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TypeError, `expected TypeError, got ${String(error)}`);
    assert.ok(error.message.includes(field), `"${error.message}" does not name ${field}`);
    return true;
  });
}

describe('validateSctpCapabilities() / validateNumSctpStreams()', () => {
  it("accepts mediasoup-client's capabilities", () => {
    validateSctpCapabilities({ numStreams: { OS: 1024, MIS: 1024 } });
  });

  it('rejects missing or out-of-range stream counts naming the field', () => {
    rejects(() => validateSctpCapabilities(null), 'caps');
    rejects(() => validateSctpCapabilities({}), 'caps.numStreams');
    rejects(() => validateSctpCapabilities({ numStreams: 5 }), 'caps.numStreams');
    rejects(() => validateNumSctpStreams({ MIS: 10 }), 'numStreams.OS');
    rejects(() => validateNumSctpStreams({ OS: 10, MIS: 0 }), 'numStreams.MIS');
    rejects(() => validateNumSctpStreams({ OS: 65536, MIS: 10 }), 'numStreams.OS');
  });
});

describe('validateSctpParameters()', () => {
  it('accepts WebRTC SCTP parameters', () => {
    validateSctpParameters({ port: 5000, OS: 1024, MIS: 1024, maxMessageSize: 262144 });
  });

  it('rejects missing or invalid fields naming them', () => {
    const base = () => ({ port: 5000, OS: 1024, MIS: 1024, maxMessageSize: 262144 });
    rejects(() => validateSctpParameters([]), 'params');
    rejects(() => validateSctpParameters({ ...base(), port: undefined }), 'params.port');
    rejects(() => validateSctpParameters({ ...base(), port: 70000 }), 'params.port');
    rejects(() => validateSctpParameters({ ...base(), OS: '1' }), 'params.OS');
    rejects(() => validateSctpParameters({ ...base(), MIS: 1.5 }), 'params.MIS');
    rejects(
      () => validateSctpParameters({ ...base(), maxMessageSize: 0 }),
      'params.maxMessageSize',
    );
  });
});

describe('validateSctpStreamParameters()', () => {
  it('defaults to an ordered, reliable stream', () => {
    const params = { streamId: 0 };
    validateSctpStreamParameters(params);
    assert.deepEqual(params, { streamId: 0, ordered: true });
  });

  it('makes a partially reliable stream unordered unless told otherwise', () => {
    const byRetransmits = { streamId: 1, maxRetransmits: 0 };
    validateSctpStreamParameters(byRetransmits);
    assert.equal((byRetransmits as { ordered?: boolean }).ordered, false);
    const byLifetime = { streamId: 2, maxPacketLifeTime: 500, ordered: false };
    validateSctpStreamParameters(byLifetime);
    assert.equal(byLifetime.ordered, false);
  });

  it('rejects invalid combinations and fields naming them', () => {
    rejects(() => validateSctpStreamParameters('x'), 'params');
    rejects(() => validateSctpStreamParameters({}), 'params.streamId');
    rejects(() => validateSctpStreamParameters({ streamId: 65535 }), 'params.streamId');
    rejects(
      () => validateSctpStreamParameters({ streamId: 1, maxPacketLifeTime: -1 }),
      'params.maxPacketLifeTime',
    );
    rejects(
      () => validateSctpStreamParameters({ streamId: 1, maxRetransmits: '3' }),
      'params.maxRetransmits',
    );
    rejects(
      () =>
        validateSctpStreamParameters({ streamId: 1, maxRetransmits: 3, maxPacketLifeTime: 100 }),
      'both',
    );
    rejects(
      () => validateSctpStreamParameters({ streamId: 1, ordered: true, maxRetransmits: 3 }),
      'ordered',
    );
    rejects(() => validateSctpStreamParameters({ streamId: 1, ordered: 'yes' }), 'params.ordered');
  });
});
