/** Skein's DtlsTransport against a plain werift-dtls 0.5.8 peer, in both roles. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DtlsTransport } from '../../../src/rtc/dtls/DtlsTransport.js';
import { DtlsClient } from '../../../src/rtc/dtls/werift.js';
import { outcome, plainPeer, testCertificates, toPlainPeer, type PlainPeer } from './helpers.js';

void describe('DtlsTransport ↔ plain werift-dtls', () => {
  for (const skeinRole of ['server', 'client'] as const) {
    void it(`connects as DTLS ${skeinRole}; keys and application data agree`, async () => {
      const [skeinCert, peerCert] = await testCertificates();
      let peer: PlainPeer | undefined = undefined;
      const skein = new DtlsTransport({
        certificate: skeinCert,
        send: toPlainPeer(() => peer),
      });
      peer = plainPeer(
        skein,
        skeinRole === 'server' ? 'client' : 'server',
        peerCert.certificatePem,
        peerCert.privateKeyPem,
      );
      const result = outcome(skein);
      skein.start({ localRole: skeinRole, remoteFingerprints: peerCert.fingerprints });
      if (peer.socket instanceof DtlsClient) peer.socket.connect().catch(() => undefined);
      const [skeinResult] = await Promise.all([result, peer.connected]);
      assert.equal(skeinResult.state, 'connected');
      const info = skeinResult.info;

      // werift offers [7, 1]: AES-128-GCM whichever side chooses.
      assert.equal(info.srtpCryptoSuite, 'AEAD_AES_128_GCM');
      const theirs = peer.socket.extractSessionKeys(16, 12) as Record<string, Buffer>;
      assert.deepEqual(info.localMasterKey, theirs.remoteKey);
      assert.deepEqual(info.localMasterSalt, theirs.remoteSalt);
      assert.deepEqual(info.remoteMasterKey, theirs.localKey);
      assert.deepEqual(info.remoteMasterSalt, theirs.localSalt);
      assert.deepEqual(peer.socket.remoteCertificate, skeinCert.der);

      const atSkein = new Promise<Buffer>((resolve) => skein.once('applicationdata', resolve));
      const atPeer = new Promise<Buffer>((resolve) => peer.socket.onData.once(resolve));
      await peer.socket.send(Buffer.from('from werift'));
      skein.sendApplicationData(Buffer.from('from skein'));
      assert.equal((await atSkein).toString(), 'from werift');
      assert.equal((await atPeer).toString(), 'from skein');

      peer.stop();
      skein.close();
    });
  }
});
