/**
 * One DTLS 1.2 association (RFC 6347) of a WebRtcTransport, on top of werift-dtls 0.5.8.
 *
 * The caller owns the socket: it demultiplexes (RFC 7983) and hands DTLS datagrams to
 * `handlePacket()`; outgoing datagrams leave through the `send` callback. werift never sees
 * the socket (its transport's `close()` is a no-op).
 *
 * What Skein adds around werift (subclassing is not possible: werift builds its flights and
 * handlers inside its constructor, so we wrap the instance instead):
 * - Record screening: datagrams are split and bounds-checked before werift parses them;
 *   alerts are handled here; unauthenticated plaintext after the handshake is dropped.
 * - A gate on werift's `onHandleHandshakes` (instance property, wrapped per socket) that
 *   admits each peer handshake message only when it may come, keeps the first copy of each,
 *   drops altered "retransmissions", and, before werift acts on the peer's last message of a
 *   flight, authenticates the peer with `peerVerifier.ts` (fingerprint, ServerKeyExchange or
 *   CertificateVerify signature, Finished). werift 0.5.8 checks none of these; a failure here
 *   ends in state `failed` with a fatal alert and no keys.
 * - SRTP keys are exported here (RFC 5764 §4.2) and oriented as local (we send) / remote.
 */
import { ReplayWindow } from '../../protocols/srtp/replayWindow.js';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { X509Certificate } from 'node:crypto';

import { EnhancedEventEmitter } from '../../common/EnhancedEventEmitter.js';
import { InvalidStateError } from '../../common/errors.js';
import { Logger } from '../../common/Logger.js';
import {
  splitSrtpKeyingMaterial,
  type SrtpCryptoSuite,
  type SrtpProfile,
} from '../../protocols/srtp/index.js';
import type { DtlsCertificate } from './certificate.js';
import { DtlsError } from './DtlsError.js';
import { validateRemoteFingerprints, type DtlsFingerprint } from './fingerprints.js';
import { readHelloRandom, type HandshakeMessage } from './handshakeMessages.js';
import {
  verifyClientFlight,
  verifyServerFinished,
  verifyServerFlight,
  type HandshakeMessages,
} from './peerVerifier.js';
import { exportKeyingMaterial } from './prf.js';
import {
  ContentType,
  HandshakeType as T,
  encodeRecord,
  parseHandshakeFragments,
  splitRecords,
  type DtlsRecord,
} from './records.js';
import {
  DEFAULT_SRTP_CRYPTO_SUITES,
  negotiatedSrtpProfile,
  resolveSrtpProfiles,
} from './srtpProfiles.js';
import {
  DtlsClient,
  DtlsServer,
  attachAbortSignal,
  type DtlsPlaintext,
  type FragmentedHandshake,
  type WeriftDtlsOptions,
} from './werift.js';

const logger = new Logger('DtlsTransport');

export type DtlsRole = 'client' | 'server';
export type DtlsState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export interface DtlsTransportOptions {
  certificate: DtlsCertificate;
  /** Sends one DTLS datagram to the peer (on the caller's selected ICE tuple). */
  send: (datagram: Buffer) => void;
  /** SRTP crypto suites to offer / accept, most preferred first. */
  srtpProfiles?: readonly SrtpCryptoSuite[];
}

export interface DtlsStartOptions {
  localRole: DtlsRole;
  /** The peer's signalled fingerprints; algorithms are matched case-insensitively. */
  remoteFingerprints: readonly DtlsFingerprint[] | readonly { algorithm: string; value: string }[];
}

/** SRTP master keys: `local*` protect what we send, `remote*` unprotect what we receive. */
export interface DtlsConnectedInfo {
  srtpCryptoSuite: SrtpCryptoSuite;
  localMasterKey: Buffer;
  localMasterSalt: Buffer;
  remoteMasterKey: Buffer;
  remoteMasterSalt: Buffer;
  /** The peer's (fingerprint-checked, key-proven) certificate, PEM. */
  remoteCertificate: string;
}

export type DtlsTransportEvents = {
  statechange: [DtlsState];
  connected: [DtlsConnectedInfo];
  /** Decrypted application data (SCTP packets). */
  applicationdata: [Buffer];
};

/** Handshake messages each role may receive in plaintext (epoch 0). */
const PEER_PLAINTEXT_TYPES: Readonly<Record<DtlsRole, ReadonlySet<number>>> = {
  // we are the client: the peer is a server
  client: new Set([
    T.helloVerifyRequest,
    T.serverHello,
    T.certificate,
    T.serverKeyExchange,
    T.certificateRequest,
    T.serverHelloDone,
  ]),
  server: new Set([T.clientHello, T.certificate, T.clientKeyExchange, T.certificateVerify]),
};
const SERVER_FLIGHT_TYPES: ReadonlySet<number> = PEER_PLAINTEXT_TYPES.client;
const CLIENT_FLIGHT_TYPES: ReadonlySet<number> = new Set([
  T.certificate,
  T.clientKeyExchange,
  T.certificateVerify,
]);

/** Datagrams kept while `new` (the peer may start before we are told our role). */
const MAX_PENDING_DATAGRAMS = 16;

const Alert = {
  closeNotify: 0,
  unexpectedMessage: 10,
  handshakeFailure: 40,
  badCertificate: 42,
  decryptError: 51,
} as const;

const ALERT_FOR: Readonly<Record<DtlsError['code'], number | undefined>> = {
  FINGERPRINT_MISMATCH: Alert.badCertificate,
  BAD_CERTIFICATE: Alert.badCertificate,
  BAD_SIGNATURE: Alert.decryptError,
  BAD_FINISHED: Alert.decryptError,
  UNEXPECTED_MESSAGE: Alert.unexpectedMessage,
  NO_SRTP_PROFILE: Alert.handshakeFailure,
  HANDSHAKE_FAILED: Alert.handshakeFailure,
  PEER_ALERT: undefined,
};

type WeriftSocket = DtlsClient | DtlsServer;

export class DtlsTransport extends EnhancedEventEmitter<DtlsTransportEvents> {
  readonly #certificate: DtlsCertificate;
  readonly #send: (datagram: Buffer) => void;
  readonly #profiles: readonly SrtpProfile[];
  readonly #abort = new AbortController();
  #state: DtlsState = 'new';
  #role?: DtlsRole;
  #remoteFingerprints: readonly DtlsFingerprint[] = [];
  #socket?: WeriftSocket;
  #pending: Buffer[] = [];
  #error?: DtlsError;
  /** First copy of each peer handshake message (but ClientHello / HelloVerifyRequest). */
  readonly #remote = new Map<number, HandshakeMessage>();
  #helloVerifyRequestSeen = false;
  /** Set once the peer proved it holds the key of a fingerprint-matching certificate. */
  #peerCertificate?: X509Certificate;
  /** The peer's Finished body that verified. */
  #peerFinished?: Buffer;
  /**
   * RFC 6347 §4.1.2.6: epoch-1 application data records seen, by sequence number. A record is
   * checked before decryption and recorded only once werift decrypted it (its onData runs
   * inside the call), so forged records never move the window.
   */
  readonly #replay = new ReplayWindow(64);
  #pendingSequence = -1;
  /** Application data records dropped as replays (or too old for the window). */
  replayedRecords = 0;

  constructor({ certificate, send, srtpProfiles }: DtlsTransportOptions) {
    super();
    if (typeof send !== 'function') throw new TypeError('send must be a function');
    this.#certificate = certificate;
    this.#send = send;
    this.#profiles = resolveSrtpProfiles(srtpProfiles ?? DEFAULT_SRTP_CRYPTO_SUITES);
  }

  get state(): DtlsState {
    return this.#state;
  }

  get role(): DtlsRole | undefined {
    return this.#role;
  }

  /** Why the association failed (state `failed`). */
  get error(): DtlsError | undefined {
    return this.#error;
  }

  start({ localRole, remoteFingerprints }: DtlsStartOptions): void {
    if (this.#state !== 'new') throw new InvalidStateError(`DtlsTransport is ${this.#state}`);
    if (localRole !== 'client' && localRole !== 'server') {
      throw new TypeError(`invalid DTLS role ${String(localRole)}`);
    }
    this.#remoteFingerprints = validateRemoteFingerprints(remoteFingerprints);
    this.#role = localRole;

    const options: WeriftDtlsOptions = {
      transport: {
        type: 'skein',
        address: { address: '', family: '', port: 0 } satisfies AddressInfo,
        closed: false,
        onData: () => undefined, // replaced by werift's constructor
        send: (datagram: Buffer) => {
          this.#output(datagram);
          return Promise.resolve();
        },
        // The socket is shared with ICE and RTP and belongs to the caller: never close it.
        close: () => Promise.resolve(),
      },
      cert: this.#certificate.certificatePem,
      key: this.#certificate.privateKeyPem,
      signatureHash: this.#certificate.signatureHash,
      // werift's type only lists ids 1 and 7; it handles any id (see srtpProfiles.ts).
      srtpProfiles: this.#profiles.map((p) => p.dtlsProfileId) as WeriftDtlsOptions['srtpProfiles'],
      // Server role: request the client's certificate, or there is nothing to authenticate.
      // (In client role werift would then insist on a CertificateRequest, so only here.)
      certificateRequest: localRole === 'server',
      extendedMasterSecret: true,
    };
    const socket = localRole === 'client' ? new DtlsClient(options) : new DtlsServer(options);
    this.#socket = socket;
    attachAbortSignal(socket.dtls, this.#abort.signal);
    (socket as unknown as { waitForReady: (c: () => boolean) => Promise<void> }).waitForReady = (
      condition,
    ) => this.#waitFor(condition);
    const handleHandshakes = socket.onHandleHandshakes;
    socket.onHandleHandshakes = (assembled) => {
      const admitted = assembled.filter((h) => this.#admit(h));
      if (admitted.length === 0 || !this.#isLive()) return Promise.resolve();
      return handleHandshakes(admitted);
    };
    socket.onConnect.subscribe(() => this.#onWeriftConnect());
    socket.onError.subscribe((error) => {
      if (this.#state === 'connecting') {
        this.#fail(new DtlsError('HANDSHAKE_FAILED', `DTLS handshake failed: ${error.message}`));
      } else {
        logger.debug(`werift error ignored in state ${this.#state}: ${error.message}`);
      }
    });
    socket.onData.subscribe((data) => {
      if (this.#pendingSequence < 0) return; // only from a record #handleRecord admitted
      this.#replay.commit(this.#pendingSequence);
      this.#pendingSequence = -1;
      if (this.#state === 'connected') this.safeEmit('applicationdata', data);
    });

    this.#setState('connecting');
    if (socket instanceof DtlsClient) {
      socket.connect().catch((error: unknown) => {
        if (this.#state === 'connecting') {
          this.#fail(new DtlsError('HANDSHAKE_FAILED', `DTLS handshake failed: ${String(error)}`));
        }
      });
    }
    const pending = this.#pending;
    this.#pending = [];
    for (const datagram of pending) this.handlePacket(datagram);
  }

  /** Feeds one DTLS datagram from the peer. Malformed input is dropped, never thrown. */
  handlePacket(datagram: Buffer): void {
    if (this.#state === 'new') {
      if (this.#pending.length < MAX_PENDING_DATAGRAMS) this.#pending.push(Buffer.from(datagram));
      return;
    }
    if (!this.#isLive()) return;
    const records = splitRecords(datagram);
    if (!records) {
      logger.debug(`dropping malformed DTLS datagram (${datagram.length} bytes)`);
      return;
    }
    for (const record of records) {
      if (!this.#isLive()) return;
      this.#handleRecord(record);
    }
  }

  /** Sends application data (SCTP) to the peer. */
  sendApplicationData(data: Buffer): void {
    if (this.#state !== 'connected' || !this.#socket) {
      throw new InvalidStateError(`DtlsTransport is ${this.#state}`);
    }
    this.#socket.send(data).catch((error: unknown) => {
      logger.warn(`sendApplicationData() failed: ${String(error)}`);
    });
  }

  /** Closes the association (with a close_notify if connected). Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'connected') this.#sendAlert(Alert.closeNotify, 1);
    this.#stop('closed');
  }

  #isLive(): boolean {
    return this.#state === 'connecting' || this.#state === 'connected';
  }

  #setState(state: DtlsState): void {
    this.#state = state;
    this.safeEmit('statechange', state);
  }

  #stop(state: 'failed' | 'closed'): void {
    this.#abort.abort();
    this.#pending = [];
    this.#setState(state);
  }

  #fail(error: DtlsError): void {
    if (!this.#isLive()) return;
    logger.warn(`DTLS failed [${error.code}]: ${error.message}`);
    this.#error = error;
    const alert = ALERT_FOR[error.code];
    if (alert !== undefined) this.#sendAlert(alert, 2);
    this.#stop('failed');
  }

  #output(datagram: Buffer): void {
    if (!this.#isLive()) return;
    try {
      this.#send(datagram);
    } catch (error) {
      logger.warn(`send() threw: ${String(error)}`);
    }
  }

  async #waitFor(condition: () => boolean): Promise<void> {
    const { signal } = this.#abort;
    for (let i = 0; i < 100; i++) {
      if (condition()) return;
      await sleep(50, undefined, { signal });
    }
    throw new Error('timed out waiting for handshake messages');
  }

  #handleRecord(record: DtlsRecord): void {
    const socket = this.#socket!;
    switch (record.type) {
      case ContentType.alert:
        this.#handleAlert(record);
        return;
      case ContentType.handshake:
        if (record.epoch === 0) {
          // Plaintext handshake: well-formed fragments of messages the peer may send.
          if (this.#state !== 'connecting' && this.#role === 'client') return;
          const headers = parseHandshakeFragments(record.fragment);
          const allowed = PEER_PLAINTEXT_TYPES[this.#role!];
          if (!headers?.every((h) => allowed.has(h.msgType))) return;
        } else if (record.epoch !== 1) {
          return;
        }
        break;
      case ContentType.applicationData:
        if (this.#state !== 'connected' || record.epoch !== 1) return;
        if (!this.#replay.check(record.sequenceNumber)) {
          this.replayedRecords++;
          return;
        }
        this.#pendingSequence = record.sequenceNumber;
        break;
      default:
        return; // ChangeCipherSpec: werift does nothing with it
    }
    try {
      socket.transport.socket.onData(record.raw, { address: '', port: 0 } as never);
    } catch (error) {
      logger.debug(`werift threw on a record: ${String(error)}`);
    } finally {
      this.#pendingSequence = -1;
    }
  }

  #handleAlert(record: DtlsRecord): void {
    let fragment: Buffer = record.fragment;
    if (record.epoch === 1) {
      const cipher = this.#socket?.cipher;
      if (!cipher?.cipher) return;
      const plaintext = {
        recordLayerHeader: {
          contentType: record.type,
          protocolVersion: { major: record.version >> 8, minor: record.version & 0xff },
          epoch: record.epoch,
          sequenceNumber: record.sequenceNumber,
          contentLen: record.fragment.length,
        },
        fragment: record.fragment,
      } as unknown as DtlsPlaintext;
      try {
        fragment = cipher.decryptPacket(plaintext);
      } catch {
        return; // not authentic
      }
    } else if (record.epoch !== 0 || this.#state === 'connected') {
      return; // unauthenticated after the handshake
    }
    if (fragment.length !== 2) return;
    const [level, description] = [fragment[0], fragment[1]];
    if (this.#state === 'connected') {
      if (description === Alert.closeNotify || level === 2) {
        logger.debug(`peer closed DTLS (alert ${level}/${description})`);
        this.#stop('closed');
      }
    } else if (level === 2) {
      this.#fail(new DtlsError('PEER_ALERT', `peer sent fatal alert ${description}`));
    }
  }

  /** Builds and sends an alert in the current write epoch. */
  #sendAlert(description: number, level: 1 | 2): void {
    const socket = this.#socket;
    if (!socket) return;
    try {
      const { dtls, cipher } = socket;
      const fragment = Buffer.from([level, description]);
      const version = (dtls.version.major << 8) | dtls.version.minor;
      const sequenceNumber = ++dtls.recordSequenceNumber;
      let payload: Buffer = fragment;
      if (dtls.epoch > 0) {
        const plaintext = {
          recordLayerHeader: {
            contentType: ContentType.alert,
            protocolVersion: dtls.version,
            epoch: dtls.epoch,
            sequenceNumber,
            contentLen: fragment.length,
          },
          fragment,
        } as unknown as DtlsPlaintext;
        payload = cipher.encryptPacket(plaintext).fragment;
      }
      this.#send(encodeRecord(ContentType.alert, version, dtls.epoch, sequenceNumber, payload));
    } catch (error) {
      logger.debug(`could not send alert ${description}: ${String(error)}`);
    }
  }

  /**
   * The gate in front of werift's handshake handler: true lets werift process the message.
   * Verification happens on the peer's last message of a flight, before werift answers it.
   */
  #admit(h: FragmentedHandshake): boolean {
    if (h.fragment.length !== h.length) return false; // werift failed to reassemble it
    const message: HandshakeMessage = {
      msgType: h.msg_type,
      messageSeq: h.message_seq,
      body: Buffer.from(h.fragment),
    };
    const role = this.#role!;
    if (this.#state === 'connected') {
      // A retransmitted client flight (our last flight was lost): werift resends it.
      return (
        role === 'server' && h.msg_type === T.finished && !!this.#peerFinished?.equals(message.body)
      );
    }
    if (this.#state !== 'connecting') return false;

    switch (h.msg_type) {
      case T.clientHello:
        return role === 'server'; // werift handles cookies and retransmissions
      case T.helloVerifyRequest: {
        // werift throws on a second one (it re-enters flight 3): admit only the first.
        if (role !== 'client' || this.#helloVerifyRequestSeen) return false;
        this.#helloVerifyRequestSeen = true;
        return true;
      }
      case T.finished:
        return role === 'client'
          ? this.#checkServerFinished(message)
          : this.#checkClientFlight(message);
      default:
        break;
    }
    if (!PEER_PLAINTEXT_TYPES[role].has(h.msg_type)) return false;
    const first = this.#remote.get(h.msg_type);
    if (first) {
      if (first.messageSeq !== message.messageSeq || !first.body.equals(message.body)) {
        logger.debug(`dropping altered copy of handshake message ${h.msg_type}`);
        return false;
      }
    } else {
      this.#remote.set(h.msg_type, message);
    }
    if (role === 'client' && h.msg_type === T.serverHelloDone) return this.#checkServerFlight();
    return true;
  }

  /** Client role, ServerHelloDone: fingerprint + ServerKeyExchange signature. */
  #checkServerFlight(): boolean {
    if (this.#peerCertificate) return true; // a retransmitted, identical flight
    const messages = this.#handshakeMessages();
    const needed = [T.serverHello, T.certificate, T.serverKeyExchange];
    if (!messages || !needed.every((type) => this.#remote.has(type))) return false; // wait
    const result = verifyServerFlight(messages, this.#remoteFingerprints);
    if (result instanceof DtlsError) {
      this.#fail(result);
      return false;
    }
    this.#peerCertificate = result;
    return true;
  }

  /** Server role, client Finished: fingerprint + CertificateVerify + Finished. */
  #checkClientFlight(finished: HandshakeMessage): boolean {
    const certificate = this.#remote.get(T.certificate);
    const needed = [T.certificate, T.clientKeyExchange, T.certificateVerify];
    const masterSecret = this.#socket!.cipher.masterSecret as Buffer | undefined;
    const messages = this.#handshakeMessages();
    if (!needed.every((type) => this.#remote.has(type)) || !masterSecret || !messages) {
      if (certificate && certificate.body.length <= 3) {
        this.#fail(new DtlsError('BAD_CERTIFICATE', 'the peer sent no certificate'));
      }
      return false; // wait for the retransmitted flight
    }
    const result = verifyClientFlight(messages, finished, masterSecret, this.#remoteFingerprints);
    if (result instanceof DtlsError) {
      this.#fail(result);
      return false;
    }
    this.#peerCertificate = result;
    this.#peerFinished = finished.body;
    return true;
  }

  /** Client role, server Finished (the server was authenticated at ServerHelloDone). */
  #checkServerFinished(finished: HandshakeMessage): boolean {
    const masterSecret = this.#socket!.cipher.masterSecret as Buffer | undefined;
    const messages = this.#handshakeMessages();
    if (!this.#peerCertificate || !masterSecret || !messages) return false;
    const error = verifyServerFinished(messages, finished, masterSecret);
    if (error) {
      this.#fail(error);
      return false;
    }
    this.#peerFinished = finished.body;
    return true;
  }

  /**
   * The handshake so far: the peer's messages from the gate's own copies, ours from werift's
   * handshake cache (flight 3 = our ClientHello, 4 = server flight, 5 = client flight).
   */
  #handshakeMessages(): HandshakeMessages | undefined {
    const cache = this.#socket!.dtls.handshakeCache;
    const all = Object.values(cache).flatMap((entry) => entry.data);
    const hellos = reassemble(all.filter((f) => f.msg_type === T.clientHello));
    if (!hellos || hellos.length !== 1) return undefined;
    const clientHello = hellos[0];
    const peer = [...this.#remote.values()].sort((a, b) => a.messageSeq - b.messageSeq);
    if (this.#role === 'client') {
      const clientFlight = reassemble(cache[5]?.data ?? []);
      if (!clientFlight) return undefined;
      const serverFlight = peer.filter((m) => SERVER_FLIGHT_TYPES.has(m.msgType));
      return { clientHello, serverFlight, clientFlight };
    }
    const serverFlight = reassemble(
      (cache[4]?.data ?? []).filter((f) => f.msg_type !== T.clientHello),
    );
    if (!serverFlight) return undefined;
    const clientFlight = peer.filter((m) => CLIENT_FLIGHT_TYPES.has(m.msgType));
    return { clientHello, serverFlight, clientFlight };
  }

  #onWeriftConnect(): void {
    if (this.#state !== 'connecting') return;
    const socket = this.#socket!;
    const messages = this.#handshakeMessages();
    if (!this.#peerCertificate || !this.#peerFinished || !messages) {
      // Defence in depth: werift must not get here without the gate's checks.
      this.#fail(new DtlsError('UNEXPECTED_MESSAGE', 'handshake completed without verification'));
      return;
    }
    const profile = negotiatedSrtpProfile(socket.srtp.srtpProfile, this.#profiles);
    if (!profile) {
      this.#fail(new DtlsError('NO_SRTP_PROFILE', 'no DTLS-SRTP protection profile negotiated'));
      return;
    }
    const serverHello = messages.serverFlight.find((m) => m.msgType === T.serverHello);
    const clientRandom = readHelloRandom(messages.clientHello.body);
    const serverRandom = serverHello && readHelloRandom(serverHello.body);
    if (!clientRandom || !serverRandom) {
      this.#fail(new DtlsError('UNEXPECTED_MESSAGE', 'hello randoms missing'));
      return;
    }
    const material = exportKeyingMaterial(
      socket.cipher.masterSecret,
      'EXTRACTOR-dtls_srtp',
      clientRandom,
      serverRandom,
      2 * (profile.keyLength + profile.saltLength),
    );
    const keys = splitSrtpKeyingMaterial(profile, material);
    const client = this.#role === 'client';
    const info: DtlsConnectedInfo = {
      srtpCryptoSuite: profile.cryptoSuite,
      localMasterKey: Buffer.from(client ? keys.clientKey : keys.serverKey),
      localMasterSalt: Buffer.from(client ? keys.clientSalt : keys.serverSalt),
      remoteMasterKey: Buffer.from(client ? keys.serverKey : keys.clientKey),
      remoteMasterSalt: Buffer.from(client ? keys.serverSalt : keys.clientSalt),
      remoteCertificate: this.#peerCertificate.toString(),
    };
    this.#setState('connected');
    // A statechange listener may have closed us already.
    if ((this.#state as DtlsState) === 'connected') this.safeEmit('connected', info);
  }
}

/** Whole messages from werift's cached fragments, in message_seq order (RFC 6347 §4.2.3). */
function reassemble(fragments: readonly FragmentedHandshake[]): HandshakeMessage[] | undefined {
  const groups = new Map<string, FragmentedHandshake[]>();
  for (const f of fragments) {
    const key = `${f.message_seq}/${f.msg_type}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  const messages: HandshakeMessage[] = [];
  for (const group of groups.values()) {
    const { msg_type, message_seq, length } = group[0];
    const body = Buffer.alloc(length);
    let covered = 0;
    for (const f of [...group].sort((a, b) => a.fragment_offset - b.fragment_offset)) {
      const end = f.fragment_offset + f.fragment.length;
      if (f.length !== length || f.fragment_offset > covered || end > length) return undefined;
      f.fragment.copy(body, f.fragment_offset);
      covered = Math.max(covered, end);
    }
    if (covered !== length) return undefined;
    messages.push({ msgType: msg_type, messageSeq: message_seq, body });
  }
  return messages.sort((a, b) => a.messageSeq - b.messageSeq);
}
