/**
 * One copy per fanned-out packet: consumers keep their own header and a handle into the
 * producer's store, and resend exactly the bytes they sent (RFC 4588 wrapping included).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtpPacketView, writeRtpHeader } from '../../../src/protocols/rtp/index.js';
import {
  RetransmissionBuffer,
  RtpStreamSend,
  SHARED_HEADER_SLOT,
  SharedPacketStore,
} from '../../../src/rtc/rtpStream/index.js';
import { hex } from './helpers.js';

const SOURCE_SSRC = 0x11111111;
const SSRC = 0xaabbccdd;

/** A producer packet with a one-byte extension block (so its payload does not start at 12). */
function sourcePacket(seq: number, size = 40): RtpPacketView {
  const buf = new Uint8Array(12 + 8 + size);
  writeRtpHeader(buf, {
    payloadType: 101,
    sequenceNumber: seq,
    timestamp: seq * 3000,
    ssrc: SOURCE_SSRC,
    marker: false,
  });
  buf[0] |= 0x10;
  buf.set([0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0, 0], 12);
  for (let i = 0; i < size; i++) buf[20 + i] = (seq + i) & 0xff;
  const view = new RtpPacketView();
  assert.equal(view.wrap(buf), 'ok');
  return view;
}

/** What a consumer writes from it: its own header (no extensions), the same payload. */
function outgoing(source: RtpPacketView, seq: number): RtpPacketView {
  const payload = source.buffer.subarray(source.payloadOffset, source.length);
  const buf = new Uint8Array(12 + payload.length);
  writeRtpHeader(buf, {
    payloadType: 96,
    sequenceNumber: seq,
    timestamp: source.timestamp + 7,
    ssrc: SSRC,
    marker: source.marker,
  });
  buf.set(payload, 12);
  const view = new RtpPacketView();
  assert.equal(view.wrap(buf), 'ok');
  return view;
}

void describe('SharedPacketStore', () => {
  void it('answers current() only for the packet just put, and forgets reused slots', () => {
    const store = new SharedPacketStore({ capacity: 4, slotSize: 1500 });
    const first = sourcePacket(1);
    store.put(first, 0);
    const handle = store.current(first);
    assert.ok(handle >= 0);
    assert.equal(store.current(sourcePacket(1)), -1, 'another view');
    assert.deepEqual(
      [...store.bytes(handle, first.payloadOffset, 40, 0, 2000)!],
      [...first.buffer.subarray(first.payloadOffset, first.length)],
    );
    assert.equal(store.bytes(handle, 0, first.length + 1, 0, 2000), undefined, 'out of range');
    assert.equal(store.bytes(handle, 0, 10, 2001, 2000), undefined, 'too old');
    for (let seq = 2; seq <= 5; seq++) store.put(sourcePacket(seq), 1);
    assert.equal(store.bytes(handle, 0, 10, 1, 2000), undefined, 'its slot was reused');
  });

  void it('does not keep packets larger than a slot', () => {
    const store = new SharedPacketStore({ capacity: 4, slotSize: 30 });
    const big = sourcePacket(1, 40);
    store.put(big, 0);
    assert.equal(store.current(big), -1);
  });
});

void describe('Retransmissions from the shared store', () => {
  void it('resend the exact bytes sent, plain and RTX-wrapped, and fall back to a copy', () => {
    for (const rtx of [false, true]) {
      const store = new SharedPacketStore({ slotSize: 1500 });
      const resent: string[] = [];
      const stream = new RtpStreamSend({
        ssrc: SSRC,
        payloadType: 96,
        clockRate: 90000,
        mimeType: 'video/VP8',
        useNack: true,
        shared: store,
        ...(rtx ? { rtxSsrc: 0x0badf00d, rtxPayloadType: 97, rtxInitialSequenceNumber: 500 } : {}),
        onRetransmit: (p) => resent.push(hex(p.buffer.subarray(0, p.length))),
      });
      const sent = new Map<number, string>();
      for (let i = 0; i < 20; i++) {
        const source = sourcePacket(1000 + i);
        store.put(source, i);
        const out = outgoing(source, 200 + i);
        sent.set(200 + i, hex(out.buffer.subarray(0, out.length)));
        // Every 5th packet as if its payload had been rewritten: a full copy.
        const shared = i % 5 === 0 ? -1 : store.current(source);
        stream.storePacket(out, i, shared, source.payloadOffset);
      }
      assert.equal(stream.receiveNack([203, 205, 210], 30), 3);
      if (!rtx) {
        assert.deepEqual(resent, [sent.get(203), sent.get(205), sent.get(210)]);
      } else {
        // RFC 4588 §4: RTX header, then the original sequence number, then the payload.
        for (const [k, seq] of [203, 205, 210].entries()) {
          const original = Buffer.from(sent.get(seq)!, 'hex');
          const wrapped = Buffer.from(resent[k], 'hex');
          assert.equal(wrapped.readUInt32BE(8), 0x0badf00d);
          assert.equal(wrapped.readUInt16BE(2), 500 + k);
          assert.equal(wrapped.readUInt16BE(12), seq);
          assert.deepEqual(wrapped.subarray(14), original.subarray(12));
        }
      }
    }
  });

  void it('keep a consumer to header slots: no full-packet slab', () => {
    const store = new SharedPacketStore({ slotSize: 1500 });
    const copying = new RetransmissionBuffer({ capacity: 600 });
    const sharing = new RetransmissionBuffer({ capacity: 600, shared: store });
    for (let i = 0; i < 600; i++) {
      const source = sourcePacket(i & 0xffff, 1100);
      store.put(source, i);
      const out = outgoing(source, i);
      copying.store(out, i);
      sharing.storeShared(out, i, store.current(source), source.payloadOffset);
    }
    assert.equal(copying.size, 600);
    assert.equal(sharing.size, 600);
    // Header slots come in chunks of 32.
    assert.equal(sharing.allocatedBytes, Math.ceil(600 / 32) * 32 * SHARED_HEADER_SLOT);
    assert.ok(copying.allocatedBytes >= 600 * 1112, `${copying.allocatedBytes}`);
  });

  void it('copy a packet whose header does not fit a header slot', () => {
    const store = new SharedPacketStore({ slotSize: 1500 });
    const sharing = new RetransmissionBuffer({ capacity: 8, shared: store });
    const source = sourcePacket(1);
    store.put(source, 0);
    // 15 CSRCs and a 96-byte extension block: a 168-byte header.
    const buf = new Uint8Array(12 + 60 + 100 + 10);
    writeRtpHeader(buf, {
      payloadType: 96,
      sequenceNumber: 9,
      timestamp: 0,
      ssrc: SSRC,
      marker: false,
    });
    buf[0] |= 0x10 | 15;
    buf.set([0xbe, 0xde, 0x00, 24], 72);
    const big = new RtpPacketView();
    assert.equal(big.wrap(buf), 'ok');
    assert.ok(big.payloadOffset > SHARED_HEADER_SLOT);
    assert.ok(sharing.storeShared(big, 0, store.current(source), source.payloadOffset));
    assert.deepEqual([...sharing.packetBytes(sharing.find(9, 0), 0)!], [...buf]);
  });
});
