/** In-memory wiring of DTLS endpoints (Skein's DtlsTransport and plain werift-dtls sockets). */
import { generateKeyPairSync } from 'node:crypto';

import { createDtlsCertificate, type DtlsCertificate } from '../../../src/rtc/dtls/certificate.js';
import {
  DtlsTransport,
  type DtlsConnectedInfo,
  type DtlsRole,
  type DtlsTransportOptions,
} from '../../../src/rtc/dtls/DtlsTransport.js';
import {
  DtlsClient,
  DtlsServer,
  attachAbortSignal,
  type WeriftDtlsOptions,
} from '../../../src/rtc/dtls/werift.js';

/** Something that receives datagrams. */
export type Sink = (datagram: Buffer) => void;

/** Delivers on a later event-loop turn, like a network; `tap` may drop, alter or add. */
export function wire(getSink: () => Sink | undefined, tap?: (d: Buffer) => Buffer[]): Sink {
  return (datagram) => {
    const copy = Buffer.from(datagram);
    setImmediate(() => {
      const sink = getSink();
      if (!sink) return;
      for (const d of tap ? tap(copy) : [copy]) sink(d);
    });
  };
}

export type Outcome =
  | { state: 'connected'; info: DtlsConnectedInfo }
  | { state: 'failed' | 'closed'; code: string | undefined };

/** Resolves at `connected`, `failed` or `closed`; records whether keys were ever emitted. */
export function outcome(transport: DtlsTransport, timeoutMs = 5000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still ${transport.state}`)), timeoutMs);
    transport.once('connected', (info) => {
      clearTimeout(timer);
      resolve({ state: 'connected', info });
    });
    transport.on('statechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        clearTimeout(timer);
        resolve({ state, code: transport.error?.code });
      }
    });
  });
}

let certificates: Promise<DtlsCertificate[]> | undefined;

/** Three certificates shared by the tests of a file (creation costs a few ms each). */
export function testCertificates(): Promise<DtlsCertificate[]> {
  certificates ??= Promise.all([
    createDtlsCertificate(),
    createDtlsCertificate(),
    createDtlsCertificate(),
  ]);
  return certificates;
}

/** A PKCS#8 P-256 key that belongs to no certificate. */
export function strayKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return privateKey;
}

export interface SkeinPair {
  a: DtlsTransport;
  b: DtlsTransport;
  close(): void;
}

/** Two DtlsTransports wired to each other; `tapAToB` / `tapBToA` see every datagram. */
export function skeinPair(
  certA: DtlsCertificate,
  certB: DtlsCertificate,
  extra: {
    a?: Partial<DtlsTransportOptions>;
    b?: Partial<DtlsTransportOptions>;
    tapAToB?: (d: Buffer) => Buffer[];
    tapBToA?: (d: Buffer) => Buffer[];
  } = {},
): SkeinPair {
  let b: DtlsTransport | undefined = undefined;
  const a: DtlsTransport = new DtlsTransport({
    certificate: certA,
    send: wire(() => b && ((d) => b!.handlePacket(d)), extra.tapAToB),
    ...extra.a,
  });
  b = new DtlsTransport({
    certificate: certB,
    send: wire(() => (d) => a.handlePacket(d), extra.tapBToA),
    ...extra.b,
  });
  const bb = b;
  return {
    a,
    b: bb,
    close: () => {
      a.close();
      bb.close();
    },
  };
}

export interface PlainPeer {
  socket: DtlsClient | DtlsServer;
  connected: Promise<void>;
  stop(): void;
}

/**
 * A plain werift-dtls socket (no Skein checks) facing `skein`. `cert` / `key` may belong to
 * different key pairs: that is how an impostor is made.
 */
export function plainPeer(
  skein: DtlsTransport,
  role: DtlsRole,
  cert: string,
  key: string,
  options: Partial<WeriftDtlsOptions> = {},
): PlainPeer {
  const abort = new AbortController();
  let socket: DtlsClient | DtlsServer | undefined = undefined;
  const transport = {
    type: 'memory',
    address: { address: '', family: '', port: 0 },
    closed: false,
    onData: (_data: Buffer) => undefined,
    send: (datagram: Buffer) => {
      if (!abort.signal.aborted) wire(() => (d) => skein.handlePacket(d))(datagram);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const weriftOptions: WeriftDtlsOptions = {
    transport,
    cert,
    key,
    signatureHash: { hash: 4, signature: 3 },
    srtpProfiles: [7, 1],
    certificateRequest: role === 'server',
    extendedMasterSecret: true,
    ...options,
  };
  socket = role === 'client' ? new DtlsClient(weriftOptions) : new DtlsServer(weriftOptions);
  attachAbortSignal(socket.dtls, abort.signal);
  const s = socket;
  const connected = new Promise<void>((resolve) => s.onConnect.subscribe(() => resolve()));
  return {
    socket: s,
    connected,
    stop: () => abort.abort(),
  };
}

/** The sink to give the Skein side so that its datagrams reach `peer`. */
export function toPlainPeer(peer: () => PlainPeer | undefined): Sink {
  return wire(() => {
    const p = peer();
    return p && ((d) => p.socket.transport.socket.onData(d, { address: '', port: 0 } as never));
  });
}
