/**
 * Send-side estimation benchmark, in process (no sockets), bounded in time, asserting nothing:
 *
 *  (a) estimator cost per transport-cc feedback packet: bounded parse into the per-thread
 *      arrays + SendSideBwe (adapter, trendline, detector, AIMD, loss, acked rate), for
 *      feedback reporting 20, 100 and 500 packets; µs per feedback and per packet in it;
 *  (b) pacer + send history cost per forwarded packet at 400 consumers (one transport each):
 *      a 1 Mbit/s stream (100 pkt/s of ~1100 B, a 25-packet key frame every 2 s) fanned out,
 *      each packet through Pacer.admit (queued and drained every 5 ms when over budget) and
 *      SendHistory.record, against the same loop without them; ns per forwarded packet.
 *
 * Run: `node dist/bench/bwe.js` or runBweBench(). Knob: SKEIN_BENCH_BWE_MS (per case, 1500).
 */
import { pathToFileURL } from 'node:url';
import {
  createTransportCcPackets,
  parseRtcpHeader,
  parseTransportCcInto,
  transportCcSize,
  writeTransportCc,
  type RtcpHeader,
} from '../src/protocols/rtcp/index.js';
import { SendSideBwe } from '../src/rtc/bwe/SendSideBwe.js';
import { SendHistory } from '../src/rtc/bwe/SendHistory.js';
import { MAX_FEEDBACK_PACKETS } from '../src/rtc/bwe/FeedbackAdapter.js';
import { PACER_INTERVAL_MS, Pacer, type PacedOutput } from '../src/rtc/bwe/Pacer.js';

const CASE_MS =
  Number(process.env.SKEIN_BENCH_BWE_MS) > 0 ? Number(process.env.SKEIN_BENCH_BWE_MS) : 1500;

interface FeedbackFigures {
  packetsPerFeedback: number;
  feedbacks: number;
  usPerFeedback: number;
  usPerPacket: number;
  recordNsPerPacket: number;
  estimate: number;
}

/** (a): one feedback every `perFeedback` packets sent 1 ms apart, arriving 1 ms apart. */
function feedbackCase(perFeedback: number): FeedbackFigures {
  const bwe = new SendSideBwe({ type: 'transport-cc', initialAvailableBitrate: 1_000_000 });
  bwe.setDesiredBitrate(5_000_000, 0);
  // A cycle of prebuilt feedback packets covering the 16-bit sequence space.
  const cycle = Math.floor(0x10000 / perFeedback);
  const packets: { bytes: Buffer; header: RtcpHeader }[] = [];
  for (let i = 0; i < cycle; i++) {
    const deltas = Array<number | null>(perFeedback).fill(4);
    deltas[0] = 8;
    if (i % 10 === 3) deltas[perFeedback >> 1] = null; // some loss
    const startMs = i * perFeedback;
    const fb = {
      kind: 'transport-cc' as const,
      senderSsrc: 1,
      mediaSsrc: 2,
      baseSequenceNumber: (i * perFeedback) & 0xffff,
      referenceTime: Math.floor(startMs / 64),
      feedbackPacketCount: i & 0xff,
      deltas,
    };
    const bytes = Buffer.alloc(transportCcSize(fb));
    writeTransportCc(fb, bytes);
    const header = parseRtcpHeader(bytes);
    if (typeof header === 'string') throw new Error(header);
    packets.push({ bytes, header });
  }
  const scratch = createTransportCcPackets(MAX_FEEDBACK_PACKETS);
  let simMs = 0;
  let seq = 0;
  let feedbackNs = 0n;
  let recordNs = 0n;
  let feedbacks = 0;
  const wallStart = performance.now();
  while (performance.now() - wallStart < CASE_MS) {
    for (let k = 0; k < 64; k++) {
      const i = feedbacks % cycle;
      if (i === 0) seq = 0;
      const t0 = process.hrtime.bigint();
      for (let p = 0; p < perFeedback; p++) {
        bwe.history.record(seq, simMs, 1100);
        seq = (seq + 1) & 0xffff;
        simMs += 1;
      }
      const t1 = process.hrtime.bigint();
      const { bytes, header } = packets[i];
      if (parseTransportCcInto(bytes, header, scratch) === undefined) {
        bwe.onTransportCc(scratch, simMs + 20);
      }
      const t2 = process.hrtime.bigint();
      recordNs += t1 - t0;
      feedbackNs += t2 - t1;
      feedbacks++;
    }
  }
  const usPerFeedback = Number(feedbackNs) / 1000 / feedbacks;
  return {
    packetsPerFeedback: perFeedback,
    feedbacks,
    usPerFeedback,
    usPerPacket: usPerFeedback / perFeedback,
    recordNsPerPacket: Number(recordNs) / (feedbacks * perFeedback),
    estimate: bwe.availableBitrate,
  };
}

const sink: PacedOutput = {
  sendPaced: (_buffer, length) => length,
  sendProbe: () => 0,
};

interface ForwardingFigures {
  consumers: number;
  forwarded: number;
  nsPerPacketWith: number;
  nsPerPacketWithout: number;
  queuedShare: number;
  dropped: number;
}

/** (b): the per-packet work a transport-cc consumer adds, over 400 transports. */
function forwardingCase(
  consumers: number,
  paced: boolean,
): { ns: number; forwarded: number; queued: number; dropped: number } {
  const pacers = Array.from({ length: consumers }, () => new Pacer(sink, 1_500_000, 1756));
  const histories = Array.from({ length: consumers }, () => new SendHistory());
  const seqs = new Uint16Array(consumers);
  const packet = Buffer.alloc(1200);
  let simMs = 0;
  let forwarded = 0;
  let queued = 0;
  let ns = 0n;
  let acc = 0;
  const wallStart = performance.now();
  let frame = 0;
  while (performance.now() - wallStart < CASE_MS) {
    // One 33 ms frame: a key frame of 25 packets every 60 frames, else 3–4 packets.
    const count = frame % 60 === 0 ? 25 : 3 + (frame & 1);
    const t0 = process.hrtime.bigint();
    for (let p = 0; p < count; p++) {
      const size = 1000 + ((p * 37) % 200);
      for (let c = 0; c < consumers; c++) {
        if (paced) {
          const pacer = pacers[c];
          if (pacer.admit(size, simMs)) {
            histories[c].record(seqs[c]++, simMs, size);
          } else {
            pacer.enqueue(packet, size, 20, simMs);
            queued++;
          }
        } else {
          acc += size; // the loop's own cost
        }
        forwarded++;
      }
    }
    // The pacer's 5 ms ticks over the frame interval.
    if (paced) {
      for (let t = PACER_INTERVAL_MS; t <= 33; t += PACER_INTERVAL_MS) {
        for (let c = 0; c < consumers; c++) if (pacers[c].busy) pacers[c].drain(simMs + t);
      }
    }
    ns += process.hrtime.bigint() - t0;
    simMs += 33.3;
    frame++;
  }
  if (acc < 0) console.log(acc);
  let dropped = 0;
  for (const pacer of pacers) dropped += pacer.counts.dropped;
  return { ns: Number(ns), forwarded, queued, dropped };
}

function forwardingFigures(consumers: number): ForwardingFigures {
  forwardingCase(consumers, true); // warm-up
  const without = forwardingCase(consumers, false);
  const withPacer = forwardingCase(consumers, true);
  return {
    consumers,
    forwarded: withPacer.forwarded,
    nsPerPacketWith: withPacer.ns / withPacer.forwarded,
    nsPerPacketWithout: without.ns / without.forwarded,
    queuedShare: withPacer.queued / withPacer.forwarded,
    dropped: withPacer.dropped,
  };
}

export async function runBweBench(): Promise<void> {
  console.log('\nSend-side estimation (in process, no sockets)');
  const rows = [20, 100, 500].map((n) => {
    feedbackCase(n); // warm-up
    const f = feedbackCase(n);
    return {
      'packets per feedback': f.packetsPerFeedback,
      feedbacks: f.feedbacks,
      'µs per feedback': f.usPerFeedback.toFixed(2),
      'µs per packet in it': f.usPerPacket.toFixed(3),
      'history record ns/pkt': f.recordNsPerPacket.toFixed(1),
      'estimate kbps': Math.round(f.estimate / 1000),
    };
  });
  console.log(
    '(a) estimator cost per transport-cc feedback (parse into preallocated arrays + estimate)',
  );
  console.table(rows);
  const fw = forwardingFigures(400);
  console.log('(b) pacer + send history per forwarded packet, 400 consumers (one transport each)');
  console.table([
    {
      consumers: fw.consumers,
      'packets forwarded': fw.forwarded,
      'ns/pkt with pacer+history': fw.nsPerPacketWith.toFixed(1),
      'ns/pkt loop alone': fw.nsPerPacketWithout.toFixed(1),
      'added ns/pkt': (fw.nsPerPacketWith - fw.nsPerPacketWithout).toFixed(1),
      'queued %': (fw.queuedShare * 100).toFixed(2),
      dropped: fw.dropped,
    },
  ]);
  await Promise.resolve();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runBweBench();
