/**
 * The first DTLS handshake in a process costs 65–90 ms of CPU (JIT of werift, its pure-JS
 * x25519 / P-256 and X.509 code) against ~10–20 ms warm: long enough for a browser to
 * retransmit. `warmUpDtls()` runs one handshake between two in-memory transports, once per
 * worker, so the first real peer gets a warm one.
 */
import { getWorkerDtlsCertificate, type DtlsCertificate } from './certificate.js';
import { DtlsTransport, type DtlsConnectedInfo, type DtlsState } from './DtlsTransport.js';

function settled(transport: DtlsTransport): Promise<DtlsConnectedInfo> {
  return new Promise((resolve, reject) => {
    transport.once('connected', resolve);
    const onState = (state: DtlsState): void => {
      if (state === 'failed' || state === 'closed') {
        transport.off('statechange', onState);
        reject(transport.error ?? new Error(`DTLS ${state}`));
      }
    };
    transport.on('statechange', onState);
  });
}

/**
 * A client and a server DtlsTransport wired to each other in memory (datagrams delivered on
 * later event-loop turns, like a network), started and run to `connected`.
 */
export async function inMemoryHandshake(
  clientCertificate: DtlsCertificate,
  serverCertificate: DtlsCertificate = clientCertificate,
): Promise<{ client: DtlsConnectedInfo; server: DtlsConnectedInfo }> {
  let client: DtlsTransport | undefined = undefined;
  let server: DtlsTransport | undefined = undefined;
  client = new DtlsTransport({
    certificate: clientCertificate,
    send: (datagram) => setImmediate(() => server?.handlePacket(datagram)),
  });
  server = new DtlsTransport({
    certificate: serverCertificate,
    send: (datagram) => setImmediate(() => client?.handlePacket(datagram)),
  });
  const results = Promise.all([settled(client), settled(server)]);
  server.start({ localRole: 'server', remoteFingerprints: clientCertificate.fingerprints });
  client.start({ localRole: 'client', remoteFingerprints: serverCertificate.fingerprints });
  try {
    const [clientInfo, serverInfo] = await results;
    return { client: clientInfo, server: serverInfo };
  } finally {
    client.close();
    server.close();
  }
}

let warmUp: Promise<number> | undefined;

/**
 * Runs one in-memory handshake (once per worker; later calls share the first). Resolves
 * with the wall-clock milliseconds it took.
 */
export function warmUpDtls(certificate?: DtlsCertificate): Promise<number> {
  warmUp ??= (async () => {
    const cert = certificate ?? (await getWorkerDtlsCertificate());
    const started = performance.now();
    await inMemoryHandshake(cert);
    return performance.now() - started;
  })();
  // A failed warm-up may be retried by a later call.
  warmUp.catch(() => {
    warmUp = undefined;
  });
  return warmUp;
}
