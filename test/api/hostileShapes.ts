/**
 * The hostile packet shapes an authenticated peer can send (plaintexts; the session protects
 * them): RTP of every size and header shape (RFC 3550 §5.1, RFC 8285, RFC 4588) and RTCP
 * compounds of every type with hostile lengths (RFC 3550 §6, RFC 4585 §6, RFC 5104, RFC 3611,
 * draft-holmer-rmcat-transport-wide-cc-extensions-01, draft-alvestrand-rmcat-remb).
 */
import { randomBytes } from 'node:crypto';
import type { PeerProtocol } from '../peer/SrtpPeer.js';
import {
  PRODUCER_RTX_SSRC,
  PRODUCER_SSRC,
  RTX_PT,
  vp8KeyFramePayload,
  type AuthenticatedSession,
} from './authenticatedSession.js';

/**
 * What must happen to a shape: forwarded to the consumer (its tag seen there), dropped and
 * counted under this getStats packetsDropped key, or either ('any': the worker must live).
 */
export type Outcome = 'forward' | 'any' | { drop: string };

export interface HostileShape {
  name: string;
  /** Who sends it: the producer peer, or the consumer peer (RTCP about what it receives). */
  from: 'producer' | 'consumer';
  kind: 'rtp' | 'rtcp';
  build(session: Pick<AuthenticatedSession, 'rtp'>, tag: Buffer, consumerSsrc: number): Buffer;
  outcome: Outcome;
}

/** Largest plaintext the wire carries: a UDP/IPv4 datagram or an RFC 4571 frame, less SRTP. */
export function wireLimit(protocol: PeerProtocol): number {
  return (protocol === 'udp' ? 65507 : 65535) - 16;
}

/** A payload ending with the tag (so the consumer side can find it). */
function tagged(tag: Buffer, size: number): Buffer {
  return vp8KeyFramePayload(tag, size);
}

/** An RFC 8285 one-byte element list, padded to 4 bytes. */
function oneByte(elements: { id: number; value: Uint8Array }[]): Uint8Array {
  const parts: number[] = [];
  for (const { id, value } of elements) parts.push((id << 4) | (value.length - 1), ...value);
  while (parts.length % 4) parts.push(0);
  return Uint8Array.from(parts);
}

/** An RFC 8285 two-byte element list, padded to 4 bytes. */
function twoByte(elements: { id: number; value: Uint8Array }[]): Uint8Array {
  const parts: number[] = [];
  for (const { id, value } of elements) parts.push(id, value.length, ...value);
  while (parts.length % 4) parts.push(0);
  return Uint8Array.from(parts);
}

function words(n: number): Uint8Array {
  return randomBytes(4 * n);
}

/** One RTCP packet: V=2, count, packet type, length in words minus one (RFC 3550 §6.4.1). */
export function rtcp(pt: number, count: number, body: Uint8Array, lengthWords?: number): Buffer {
  const padded = Buffer.alloc(Math.ceil(body.length / 4) * 4);
  padded.set(body);
  const packet = Buffer.alloc(4 + padded.length);
  packet[0] = 0x80 | (count & 0x1f);
  packet[1] = pt;
  packet.writeUInt16BE(lengthWords ?? padded.length / 4, 2);
  padded.copy(packet, 4);
  return packet;
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

/** An RR so a compound starts as RFC 3550 §6.1 asks. */
function rr(ssrc: number): Buffer {
  return rtcp(201, 0, u32(ssrc));
}

const reportBlocks = (n: number, ssrc: number): Buffer =>
  Buffer.concat(Array.from({ length: n }, (_, i) => Buffer.concat([u32(ssrc + i), words(5)])));

export function hostileShapes(protocol: PeerProtocol): HostileShape[] {
  const limit = wireLimit(protocol);
  const rtpShape = (
    name: string,
    outcome: Outcome,
    build: HostileShape['build'],
  ): HostileShape => ({ name, from: 'producer', kind: 'rtp', build, outcome });
  const rtcpShape = (
    name: string,
    from: HostileShape['from'],
    build: HostileShape['build'],
    outcome: Outcome = 'any',
  ): HostileShape => ({ name, from, kind: 'rtcp', build, outcome });
  const bothSides = (name: string, build: HostileShape['build'], outcome?: Outcome) => [
    rtcpShape(`${name} (producer side)`, 'producer', build, outcome),
    rtcpShape(`${name} (consumer side)`, 'consumer', build, outcome),
  ];
  return [
    // Sizes: the known crash (1800 bytes), jumbo, and the wire's limit.
    rtpShape('1800-byte RTP', { drop: 'tooBig' }, (s, t) => s.rtp({ payload: tagged(t, 1788) })),
    rtpShape('9000-byte RTP', { drop: 'tooBig' }, (s, t) => s.rtp({ payload: tagged(t, 8988) })),
    rtpShape(`RTP at the ${protocol} limit`, { drop: 'tooBig' }, (s, t) =>
      s.rtp({ payload: tagged(t, limit - 12) }),
    ),
    rtpShape('1500-byte RTP (the largest forwarded)', 'forward', (s, t) =>
      s.rtp({ payload: tagged(t, 1488) }),
    ),
    rtpShape('1501-byte RTP', { drop: 'tooBig' }, (s, t) => s.rtp({ payload: tagged(t, 1489) })),
    // Header shapes.
    rtpShape('15 CSRCs', 'forward', (s, t) =>
      s.rtp({
        csrcs: Array.from({ length: 15 }, (_, i) => 0xfffffff0 + i),
        payload: tagged(t, 50),
      }),
    ),
    rtpShape('15 CSRCs and a 1500-byte packet', 'forward', (s, t) =>
      s.rtp({ csrcs: Array.from({ length: 15 }, (_, i) => i), payload: tagged(t, 1428) }),
    ),
    rtpShape('one-byte extension block of length 0', 'forward', (s, t) =>
      s.rtp({ extension: { profile: 0xbede, data: new Uint8Array(0) }, payload: tagged(t, 50) }),
    ),
    rtpShape('one-byte elements of every id and length', 'forward', (s, t) =>
      s.rtp({
        extension: {
          profile: 0xbede,
          data: oneByte(
            Array.from({ length: 14 }, (_, i) => ({ id: i + 1, value: randomBytes(16) })),
          ),
        },
        payload: tagged(t, 50),
      }),
    ),
    rtpShape('one-byte block of 1200 random bytes', 'any', (s, t) =>
      s.rtp({ extension: { profile: 0xbede, data: words(300) }, payload: tagged(t, 50) }),
    ),
    rtpShape('one-byte element overrunning its block', 'any', (s, t) =>
      s.rtp({
        extension: { profile: 0xbede, data: Uint8Array.from([0x4f, 1, 2, 3]) },
        payload: tagged(t, 50),
      }),
    ),
    rtpShape('one-byte id 15 (stop) then data', 'forward', (s, t) =>
      s.rtp({
        extension: { profile: 0xbede, data: Uint8Array.from([0xf0, 0x41, 1, 2]) },
        payload: tagged(t, 50),
      }),
    ),
    rtpShape('one-byte block filling the packet to 1500', 'forward', (s, t) =>
      s.rtp({
        extension: {
          profile: 0xbede,
          data: oneByte(Array.from({ length: 80 }, () => ({ id: 13, value: randomBytes(16) }))),
        },
        payload: tagged(t, 1500 - 12 - 4 - 1360),
      }),
    ),
    rtpShape('two-byte zero-length elements', 'forward', (s, t) =>
      s.rtp({
        extension: {
          profile: 0x1000,
          data: twoByte(
            Array.from({ length: 40 }, (_, i) => ({ id: i + 1, value: new Uint8Array(0) })),
          ),
        },
        payload: tagged(t, 50),
      }),
    ),
    rtpShape('two-byte 255-byte elements (appbits 0xF)', 'forward', (s, t) =>
      s.rtp({
        extension: {
          profile: 0x100f,
          data: twoByte([2, 3, 4, 13].map((id) => ({ id, value: randomBytes(255) }))),
        },
        payload: tagged(t, 50),
      }),
    ),
    rtpShape('two-byte element length past the block', 'any', (s, t) =>
      s.rtp({
        extension: { profile: 0x1000, data: Uint8Array.from([13, 200, 1, 2]) },
        payload: tagged(t, 50),
      }),
    ),
    rtpShape('two-byte block of 16000 random bytes (too big)', { drop: 'tooBig' }, (s, t) =>
      s.rtp({ extension: { profile: 0x1000, data: words(4000) }, payload: tagged(t, 50) }),
    ),
    // Padding and empty payloads.
    rtpShape('padding count longer than the payload', { drop: 'malformed' }, (s) =>
      s.rtp({ payload: randomBytes(10), padding: 1, lastByte: 200 }),
    ),
    rtpShape('padding count 0', { drop: 'malformed' }, (s) =>
      s.rtp({ payload: randomBytes(10), padding: 4, lastByte: 0 }),
    ),
    rtpShape('padding that is the whole payload', 'any', (s) =>
      s.rtp({ payload: new Uint8Array(0), padding: 255 }),
    ),
    rtpShape('255 bytes of padding after a payload', 'forward', (s, t) =>
      s.rtp({ payload: tagged(t, 60), padding: 255 }),
    ),
    rtpShape('empty payload', 'any', (s) => s.rtp({ payload: new Uint8Array(0) })),
    rtpShape('unknown SSRC', { drop: 'unknownSsrc' }, (s) => s.rtp({ ssrc: 0x0badf00d })),
    rtpShape('payload type nobody negotiated', 'any', (s) => s.rtp({ payloadType: 35 })),
    // RTX (RFC 4588 §4): no OSN, half an OSN, an OSN only.
    rtpShape('RTX with no payload', 'any', (s) =>
      s.rtp({ ssrc: PRODUCER_RTX_SSRC, payloadType: RTX_PT, payload: new Uint8Array(0) }),
    ),
    rtpShape('RTX with a 1-byte OSN', 'any', (s) =>
      s.rtp({ ssrc: PRODUCER_RTX_SSRC, payloadType: RTX_PT, payload: Uint8Array.from([7]) }),
    ),
    rtpShape('RTX with a 1-byte OSN and padding', 'any', (s) =>
      s.rtp({
        ssrc: PRODUCER_RTX_SSRC,
        payloadType: RTX_PT,
        payload: Uint8Array.from([7]),
        padding: 3,
      }),
    ),
    rtpShape('RTX with an OSN only', 'any', (s) =>
      s.rtp({ ssrc: PRODUCER_RTX_SSRC, payloadType: RTX_PT, payload: Uint8Array.from([0, 1]) }),
    ),
    rtpShape('RTX of a 1500-byte packet (grows by the OSN)', 'any', (s, t) =>
      s.rtp({ ssrc: PRODUCER_RTX_SSRC, payloadType: RTX_PT, payload: tagged(t, 1488) }),
    ),
    // RTCP, each type with hostile counts and lengths.
    ...bothSides('SR with 31 report blocks', (_s, _t, c) =>
      rtcp(200, 31, Buffer.concat([u32(PRODUCER_SSRC), words(5), reportBlocks(31, c)])),
    ),
    ...bothSides('RR with 31 report blocks', (_s, _t, c) =>
      rtcp(201, 31, Buffer.concat([u32(1), reportBlocks(31, c)])),
    ),
    ...bothSides('RR claiming 31 blocks with none', () => rtcp(201, 31, u32(1)), {
      drop: 'malformed',
    }),
    ...bothSides('SDES with 31 chunks of long items', () =>
      Buffer.concat([
        rr(1),
        rtcp(
          202,
          31,
          Buffer.concat(
            Array.from({ length: 31 }, (_, i) =>
              Buffer.concat([u32(i), Buffer.from([1, 255]), randomBytes(255), Buffer.alloc(2)]),
            ),
          ),
        ),
      ]),
    ),
    ...bothSides('SDES item longer than its packet', () =>
      Buffer.concat([rr(1), rtcp(202, 1, Buffer.concat([u32(1), Buffer.from([1, 255, 65, 66])]))]),
    ),
    ...bothSides('BYE with 31 SSRCs and a 255-byte reason', () =>
      Buffer.concat([
        rr(1),
        rtcp(
          203,
          31,
          Buffer.concat([
            u32(...Array.from({ length: 31 }, (_, i) => i)),
            Buffer.from([255]),
            randomBytes(255),
          ]),
        ),
      ]),
    ),
    ...bothSides('APP with 4000 bytes', () =>
      Buffer.concat([
        rr(1),
        rtcp(204, 3, Buffer.concat([u32(1), Buffer.from('TEST'), words(1000)])),
      ]),
    ),
    // RFC 3611 XR (PT 207): block header = type, reserved, length in words.
    ...bothSides(
      'XR DLRR block claiming 1000 sub-blocks with one',
      () =>
        Buffer.concat([rr(1), rtcp(207, 0, Buffer.concat([u32(1, (5 << 24) | 3000), words(3)]))]),
      { drop: 'malformed' },
    ),
    ...bothSides(
      'XR RRT block of the wrong length',
      () => Buffer.concat([rr(1), rtcp(207, 0, Buffer.concat([u32(1, (4 << 24) | 1), words(1)]))]),
      { drop: 'malformed' },
    ),
    ...bothSides('XR DLRR naming the producer, every SSRC and extreme LRR/DLRR', (_s, _t, c) =>
      Buffer.concat([
        rr(1),
        rtcp(
          207,
          0,
          Buffer.concat([
            u32(PRODUCER_SSRC, (5 << 24) | (3 * 5)),
            u32(0, 0xffffffff, 0xffffffff),
            u32(PRODUCER_SSRC, 1, 0xffffffff),
            u32(c, 0xffffffff, 1),
            u32(PRODUCER_SSRC, 0x7fffffff, 0x7fffffff),
            u32(1, 0, 0),
          ]),
        ),
      ]),
    ),
    ...bothSides('XR of unknown block types of every length and 200 DLRR sub-blocks', () =>
      Buffer.concat([
        rr(1),
        rtcp(
          207,
          0,
          Buffer.concat([
            u32(1),
            ...[0, 1, 2, 3, 6, 7, 200, 255].map((type, i) =>
              Buffer.concat([u32((type << 24) | i), words(i)]),
            ),
            u32((5 << 24) | 600),
            words(600),
          ]),
        ),
      ]),
    ),
    ...bothSides('NACK with 1000 FCIs for the consumer', (_s, _t, c) =>
      Buffer.concat([
        rr(1),
        rtcp(
          205,
          1,
          Buffer.concat([
            u32(1, c),
            ...Array.from({ length: 1000 }, (_, i) => u32((i << 16) | 0xffff)),
          ]),
        ),
      ]),
    ),
    ...bothSides('NACK with no FCI', (_s, _t, c) =>
      Buffer.concat([rr(1), rtcp(205, 1, u32(1, c))]),
    ),
    ...bothSides('PLI for the consumer and the producer', (_s, _t, c) =>
      Buffer.concat([rr(1), rtcp(206, 1, u32(1, c)), rtcp(206, 1, u32(1, PRODUCER_SSRC))]),
    ),
    ...bothSides('FIR with 300 entries', (_s, _t, c) =>
      Buffer.concat([
        rr(1),
        rtcp(
          206,
          4,
          Buffer.concat([
            u32(1, 0),
            ...Array.from({ length: 300 }, (_, i) => u32(c + (i % 2), i << 24)),
          ]),
        ),
      ]),
    ),
    ...bothSides('transport-cc with 65535 statuses and no chunks', (_s, _t, c) =>
      Buffer.concat([rr(1), rtcp(205, 15, Buffer.concat([u32(1, c), u32(0xffff, 0)]))]),
    ),
    ...bothSides('transport-cc of random chunks', (_s, _t, c) =>
      Buffer.concat([rr(1), rtcp(205, 15, Buffer.concat([u32(1, c, 0x00011000), words(200)]))]),
    ),
    ...bothSides('REMB with 255 SSRCs', () =>
      Buffer.concat([
        rr(1),
        rtcp(
          206,
          15,
          Buffer.concat([
            u32(1, 0),
            Buffer.from('REMB'),
            Buffer.from([255, 0xff, 0xff, 0xff]),
            u32(...Array.from({ length: 255 }, (_, i) => i)),
          ]),
        ),
      ]),
    ),
    ...bothSides('REMB claiming 255 SSRCs with one', () =>
      Buffer.concat([
        rr(1),
        rtcp(
          206,
          15,
          Buffer.concat([u32(1, 0), Buffer.from('REMB'), Buffer.from([255, 0, 0, 1]), u32(1)]),
        ),
      ]),
    ),
    ...bothSides('XR with random blocks', () =>
      Buffer.concat([rr(1), rtcp(207, 0, Buffer.concat([u32(1), words(100)]))]),
    ),
    ...bothSides('unknown packet types 192, 210, 223', () =>
      Buffer.concat([
        rr(1),
        rtcp(192, 0, words(3)),
        rtcp(210, 31, words(30)),
        rtcp(223, 5, words(1)),
      ]),
    ),
    ...bothSides(
      'length field past the compound',
      () => Buffer.concat([rr(1), rtcp(200, 0, words(6), 1000)]),
      {
        drop: 'malformed',
      },
    ),
    ...bothSides('compound of 60000 bytes of SRs', (_s, _t, c) =>
      Buffer.concat(
        Array.from({ length: Math.floor(60000 / 772) }, () =>
          rtcp(200, 31, Buffer.concat([u32(PRODUCER_SSRC), words(5), reportBlocks(31, c)])),
        ),
      ),
    ),
  ];
}
