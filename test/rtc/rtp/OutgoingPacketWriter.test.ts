/**
 * The consumer's packet writer: what it writes (RFC 3550 §5.1 header, RFC 8285 blocks in the
 * right form) and that it never writes outside `out`: a packet that does not fit is refused.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpPacketView } from '../../../src/protocols/rtp/index.js';
import {
  writeOutgoingPacket,
  type HopExtensions,
  type OutgoingHeader,
} from '../../../src/rtc/rtp/OutgoingPacketWriter.js';
import { MAX_OUTGOING_RTP_SIZE, MAX_RTP_PACKET_SIZE } from '../../../src/rtc/rtp/packetLimits.js';

const HEADER: OutgoingHeader = {
  payloadType: 100,
  sequenceNumber: 7,
  timestamp: 1234,
  ssrc: 0xcafe,
  marker: true,
};
const HOP: HopExtensions = {
  midId: 1,
  mid: Buffer.from('0'),
  absSendTimeId: 2,
  transportWideCcId: 3,
};
/** Every id maps to itself. */
const IDENTITY = Uint8Array.from({ length: 256 }, (_, i) => i);

/** A source packet: CSRCs, an optional one-byte block, payload, padding. */
function source(options: {
  csrcs?: number;
  elements?: { id: number; length: number }[];
  payload?: number;
  padding?: number;
}): RtpPacketView {
  const parts: number[] = [];
  for (const { id, length } of options.elements ?? []) {
    parts.push((id << 4) | (length - 1), ...new Array<number>(length).fill(0xaa));
  }
  while (parts.length % 4) parts.push(0);
  const ext = options.elements ? 4 + parts.length : 0;
  const csrcs = options.csrcs ?? 0;
  const payload = options.payload ?? 10;
  const padding = options.padding ?? 0;
  const buf = Buffer.alloc(12 + 4 * csrcs + ext + payload + padding, 0x55);
  buf[0] = 0x80 | csrcs | (ext ? 0x10 : 0) | (padding ? 0x20 : 0);
  buf[1] = 96;
  let at = 12 + 4 * csrcs;
  if (ext) {
    buf.writeUInt16BE(0xbede, at);
    buf.writeUInt16BE(parts.length / 4, at + 2);
    buf.set(parts, at + 4);
    at += ext;
  }
  if (padding) buf[buf.length - 1] = padding;
  const view = new RtpPacketView();
  assert.equal(view.wrap(buf), 'ok');
  return view;
}

function write(out: Buffer, view: RtpPacketView, hop = HOP, map = IDENTITY): number {
  return writeOutgoingPacket(out, view, HEADER, map, hop, 0x123456, 9);
}

describe('writeOutgoingPacket', () => {
  test('writes the header, the hop extensions and the payload; the result parses', () => {
    const view = source({ csrcs: 15, elements: [{ id: 13, length: 16 }], padding: 3 });
    const out = Buffer.alloc(MAX_OUTGOING_RTP_SIZE);
    const length = write(out, view);
    assert.ok(length > 0);
    const result = new RtpPacketView();
    assert.equal(result.wrap(out, length), 'ok');
    assert.equal(result.ssrc, 0xcafe);
    assert.equal(result.csrcCount, 15);
    assert.equal(result.csrc(14), view.csrc(14));
    assert.equal(result.paddingLength, 3);
    assert.deepEqual(result.getExtension(1), Buffer.from('0'));
    assert.deepEqual(result.getExtension(2), Buffer.from([0x12, 0x34, 0x56]));
    assert.deepEqual(result.getExtension(13), Buffer.alloc(16, 0xaa));
    assert.deepEqual(Buffer.from(result.payload()), Buffer.from(view.payload()));
  });

  test('a packet that fits exactly is written; one byte less of room and it is refused', () => {
    const view = source({ payload: 1000 });
    const big = Buffer.alloc(MAX_OUTGOING_RTP_SIZE);
    const length = write(big, view);
    const exact = Buffer.alloc(length, 0xee);
    assert.equal(write(exact, view), length);
    assert.deepEqual(exact, big.subarray(0, length));
    const short = Buffer.alloc(length - 1, 0xee);
    assert.equal(write(short, view), -1);
    assert.ok(
      short.every((b) => b === 0xee),
      'a refused packet wrote nothing',
    );
  });

  test('the largest forwarded packet with 15 CSRCs and a full one-byte block fits the buffer', () => {
    const elements = Array.from({ length: 80 }, () => ({ id: 13, length: 16 }));
    const view = source({ csrcs: 15, elements, payload: 64 });
    assert.ok(view.length <= MAX_RTP_PACKET_SIZE);
    assert.ok(write(Buffer.alloc(MAX_OUTGOING_RTP_SIZE), view) > 0);
  });

  test('growth past the buffer (one-byte elements rewritten in the two-byte form) is refused', () => {
    // 500 one-byte elements of 1 byte: 2 bytes each, 3 in the two-byte form that a 17-byte MID
    // forces (RFC 8285 §4.2 allows at most 16 bytes in the one-byte form).
    const elements = Array.from({ length: 500 }, () => ({ id: 13, length: 1 }));
    const view = source({ elements, payload: 400 });
    assert.ok(view.length <= MAX_RTP_PACKET_SIZE);
    const longMid = { ...HOP, mid: Buffer.alloc(17, 0x61) };
    const out = Buffer.alloc(MAX_OUTGOING_RTP_SIZE, 0xee);
    assert.equal(write(out, view, longMid), -1);
    assert.ok(out.every((b) => b === 0xee));
    // With a short MID the one-byte form stays and it fits.
    assert.ok(write(out, view) > 0);
  });

  test('a MID too long for any element form is left out, not written past its length byte', () => {
    const view = source({});
    const out = Buffer.alloc(MAX_OUTGOING_RTP_SIZE);
    const length = write(out, view, { ...HOP, mid: Buffer.alloc(300, 0x61) });
    const result = new RtpPacketView();
    assert.equal(result.wrap(out, length), 'ok');
    assert.equal(result.getExtension(1), undefined);
    assert.deepEqual(result.getExtension(2), Buffer.from([0x12, 0x34, 0x56]));
  });

  test('no extension at all: no block, X bit clear', () => {
    const view = source({});
    const out = Buffer.alloc(100);
    const none: HopExtensions = {
      midId: 0,
      mid: Buffer.alloc(0),
      absSendTimeId: 0,
      transportWideCcId: 0,
    };
    const length = write(out, view, none);
    assert.equal(length, view.length);
    assert.equal(out[0] & 0x10, 0);
  });
});
