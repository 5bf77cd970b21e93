/**
 * The worker's packet entry fuzzed behind a real authenticated session: ICE, DTLS and SRTP done
 * (test/api/authenticatedSession.ts), then generated RTP and RTCP plaintexts protected with the
 * peers' own keys, so every input decrypts and reaches the media plane. Structured generators:
 * RTP headers with any CSRC count, extension blocks of both forms (RFC 8285) with random ids
 * and lengths, padding bits and counts (honest or lying), payloads of any size; RTCP compounds
 * of random packet types, counts, lengths and bodies aimed at the session's SSRCs.
 *
 * After each batch: no exception was contained (the fault boundary would hide a crash), the
 * worker answers, and a normal packet still reaches the consumer peer.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AuthenticatedSession,
  PRODUCER_RTX_SSRC,
  PRODUCER_SSRC,
  RTX_PT,
  VP8_PT,
  type RtpShape,
} from '../api/authenticatedSession.js';
import { rtcp } from '../api/hostileShapes.js';
import type { WorkerMode } from '../../src/index.js';
import type { PeerProtocol } from '../peer/SrtpPeer.js';
import '../api/modes.js';
import { fuzzRuns, reportFuzz } from './budget.js';

/** One RFC 8285 element list in either form; sometimes raw words (any profile, any bytes). */
const extensionArb: fc.Arbitrary<RtpShape['extension']> = fc.oneof(
  fc
    .array(
      fc.record({
        id: fc.integer({ min: 0, max: 15 }),
        value: fc.uint8Array({ minLength: 1, maxLength: 16 }),
      }),
      { maxLength: 40 },
    )
    .map((elements) => {
      const parts: number[] = [];
      for (const { id, value } of elements) parts.push((id << 4) | (value.length - 1), ...value);
      while (parts.length % 4) parts.push(0);
      return { profile: 0xbede, data: Uint8Array.from(parts) };
    }),
  fc
    .tuple(
      fc.integer({ min: 0, max: 15 }),
      fc.array(
        fc.record({
          id: fc.oneof(fc.constantFrom(2, 3, 4, 13), fc.integer({ min: 0, max: 255 })),
          value: fc.uint8Array({ maxLength: 255 }),
        }),
        { maxLength: 12 },
      ),
    )
    .map(([appBits, elements]) => {
      const parts: number[] = [];
      for (const { id, value } of elements) parts.push(id, value.length, ...value);
      while (parts.length % 4) parts.push(0);
      return { profile: 0x1000 | appBits, data: Uint8Array.from(parts) };
    }),
  fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 400 }))
    .chain(([profile, words]) =>
      fc
        .uint8Array({ minLength: 4 * words, maxLength: 4 * words })
        .map((data) => ({ profile, data })),
    ),
);

const payloadArb = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 1600 }) },
  // Starts of VP8 key frames (RFC 7741 §4.2: S=1, PID=0, P=0), which open the consumer's gate.
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ minLength: 3, maxLength: 1400 })
      .map((p) => Uint8Array.from([0x10, 0x00, ...p])),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1500, max: 9000 }).map((n) => new Uint8Array(n)) },
);

const rtpArb: fc.Arbitrary<RtpShape> = fc.record(
  {
    ssrc: fc.oneof(
      { weight: 6, arbitrary: fc.constant(PRODUCER_SSRC) },
      { weight: 3, arbitrary: fc.constant(PRODUCER_RTX_SSRC) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
    ),
    payloadType: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(VP8_PT, RTX_PT) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 127 }) },
    ),
    marker: fc.boolean(),
    csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
    extension: extensionArb,
    payload: payloadArb,
    padding: fc.integer({ min: 1, max: 255 }),
    lastByte: fc.integer({ min: 0, max: 255 }),
    seqOffset: fc.integer({ min: -200, max: 200 }),
    // Mostly a recent OSN: an OSN thousands ahead is a legal jump (RFC 3550 A.1, MAX_DROPOUT)
    // after which the producer's own later packets arrive as old ones, by design.
    osnBack: fc.integer({ min: 0, max: 300 }),
    timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  },
  { requiredKeys: ['ssrc', 'payloadType', 'payload', 'osnBack'] },
);

/** One RTCP packet: a type (mostly the known ones), a count, a body aimed at our SSRCs. */
function rtcpPacketArb(ssrcs: number[]): fc.Arbitrary<Buffer> {
  const ssrcArb = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ssrcs) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
  );
  return fc
    .record({
      pt: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 200, max: 207 }) },
        { weight: 1, arbitrary: fc.integer({ min: 192, max: 223 }) },
      ),
      count: fc.oneof(fc.integer({ min: 0, max: 31 }), fc.constantFrom(1, 4, 15)),
      sender: ssrcArb,
      media: ssrcArb,
      body: fc.uint8Array({ maxLength: 1200 }),
      lengthLie: fc.option(fc.integer({ min: 0, max: 0xffff }), { freq: 8 }),
    })
    .map(({ pt, count, sender, media, body, lengthLie }) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(sender >>> 0, 0);
      head.writeUInt32BE(media >>> 0, 4);
      return rtcp(pt, count, Buffer.concat([head, body]), lengthLie ?? undefined);
    });
}

type Input =
  | { kind: 'rtp'; shape: RtpShape }
  | { kind: 'rtcp'; from: 'producer' | 'consumer'; packets: Buffer[] };

/** Every worker mode over UDP and ICE-TCP; SKEIN_FUZZ_MODE / SKEIN_FUZZ_PROTOCOL pick one. */
const MODES = (
  process.env.SKEIN_FUZZ_MODE ? [process.env.SKEIN_FUZZ_MODE] : ['thread', 'process']
) as WorkerMode[];
const PROTOCOLS = (
  process.env.SKEIN_FUZZ_PROTOCOL ? [process.env.SKEIN_FUZZ_PROTOCOL] : ['udp', 'tcp']
) as PeerProtocol[];

for (const MODE of MODES) for (const PROTOCOL of PROTOCOLS) fuzzSession(MODE, PROTOCOL);

function fuzzSession(MODE: WorkerMode, PROTOCOL: PeerProtocol): void {
  describe(`fuzz: packets from an authenticated session (${MODE} mode, ${PROTOCOL})`, () => {
    let session: AuthenticatedSession;
    let consumerSsrc: number;

    before(async () => {
      session = await AuthenticatedSession.open(MODE, PROTOCOL);
      consumerSsrc = session.consumer.rtpParameters.encodings![0].ssrc!;
      assert.ok(await session.normalPacketForwarded(), 'no media before fuzzing');
    });

    after(() => session.close());

    async function faults(): Promise<number> {
      let total = 0;
      for (const transport of [session.producerTransport, session.consumerTransport]) {
        const [stats] = (await transport.getStats()) as { faults: Record<string, number> }[];
        for (const n of Object.values(stats.faults ?? {})) total += n;
      }
      return total;
    }

    test('generated RTP and RTCP never crash the worker or stop forwarding', async () => {
      const ssrcs = [PRODUCER_SSRC, PRODUCER_RTX_SSRC, consumerSsrc];
      const inputArb: fc.Arbitrary<Input> = fc.oneof(
        { weight: 3, arbitrary: rtpArb.map((shape) => ({ kind: 'rtp' as const, shape })) },
        {
          weight: 2,
          arbitrary: fc.record({
            kind: fc.constant('rtcp' as const),
            from: fc.constantFrom('producer' as const, 'consumer' as const),
            packets: fc.array(rtcpPacketArb(ssrcs), { minLength: 1, maxLength: 5 }),
          }),
        },
      );
      let inputs = 0;
      let crashes = 0;
      let failure: Error | undefined;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(inputArb, { minLength: 1, maxLength: 12 }), async (batch) => {
            for (const input of batch) {
              inputs++;
              if (input.kind === 'rtp') {
                session.producerPeer.sendRtp(session.rtp(input.shape));
              } else {
                const peer =
                  input.from === 'producer' ? session.producerPeer : session.consumerPeer;
                peer.sendRtcp(Buffer.concat(input.packets));
              }
            }
            assert.ok(await session.workerAnswers(), 'the worker does not answer');
            if (!(await session.normalPacketForwarded())) {
              assert.fail(`a normal packet was not forwarded: ${await session.diagnose()}`);
            }
            assert.equal(await faults(), 0, 'an exception was contained at the media entry');
          }),
          // A failed worker makes every shrink step fail too: report the first counterexample.
          {
            numRuns: fuzzRuns(12),
            endOnFailure: true,
            ...(process.env.SKEIN_FUZZ_SEED ? { seed: Number(process.env.SKEIN_FUZZ_SEED) } : {}),
            ...(process.env.SKEIN_FUZZ_PATH ? { path: process.env.SKEIN_FUZZ_PATH } : {}),
          },
        );
      } catch (error) {
        crashes++;
        // The counterexample can be megabytes of bytes: keep the seed and the cause.
        const message = error instanceof Error ? error.message : String(error);
        const cause =
          error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
        failure = new Error(`${message.slice(0, 300)}\ncause: ${cause}`);
      }
      reportFuzz(`authenticated-session-${MODE}-${PROTOCOL}`, inputs, crashes);
      if (failure) throw failure;
    });
  });
}
