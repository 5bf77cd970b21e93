/**
 * An INIT flood before the association is up, from an authenticated peer over a live
 * WebRtcTransport (DTLS done, no SCTP yet): each INIT answered costs the worker an HMAC'd
 * cookie, so only a few per second are answered; the rest are dropped and counted
 * (`initFlood`), the worker lives and other associations keep relaying.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorker, type Router, type Worker } from '../../src/index.js';
import { sctpChecksum } from '../../src/protocols/sctp/crc32c.js';
import { createDtlsCertificate, type DtlsCertificate } from '../../src/rtc/dtls/index.js';
import { SrtpPeer, remoteTransportOf } from '../peer/SrtpPeer.js';
import { SctpPeer } from '../peer/SctpPeer.js';
import { MODES } from './modes.js';
import { eventually, mediaCodecs } from './mediaFixtures.js';

const LISTEN = [{ protocol: 'udp' as const, ip: '127.0.0.1' }];
const FLOOD = 300;

/** An SCTP packet of one INIT chunk (RFC 9260 §3.3.2), verification tag 0. */
function initPacket(initiateTag: number): Buffer {
  const p = Buffer.alloc(12 + 20);
  p.writeUInt16BE(5000, 0);
  p.writeUInt16BE(5000, 2);
  p[12] = 1; // INIT
  p.writeUInt16BE(20, 14);
  p.writeUInt32BE(initiateTag >>> 0, 16);
  p.writeUInt32BE(65536, 20); // a_rwnd
  p.writeUInt16BE(10, 24); // OS
  p.writeUInt16BE(10, 26); // MIS
  p.writeUInt32BE(initiateTag >>> 0, 28); // initial TSN
  p.writeUInt32LE(sctpChecksum(p), 8);
  return p;
}

for (const mode of MODES) {
  void describe(`SCTP INIT flood before the association is up (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    let cert: DtlsCertificate;
    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
      cert = await createDtlsCertificate();
    });
    after(() => worker.close());

    test(`${FLOOD} INITs: a few answered, the rest counted; other channels relay`, async () => {
      const connect = async (): Promise<ReturnType<typeof router.createWebRtcTransport>> => {
        const t = await router.createWebRtcTransport({ listenInfos: LISTEN, enableSctp: true });
        await t.connect({
          dtlsParameters: { role: 'client', fingerprints: [...cert.fingerprints] },
        });
        return t;
      };
      const ta = await connect();
      const tb = await connect();
      const th = await connect();
      const a = await SctpPeer.open('A', remoteTransportOf(ta), cert);
      const b = await SctpPeer.open('B', remoteTransportOf(tb), cert);
      const h = await SrtpPeer.open('H', remoteTransportOf(th), cert);
      try {
        assert.ok(await eventually(() => a.connected && b.connected, 5000));
        const dp = await ta.produceData({ sctpStreamParameters: { streamId: 1 } });
        await tb.consumeData({ dataProducerId: dp.id });
        let initAcks = 0;
        h.dtls.on('applicationdata', (data: Buffer) => {
          if (data.length > 12 && data[12] === 2) initAcks++;
        });
        const started = performance.now();
        for (let i = 0; i < FLOOD; i++) h.dtls.sendApplicationData(initPacket(i + 1));
        const drops = async (): Promise<Record<string, number>> => {
          const [stats] = (await th.getStats()) as { sctpDropped: Record<string, number> }[];
          return stats.sctpDropped;
        };
        assert.ok(await eventually(async () => (await drops()).initFlood > 0, 5000));
        a.send(1, 51, Buffer.from('still flowing'));
        assert.ok(
          await eventually(
            () => b.received.some((m) => m.data.toString() === 'still flowing'),
            5000,
          ),
        );
        const seconds = (performance.now() - started) / 1000;
        // Answered at most a few per second of the flood (8/s in SctpAssociation.ts).
        assert.ok(initAcks >= 1, 'no INIT was answered at all');
        assert.ok(
          initAcks <= 8 * (Math.ceil(seconds) + 1),
          `${initAcks} INIT ACKs in ${seconds} s`,
        );
        const counted = await drops();
        assert.ok(counted.initFlood >= FLOOD - initAcks - 8, JSON.stringify(counted));
        await worker.dump(); // the worker answers
      } finally {
        a.close();
        b.close();
        h.close();
      }
    });
  });
}
