/**
 * A producer's roundTripTime as mediasoup 3.19.3 measures it (RFC 3611): every RR compound
 * for producers ends with an XR Receiver Reference Time block (SSRC 0, as mediasoup), the
 * media sender answers with an XR DLRR block naming SSRC 0 from its media SSRC (as Chromium
 * does), and the producer stream's RTT = now − LRR − DLRR shows in getStats(). Here a Node
 * socket plays the sender over a PlainTransport, in both worker modes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { createWorker, type Producer, type Router, type Worker } from '../../src/index.js';
import {
  parseRtcpCompound,
  writeRtcpCompound,
  type ExtendedReport,
} from '../../src/protocols/rtcp/index.js';
import { compactNtp, msToCompactNtp } from '../../src/rtc/rtpStream/ntp.js';
import { UdpCapture } from '../peer/udpCapture.js';
import { plainVideoParameters } from '../peer/plainRtpParameters.js';
import { eventually, mediaCodecs, sleep } from './mediaFixtures.js';
import { MODES } from './modes.js';

const LOCAL = { protocol: 'udp', ip: '127.0.0.1' } as const;
const SSRC = 0x5eed0001;
/** The network delay the sender pretends: its DLRR is this much shorter than its hold. */
const PRETENDED_MS = 100;

interface Rrt {
  /** LRR: the middle 32 bits of the RRT's NTP timestamp. */
  lrr: number;
  ssrc: number;
  /** When the socket got it (performance.now()). */
  atMs: number;
  /** The compound's packet kinds, in order. */
  kinds: string[];
}

async function roundTripTime(producer: Producer): Promise<number> {
  const [stats] = (await producer.getStats()) as { roundTripTime: number }[];
  return stats.roundTripTime;
}

for (const mode of MODES) {
  void describe(`producer roundTripTime from XR DLRR (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
    });
    after(() => worker.close());

    test("RR compounds carry an RRT; the sender's DLRR gives roundTripTime", async () => {
      const transport = await router.createPlainTransport({ listenInfo: LOCAL, comedia: false });
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: plainVideoParameters('vp8', 96, SSRC),
      });
      const peer = await UdpCapture.open();
      const rrts: Rrt[] = [];
      peer.onDatagram = (data) => {
        const packets = parseRtcpCompound(data);
        if (!Array.isArray(packets)) return;
        const xr = packets.find((p): p is ExtendedReport => p.kind === 'xr');
        if (!xr?.rrt) return;
        const lrr = compactNtp(xr.rrt.ntpSeconds, xr.rrt.ntpFraction);
        rrts.push({
          lrr,
          ssrc: xr.ssrc,
          atMs: performance.now(),
          kinds: packets.map((p) => p.kind),
        });
      };
      try {
        await transport.connect({ ip: '127.0.0.1', port: peer.port });
        const rtp = Buffer.alloc(40);
        rtp[0] = 0x80;
        rtp[1] = 96;
        rtp.writeUInt32BE(SSRC, 8);
        rtp[12] = 0x10; // VP8 payload descriptor, S bit (RFC 7741 §4.2)
        for (let seq = 1; seq <= 5; seq++) {
          rtp.writeUInt16BE(seq, 2);
          rtp.writeUInt32BE(seq * 3000, 4);
          await peer.send(rtp, transport.tuple.localPort);
        }
        assert.ok(await eventually(() => rrts.length > 0, 3000), 'no RR compound with an RRT');
        assert.equal(await roundTripTime(producer), 0, 'no RTT before a DLRR');
        const [rrt] = rrts;
        assert.deepEqual(rrt.kinds, ['rr', 'xr'], 'the RRT follows the RR in its compound');
        assert.equal(rrt.ssrc, 0, 'the XR carries SSRC 0, as mediasoup');

        // The sender's answer: XR from its media SSRC, DLRR sub-block naming SSRC 0.
        // Hold the RRT past the pretended delay, so that DLRR = hold − pretended is positive.
        const wait = rrt.atMs + PRETENDED_MS + 20 - performance.now();
        if (wait > 0) await sleep(wait);
        const holdMs = performance.now() - rrt.atMs;
        const dlrr: ExtendedReport = {
          kind: 'xr',
          ssrc: SSRC,
          dlrr: [
            {
              ssrc: 0,
              lastRr: rrt.lrr,
              delaySinceLastRr: msToCompactNtp(holdMs - PRETENDED_MS),
            },
          ],
        };
        const out = Buffer.alloc(64);
        const length = writeRtcpCompound([{ kind: 'rr', ssrc: SSRC, reports: [] }, dlrr], out);
        await peer.send(out.subarray(0, length), transport.tuple.localPort);
        let rtt = 0;
        assert.ok(
          await eventually(async () => (rtt = await roundTripTime(producer)) > 0, 3000),
          'roundTripTime stayed 0 after the DLRR',
        );
        // The pretended delay plus the real trips from the worker and back (on loopback, some
        // ms; under a loaded machine, more), never less: the worker's clock ran all along.
        assert.ok(rtt >= PRETENDED_MS - 0.1 && rtt < PRETENDED_MS + 500, `roundTripTime ${rtt}`);

        // An LRR of 0 (no RRT reached the sender) resets it to 0, as mediasoup.
        const none: ExtendedReport = {
          kind: 'xr',
          ssrc: SSRC,
          dlrr: [{ ssrc: SSRC, lastRr: 0, delaySinceLastRr: 0 }],
        };
        const m = writeRtcpCompound([{ kind: 'rr', ssrc: SSRC, reports: [] }, none], out);
        await peer.send(out.subarray(0, m), transport.tuple.localPort);
        assert.ok(
          await eventually(async () => (await roundTripTime(producer)) === 0, 3000),
          'an LRR of 0 did not reset roundTripTime',
        );
      } finally {
        transport.close();
        await peer.close();
      }
    });
  });
}
