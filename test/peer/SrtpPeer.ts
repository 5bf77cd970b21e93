/**
 * A WebRTC endpoint as a browser is one, facing one Skein WebRtcTransport: ICE as the
 * controlling agent (Binding requests with USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
 * MESSAGE-INTEGRITY, FINGERPRINT; RFC 8445 §7.2.2), a DTLS client handshake (RFC 5764), then
 * SRTP sessions from the exported keys. Over UDP (a connected socket) or ICE-TCP as the active
 * side (RFC 6544), every packet framed with a 2-byte length (RFC 4571 §2).
 *
 * Shared by the benchmark's load client and the tests that play authenticated peers. Received
 * SRTP/SRTCP reaches `onRtp`/`onRtcp` still protected: the caller decides what to decrypt.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';

import { classifyPacket } from '../../src/protocols/demux.js';
import { SrtpSession, isSrtpError, type SrtpCryptoSuite } from '../../src/protocols/srtp/index.js';
import {
  StunAttr,
  StunClass,
  StunMethod,
  StunWriter,
  parseStunMessage,
} from '../../src/protocols/stun/index.js';
import { DtlsTransport, type DtlsCertificate } from '../../src/rtc/dtls/index.js';

/** What a client needs to know of the server's WebRtcTransport (one candidate). */
export interface RemoteTransport {
  ip: string;
  port: number;
  usernameFragment: string;
  password: string;
  fingerprints: { algorithm: string; value: string }[];
}

export type PeerProtocol = 'udp' | 'tcp';

/** What a server transport (the api object or its JSON in signaling) signals to a peer. */
export interface SignalledTransport {
  iceCandidates: readonly { protocol: string; ip: string; address?: string; port: number }[];
  iceParameters: { usernameFragment: string; password: string };
  dtlsParameters: { fingerprints: readonly { algorithm: string; value: string }[] };
}

/** The remote end a peer connects to: the transport's first candidate of `protocol`. */
export function remoteTransportOf(
  transport: SignalledTransport,
  protocol: PeerProtocol = 'udp',
): RemoteTransport {
  const candidate = transport.iceCandidates.find((c) => c.protocol === protocol);
  if (!candidate) throw new Error(`no ${protocol} candidate`);
  return {
    ip: candidate.address ?? candidate.ip,
    port: candidate.port,
    usernameFragment: transport.iceParameters.usernameFragment,
    password: transport.iceParameters.password,
    fingerprints: transport.dtlsParameters.fingerprints.map(({ algorithm, value }) => ({
      algorithm,
      value,
    })),
  };
}

export interface SrtpPeerOptions {
  protocol?: PeerProtocol;
  /** Every received SRTP packet (protected). */
  onRtp?: (data: Buffer) => void;
  /** Every received SRTCP packet (protected). */
  onRtcp?: (data: Buffer) => void;
}

const ICE_RETRANSMIT_MS = 100;
const ICE_ATTEMPTS = 50;
const DTLS_TIMEOUT_MS = 15_000;
/** Consent freshness (RFC 7675): a Binding request every few seconds keeps the tuple valid. */
const CONSENT_INTERVAL_MS = 5_000;
const SOCKET_BUFFER = 4 * 1024 * 1024;
/** Outgoing SRTP packets rotate through this many buffers (a queued send keeps its buffer). */
const SEND_POOL = 512;
const SEND_BUFFER_SIZE = 1600;
/** Largest number of bytes SRTP/SRTCP protection adds (tag + SRTCP index). */
const SRTP_OVERHEAD = 20;
const MAX_TCP_FRAME = 0xffff;

const UFRAG_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

function token(length: number): string {
  let out = '';
  for (const byte of randomBytes(length)) out += UFRAG_CHARS[byte % UFRAG_CHARS.length];
  return out;
}

/** The transport under the peer: sends one packet, delivers whole packets. */
interface Wire {
  send(data: Uint8Array): void;
  close(): void;
}

async function openUdp(remote: RemoteTransport, onPacket: (data: Buffer) => void): Promise<Wire> {
  const socket: UdpSocket = createSocket({ type: 'udp4' });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: '127.0.0.1', port: 0 }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  await new Promise<void>((resolve) => socket.connect(remote.port, remote.ip, resolve));
  try {
    socket.setRecvBufferSize(SOCKET_BUFFER);
    socket.setSendBufferSize(SOCKET_BUFFER);
  } catch {
    // capped by the system: not fatal
  }
  socket.on('message', onPacket);
  socket.on('error', () => undefined);
  let closed = false;
  return {
    send: (data) => {
      if (!closed) socket.send(data);
    },
    close: () => {
      if (closed) return;
      closed = true;
      socket.close();
    },
  };
}

async function openTcp(remote: RemoteTransport, onPacket: (data: Buffer) => void): Promise<Wire> {
  const socket: TcpSocket = await new Promise((resolve, reject) => {
    const s = tcpConnect({ host: remote.ip, port: remote.port, noDelay: true });
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
  socket.on('error', () => undefined);
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 2) {
      const length = pending.readUInt16BE(at);
      if (pending.length - at - 2 < length) break;
      if (length > 0) onPacket(Buffer.from(pending.subarray(at + 2, at + 2 + length)));
      at += 2 + length;
    }
    pending = pending.subarray(at);
  });
  return {
    send: (data) => {
      if (socket.destroyed || data.length > MAX_TCP_FRAME) return;
      const frame = Buffer.allocUnsafe(2 + data.length);
      frame.writeUInt16BE(data.length, 0);
      frame.set(data, 2);
      socket.write(frame);
    },
    close: () => socket.destroy(),
  };
}

export class SrtpPeer {
  readonly id: string;
  readonly protocol: PeerProtocol;
  readonly #remote: RemoteTransport;
  readonly #onRtp: (data: Buffer) => void;
  readonly #onRtcp: (data: Buffer) => void;
  #wire!: Wire;
  readonly #localUfrag = token(8);
  readonly #tieBreaker = randomBytes(8).readBigUInt64BE();
  readonly #stunBuffer = Buffer.alloc(512);
  #pendingTransaction?: { id: Buffer; resolve: () => void };
  #dtls?: DtlsTransport;
  #srtpSend?: SrtpSession;
  #srtpRecv?: SrtpSession;
  #consentTimer?: NodeJS.Timeout;
  readonly #sendPool: Buffer[] = [];
  #sendPoolIndex = 0;
  #closed = false;
  srtpCryptoSuite: SrtpCryptoSuite | undefined;

  private constructor(id: string, remote: RemoteTransport, options: SrtpPeerOptions) {
    this.id = id;
    this.protocol = options.protocol ?? 'udp';
    this.#remote = remote;
    this.#onRtp = options.onRtp ?? (() => undefined);
    this.#onRtcp = options.onRtcp ?? (() => undefined);
  }

  /** Connects to the server's candidate, runs ICE and DTLS; resolves once SRTP is keyed. */
  static async open(
    id: string,
    remote: RemoteTransport,
    certificate: DtlsCertificate,
    options: SrtpPeerOptions = {},
  ): Promise<SrtpPeer> {
    const peer = new SrtpPeer(id, remote, options);
    const onPacket = (data: Buffer): void => peer.#onPacket(data);
    peer.#wire =
      peer.protocol === 'tcp' ? await openTcp(remote, onPacket) : await openUdp(remote, onPacket);
    try {
      await peer.#runIce();
      await peer.#runDtls(certificate);
    } catch (error) {
      peer.close();
      throw error;
    }
    peer.#consentTimer = setInterval(
      () => peer.#sendBindingRequest(),
      CONSENT_INTERVAL_MS + Math.random() * 1000,
    );
    peer.#consentTimer.unref();
    return peer;
  }

  /** The session protecting what this peer sends (keyed by DTLS). */
  get srtpSend(): SrtpSession {
    if (!this.#srtpSend) throw new Error(`${this.id}: SRTP not keyed`);
    return this.#srtpSend;
  }

  /** The session for what this peer receives. */
  get srtpRecv(): SrtpSession {
    if (!this.#srtpRecv) throw new Error(`${this.id}: SRTP not keyed`);
    return this.#srtpRecv;
  }

  /** Protects and sends one RTP packet (`packet` may be reused as soon as this returns). */
  sendRtp(packet: Uint8Array): boolean {
    const srtp = this.#srtpSend;
    if (!srtp || this.#closed) return false;
    const result = srtp.protectRtp(packet, this.#outFor(packet.length));
    if (isSrtpError(result)) return false;
    this.#wire.send(result);
    return true;
  }

  /** Protects and sends one (compound) RTCP packet. */
  sendRtcp(packet: Uint8Array): boolean {
    const srtp = this.#srtpSend;
    if (!srtp || this.#closed) return false;
    const result = srtp.protectRtcp(packet, this.#outFor(packet.length));
    if (isSrtpError(result)) return false;
    this.#wire.send(result);
    return true;
  }

  /** Sends bytes as they are (one datagram or one frame). */
  /** The DTLS association (application data: SCTP, for test/peer/SctpPeer.ts). */
  get dtls(): DtlsTransport {
    if (!this.#dtls) throw new Error(`${this.id}: DTLS not started`);
    return this.#dtls;
  }

  sendRaw(data: Uint8Array): void {
    if (!this.#closed) this.#wire.send(data);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#consentTimer);
    this.#dtls?.close();
    this.#wire?.close();
  }

  /** A send buffer from the ring, or a fresh one for a packet larger than the ring's. */
  #outFor(length: number): Buffer {
    if (length + SRTP_OVERHEAD > SEND_BUFFER_SIZE) {
      return Buffer.allocUnsafe(length + SRTP_OVERHEAD);
    }
    let out = this.#sendPool[this.#sendPoolIndex];
    if (!out) {
      out = Buffer.allocUnsafe(SEND_BUFFER_SIZE);
      this.#sendPool[this.#sendPoolIndex] = out;
    }
    this.#sendPoolIndex = (this.#sendPoolIndex + 1) % SEND_POOL;
    return out;
  }

  #sendBindingRequest(useCandidate = true): Buffer {
    const transactionId = randomBytes(12);
    const writer = new StunWriter(
      this.#stunBuffer,
      StunMethod.Binding,
      StunClass.Request,
      transactionId,
    )
      .text(StunAttr.Username, `${this.#remote.usernameFragment}:${this.#localUfrag}`)
      // RFC 8445 §5.1.2.1: host candidate, type preference 126.
      .uint32(StunAttr.Priority, (126 << 24) | (65535 << 8) | 255)
      .tieBreaker(StunAttr.IceControlling, this.#tieBreaker);
    if (useCandidate) writer.attribute(StunAttr.UseCandidate, new Uint8Array(0));
    const length = writer.messageIntegrity(this.#remote.password).fingerprint().finish();
    if (length < 0) throw new Error('STUN request does not fit');
    if (!this.#closed) this.#wire.send(Buffer.from(this.#stunBuffer.subarray(0, length)));
    return transactionId;
  }

  async #runIce(): Promise<void> {
    for (let attempt = 0; attempt < ICE_ATTEMPTS; attempt++) {
      const answered = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ICE_RETRANSMIT_MS);
        const id = this.#sendBindingRequest();
        this.#pendingTransaction = {
          id,
          resolve: () => {
            clearTimeout(timer);
            resolve(true);
          },
        };
      });
      if (await answered) return;
    }
    throw new Error(`${this.id}: no STUN Binding success response`);
  }

  async #runDtls(certificate: DtlsCertificate): Promise<void> {
    const dtls = new DtlsTransport({
      certificate,
      send: (datagram) => {
        if (!this.#closed) this.#wire.send(Buffer.from(datagram));
      },
    });
    this.#dtls = dtls;
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.id}: DTLS timed out`)),
        DTLS_TIMEOUT_MS,
      );
      dtls.once('connected', (info) => {
        clearTimeout(timer);
        this.srtpCryptoSuite = info.srtpCryptoSuite;
        this.#srtpSend = new SrtpSession(
          info.srtpCryptoSuite,
          info.localMasterKey,
          info.localMasterSalt,
        );
        this.#srtpRecv = new SrtpSession(
          info.srtpCryptoSuite,
          info.remoteMasterKey,
          info.remoteMasterSalt,
          { replayWindowSize: 1024 },
        );
        resolve();
      });
      dtls.on('statechange', (state) => {
        if (state === 'failed' || state === 'closed') {
          clearTimeout(timer);
          reject(new Error(`${this.id}: DTLS ${state} (${dtls.error?.code ?? 'no error'})`));
        }
      });
    });
    dtls.start({ localRole: 'client', remoteFingerprints: this.#remote.fingerprints });
    await connected;
  }

  #onPacket(data: Buffer): void {
    switch (classifyPacket(data)) {
      case 'rtp':
        this.#onRtp(data);
        return;
      case 'rtcp':
        this.#onRtcp(data);
        return;
      case 'stun':
        this.#onStun(data);
        return;
      case 'dtls':
        this.#dtls?.handlePacket(data);
        return;
      default:
        return;
    }
  }

  #onStun(data: Buffer): void {
    const message = parseStunMessage(data);
    const pending = this.#pendingTransaction;
    if (typeof message === 'string' || !pending) return;
    if (message.class !== StunClass.SuccessResponse) return;
    if (!message.transactionId.equals(pending.id)) return;
    this.#pendingTransaction = undefined;
    pending.resolve();
  }
}
