/**
 * Fuzz: first-byte demultiplexing (src/protocols/demux.ts, RFC 7983 §7, RFC 5761 §4). Arbitrary
 * and mutated datagrams are classified without throwing, from the view alone, the same through
 * a length as through a view; captured packets of each kind are classified as that kind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { classifyPacket, isRtcpPacketType, type PacketKind } from '../../src/protocols/demux.js';
import { bytesFrom, embed, fuzz, loadCorpus, parseInViews } from './kit.js';

const kinds: [PacketKind, Buffer[]][] = [
  ['stun', loadCorpus('stun')],
  ['dtls', loadCorpus('dtls')],
  ['rtp', loadCorpus('rtp')],
  ['rtcp', loadCorpus('rtcp', 'transport-cc')],
];
const all = kinds.flatMap(([, c]) => c);

/** The first-byte ranges of RFC 7983 §7 (ZRTP and TURN channels are not used: 'unknown'). */
function expected(b: Uint8Array): PacketKind {
  if (b.length === 0) return 'unknown';
  const first = b[0];
  if (first <= 3) return b.length >= 20 ? 'stun' : 'unknown';
  if (first >= 20 && first <= 63) return b.length >= 13 ? 'dtls' : 'unknown';
  if (first >= 128 && first <= 191 && b.length >= 4) {
    if (isRtcpPacketType(b[1])) return 'rtcp';
    return b.length >= 12 ? 'rtp' : 'unknown';
  }
  return 'unknown';
}

void describe('fuzz: demux', () => {
  void it('classifies captured packets as their kind', () => {
    for (const [kind, corpus] of kinds) {
      for (const b of corpus) assert.equal(classifyPacket(b), kind, b.toString('hex').slice(0, 40));
    }
  });

  void it('classifies mutated datagrams from the view alone, as RFC 7983 §7 says', () => {
    fuzz(
      'demux',
      [bytesFrom(all), fc.double({ min: 0, max: 1, noNaN: true })],
      (bytes, cut) => {
        const kind = parseInViews(bytes, (v) => classifyPacket(v));
        const length = Math.floor(cut * bytes.length);
        const { whole, view } = embed(bytes, 0x01);
        const tail = whole.subarray(view.byteOffset - whole.byteOffset);
        return (
          kind === JSON.stringify(expected(bytes)) &&
          classifyPacket(tail, length) === expected(bytes.subarray(0, length))
        );
      },
      { base: 5000 },
    );
  });
});
