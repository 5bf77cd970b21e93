/**
 * Fuzz: DTLS datagrams into a live DtlsTransport (src/rtc/dtls/DtlsTransport.ts over
 * werift-dtls), in both roles. Sequences of mutated Chromium flights that pass the record
 * screening reach werift; nothing may escape as an exception or an unhandled rejection (either
 * kills a worker), and the transport must end up connecting, failed or closed. Once
 * connected, no mutated or replayed record from the peer may close the association: only an
 * authentic alert does (RFC 6347 §4.1.2.7).
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createDtlsCertificate, type DtlsCertificate } from '../../src/rtc/dtls/certificate.js';
import { DtlsTransport } from '../../src/rtc/dtls/DtlsTransport.js';
import { outcome, skeinPair, type SkeinPair } from '../rtc/dtls/helpers.js';
import { bytesFrom, fuzzAsync, loadCorpus } from './kit.js';

const corpus = loadCorpus('dtls');
const escaped: string[] = [];
const onEscape = (error: unknown): void => {
  escaped.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
};

void describe('fuzz: DTLS transport', () => {
  let local: DtlsCertificate;
  let peer: DtlsCertificate;
  before(async () => {
    [local, peer] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
    process.on('unhandledRejection', onEscape);
    process.on('uncaughtException', onEscape);
  });
  after(() => {
    process.off('unhandledRejection', onEscape);
    process.off('uncaughtException', onEscape);
  });

  void it('survives mutated flights in both roles', async () => {
    let answered = 0;
    await fuzzAsync(
      'dtls-transport',
      [
        fc.constantFrom('client' as const, 'server' as const),
        fc.array(bytesFrom(corpus), { minLength: 1, maxLength: 5 }),
      ],
      async (role, datagrams) => {
        const sent: Buffer[] = [];
        const t = new DtlsTransport({ certificate: local, send: (d) => void sent.push(d) });
        t.on('statechange', () => undefined);
        t.start({ localRole: role, remoteFingerprints: peer.fingerprints });
        escaped.length = 0;
        for (const d of datagrams) {
          t.handlePacket(d);
          // werift handles records asynchronously: let its promise chains run.
          for (let i = 0; i < 5; i++) await nextTurn();
        }
        // A client's own first flight is not an answer. werift's handshake crypto runs in the
        // thread pool: on a loaded machine its answer may take longer than a few turns.
        const answeredNow = (): boolean => sent.length > (role === 'client' ? 1 : 0);
        const deadline = performance.now() + 10;
        while (!answeredNow() && performance.now() < deadline) await nextTurn();
        const state = t.state;
        if (answeredNow()) answered++;
        t.close();
        for (let i = 0; i < 3; i++) await nextTurn();
        assert.deepEqual(escaped, [], 'an error escaped werift');
        return ['connecting', 'failed', 'closed'].includes(state);
      },
      { base: 150 },
    );
    // The inputs reached werift's handshake, not only the screening.
    assert.ok(answered > 0, 'no input was ever answered');
  });

  void it('stays connected through mutated and replayed records from the peer', async () => {
    const toClient: Buffer[] = [];
    const toServer: Buffer[] = [];
    let pair: SkeinPair | undefined;
    async function connect(): Promise<SkeinPair> {
      toClient.length = 0;
      toServer.length = 0;
      const p = skeinPair(local, peer, {
        tapBToA: (d) => (toClient.push(Buffer.from(d)), [d]),
        tapAToB: (d) => (toServer.push(Buffer.from(d)), [d]),
      });
      const done = Promise.all([outcome(p.a), outcome(p.b)]);
      p.b.start({ localRole: 'server', remoteFingerprints: local.fingerprints });
      p.a.start({ localRole: 'client', remoteFingerprints: peer.fingerprints });
      const [a, b] = await done;
      assert.equal(a.state, 'connected');
      assert.equal(b.state, 'connected');
      // Application data records (epoch 1) join the seeds.
      p.a.sendApplicationData(Buffer.from('from the client'));
      p.b.sendApplicationData(Buffer.from('from the server'));
      for (let i = 0; i < 10; i++) await nextTurn();
      return p;
    }
    pair = await connect();
    const seedsToClient = [...toClient, ...corpus];
    const seedsToServer = [...toServer, ...corpus];
    await fuzzAsync(
      'dtls-connected',
      [
        fc.boolean(),
        fc.array(fc.oneof(bytesFrom(seedsToClient), bytesFrom(seedsToServer)), {
          minLength: 1,
          maxLength: 4,
        }),
      ],
      async (intoClient, datagrams) => {
        if (pair!.a.state !== 'connected' || pair!.b.state !== 'connected') {
          pair!.close();
          pair = await connect();
        }
        const target = intoClient ? pair!.a : pair!.b;
        escaped.length = 0;
        for (const d of datagrams) {
          target.handlePacket(d);
          for (let i = 0; i < 5; i++) await nextTurn();
        }
        assert.deepEqual(escaped, [], 'an error escaped werift');
        return target.state === 'connected';
      },
      { base: 150 },
    );
    pair.close();
  });
});
