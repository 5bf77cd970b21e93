/**
 * One WebRTC-like endpoint of the load client, facing one Skein WebRtcTransport over UDP on
 * a connected socket: ICE (controlling, full-agent style Binding requests with USERNAME,
 * PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT), then a DTLS
 * client handshake with Skein's DtlsTransport, then SRTP sessions from the exported keys.
 *
 * A consumer connection counts the RTP it receives (and SRTP-unprotects all or a sample of
 * it); a producer connection sends through `sendRtp()` and listens for PLI/FIR.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

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
import type { ReceiverCounters, RemoteTransport } from './messages.js';

const ICE_RETRANSMIT_MS = 100;
const ICE_ATTEMPTS = 50;
const DTLS_TIMEOUT_MS = 15_000;
/** Consent freshness (RFC 7675): a Binding request every few seconds keeps the tuple valid. */
const CONSENT_INTERVAL_MS = 5_000;
const SOCKET_BUFFER = 4 * 1024 * 1024;
/** Outgoing SRTP packets rotate through this many buffers (a queued send keeps its buffer). */
const SEND_POOL = 512;

const UFRAG_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

function token(length: number): string {
  let out = '';
  for (const byte of randomBytes(length)) out += UFRAG_CHARS[byte % UFRAG_CHARS.length];
  return out;
}

/** Offset in the RTP payload where the sender writes its send time (float64, ms). */
export const SEND_TIME_OFFSET = 20;

/**
 * Send-to-receive latency of the verified (decrypted) packets, all consumer connections
 * together: 4 buckets per power of two of microseconds. Cumulative; the parent diffs.
 */
export class LatencyHistogram {
  static readonly BUCKETS = 112;
  readonly counts = new Array<number>(LatencyHistogram.BUCKETS).fill(0);
  sumMs = 0;
  maxMs = 0;

  add(ms: number): void {
    const us = Math.max(1, ms * 1000);
    const i = Math.min(LatencyHistogram.BUCKETS - 1, Math.floor(4 * Math.log2(us)));
    this.counts[i]++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Upper bound (ms) of bucket i. */
  static upperMs(i: number): number {
    return 2 ** ((i + 1) / 4) / 1000;
  }
}

export const latency = new LatencyHistogram();

export class Connection {
  readonly id: string;
  readonly #remote: RemoteTransport;
  readonly #socket: Socket;
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
  /** Consumer side: SRTP-unprotect every n-th RTP packet (1: every packet). */
  verifyEvery = 1;
  readonly counters: ReceiverCounters = {
    received: 0,
    firstSeq: 0,
    highestSeq: 0,
    lateOrDuplicate: 0,
    srtpErrors: 0,
    verified: 0,
  };
  /** Producer side: called on a PLI or FIR from the server. */
  onKeyFrameRequest: () => void = () => undefined;

  private constructor(id: string, remote: RemoteTransport, socket: Socket) {
    this.id = id;
    this.#remote = remote;
    this.#socket = socket;
    socket.on('message', (data) => this.#onMessage(data));
    socket.on('error', () => undefined);
  }

  /** Binds a socket, connects it to the server's candidate, runs ICE and DTLS. */
  static async open(
    id: string,
    remote: RemoteTransport,
    certificate: DtlsCertificate,
  ): Promise<Connection> {
    const socket = createSocket({ type: 'udp4' });
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
    const connection = new Connection(id, remote, socket);
    try {
      await connection.#runIce();
      await connection.#runDtls(certificate);
    } catch (error) {
      connection.close();
      throw error;
    }
    connection.#consentTimer = setInterval(
      () => connection.#sendBindingRequest(),
      CONSENT_INTERVAL_MS + Math.random() * 1000,
    );
    connection.#consentTimer.unref();
    return connection;
  }

  /** Protects and sends one RTP packet (`packet` may be reused as soon as this returns). */
  sendRtp(packet: Uint8Array): boolean {
    const srtp = this.#srtpSend;
    if (!srtp || this.#closed) return false;
    let out = this.#sendPool[this.#sendPoolIndex];
    if (!out) {
      out = Buffer.allocUnsafe(1600);
      this.#sendPool[this.#sendPoolIndex] = out;
    }
    this.#sendPoolIndex = (this.#sendPoolIndex + 1) % SEND_POOL;
    const result = srtp.protectRtp(packet, out);
    if (isSrtpError(result)) return false;
    this.#socket.send(result);
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#consentTimer);
    this.#dtls?.close();
    this.#socket.close();
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
    if (!this.#closed) this.#socket.send(Buffer.from(this.#stunBuffer.subarray(0, length)));
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
        if (!this.#closed) this.#socket.send(Buffer.from(datagram));
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

  #onMessage(data: Buffer): void {
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

  #onRtp(data: Buffer): void {
    const c = this.counters;
    const srtp = this.#srtpRecv;
    if (!srtp) return;
    if (this.verifyEvery === 1 || c.received % this.verifyEvery === 0) {
      const plain = srtp.unprotectRtp(data);
      if (isSrtpError(plain)) {
        c.srtpErrors++;
        return;
      }
      c.verified++;
      // RTP header length (RFC 3550 §5.1, §5.3.1): the SFU adds its own extensions.
      let at = 12 + 4 * (plain[0] & 0x0f);
      if (plain[0] & 0x10 && at + 4 <= plain.length) {
        at += 4 + 4 * ((plain[at + 2] << 8) | plain[at + 3]);
      }
      at += SEND_TIME_OFFSET;
      if (at + 8 <= plain.length) {
        const sentAt = Buffer.from(plain.buffer, plain.byteOffset + at, 8).readDoubleLE(0);
        latency.add(performance.now() - sentAt);
      }
    }
    // The sequence number is in the clear part of an SRTP packet.
    const seq = (data[2] << 8) | data[3];
    if (c.received === 0) {
      c.firstSeq = seq;
      c.highestSeq = seq;
    } else {
      const delta = (seq - (c.highestSeq & 0xffff)) & 0xffff;
      if (delta !== 0 && delta < 0x8000) c.highestSeq += delta;
      else c.lateOrDuplicate++;
    }
    c.received++;
  }

  #onRtcp(data: Buffer): void {
    const srtp = this.#srtpRecv;
    if (!srtp) return;
    const plain = srtp.unprotectRtcp(data);
    if (isSrtpError(plain)) return;
    // Walk the compound's headers (RFC 3550 §6.4): PSFB (206) with FMT 1 (PLI) or 4 (FIR).
    for (
      let at = 0;
      at + 4 <= plain.length;
      at += 4 * (((plain[at + 2] << 8) | plain[at + 3]) + 1)
    ) {
      const fmt = plain[at] & 0x1f;
      if (plain[at + 1] === 206 && (fmt === 1 || fmt === 4)) {
        this.onKeyFrameRequest();
        return;
      }
    }
  }
}
