/**
 * SctpAssociation against a werift-sctp peer in memory: handshake, PPIDs, ordered delivery,
 * fragmentation, partial reliability under loss, DCEP, the send buffer bound, and hostile
 * packets (dropped and counted by reason, the association keeps working).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../api/mediaFixtures.js';
import { writeDcepOpen } from '../../../src/protocols/sctp/dcep.js';
import { chunk, dataChunk, ourTag, sctpPacket, sctpPair, type SctpPair } from './helpers.js';

async function connected(pair: SctpPair): Promise<void> {
  assert.ok(await eventually(() => pair.ours.state === 'connected', 5000), 'association up');
  assert.ok(await eventually(() => pair.peer.state === 'connected', 5000), 'peer up');
}

void describe('SctpAssociation', () => {
  void it('connects and delivers 1,000 ordered messages (strings and binary) in order both ways', async () => {
    const pair = sctpPair();
    try {
      await connected(pair);
      assert.deepEqual(pair.states, ['connecting', 'connected']);
      for (let i = 0; i < 1000; i++) {
        const binary = i % 2 === 1;
        const data = binary ? Buffer.from([i & 0xff, i >> 8]) : Buffer.from(`m${i}`);
        assert.equal(pair.ours.send(1, binary ? 53 : 51, data, { ordered: true }), 'sent');
      }
      for (let i = 0; i < 1000; i++) void pair.peer.send(2, 51, Buffer.from(`p${i}`));
      assert.ok(await eventually(() => pair.peerReceived.length === 1000, 10000), 'peer got all');
      assert.ok(await eventually(() => pair.received.length === 1000, 10000), 'we got all');
      pair.peerReceived.forEach((m, i) => {
        assert.equal(m.streamId, 1);
        if (i % 2 === 1) {
          assert.equal(m.ppid, 53);
          assert.deepEqual([...m.data], [i & 0xff, i >> 8]);
        } else {
          assert.equal(m.ppid, 51);
          assert.equal(m.data.toString(), `m${i}`);
        }
      });
      pair.received.forEach((m, i) => assert.equal(m.data.toString(), `p${i}`));
      assert.ok(await eventually(() => pair.ours.bufferedAmount === 0, 5000), 'all acknowledged');
      assert.deepEqual(pair.faults, []);
    } finally {
      pair.close();
    }
  });

  void it('fragments and reassembles a 200 KB message, keeps empty-form PPIDs, refuses > maxMessageSize', async () => {
    const pair = sctpPair();
    try {
      await connected(pair);
      const big = Buffer.alloc(200 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
      assert.equal(pair.ours.send(3, 53, big, { ordered: true }), 'sent');
      assert.equal(pair.ours.send(3, 56, Buffer.from(' '), { ordered: true }), 'sent');
      assert.equal(pair.ours.send(3, 57, Buffer.alloc(1), { ordered: true }), 'sent');
      assert.equal(pair.ours.send(3, 53, Buffer.alloc(262145), { ordered: true }), 'tooBig');
      void pair.peer.send(4, 53, big);
      assert.ok(await eventually(() => pair.peerReceived.length === 3, 10000));
      assert.ok(pair.peerReceived[0].data.equals(big), '200 KB whole at the peer');
      assert.deepEqual(
        pair.peerReceived.map((m) => m.ppid),
        [53, 56, 57],
      );
      assert.ok(await eventually(() => pair.received.length === 1, 10000));
      assert.ok(pair.received[0].data.equals(big), '200 KB whole at our side');
    } finally {
      pair.close();
    }
  });

  void it('refuses a message past the send buffer (bufferFull) and takes more once acknowledged', async () => {
    const pair = sctpPair({ sendBufferSize: 100_000 });
    try {
      await connected(pair);
      assert.equal(pair.ours.send(1, 53, Buffer.alloc(60_000), { ordered: true }), 'sent');
      assert.equal(pair.ours.send(1, 53, Buffer.alloc(60_000), { ordered: true }), 'bufferFull');
      assert.ok(await eventually(() => pair.ours.bufferedAmount === 0, 5000));
      assert.equal(pair.ours.send(1, 53, Buffer.alloc(60_000), { ordered: true }), 'sent');
    } finally {
      pair.close();
    }
  });

  void it('an unordered maxRetransmits: 0 stream under loss loses some and never stalls', async () => {
    const pair = sctpPair();
    try {
      await connected(pair);
      pair.lossToPeer.every = 5;
      for (let i = 0; i < 300; i++) {
        pair.ours.send(5, 51, Buffer.from(`u${i}`), { ordered: false, maxRetransmits: 0 });
      }
      // The last one must arrive: send it with loss off, behind the lost ones.
      assert.ok(await eventually(() => pair.ours.bufferedAmount === 0, 8000), 'abandoned or acked');
      pair.lossToPeer.every = 0;
      pair.ours.send(5, 51, Buffer.from('last'), { ordered: false, maxRetransmits: 0 });
      assert.ok(
        await eventually(() => pair.peerReceived.some((m) => m.data.toString() === 'last'), 8000),
        'flows after the loss',
      );
      const got = pair.peerReceived.length - 1;
      assert.ok(got < 300, `some lost (${got} of 300 arrived)`);
      assert.ok(got > 150, `most arrived (${got} of 300)`);
      assert.deepEqual(pair.faults, []);
    } finally {
      pair.close();
    }
  });

  void it('answers a DCEP OPEN with an ACK on the same stream and does not deliver it', async () => {
    const opened: string[] = [];
    const pair = sctpPair({ onDataChannelOpen: (id, label) => opened.push(`${id}:${label}`) });
    try {
      await connected(pair);
      const open = writeDcepOpen({
        channelType: 0,
        priority: 0,
        reliability: 0,
        label: 'chat',
        protocol: '',
      });
      void pair.peer.send(7, 50, Buffer.from(open));
      assert.ok(await eventually(() => pair.peerReceived.length === 1, 5000));
      assert.deepEqual(pair.peerReceived[0], { streamId: 7, ppid: 50, data: Buffer.from([2]) });
      assert.deepEqual(opened, ['7:chat']);
      assert.equal(pair.received.length, 0);
    } finally {
      pair.close();
    }
  });

  void it('drops and counts hostile packets by reason, and keeps flowing', async () => {
    const pair = sctpPair();
    try {
      await connected(pair);
      const tag = ourTag(pair);
      const ok = dataChunk(1, 1, 51, Buffer.from('x'));
      const bad = sctpPacket(tag, ok);
      bad[20] ^= 0xff; // checksum now wrong
      pair.inject(bad);
      pair.inject(Buffer.alloc(8));
      pair.inject(sctpPacket(tag ^ 1, ok)); // forged tag
      pair.inject(sctpPacket(tag, chunk(3, 0, Buffer.alloc(12), 0))); // chunk length 0
      pair.inject(sctpPacket(tag, chunk(3, 0, Buffer.alloc(12), 400))); // past the packet
      // A HEARTBEAT whose parameter has length 0 (werift's parameter loop would never end).
      pair.inject(sctpPacket(tag, chunk(4, 0, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0]))));
      // A SACK claiming a gap of 65535 TSNs per block, 100 blocks.
      const sack = Buffer.alloc(12 + 400);
      sack.writeUInt16BE(100, 8);
      for (let i = 0; i < 100; i++) {
        sack.writeUInt16BE(1, 12 + 4 * i);
        sack.writeUInt16BE(65535, 14 + 4 * i);
      }
      pair.inject(sctpPacket(tag, chunk(3, 0, sack)));
      const peerTsn = (pair.peer as unknown as { localTsn: number }).localTsn;
      pair.inject(sctpPacket(tag, dataChunk(peerTsn + 100_000, 1, 51, Buffer.from('far'))));
      pair.inject(sctpPacket(tag, dataChunk(1, 4000, 51, Buffer.from('s')))); // stream ≥ MIS
      pair.inject(sctpPacket(tag, chunk(0, 3, Buffer.alloc(12)))); // DATA without user data
      pair.inject(sctpPacket(tag, chunk(0x3f, 0, Buffer.alloc(4)))); // unknown chunk
      const init = Buffer.alloc(16);
      init.writeUInt32BE(1234, 0);
      init.writeUInt32BE(65536, 4);
      init.writeUInt16BE(10, 8);
      init.writeUInt16BE(10, 10);
      for (let i = 0; i < 50; i++) pair.inject(sctpPacket(0, chunk(1, 0, init))); // INIT flood
      pair.inject(sctpPacket(0, chunk(1, 0, init), chunk(11, 0, Buffer.alloc(0))));
      const drops = pair.ours.drops;
      assert.equal(drops.badChecksum, 1);
      assert.equal(drops.tooShort, 1);
      assert.equal(drops.badVerificationTag, 1);
      assert.equal(drops.badChunkLength, 2);
      assert.equal(drops.badParameterLength, 1);
      assert.equal(drops.sackSpanTooLarge, 1);
      assert.equal(drops.tsnOutOfWindow, 1);
      assert.equal(drops.badStream, 1);
      assert.equal(drops.emptyData, 1);
      assert.equal(drops.unknownChunk, 1);
      assert.equal(drops.initAfterEstablished, 50);
      assert.equal(drops.initNotAlone, 1);
      // Still up and flowing both ways.
      assert.equal(pair.ours.state, 'connected');
      pair.ours.send(1, 51, Buffer.from('after'), { ordered: true });
      void pair.peer.send(1, 51, Buffer.from('after'));
      assert.ok(
        await eventually(() => pair.peerReceived.length === 1 && pair.received.length === 1),
      );
      assert.deepEqual(pair.faults, []);
    } finally {
      pair.close();
    }
  });

  void it('limits INITs before the association is up (INIT flood)', () => {
    const pair = sctpPair();
    try {
      const init = Buffer.alloc(16);
      init.writeUInt32BE(99, 0);
      init.writeUInt32BE(65536, 4);
      init.writeUInt16BE(10, 8);
      init.writeUInt16BE(10, 10);
      for (let i = 0; i < 100; i++) pair.inject(sctpPacket(0, chunk(1, 0, init)));
      assert.ok(
        pair.ours.drops.initFlood >= 100 - 8 - 1,
        `flood counted: ${pair.ours.drops.initFlood}`,
      );
      pair.inject(sctpPacket(5, chunk(1, 0, init)));
      assert.equal(pair.ours.drops.badVerificationTag, 1, 'an INIT carries tag 0');
    } finally {
      pair.close();
    }
  });
});
