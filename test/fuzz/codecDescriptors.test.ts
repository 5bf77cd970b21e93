/**
 * Fuzz: the VP8 (RFC 7741) and VP9 (RFC 9628) payload descriptor parsers and the VP8
 * PictureID/TL0PICIDX rewrite (src/protocols/rtp/vp8.ts, vp9.ts) on mutated captured VP8
 * payloads and arbitrary bytes: never throw, read and write only `buf[offset, offset+length)`,
 * and a rewrite changes nothing the parser does not report as PictureID / TL0PICIDX.
 */
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  RtpPacketView,
  Vp8Descriptor,
  Vp9Descriptor,
  parseVp8Descriptor,
  parseVp9Descriptor,
  rewriteVp8Descriptor,
  vp8TemporalLayer,
  vp9LayerIndices,
} from '../../src/protocols/rtp/index.js';
import { bytesFrom, canonical, embed, fuzz, loadCorpus } from './kit.js';

const view = new RtpPacketView();
const vp8 = loadCorpus('ffmpeg-vp8-opus-rtp', 'rtp').flatMap((b) =>
  view.wrap(b) === 'ok' && view.payloadType === 96 ? [Buffer.from(view.payload())] : [],
);
// VP9-shaped seeds: key frame with SS, flexible inter frame.
const vp9 = [
  Buffer.from([0xaa, 0x81, 0x02, 0x00, 0x09, 0x50, 0x01, 0x40, 0x00, 0xb4, 0x02, 0x80, 0x01, 0x68]),
  Buffer.from([0xf4, 0x05, 0x53, 0x03, 0x04, 0xee]),
  Buffer.from([0xab, 0x80, 0x07, 0x00, 0x0a, 0x08, 0x03, 0x10, 0x04, 0x24, 0x02, 0x48, 0x01]),
];
const d8 = new Vp8Descriptor();
const d9 = new Vp9Descriptor();

function parsed8(buf: Uint8Array, offset: number, length: number): string {
  return parseVp8Descriptor(buf, offset, length, d8) ? canonical({ ...d8 }) : 'invalid';
}
function parsed9(buf: Uint8Array, offset: number, length: number): string {
  return parseVp9Descriptor(buf, offset, length, d9) ? canonical({ ...d9 }) : 'invalid';
}

void describe('fuzz: VP8 / VP9 payload descriptors', () => {
  void it('parse only their range, whatever surrounds it', () => {
    fuzz(
      'codec-descriptor',
      [bytesFrom([...vp8, ...vp9], 400), fc.boolean()],
      (bytes, nine) => {
        const parse = nine ? parsed9 : parsed8;
        const alone = parse(Buffer.from(bytes), 0, bytes.length);
        for (const sentinel of [0x00, 0xff, 0x81]) {
          const { whole, view: v } = embed(bytes, sentinel);
          if (parse(whole, v.byteOffset - whole.byteOffset, bytes.length) !== alone) return false;
        }
        return parse(bytes, 0, bytes.length + 1) === 'invalid';
      },
      { base: 4000 },
    );
  });

  void it('the VP8 rewrite writes only PictureID and TL0PICIDX inside the range', () => {
    fuzz(
      'vp8-rewrite',
      [bytesFrom(vp8, 400), fc.nat(0x7fff), fc.nat(0xff)],
      (bytes, pictureId, tl0) => {
        const { whole, view: v } = embed(bytes, 0xa5);
        const before = Buffer.from(whole);
        const base = v.byteOffset - whole.byteOffset;
        const ok = rewriteVp8Descriptor(whole, base, bytes.length, pictureId, tl0);
        // Outside the range nothing changes.
        if (!before.subarray(0, base).equals(whole.subarray(0, base))) return false;
        const tail = base + bytes.length;
        if (!before.subarray(tail).equals(whole.subarray(tail))) return false;
        if (!parseVp8Descriptor(before, base, bytes.length, d8)) return true;
        if (!ok) return false;
        const expectPid = d8.pictureIdLength === 2 ? pictureId : pictureId & 0x7f;
        const hadPid = d8.hasPictureId;
        const hadTl0 = d8.hasTl0PicIdx;
        const length = d8.length;
        if (!parseVp8Descriptor(whole, base, bytes.length, d8)) return false;
        if (hadPid && d8.pictureId !== expectPid) return false;
        if (hadTl0 && d8.tl0PicIdx !== tl0) return false;
        // The payload after the descriptor is untouched.
        return before.subarray(base + length, tail).equals(whole.subarray(base + length, tail));
      },
      { base: 3000 },
    );
  });

  void it('the per-packet layer readers agree with the parsers and read only their range', () => {
    fuzz(
      'codec-layers',
      [bytesFrom([...vp8, ...vp9], 400), fc.boolean()],
      (bytes, nine) => {
        const read = nine ? vp9LayerIndices : vp8TemporalLayer;
        const alone = read(Buffer.from(bytes), 0, bytes.length);
        for (const sentinel of [0x00, 0xff]) {
          const { whole, view: v } = embed(bytes, sentinel);
          if (read(whole, v.byteOffset - whole.byteOffset, bytes.length) !== alone) return false;
        }
        if (nine) {
          if (!parseVp9Descriptor(bytes, 0, bytes.length, d9)) return true;
          return alone === (d9.hasLayerIndices ? (d9.sid << 3) | d9.tid : 0);
        }
        if (!parseVp8Descriptor(bytes, 0, bytes.length, d8)) return true;
        return alone === (d8.hasTid ? d8.tid : 0);
      },
      { base: 3000 },
    );
  });
});
