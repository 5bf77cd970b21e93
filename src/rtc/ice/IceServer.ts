/**
 * The ICE-lite agent of one transport (RFC 8445 §2.5, §7.3): it never sends
 * checks, it answers the peer's Binding requests. A request is accepted only
 * with our username fragment and a valid MESSAGE-INTEGRITY keyed with our
 * password; its source tuple then becomes valid, and only valid tuples may
 * carry DTLS and media. USE-CANDIDATE nominates the tuple (state completed).
 * Consent (RFC 7675) expires when a tuple sends no valid request for
 * `consentTimeoutMs`.
 */
import { randomBytes } from 'node:crypto';
import {
  StunAttr,
  StunClass,
  StunMethod,
  checkFingerprint,
  checkMessageIntegrity,
  decodeUsername,
  getAttribute,
  parseStunMessage,
  writeBindingSuccessResponse,
  writeErrorResponse,
  type StunMessage,
} from '../../protocols/stun/index.js';
import type { Tuple } from '../sockets/TransportTuple.js';

export type IceState = 'new' | 'connected' | 'completed' | 'disconnected' | 'closed';

export interface IceServerListener {
  onStateChange(state: IceState): void;
  onSelectedTupleChange(tuple: Tuple): void;
  /** A tuple stopped being valid (consent expired or its TCP connection closed). */
  onTupleRemoved(tuple: Tuple): void;
}

/** Counters of what the agent refused (exposed through getStats/dump). */
export interface IceCounters {
  stunDropped: number;
  stunUnauthorized: number;
}

const UFRAG_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += UFRAG_CHARS[byte % UFRAG_CHARS.length];
  return out;
}

interface TupleState {
  tuple: Tuple;
  lastConsentMs: number;
}

export class IceServer {
  #usernameFragment = randomToken(16);
  #password = randomToken(32);
  /** After restartIce() the previous credentials stay valid until the new ones are used. */
  #oldUsernameFragment: string | undefined;
  #oldPassword: string | undefined;
  readonly #listener: IceServerListener;
  readonly #consentTimeoutMs: number;
  readonly #tuples = new Map<string, TupleState>();
  #selected: Tuple | undefined;
  #state: IceState = 'new';
  readonly #response = Buffer.alloc(512);
  readonly counters: IceCounters = { stunDropped: 0, stunUnauthorized: 0 };

  constructor(listener: IceServerListener, consentTimeoutMs: number) {
    this.#listener = listener;
    this.#consentTimeoutMs = consentTimeoutMs;
  }

  get usernameFragment(): string {
    return this.#usernameFragment;
  }

  get password(): string {
    return this.#password;
  }

  get state(): IceState {
    return this.#state;
  }

  get selectedTuple(): Tuple | undefined {
    return this.#selected;
  }

  /** Whether media and DTLS from this tuple may be accepted. */
  isValidTuple(tuple: Tuple): boolean {
    return this.#tuples.has(tuple.key);
  }

  restart(): { usernameFragment: string; password: string } {
    this.#oldUsernameFragment = this.#usernameFragment;
    this.#oldPassword = this.#password;
    this.#usernameFragment = randomToken(16);
    this.#password = randomToken(32);
    return { usernameFragment: this.#usernameFragment, password: this.#password };
  }

  /** Handles one STUN message received on `tuple`. */
  processStunPacket(data: Buffer, tuple: Tuple, nowMs: number): void {
    if (this.#state === 'closed') return;
    const message = parseStunMessage(data);
    if (typeof message === 'string') {
      this.counters.stunDropped++;
      return;
    }
    // Only Binding requests matter to an ICE-lite agent; indications (keepalives
    // without consent semantics) and responses are dropped.
    if (message.method !== StunMethod.Binding || message.class !== StunClass.Request) {
      this.counters.stunDropped++;
      return;
    }
    if (getAttribute(message, StunAttr.Fingerprint) && !checkFingerprint(data, message)) {
      this.counters.stunDropped++;
      return;
    }
    const username = getAttribute(message, StunAttr.Username);
    const integrity = getAttribute(message, StunAttr.MessageIntegrity);
    if (!username || !integrity) {
      // RFC 5389 §10.1.2: 400 when the credentials are missing.
      this.#sendError(message, tuple, 400, undefined);
      this.counters.stunUnauthorized++;
      return;
    }
    const password = this.#passwordFor(decodeUsername(username.value));
    if (password === undefined || !checkMessageIntegrity(data, message, password)) {
      this.#sendError(message, tuple, 401, undefined);
      this.counters.stunUnauthorized++;
      return;
    }
    if (getAttribute(message, StunAttr.IceControlled)) {
      // RFC 8445 §7.3.1.1: we are controlled (lite); a controlled peer conflicts.
      this.#sendError(message, tuple, 487, password);
      return;
    }
    if (!getAttribute(message, StunAttr.Priority)) {
      this.#sendError(message, tuple, 400, password);
      return;
    }
    if (password === this.#password) {
      this.#oldUsernameFragment = undefined;
      this.#oldPassword = undefined;
    }
    const length = writeBindingSuccessResponse(this.#response, {
      transactionId: message.transactionId,
      address: tuple.remoteIp,
      port: tuple.remotePort,
      password,
    });
    if (length > 0) tuple.send(this.#response.subarray(0, length));
    this.#handleTuple(tuple, getAttribute(message, StunAttr.UseCandidate) !== undefined, nowMs);
  }

  /** Expires consent of silent tuples; call about once a second. */
  tick(nowMs: number): void {
    for (const [key, state] of this.#tuples) {
      if (nowMs - state.lastConsentMs > this.#consentTimeoutMs || !state.tuple.alive) {
        this.#tuples.delete(key);
        this.#onTupleGone(state.tuple);
      }
    }
  }

  /** A TCP connection closed: its tuple is gone at once. */
  removeTuple(tuple: Tuple): void {
    if (this.#tuples.delete(tuple.key)) this.#onTupleGone(tuple);
  }

  close(): void {
    this.#tuples.clear();
    this.#selected = undefined;
    this.#state = 'closed';
  }

  #passwordFor(username: string | undefined): string | undefined {
    if (username === undefined) return undefined;
    const colon = username.indexOf(':');
    const local = colon === -1 ? username : username.slice(0, colon);
    if (local === this.#usernameFragment) return this.#password;
    if (this.#oldUsernameFragment !== undefined && local === this.#oldUsernameFragment) {
      return this.#oldPassword;
    }
    return undefined;
  }

  #handleTuple(tuple: Tuple, nominated: boolean, nowMs: number): void {
    const known = this.#tuples.get(tuple.key);
    if (known) known.lastConsentMs = nowMs;
    else this.#tuples.set(tuple.key, { tuple, lastConsentMs: nowMs });
    const becomesSelected =
      this.#selected === undefined ||
      (nominated && this.#selected.key !== tuple.key) ||
      !this.#tuples.has(this.#selected.key);
    if (becomesSelected) {
      this.#selected = tuple;
      this.#listener.onSelectedTupleChange(tuple);
    }
    if (nominated) this.#setState('completed');
    else if (this.#state === 'new' || this.#state === 'disconnected') this.#setState('connected');
  }

  #onTupleGone(tuple: Tuple): void {
    this.#listener.onTupleRemoved(tuple);
    if (this.#selected?.key !== tuple.key) return;
    const next = this.#tuples.values().next();
    if (next.done) {
      this.#selected = undefined;
      this.#setState('disconnected');
    } else {
      this.#selected = next.value.tuple;
      this.#listener.onSelectedTupleChange(this.#selected);
    }
  }

  #setState(state: IceState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#listener.onStateChange(state);
  }

  #sendError(message: StunMessage, tuple: Tuple, code: number, password: string | undefined): void {
    const length = writeErrorResponse(this.#response, {
      transactionId: message.transactionId,
      code,
      password,
    });
    if (length > 0) tuple.send(this.#response.subarray(0, length));
  }
}
