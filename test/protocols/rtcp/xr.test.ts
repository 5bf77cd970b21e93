import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  XR_RRT_LENGTH,
  parseRtcpCompound,
  rtcpCompoundSize,
  writeRtcpCompound,
  writeXr,
  writeXrRrt,
  xrSize,
  type ExtendedReport,
  type RtcpPacket,
} from '../../../src/protocols/rtcp/index.js';
import { RR, hex } from './vectors.js';

/** XR (RFC 3611 §2) from SSRC 0x11223344 with an RRT block (§4.4), NTP 0xe73c5a10.80000000. */
const XR_RRT = hex('80 cf 00 04  11 22 33 44  04 00 00 02  e7 3c 5a 10  80 00 00 00');

/**
 * XR as a media sender answers one: SSRC 0x11223344, a DLRR block (§4.5) with one sub-block
 * naming SSRC 0 (the RRT's sender), LRR 0x5a108000, DLRR 0x00008000 (0.5 s).
 */
const XR_DLRR = hex(`
  80 cf 00 05  11 22 33 44  05 00 00 03
  00 00 00 00  5a 10 80 00  00 00 80 00`);

function parse(buf: Uint8Array): RtcpPacket[] {
  const r = parseRtcpCompound(buf);
  assert.ok(Array.isArray(r), `parse failed: ${r as string}`);
  return r;
}

void describe('RFC 3611 extended reports (XR, PT 207)', () => {
  void it('parses an RRT block and a DLRR block', () => {
    assert.deepEqual(parse(XR_RRT), [
      {
        kind: 'xr',
        ssrc: 0x11223344,
        rrt: { ntpSeconds: 0xe73c5a10, ntpFraction: 0x80000000 },
        dlrr: [],
      },
    ]);
    assert.deepEqual(parse(XR_DLRR), [
      {
        kind: 'xr',
        ssrc: 0x11223344,
        dlrr: [{ ssrc: 0, lastRr: 0x5a108000, delaySinceLastRr: 0x8000 }],
      },
    ]);
  });

  void it('round-trips RRT and DLRR byte for byte, alone and in a compound', () => {
    for (const v of [XR_RRT, XR_DLRR, Buffer.concat([RR, XR_RRT]), Buffer.concat([RR, XR_DLRR])]) {
      const packets = parse(v);
      assert.equal(rtcpCompoundSize(packets), v.length);
      const out = Buffer.alloc(v.length);
      assert.equal(writeRtcpCompound(packets, out), v.length);
      assert.deepEqual(out, v);
    }
  });

  void it('writes an RRT-only XR without building a value (writeXrRrt)', () => {
    const out = Buffer.alloc(XR_RRT_LENGTH + 4, 0xee);
    assert.equal(writeXrRrt(out, 4, 0x11223344, 0xe73c5a10, 0x80000000), XR_RRT_LENGTH);
    assert.deepEqual(out.subarray(4), XR_RRT);
    assert.deepEqual(out.subarray(0, 4), Buffer.alloc(4, 0xee), 'wrote before its offset');
  });

  void it('skips blocks of unknown types by their length (§3)', () => {
    // BT 42 with one word, then DLRR with two sub-blocks, then BT 7 with no body.
    const xr = hex(`
      80 cf 00 0b  00 00 00 09
      2a 00 00 01  de ad be ef
      05 00 00 06  00 00 00 01  00 00 00 02  00 00 00 03
                   00 00 00 04  00 00 00 05  00 00 00 06
      07 ff 00 00`);
    assert.deepEqual(parse(xr), [
      {
        kind: 'xr',
        ssrc: 9,
        dlrr: [
          { ssrc: 1, lastRr: 2, delaySinceLastRr: 3 },
          { ssrc: 4, lastRr: 5, delaySinceLastRr: 6 },
        ],
      },
    ]);
  });

  void it('refuses malformed XR: truncated blocks, bad block lengths (whole compound)', () => {
    const cases: [string, Buffer][] = [
      ['no SSRC', hex('80 cf 00 00')],
      // Padding (RFC 3550 §6.4.1) ends the content inside a block header.
      ['half a block header', hex('a0 cf 00 02  00 00 00 01  04 00 00 02')],
      ['RRT of length 1', hex('80 cf 00 03  00 00 00 01  04 00 00 01  e7 3c 5a 10')],
      ['RRT past the packet', hex('80 cf 00 03  00 00 00 01  04 00 00 02  e7 3c 5a 10')],
      ['DLRR of 2 words', hex('80 cf 00 04  00 00 00 01  05 00 00 02  00 00 00 01  00 00 00 02')],
      [
        'DLRR past the packet',
        hex('80 cf 00 04  00 00 00 01  05 00 00 06  00 00 00 01  00 00 00 02'),
      ],
      ['unknown block past the packet', hex('80 cf 00 02  00 00 00 01  2a 00 00 01')],
    ];
    for (const [name, b] of cases) {
      // The RTCP header is sound, so only the XR parser can refuse it.
      assert.equal(parseRtcpCompound(Buffer.concat([RR, b])), 'malformed-packet', name);
    }
    // Every truncation of a valid XR (header length adjusted) is refused, but the one that
    // keeps just the SSRC: an XR with no blocks.
    for (let n = 4; n < XR_DLRR.length; n += 4) {
      const b = Buffer.from(XR_DLRR.subarray(0, n));
      b[3] = n / 4 - 1;
      const expected = n === 8 ? [{ kind: 'xr', ssrc: 0x11223344, dlrr: [] }] : 'malformed-packet';
      assert.deepEqual(parseRtcpCompound(b), expected, `${n} bytes`);
    }
  });

  void it('writes within the buffer or not at all', () => {
    const xr: ExtendedReport = {
      kind: 'xr',
      ssrc: 1,
      rrt: { ntpSeconds: 2, ntpFraction: 3 },
      dlrr: [{ ssrc: 4, lastRr: 5, delaySinceLastRr: 6 }],
    };
    const size = xrSize(xr);
    assert.equal(size, 8 + 12 + 16);
    for (let room = 0; room < size; room++) {
      const out = Buffer.alloc(room + 2, 0xee);
      assert.equal(writeXr(xr, out.subarray(0, room)), -1, `room ${room}`);
      assert.deepEqual(out, Buffer.alloc(room + 2, 0xee), `wrote with room ${room}`);
      assert.equal(writeXrRrt(out, room + 2 - XR_RRT_LENGTH + 1, 1, 2, 3), -1);
    }
    assert.equal(writeXrRrt(Buffer.alloc(40), -1, 1, 2, 3), -1);
    // The RTCP length field (RFC 3550 §6.4.1) allows 21844 sub-blocks: 8 + 4 + 21844 × 12 bytes.
    const many = Array.from({ length: 21845 }, () => ({ ssrc: 1, lastRr: 2, delaySinceLastRr: 3 }));
    const big: ExtendedReport = { kind: 'xr', ssrc: 1, dlrr: many };
    assert.equal(writeXr(big, Buffer.alloc(xrSize(big))), -1);
    const most: ExtendedReport = { kind: 'xr', ssrc: 1, dlrr: many.slice(1) };
    const out = Buffer.alloc(xrSize(most));
    assert.equal(writeXr(most, out), out.length);
    const back = parse(out);
    assert.equal(back[0].kind === 'xr' && back[0].dlrr.length, 21844);
  });
});
