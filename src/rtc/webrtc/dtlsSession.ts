/**
 * What a WebRtcTransport needs of its DTLS association (src/rtc/dtls
 * implements it): start in a role, feed datagrams, learn the outcome.
 */
import type { SrtpCryptoSuite } from '../../protocols/srtp/index.js';

export type DtlsRole = 'auto' | 'client' | 'server';
export type DtlsState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export interface DtlsFingerprint {
  algorithm: string;
  value: string;
}

export interface DtlsKeys {
  srtpCryptoSuite: SrtpCryptoSuite;
  localMasterKey: Buffer;
  localMasterSalt: Buffer;
  remoteMasterKey: Buffer;
  remoteMasterSalt: Buffer;
  remoteCertificate?: string;
}

export interface DtlsSessionEvents {
  onStateChange(state: DtlsState): void;
  onConnected(keys: DtlsKeys): void;
  onApplicationData?(data: Buffer): void;
}

export interface DtlsSession {
  readonly state: DtlsState;
  start(localRole: 'client' | 'server', remoteFingerprints: DtlsFingerprint[]): void;
  handlePacket(data: Buffer): void;
  /** Application data (SCTP, RFC 8261) to the peer; throws unless connected. */
  sendApplicationData(data: Buffer): void;
  close(): void;
}

/** Builds a DTLS session whose datagrams go out through `send`. */
export type DtlsSessionFactory = (
  send: (data: Buffer) => void,
  events: DtlsSessionEvents,
) => DtlsSession;
