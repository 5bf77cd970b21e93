/**
 * Fuzz: the UDP-tuple I/O of plain and pipe transports (src/rtc/plain/UdpTupleIo.ts). Datagrams
 * from several remote addresses, on the RTP and the RTCP socket: captured and mutated RTP/RTCP
 * (ffmpeg's and Chromium's), arbitrary bytes, and genuine packets (SRTP-protected with the
 * remote's key when SRTP is on), with and without comedia, RTCP-mux and SRTP. Nothing throws;
 * every datagram is accounted for exactly once (delivered, refused by SRTP, or counted as a
 * drop); what is delivered comes from the remote tuple, which never changes once known; with
 * SRTP only genuine plaintexts are delivered; nothing is sent before the remote is known.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { SrtpSession, isSrtpError } from '../../src/protocols/srtp/index.js';
import { FaultBoundary } from '../../src/rtc/FaultBoundary.js';
import { UdpTupleIo, type UdpTupleSocket } from '../../src/rtc/plain/UdpTupleIo.js';
import type { Tuple } from '../../src/rtc/sockets/TransportTuple.js';
import { bytesFrom, fuzz, loadCorpus } from './kit.js';

const rtpCorpus = loadCorpus('rtp');
const rtcpCorpus = loadCorpus('rtcp');
const KEY = Buffer.alloc(16, 7);
const SALT = Buffer.alloc(14, 9);

class FakeTuple implements Tuple {
  readonly sent: Buffer[] = [];
  readonly protocol = 'udp' as const;
  readonly alive = true;
  constructor(
    readonly localAddress: string,
    readonly localPort: number,
    readonly remoteIp: string,
    readonly remotePort: number,
  ) {}
  get key(): string {
    return `udp:${this.remoteIp}:${this.remotePort}>${this.localPort}`;
  }
  send(data: Uint8Array): void {
    this.sent.push(Buffer.from(data));
  }
}

class FakeSocket implements UdpTupleSocket {
  readonly localAddress = '127.0.0.1';
  readonly #tuples = new Map<number, FakeTuple>();
  #handler: (data: Buffer, tuple: Tuple) => void = () => undefined;
  constructor(readonly localPort: number) {}
  setHandler(handler: (data: Buffer, tuple: Tuple) => void): void {
    this.#handler = handler;
  }
  tupleFor(remoteIp: string, remotePort: number): FakeTuple {
    let tuple = this.#tuples.get(remotePort);
    if (!tuple) {
      tuple = new FakeTuple(this.localAddress, this.localPort, remoteIp, remotePort);
      this.#tuples.set(remotePort, tuple);
    }
    return tuple;
  }
  get sent(): number {
    let n = 0;
    for (const tuple of this.#tuples.values()) n += tuple.sent.length;
    return n;
  }
  close(): void {}
  deliver(data: Buffer, remotePort: number): void {
    this.#handler(data, this.tupleFor('127.0.0.1', remotePort));
  }
}

/** A genuine RTP (or SR) plaintext, numbered so that each one is unique. */
function genuine(rtcp: boolean, n: number): Buffer {
  if (rtcp) {
    const sr = Buffer.alloc(28);
    sr[0] = 0x80;
    sr[1] = 200;
    sr.writeUInt16BE(6, 2);
    sr.writeUInt32BE(0x1234, 4);
    sr.writeUInt32BE(n, 16);
    return sr;
  }
  const packet = Buffer.alloc(40, n & 0xff);
  packet[0] = 0x80;
  packet[1] = 96;
  packet.writeUInt16BE(n & 0xffff, 2);
  packet.writeUInt32BE(n * 3000, 4);
  packet.writeUInt32BE(0x1234, 8);
  return packet;
}

const event = fc.record({
  /** Remote port 1 to 3: which address sends. */
  from: fc.integer({ min: 1, max: 3 }),
  onRtcpSocket: fc.boolean(),
  what: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('genuineRtp' as const, 'genuineRtcp' as const) },
    { weight: 3, arbitrary: bytesFrom(rtpCorpus) },
    { weight: 2, arbitrary: bytesFrom(rtcpCorpus) },
  ),
});

const config = fc.record({
  comedia: fc.boolean(),
  rtcpMux: fc.boolean(),
  srtp: fc.boolean(),
  /** Not comedia: connect() to this remote port (0: never connected). */
  connectTo: fc.integer({ min: 0, max: 3 }),
});

void describe('fuzz: UdpTupleIo', () => {
  void it('accounts for every datagram; delivers only from the remote tuple, only genuine SRTP', () => {
    fuzz(
      'udpTupleIo',
      [config, fc.array(event, { maxLength: 40 })],
      (cfg, events) => {
        const rtpSocket = new FakeSocket(40000);
        const rtcpSocket = cfg.rtcpMux ? undefined : new FakeSocket(40001);
        const boundary = new FaultBoundary('fuzz');
        let datagrams = 0;
        let delivered = 0;
        let srtpErrors = 0;
        const deliveredFrom: number[] = [];
        const plaintexts = new Set<string>();
        let lastFrom = 0;
        const io = new UdpTupleIo({
          listener: rtpSocket,
          rtcpListener: rtcpSocket,
          comedia: cfg.comedia,
          boundary,
          events: {
            onDatagram: () => datagrams++,
            onRtp: (packet) => {
              delivered++;
              deliveredFrom.push(lastFrom);
              if (cfg.srtp) assert.ok(plaintexts.has(Buffer.from(packet).toString('hex')));
            },
            onRtcp: (packet) => {
              delivered++;
              if (cfg.srtp) assert.ok(plaintexts.has(Buffer.from(packet).toString('hex')));
            },
            onSrtpError: () => srtpErrors++,
            onTuple: () => undefined,
            onRtcpTuple: () => undefined,
          },
        });
        const sender = cfg.srtp ? new SrtpSession('AES_CM_128_HMAC_SHA1_80', KEY, SALT) : undefined;
        if (cfg.srtp) {
          io.setSrtpSessions({
            send: new SrtpSession('AES_CM_128_HMAC_SHA1_80', KEY, SALT),
            recv: new SrtpSession('AES_CM_128_HMAC_SHA1_80', KEY, SALT),
          });
        }
        if (!cfg.comedia && cfg.connectTo > 0) {
          io.setRemote('127.0.0.1', cfg.connectTo, cfg.rtcpMux ? undefined : cfg.connectTo + 10);
        }
        // Nothing goes out before the remote is known.
        const sentBefore = io.sendRtp(genuine(false, 0), Buffer.alloc(1600));
        assert.equal(sentBefore > 0, io.sendReady);
        let firstTuple: string | undefined;
        let n = 1;
        for (const e of events) {
          let data: Buffer;
          if (e.what === 'genuineRtp' || e.what === 'genuineRtcp') {
            const rtcp = e.what === 'genuineRtcp';
            const plain = genuine(rtcp, n++);
            plaintexts.add(plain.toString('hex'));
            if (sender) {
              const result = rtcp ? sender.protectRtcp(plain) : sender.protectRtp(plain);
              assert.ok(!isSrtpError(result));
              data = Buffer.from(result);
            } else {
              data = plain;
            }
          } else {
            data = e.what;
          }
          // Without an RTCP socket everything arrives on the RTP one; RTCP tuples sit 10 above.
          const socket = e.onRtcpSocket && rtcpSocket ? rtcpSocket : rtpSocket;
          const from = socket === rtcpSocket ? e.from + 10 : e.from;
          lastFrom = from;
          socket.deliver(data, from);
          if (io.connected) {
            const key = `${io.tuple.remoteIp}:${io.tuple.remotePort}`;
            firstTuple ??= key;
            assert.equal(key, firstTuple, 'the remote tuple changed');
          }
        }
        assert.equal(boundary.counts.datagram, 0, 'a datagram threw');
        assert.equal(datagrams, events.length, 'onDatagram once per datagram');
        const dropped = Object.values<number>({ ...io.drops }).reduce((a, b) => a + b, 0);
        assert.equal(delivered + srtpErrors + dropped, datagrams, 'each datagram counted once');
        // Delivered RTP came from the remote tuple's port.
        if (deliveredFrom.length > 0) {
          assert.ok(io.connected);
          assert.ok(deliveredFrom.every((p) => p === io.tuple.remotePort));
        }
        if (!io.connected) assert.equal(rtpSocket.sent, 0);
        return true;
      },
      { base: 1000 },
    );
  });
});
