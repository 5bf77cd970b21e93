/**
 * The one place Skein touches werift-dtls 0.5.8 (MIT, Copyright (c) shinyoshiaki): deep
 * imports, the types of the internals we read, and one runtime patch.
 *
 * - The package `main` is missing from its tarball, so the code is imported from
 *   `lib/dtls/src/index.js` (no `exports` map blocks the deep path). The version is pinned
 *   exactly in package.json because the patch below and `DtlsTransport` read internals.
 * - MONKEY-PATCH: `Flight.prototype.transmit` is replaced (once, process-wide, i.e. once per
 *   worker thread) by an equivalent loop with the same retransmission schedule whose waits
 *   can be aborted. werift's own loop keeps ref'd timers alive for up to ~33 s after a
 *   handshake is abandoned; Skein aborts them when a transport fails or closes. Flights of
 *   sockets that no `DtlsTransport` owns behave as before (never aborted).
 *
 * Peer authentication (werift does not check CertificateVerify, the ServerKeyExchange
 * signature or Finished) is NOT patched here: `DtlsTransport` gates werift's handshake
 * handler and `peerVerifier.ts` does the checks. See DESIGN notes in DtlsTransport.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { Flight } from 'werift-dtls/lib/dtls/src/flight/flight.js';
import type { DtlsContext } from 'werift-dtls/lib/dtls/src/context/dtls.js';

export {
  CipherContext,
  DtlsClient,
  DtlsServer,
  DtlsSocket,
} from 'werift-dtls/lib/dtls/src/index.js';
export type { DtlsContext } from 'werift-dtls/lib/dtls/src/context/dtls.js';
export type { FragmentedHandshake } from 'werift-dtls/lib/dtls/src/record/message/fragment.js';
export type { DtlsPlaintext } from 'werift-dtls/lib/dtls/src/record/message/plaintext.js';
export type { Options as WeriftDtlsOptions } from 'werift-dtls/lib/dtls/src/socket.js';

/** The signature algorithms werift advertises (ClientHello and CertificateRequest). */
export const WERIFT_SIGNATURE_ALGORITHMS: readonly { hash: number; signature: number }[] = [
  { hash: 4, signature: 1 }, // sha256 + rsa
  { hash: 4, signature: 3 }, // sha256 + ecdsa
];

/** The internals of a werift `Flight` the patched `transmit` uses. */
interface FlightInternals {
  dtls: DtlsContext;
  nextFlight?: number;
  state: string;
  send: (buffers: Buffer[]) => Promise<unknown>;
}

const abortSignals = new WeakMap<DtlsContext, AbortSignal>();

/** Every retransmission wait of flights built on `dtls` ends when `signal` aborts. */
export function attachAbortSignal(dtls: DtlsContext, signal: AbortSignal): void {
  abortSignals.set(dtls, signal);
}

const PATCHED = Symbol.for('skein.werift-dtls.transmit-patched');

function patchFlightTransmit(): void {
  const proto = Flight.prototype as unknown as Record<PropertyKey, unknown>;
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  // Same schedule as werift 0.5.8: send, wait (n + 1) / 2 s, stop when the peer's next
  // flight has been seen, give up with an error after `Flight.RetransmitCount` resends.
  proto.transmit = async function transmit(this: FlightInternals, buffers: Buffer[]) {
    const signal = abortSignals.get(this.dtls);
    for (let count = 0; count <= Flight.RetransmitCount; count++) {
      if (signal?.aborted) break;
      this.state = 'SENDING';
      this.send(buffers).catch(() => undefined);
      this.state = 'WAITING';
      if (this.nextFlight === undefined) break;
      try {
        await sleep(500 * (count + 1), undefined, signal ? { signal } : undefined);
      } catch {
        break; // aborted: the owning transport failed or closed
      }
      if (this.dtls.flight >= this.nextFlight) break;
      if (count === Flight.RetransmitCount) {
        throw new Error(`DTLS flight retransmitted ${count} times without an answer`);
      }
    }
    this.state = 'FINISHED';
  };
}

patchFlightTransmit();
