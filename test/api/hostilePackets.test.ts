/**
 * A live WebRtcTransport's UDP port attacked from a Node dgram socket: bad
 * credentials, junk, truncated and corrupted STUN, DTLS/RTP/RTCP-looking
 * garbage. The worker must stay up, count what it drops, answer a valid ICE
 * Binding request (RFC 8445 §7.3, RFC 5389) and still forward nothing that did
 * not come through DTLS-SRTP. Both worker modes.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import {
  createWorker,
  type Consumer,
  type IceState,
  type Producer,
  type Router,
  type TransportTuple,
  type WebRtcServer,
  type WebRtcTransport,
  type Worker,
} from '../../src/index.js';
import {
  StunAttr,
  StunClass,
  StunMethod,
  StunWriter,
  checkFingerprint,
  checkMessageIntegrity,
  decodeErrorCode,
  decodeXorAddress,
  getAttribute,
  parseStunMessage,
  type StunMessage,
} from '../../src/protocols/stun/index.js';
import { MODES } from './modes.js';
import {
  audioRtpParameters,
  eventually,
  mediaCodecs,
  once,
  sleep,
  udpTransport,
} from './mediaFixtures.js';

const PRODUCER_SSRC = 31_415_926;

interface Dropped {
  unverifiedTuple: number;
  srtpAuthFailed: number;
  srtpReplay: number;
  malformed: number;
  unknownSsrc: number;
  unknownKind: number;
  dtlsBeforeConnect: number;
  stunDropped: number;
  stunUnauthorized: number;
}

async function dropped(transport: WebRtcTransport): Promise<Dropped> {
  const [stats] = await transport.getStats();
  return stats.packetsDropped as unknown as Dropped;
}

interface BindingOptions {
  username: string;
  password: string;
  useCandidate?: boolean;
  priority?: boolean;
  iceControlled?: boolean;
  fingerprint?: boolean;
}

/** A Binding request as a full ICE agent (the browser) sends it, RFC 8445 §7.2.2. */
function bindingRequest(opts: BindingOptions): { packet: Buffer; transactionId: Buffer } {
  const transactionId = randomBytes(12);
  const out = Buffer.alloc(512);
  const writer = new StunWriter(out, StunMethod.Binding, StunClass.Request, transactionId).text(
    StunAttr.Username,
    opts.username,
  );
  if (opts.priority !== false) writer.uint32(StunAttr.Priority, 1853817087);
  if (opts.iceControlled) writer.tieBreaker(StunAttr.IceControlled, 0x1234n);
  else writer.tieBreaker(StunAttr.IceControlling, 0x5678n);
  if (opts.useCandidate) writer.attribute(StunAttr.UseCandidate, new Uint8Array(0));
  writer.messageIntegrity(opts.password);
  if (opts.fingerprint !== false) writer.fingerprint();
  const length = writer.finish();
  assert.ok(length > 0, 'StunWriter overflow');
  return { packet: out.subarray(0, length), transactionId };
}

/** A STUN client on a UDP socket of its own: sends, and waits for the answer to a transaction. */
class Peer {
  readonly socket: Socket;
  readonly received: Buffer[] = [];
  #waiters: { transactionId: Buffer; resolve: (message: StunMessage) => void }[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.received.push(data);
      const message = parseStunMessage(data);
      if (typeof message === 'string') return;
      const waiter = this.#waiters.find((w) => w.transactionId.equals(message.transactionId));
      if (waiter) {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
      }
    });
  }

  static async open(): Promise<Peer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Peer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: Uint8Array, port: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(data, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Sends a request; resolves with the response to its transaction, or undefined on timeout. */
  async transact(
    request: { packet: Buffer; transactionId: Buffer },
    port: number,
    timeoutMs = 1000,
  ): Promise<StunMessage | undefined> {
    const answer = new Promise<StunMessage | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.transactionId !== request.transactionId);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.push({
        transactionId: request.transactionId,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
    await this.send(request.packet, port);
    return answer;
  }

  close(): void {
    this.socket.close();
  }
}

function errorCodeOf(message: StunMessage): number | undefined {
  const attribute = getAttribute(message, StunAttr.ErrorCode);
  return attribute ? decodeErrorCode(attribute.value)?.code : undefined;
}

/** An RTP header (RFC 3550 §5.1) with a random payload: what a sender without SRTP would send. */
function plainRtp(ssrc: number, seq: number, payloadType = 111): Buffer {
  const packet = Buffer.alloc(12 + 100);
  packet[0] = 0x80;
  packet[1] = payloadType;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE((seq * 960) >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  randomBytes(100).copy(packet, 12);
  return packet;
}

/** The garbage of the flood, by kind; each entry builds one datagram. */
function garbage(transportUfrag: string): Record<string, () => Buffer> {
  return {
    // First byte outside every RFC 7983 range.
    junk: () => {
      const b = randomBytes(1 + Math.floor(Math.random() * 300));
      b[0] = 64 + Math.floor(Math.random() * 64);
      return b;
    },
    // A STUN header cut short, and one whose length field lies.
    truncatedStun: () => {
      const { packet } = bindingRequest({ username: `${transportUfrag}:x`, password: 'nope' });
      return Math.random() < 0.5
        ? packet.subarray(0, 20 + Math.floor(Math.random() * (packet.length - 24)))
        : packet.subarray(0, 12);
    },
    // A well-formed request whose FINGERPRINT does not match (RFC 5389 §15.5).
    badFingerprintStun: () => {
      const { packet } = bindingRequest({ username: `${transportUfrag}:x`, password: 'nope' });
      const copy = Buffer.from(packet);
      copy[copy.length - 1] ^= 0xff;
      return copy;
    },
    // A DTLS record header (content type 22, handshake) with random contents.
    dtls: () => {
      const b = randomBytes(13 + Math.floor(Math.random() * 200));
      b[0] = 22;
      b[1] = 0xfe;
      b[2] = 0xfd;
      return b;
    },
    // RTP-looking and RTCP-looking (second byte 200: SR) garbage.
    rtp: () => {
      const b = randomBytes(12 + Math.floor(Math.random() * 300));
      b[0] = 0x80;
      b[1] = 96;
      return b;
    },
    rtcp: () => {
      const b = randomBytes(8 + Math.floor(Math.random() * 100));
      b[0] = 0x80;
      b[1] = 200;
      return b;
    },
  };
}

/** Sends `count` datagrams, yielding now and then so the receiver's buffer is not the only limit. */
async function flood(peer: Peer, port: number, makers: (() => Buffer)[], count: number) {
  for (let i = 0; i < count; i++) {
    await peer.send(makers[i % makers.length](), port);
    if (i % 50 === 49) await sleep(2);
  }
}

for (const mode of MODES) {
  describe(`hostile packets on a WebRtcTransport (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    let transport: WebRtcTransport;
    let producer: Producer;
    let consumerTransport: WebRtcTransport;
    let consumer: Consumer;
    let port: number;
    let died = false;
    let attacker: Peer;
    let peer: Peer;

    before(async () => {
      worker = await createWorker({ mode });
      worker.on('died', () => {
        died = true;
      });
      router = await worker.createRouter({ mediaCodecs });
      transport = await udpTransport(router);
      port = transport.iceCandidates[0].port;
      producer = await transport.produce({
        kind: 'audio',
        rtpParameters: audioRtpParameters(PRODUCER_SSRC),
      });
      consumerTransport = await udpTransport(router);
      consumer = await consumerTransport.consume({
        producerId: producer.id,
        rtpCapabilities: router.rtpCapabilities,
      });
      attacker = await Peer.open();
      peer = await Peer.open();
    });

    after(() => {
      attacker.close();
      peer.close();
      worker.close();
    });

    test('a Binding request with a wrong password gets 401 (or nothing), never success', async () => {
      const { usernameFragment } = transport.iceParameters;
      const response = await attacker.transact(
        bindingRequest({ username: `${usernameFragment}:x`, password: 'not-the-password' }),
        port,
      );
      if (response) {
        assert.equal(response.class, StunClass.ErrorResponse);
        assert.equal(errorCodeOf(response), 401);
      }
      // An unknown username fragment is no better.
      const unknown = await attacker.transact(
        bindingRequest({ username: 'nobody:x', password: transport.iceParameters.password }),
        port,
      );
      if (unknown) {
        assert.equal(unknown.class, StunClass.ErrorResponse);
        assert.equal(errorCodeOf(unknown), 401);
      }
      assert.equal(transport.iceState, 'new');
      assert.equal(transport.iceSelectedTuple, undefined);
      const drops = await dropped(transport);
      assert.ok(drops.stunUnauthorized >= 2, JSON.stringify(drops));
      // The tuple was not accepted: media from it is dropped as unverified.
      const before = drops.unverifiedTuple;
      await attacker.send(plainRtp(PRODUCER_SSRC, 1), port);
      assert.ok(
        await eventually(async () => (await dropped(transport)).unverifiedTuple > before),
        'RTP from a rejected tuple was not counted as unverified',
      );
    });

    test('a flood of junk, truncated/corrupted STUN and DTLS/RTP/RTCP garbage is dropped and counted', async () => {
      const makers = garbage(transport.iceParameters.usernameFragment);
      const before = await dropped(transport);
      await flood(attacker, port, Object.values(makers), 3000);
      // Let the worker drain its socket.
      await sleep(200);
      const workerDump = await worker.dump();
      assert.ok(workerDump.routerIds.includes(router.id));
      assert.equal(worker.died, false);
      assert.equal(died, false);
      const after = await dropped(transport);
      assert.ok(after.unknownKind > before.unknownKind, `junk: ${JSON.stringify(after)}`);
      assert.ok(after.stunDropped > before.stunDropped, `bad STUN: ${JSON.stringify(after)}`);
      assert.ok(
        after.unverifiedTuple > before.unverifiedTuple + 100,
        `DTLS/RTP/RTCP from an unverified tuple: ${JSON.stringify(after)}`,
      );
      assert.equal(transport.iceState, 'new');
      assert.equal(transport.dtlsState, 'new');
      const [producerStats] = (await producer.getStats()) as { packetCount?: number }[];
      assert.equal(producerStats?.packetCount ?? 0, 0);
      const [consumerStats] = (await consumer.getStats()) as { packetCount: number }[];
      assert.equal(consumerStats.packetCount, 0);
    });

    test('a request with bad FINGERPRINT gets no answer', async () => {
      const { usernameFragment, password } = transport.iceParameters;
      const request = bindingRequest({ username: `${usernameFragment}:x`, password });
      request.packet[request.packet.length - 1] ^= 0x01;
      assert.equal(await peer.transact(request, port, 300), undefined);
      assert.equal(transport.iceState, 'new');
    });

    test('a valid Binding request gets success with XOR-MAPPED-ADDRESS; iceState becomes connected', async () => {
      const { usernameFragment, password } = transport.iceParameters;
      const states: IceState[] = [];
      transport.on('icestatechange', (state) => states.push(state));
      const connected = once(transport, 'icestatechange', 2000);
      const tupleChange = once<[TransportTuple]>(transport, 'iceselectedtuplechange', 2000);
      const response = await peer.transact(
        bindingRequest({ username: `${usernameFragment}:x`, password }),
        port,
      );
      assert.ok(response, 'no answer to a valid Binding request');
      assert.equal(response.class, StunClass.SuccessResponse);
      assert.equal(response.method, StunMethod.Binding);
      const raw = peer.received.find((data) => {
        const m = parseStunMessage(data);
        return typeof m !== 'string' && m.transactionId.equals(response.transactionId);
      })!;
      // RFC 8445 §7.3.1.4: integrity with our password, and a fingerprint.
      assert.ok(checkMessageIntegrity(raw, response, password));
      assert.ok(checkFingerprint(raw, response));
      const mapped = getAttribute(response, StunAttr.XorMappedAddress);
      assert.ok(mapped, 'no XOR-MAPPED-ADDRESS');
      const address = decodeXorAddress(mapped.value, response.transactionId);
      assert.deepEqual(address, { family: 'IPv4', address: '127.0.0.1', port: peer.port });

      assert.deepEqual(await connected, ['connected']);
      const [tuple] = await tupleChange;
      assert.equal(transport.iceState, 'connected');
      assert.deepEqual(
        [tuple.remoteIp, tuple.remotePort, tuple.protocol],
        ['127.0.0.1', peer.port, 'udp'],
      );
      assert.equal(transport.iceSelectedTuple?.remotePort, peer.port);
      assert.equal(tuple.localIp, tuple.localAddress, "mediasoup's deprecated alias");
      const [stats] = (await transport.getStats()) as { iceState: string }[];
      assert.equal(stats.iceState, 'connected');

      // USE-CANDIDATE nominates: completed.
      const completed = once(transport, 'icestatechange', 2000);
      const nominated = await peer.transact(
        bindingRequest({ username: `${usernameFragment}:x`, password, useCandidate: true }),
        port,
      );
      assert.equal(nominated?.class, StunClass.SuccessResponse);
      assert.deepEqual(await completed, ['completed']);
      assert.equal(transport.iceState, 'completed');
      assert.deepEqual(states, ['connected', 'completed']);
    });

    test('authenticated requests that break ICE rules get 400 / 487', async () => {
      const { usernameFragment, password } = transport.iceParameters;
      const noPriority = await peer.transact(
        bindingRequest({ username: `${usernameFragment}:x`, password, priority: false }),
        port,
      );
      assert.equal(noPriority?.class, StunClass.ErrorResponse);
      assert.equal(errorCodeOf(noPriority), 400);
      // RFC 8445 §7.3.1.1: we are controlled, so is the peer: role conflict.
      const conflict = await peer.transact(
        bindingRequest({ username: `${usernameFragment}:x`, password, iceControlled: true }),
        port,
      );
      assert.equal(conflict?.class, StunClass.ErrorResponse);
      assert.equal(errorCodeOf(conflict), 487);
      assert.equal(transport.iceState, 'completed');
    });

    test('RTP and RTCP from the validated tuple without DTLS-SRTP are dropped, never forwarded', async () => {
      const before = await dropped(transport);
      for (let seq = 0; seq < 200; seq++) {
        await peer.send(plainRtp(PRODUCER_SSRC, seq), port);
        if (seq % 20 === 0) {
          const rtcp = randomBytes(28);
          rtcp[0] = 0x80;
          rtcp[1] = 200;
          await peer.send(rtcp, port);
        }
      }
      assert.ok(
        await eventually(
          async () =>
            (await dropped(transport)).dtlsBeforeConnect >= before.dtlsBeforeConnect + 150,
        ),
        JSON.stringify(await dropped(transport)),
      );
      const after = await dropped(transport);
      // From the valid tuple nothing is "unverified" any more.
      assert.equal(after.unverifiedTuple, before.unverifiedTuple);
      const [producerStats] = (await producer.getStats()) as { packetCount?: number }[];
      assert.equal(producerStats?.packetCount ?? 0, 0);
      const [consumerStats] = (await consumer.getStats()) as {
        packetCount: number;
        byteCount: number;
      }[];
      assert.equal(consumerStats.packetCount, 0);
      assert.equal(consumerStats.byteCount, 0);
      const [consumerTransportStats] = (await consumerTransport.getStats()) as {
        bytesSent: number;
      }[];
      assert.equal(consumerTransportStats.bytesSent, 0);
    });

    test('DTLS garbage from the validated tuple before connect() does not hurt the worker', async () => {
      const makers = garbage(transport.iceParameters.usernameFragment);
      await flood(peer, port, [makers.dtls, makers.rtp, makers.rtcp, makers.junk], 1000);
      await sleep(200);
      assert.ok((await worker.dump()).routerIds.includes(router.id));
      assert.equal(worker.died, false);
      assert.equal(transport.closed, false);
      assert.notEqual(transport.dtlsState, 'connected');
      // ICE still answers.
      const { usernameFragment, password } = transport.iceParameters;
      const response = await peer.transact(
        bindingRequest({ username: `${usernameFragment}:x`, password }),
        port,
      );
      assert.equal(response?.class, StunClass.SuccessResponse);
      const [consumerStats] = (await consumer.getStats()) as { packetCount: number }[];
      assert.equal(consumerStats.packetCount, 0);
    });
  });
}

for (const mode of MODES) {
  describe(`hostile packets on a WebRtcServer port (${mode} mode)`, () => {
    let worker: Worker;
    let router: Router;
    let server: WebRtcServer;
    let peer: Peer;

    before(async () => {
      worker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
      server = await worker.createWebRtcServer({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      peer = await Peer.open();
    });

    after(() => {
      peer.close();
      worker.close();
    });

    test('junk and unknown fragments on the shared port are ignored; a valid request connects its transport', async () => {
      const transport = await router.createWebRtcTransport({ webRtcServer: server });
      const other = await router.createWebRtcTransport({ webRtcServer: server });
      const port = transport.iceCandidates[0].port;
      assert.equal(other.iceCandidates[0].port, port);
      const makers = garbage(transport.iceParameters.usernameFragment);
      await flood(peer, port, Object.values(makers), 1000);
      const stranger = await peer.transact(
        bindingRequest({ username: 'nobody:x', password: 'whatever' }),
        port,
        300,
      );
      // No transport has that fragment: no answer at all (mediasoup drops it too).
      assert.equal(stranger, undefined);
      assert.equal(worker.died, false);

      const { usernameFragment, password } = transport.iceParameters;
      const connected = once(transport, 'icestatechange', 2000);
      const response = await peer.transact(
        bindingRequest({ username: `${usernameFragment}:x`, password, useCandidate: true }),
        port,
      );
      assert.equal(response?.class, StunClass.SuccessResponse);
      const mapped = getAttribute(response, StunAttr.XorMappedAddress);
      assert.deepEqual(decodeXorAddress(mapped!.value, response.transactionId), {
        family: 'IPv4',
        address: '127.0.0.1',
        port: peer.port,
      });
      assert.deepEqual(await connected, ['completed']);
      // The other transport of the server was not touched.
      assert.equal(other.iceState, 'new');
      // Its password does not open the first transport.
      const crossed = await peer.transact(
        bindingRequest({
          username: `${usernameFragment}:x`,
          password: other.iceParameters.password,
        }),
        port,
      );
      if (crossed) assert.equal(errorCodeOf(crossed), 401);
      transport.close();
      other.close();
    });

    test('after restartIce() a request with the new credentials through the server succeeds', async () => {
      const transport = await router.createWebRtcTransport({ webRtcServer: server });
      try {
        const port = transport.iceCandidates[0].port;
        const { usernameFragment, password } = await transport.restartIce();
        const response = await peer.transact(
          bindingRequest({ username: `${usernameFragment}:x`, password }),
          port,
          500,
        );
        assert.equal(response?.class, StunClass.SuccessResponse);
      } finally {
        transport.close();
      }
    });
  });
}
