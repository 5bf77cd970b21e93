/**
 * Two SctpAssociations that both send INIT (`initiate`, the ends of a pipe): simultaneous
 * INITs (RFC 9260 §5.2.1) and a lost first INIT both end in one association that stays up
 * once every retransmission timer has expired (setTimeout mocked; delivery by setImmediate),
 * with no INIT or COOKIE-ECHO sent after it is up, and messages flow both ways.
 */
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { SctpAssociation, type SctpState } from '../../../src/rtc/sctp/SctpAssociation.js';

const CHUNK_INIT = 1;
const CHUNK_COOKIE_ECHO = 10;

interface End {
  sctp: SctpAssociation;
  states: SctpState[];
  received: string[];
  /** First chunk type of every packet this end sent. */
  sentTypes: number[];
  faults: unknown[];
}

function pair(dropFirstFromA: boolean): { a: End; b: End } {
  const make = (deliver: (packet: Buffer) => void, drop: () => boolean): End => {
    const end: End = { states: [], received: [], sentTypes: [], faults: [] } as unknown as End;
    end.sctp = new SctpAssociation({
      OS: 16,
      MIS: 16,
      maxMessageSize: 65536,
      sendBufferSize: 65536,
      initiate: true,
      send: (packet) => {
        end.sentTypes.push(packet[12]);
        if (drop()) return;
        const copy = Buffer.from(packet);
        setImmediate(() => deliver(copy));
      },
      onStateChange: (state) => end.states.push(state),
      onMessage: (_streamId, _ppid, data) => end.received.push(data.toString()),
      onBufferedAmount: () => undefined,
      onFault: (error) => end.faults.push(error),
    });
    return end;
  };
  let fromA = 0;
  const a: End = make(
    (packet) => b.sctp.receivePacket(packet),
    () => dropFirstFromA && fromA++ === 0,
  );
  const b: End = make(
    (packet) => a.sctp.receivePacket(packet),
    () => false,
  );
  return { a, b };
}

/** Lets queued deliveries run (setTimeout is mocked: only immediates make progress). */
async function until(check: () => boolean, rounds = 2000): Promise<boolean> {
  for (let i = 0; i < rounds && !check(); i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return check();
}

void describe('SctpAssociation with initiate (both ends send INIT)', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  for (const [name, dropFirst] of [
    ['simultaneous INITs', false],
    ['the first INIT lost (the far end was not listening yet)', true],
  ] as const) {
    test(`${name}: one association, up after every timer expired`, async () => {
      const { a, b } = pair(dropFirst);
      a.sctp.connect();
      b.sctp.connect();
      assert.ok(
        await until(() => a.sctp.state === 'connected' && b.sctp.state === 'connected'),
        `states ${a.sctp.state} / ${b.sctp.state}`,
      );
      // Both sent INIT first (with dropFirst, as over a pipe: A's went before B listened).
      assert.equal(a.sentTypes[0], CHUNK_INIT);
      assert.equal(b.sentTypes[0], CHUNK_INIT);
      // The peer's INIT during our COOKIE-WAIT is answered, not taken for a flood.
      assert.equal(a.sctp.drops.initFlood + b.sctp.drops.initFlood, 0);
      const sentA = a.sentTypes.length;
      const sentB = b.sentTypes.length;
      // Past every T1 retransmission (8 × 3 s) the engine would make.
      for (let i = 0; i < 12; i++) {
        mock.timers.tick(3000);
        await until(() => false, 20);
      }
      const late = [...a.sentTypes.slice(sentA), ...b.sentTypes.slice(sentB)];
      assert.ok(!late.includes(CHUNK_INIT), `INIT after connected: ${late.join()}`);
      assert.ok(!late.includes(CHUNK_COOKIE_ECHO), `COOKIE-ECHO after connected: ${late.join()}`);
      assert.equal(a.sctp.state, 'connected');
      assert.equal(b.sctp.state, 'connected');
      assert.deepEqual(a.states, ['connecting', 'connected']);
      assert.deepEqual(b.states, ['connecting', 'connected']);

      assert.equal(a.sctp.send(1, 51, Buffer.from('from a'), { ordered: true }), 'sent');
      assert.equal(b.sctp.send(2, 51, Buffer.from('from b'), { ordered: true }), 'sent');
      assert.ok(await until(() => a.received.length === 1 && b.received.length === 1));
      assert.deepEqual(a.received, ['from b']);
      assert.deepEqual(b.received, ['from a']);
      assert.deepEqual([...a.faults, ...b.faults], []);
      a.sctp.close();
      b.sctp.close();
    });
  }
});
