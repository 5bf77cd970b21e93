/**
 * Fuzz: SCTP input. (1) The packet inspector (src/protocols/sctp/packet.ts) on mutated real
 * packets, read from the view alone. (2) An established SctpAssociation fed mutated packets
 * of its own werift peer (captured live: INIT, COOKIE ECHO, DATA, SACK, HEARTBEAT ACK...),
 * most re-checksummed and re-tagged so they reach the engine: nothing throws out of
 * receivePacket, nothing throws inside the engine (faults stay 0), nothing loops, and the
 * engine's receive state stays bounded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sctpChecksum } from '../../src/protocols/sctp/crc32c.js';
import { inspectSctpPacket, newSctpPacketSummary } from '../../src/protocols/sctp/packet.js';
import { eventually } from '../api/mediaFixtures.js';
import { ourTag, sctpPair, type SctpPair } from '../rtc/sctp/helpers.js';
import { fuzz, mutate, mutation, parseInViews } from './kit.js';

/** A live pair that exchanged messages both ways; the peer's packets are the corpus. */
async function capturedPair(): Promise<{ pair: SctpPair; corpus: Buffer[] }> {
  const corpus: Buffer[] = [];
  const pair = sctpPair();
  const inject = pair.ours.receivePacket.bind(pair.ours);
  pair.ours.receivePacket = (packet: Buffer) => {
    if (corpus.length < 200) corpus.push(Buffer.from(packet));
    inject(packet);
  };
  assert.ok(
    await eventually(() => pair.ours.state === 'connected' && pair.peer.state === 'connected'),
  );
  for (let i = 0; i < 20; i++) {
    void pair.peer.send(i % 3, i % 2 ? 53 : 51, Buffer.alloc(i * 150 + 1, i));
    pair.ours.send(1, 51, Buffer.from(`x${i}`), { ordered: true });
  }
  void pair.peer.send(4, 53, Buffer.alloc(5000, 9), {
    ordered: false,
    maxRetransmits: 0,
    expiry: undefined,
  });
  assert.ok(await eventually(() => pair.received.length === 21 && pair.peerReceived.length === 20));
  pair.ours.receivePacket = inject;
  return { pair, corpus };
}

function fixChecksum(packet: Buffer): Buffer {
  if (packet.length >= 12) packet.writeUInt32LE(sctpChecksum(packet), 8);
  return packet;
}

void describe('fuzz: sctp', () => {
  void it('inspects mutated packets from the view alone, without throwing', async () => {
    const { pair, corpus } = await capturedPair();
    pair.close();
    const summary = newSctpPacketSummary();
    fuzz(
      'sctpPacket',
      [
        fc.constantFrom(...corpus),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
      ],
      (seed, mutations, checksum) => {
        const bytes = mutate(seed, mutations);
        if (checksum) fixChecksum(bytes);
        parseInViews(bytes, (v) => inspectSctpPacket(v, summary) ?? 'ok');
      },
      { base: 3000 },
    );
  });

  void it('an established association takes mutated peer packets: no throw, no fault, bounded', async () => {
    const { pair, corpus } = await capturedPair();
    try {
      const tag = ourTag(pair);
      fuzz(
        'sctpAssociation',
        [
          fc.constantFrom(...corpus),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 0, max: 9 }),
        ],
        (seed, mutations, mode) => {
          const bytes = mutate(seed, mutations);
          // Mostly keep our tag and a right checksum, so the input reaches the engine.
          if (mode < 8 && bytes.length >= 8) bytes.writeUInt32BE(tag, 4);
          if (mode < 9) fixChecksum(bytes);
          pair.ours.receivePacket(bytes);
        },
        { base: 3000 },
      );
      // Let the engine's asynchronous work (SACKs, transmits) run out.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(pair.faults, [], 'nothing thrown inside the engine');
      const state = pair.ours.receiveState;
      assert.ok(state.gapTsns <= 2048, `gap TSNs ${state.gapTsns}`);
      assert.ok(state.streams <= pair.ours.MIS, `streams ${state.streams}`);
      assert.ok(state.window > -65536, `window ${state.window}`);
      const drops = Object.values(pair.ours.drops).reduce((a, b) => a + b, 0);
      assert.ok(drops > 0, 'the gate dropped some');
    } finally {
      pair.close();
    }
  });
});
