import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { exportKeyingMaterial, finishedVerifyData, prf } from '../../../src/rtc/dtls/prf.js';

void describe('TLS 1.2 PRF (RFC 5246 §5)', () => {
  void it('reproduces the published P_SHA256 test vector (IETF TLS WG, 100 bytes)', () => {
    const secret = Buffer.from('9bbe436ba940f017b17652849a71db35', 'hex');
    const seed = Buffer.from('a0ba9f936cda311827a6f796ffd5198c', 'hex');
    const expected =
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a4' +
      '6b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d1' +
      '22ee42c5a72e5a5110fff70187347b66';
    assert.equal(prf(secret, 'test label', seed, 100).toString('hex'), expected);
  });

  void it('verify_data is 12 bytes and depends on the sender label', () => {
    const ms = Buffer.alloc(48, 1);
    const client = finishedVerifyData(ms, 'client', Buffer.from('messages'));
    const server = finishedVerifyData(ms, 'server', Buffer.from('messages'));
    assert.equal(client.length, 12);
    assert.notDeepEqual(client, server);
  });

  void it('the exporter is PRF(ms, label, client_random + server_random) (RFC 5705 §4)', () => {
    const ms = Buffer.alloc(48, 2);
    const cr = Buffer.alloc(32, 3);
    const sr = Buffer.alloc(32, 4);
    assert.deepEqual(
      exportKeyingMaterial(ms, 'EXTRACTOR-dtls_srtp', cr, sr, 60),
      prf(ms, 'EXTRACTOR-dtls_srtp', Buffer.concat([cr, sr]), 60),
    );
  });
});
