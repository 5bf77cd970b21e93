/**
 * The hostile packets of hostileShapes.ts against PlainTransports, in both worker modes, with
 * plain RTP (where the remote tuple is the only credential) and with SRTP: after each one the
 * worker answers, the drop is counted in getStats, and a normal packet sent afterwards still
 * reaches the consumer peer.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { hostileShapes } from './hostileShapes.js';
import { eventually } from './mediaFixtures.js';
import { MODES } from './modes.js';
import { PlainSession } from './plainSession.js';

for (const mode of MODES) {
  for (const srtp of [false, true]) {
    describe(`hostile peers on PlainTransports (${mode} mode, ${srtp ? 'SRTP' : 'plain RTP'})`, () => {
      let session: PlainSession;
      let consumerSsrc: number;
      let died = false;

      before(async () => {
        session = await PlainSession.open(mode, srtp);
        session.worker.on('died', () => {
          died = true;
        });
        consumerSsrc = session.consumer.rtpParameters.encodings![0].ssrc!;
        assert.ok(await session.normalPacketForwarded(), 'no media before the hostile packets');
      });

      after(() => session.close());

      for (const shape of hostileShapes('udp')) {
        test(`${shape.kind} from the ${shape.from}: ${shape.name}`, async () => {
          const tag = randomBytes(8);
          const packet = shape.build(session, tag, consumerSsrc);
          const [peer, transport] =
            shape.from === 'producer'
              ? [session.producerPeer, session.producerTransport]
              : [session.consumerPeer, session.consumerTransport];
          const before = await session.drops(transport);
          const sent = shape.kind === 'rtp' ? peer.sendRtp(packet) : peer.sendRtcp(packet);
          assert.ok(sent, 'the peer could not protect the packet');
          assert.ok(
            await session.normalPacketForwarded(),
            'a normal packet sent afterwards was not forwarded',
          );
          assert.ok(await session.workerAnswers(), 'the worker does not answer');
          assert.equal(died, false);
          const outcome = shape.outcome;
          if (outcome === 'forward') {
            assert.ok(
              await eventually(() => session.received.some((p) => p.includes(tag)), 1000),
              'the packet was not forwarded',
            );
          } else if (outcome !== 'any') {
            let after = before;
            const counted = await eventually(async () => {
              after = await session.drops(transport);
              return (after[outcome.drop] ?? 0) > (before[outcome.drop] ?? 0);
            }, 1000);
            assert.ok(counted, `not counted as ${outcome.drop}: ${JSON.stringify(after)}`);
          }
        });
      }

      test('afterwards both transports are intact and nothing threw', async () => {
        assert.ok(await session.workerAnswers());
        assert.equal(session.worker.died, false);
        assert.equal(session.consumerSrtpErrors, 0);
        for (const transport of [session.producerTransport, session.consumerTransport]) {
          const [stats] = (await transport.getStats()) as { faults: Record<string, number> }[];
          const total = Object.values(stats.faults).reduce((a, b) => a + b, 0);
          assert.equal(total, 0, `exceptions were contained: ${JSON.stringify(stats.faults)}`);
        }
        assert.ok(await session.normalPacketForwarded());
      });
    });
  }
}
