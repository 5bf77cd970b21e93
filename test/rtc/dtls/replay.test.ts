/**
 * DTLS application data replay protection (RFC 6347 §4.1.2.6): a replayed record is
 * dropped and counted, a forged one does not move the window, later records still pass.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../api/mediaFixtures.js';
import { outcome, skeinPair, testCertificates } from './helpers.js';

const APPLICATION_DATA = 23;

void describe('DTLS application data replay protection', () => {
  void it('drops a replayed record, ignores a forged one, passes the genuine ones', async () => {
    const [certA, certB] = await testCertificates();
    const captured: Buffer[] = [];
    let hold = false;
    const pair = skeinPair(certA, certB, {
      tapAToB: (d) => {
        if (d[0] !== APPLICATION_DATA) return [d];
        captured.push(d);
        return hold ? [] : [d];
      },
    });
    try {
      const results = Promise.all([outcome(pair.a), outcome(pair.b)]);
      pair.a.start({ localRole: 'client', remoteFingerprints: certB.fingerprints });
      pair.b.start({ localRole: 'server', remoteFingerprints: certA.fingerprints });
      const [a, b] = await results;
      assert.equal(a.state, 'connected');
      assert.equal(b.state, 'connected');
      const got: string[] = [];
      pair.b.on('applicationdata', (data) => got.push(data.toString()));

      pair.a.sendApplicationData(Buffer.from('one'));
      assert.ok(await eventually(() => got.length === 1));
      pair.b.handlePacket(captured[0]); // the same record again
      assert.equal(pair.b.replayedRecords, 1);

      // A forged copy of the next record (same sequence number, ciphertext altered) goes
      // first; it fails to decrypt and must not make the genuine record look replayed.
      hold = true;
      pair.a.sendApplicationData(Buffer.from('two'));
      assert.ok(await eventually(() => captured.length === 2));
      const forged = Buffer.from(captured[1]);
      forged[forged.length - 1] ^= 0x55;
      pair.b.handlePacket(forged);
      pair.b.handlePacket(captured[1]);
      assert.deepEqual(got, ['one', 'two']);
      assert.equal(pair.b.replayedRecords, 1);
      pair.b.handlePacket(captured[1]);
      assert.equal(pair.b.replayedRecords, 2);
      hold = false;
      pair.a.sendApplicationData(Buffer.from('three'));
      assert.ok(await eventually(() => got.length === 3));
      assert.deepEqual(got, ['one', 'two', 'three']);
    } finally {
      pair.close();
    }
  });
});
