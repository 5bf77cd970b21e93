/**
 * The fault boundary at the media plane's entries: an exception while handling a datagram, a
 * TCP frame, a timer tick or a DTLS callback is contained (the transport lives and goes on),
 * counted by kind, and logged at most once per kind per interval.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogEventListeners, Logger } from '../../../src/common/Logger.js';
import { RateLimitedLogger } from '../../../src/common/RateLimitedLogger.js';
import { FaultBoundary } from '../../../src/rtc/FaultBoundary.js';
import type { DtlsKeys } from '../../../src/rtc/webrtc/dtlsSession.js';
import { bareTransport, bindingRequest, tuple } from './helpers.js';
import type { Tuple } from '../../../src/rtc/sockets/TransportTuple.js';

const errors: string[] = [];
setLogEventListeners({ onerror: (_namespace, log) => errors.push(log) });
after(() => setLogEventListeners(undefined));

async function until(check: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return check();
}

function throwingTuple(protocol: 'udp' | 'tcp'): Tuple {
  return tuple(protocol, () => {
    throw new Error('send exploded');
  });
}

function transport(): ReturnType<typeof bareTransport> {
  return bareTransport();
}

describe('FaultBoundary', () => {
  test('contains and counts by kind; logs once per kind per interval', () => {
    errors.length = 0;
    const boundary = new FaultBoundary('test');
    const fail = function (this: unknown, a: number): void {
      throw new Error(`boom ${a}`);
    };
    for (let i = 0; i < 100; i++) boundary.run('datagram', fail, undefined, i, undefined);
    boundary.run('timer', fail, undefined, 0, undefined);
    assert.deepEqual(boundary.counts, { datagram: 100, tcpFrame: 0, timer: 1, dtls: 0 });
    assert.equal(boundary.total, 101);
    assert.equal(errors.length, 2, errors.join('\n'));
    assert.match(errors[0], /datagram.*boom 0/s);
  });

  test('RateLimitedLogger says how many lines it suppressed', async () => {
    errors.length = 0;
    const log = new RateLimitedLogger(new Logger('t'), 30);
    for (let i = 0; i < 5; i++) log.error('k', `line ${i}`);
    await new Promise((r) => setTimeout(r, 40));
    log.error('k', 'later');
    assert.deepEqual(errors, ['line 0', 'later (4 more like it suppressed)']);
  });
});

describe('WebRtcTransport entries are contained', () => {
  test('a datagram and a TCP frame whose handling throws are dropped and counted', () => {
    const { transport: t } = transport();
    try {
      t.receivePacket(bindingRequest(t.iceServer.usernameFragment, 'wrong'), throwingTuple('udp'));
      t.receivePacket(bindingRequest(t.iceServer.usernameFragment, 'wrong'), throwingTuple('tcp'));
      assert.equal(t.faults.datagram, 1);
      assert.equal(t.faults.tcpFrame, 1);
      // And the next packet is handled as usual (counted as STUN, not as a fault).
      t.receivePacket(Buffer.from([0x40, 1, 2, 3]), throwingTuple('udp'));
      assert.equal(t.drops.unknownKind, 1);
      assert.equal(t.faults.datagram, 1);
    } finally {
      t.close();
    }
  });

  test('a timer tick that throws is counted and the timer keeps running', async () => {
    const { transport: t } = transport();
    let ticks = 0;
    const producer = t.produce({
      id: 'p',
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 1 }],
        headerExtensions: [],
      },
      rtpMapping: {
        codecs: [{ payloadType: 100, mappedPayloadType: 100 }],
        encodings: [{ ssrc: 1, mappedSsrc: 2 }],
      },
      paused: false,
      keyFrameRequestDelay: 0,
    });
    producer.tick = () => {
      ticks++;
      throw new Error('tick exploded');
    };
    try {
      assert.ok(await until(() => ticks >= 3), 'the feedback timer stopped after a fault');
      assert.ok(t.faults.timer >= 3);
    } finally {
      t.close();
    }
  });

  test('a DTLS callback that throws (keys SRTP refuses) is counted', () => {
    const { transport: t, dtls } = transport();
    try {
      const keys = {
        srtpCryptoSuite: 'NOT_A_SUITE',
        localMasterKey: Buffer.alloc(1),
        localMasterSalt: Buffer.alloc(1),
        remoteMasterKey: Buffer.alloc(1),
        remoteMasterSalt: Buffer.alloc(1),
      } as unknown as DtlsKeys;
      dtls.events!.onConnected(keys);
      assert.equal(t.faults.dtls, 1);
    } finally {
      t.close();
    }
  });
});
