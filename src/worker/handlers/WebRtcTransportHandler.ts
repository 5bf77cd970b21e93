/**
 * Requests addressed to a WebRtcTransport (handlerId = transport id) beyond
 * what every transport answers: connect (DTLS parameters) and restartIce;
 * and its ICE/DTLS fields in dump() and getStats().
 */
import { InvalidStateError } from '../../common/errors.js';
import type { WebRtcTransport } from '../../rtc/webrtc/WebRtcTransport.js';
import type { DtlsRole } from '../../rtc/webrtc/dtlsSession.js';
import { validateRemoteFingerprints } from '../../rtc/dtls/fingerprints.js';
import { asObject, requireArray } from '../validate.js';
import { TransportHandler } from './TransportHandler.js';

const DTLS_ROLES = ['auto', 'client', 'server'];

export class WebRtcTransportHandler extends TransportHandler<WebRtcTransport> {
  protected get statsType(): string {
    return 'webrtc-transport';
  }

  protected handleKindRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'transport.connect':
        return this.#connect(data);
      case 'transport.restartIce':
        return { iceParameters: this.transport.restartIce() };
      default:
        throw new TypeError(`unknown method '${method}' for a WebRtcTransport`);
    }
  }

  protected kindDump(): Record<string, unknown> {
    const transport = this.transport;
    return {
      iceRole: 'controlled',
      iceParameters: transport.iceParameters,
      iceCandidates: transport.candidates,
      iceState: transport.iceState,
      iceSelectedTuple: transport.iceSelectedTuple,
      dtlsParameters: { role: transport.dtlsRole, fingerprints: transport.localFingerprints },
      dtlsState: transport.dtlsState,
      // The peer's certificate (PEM) once DTLS connected, as the dtlsstatechange event gives it.
      dtlsRemoteCert: transport.dtlsRemoteCert,
      packetsDropped: { ...transport.drops, ...transport.iceServer.counters },
    };
  }

  protected kindStats(): Record<string, unknown> {
    const transport = this.transport;
    return {
      iceRole: 'controlled',
      iceState: transport.iceState,
      iceSelectedTuple: transport.iceSelectedTuple,
      dtlsState: transport.dtlsState,
      srtpCryptoSuite: transport.srtpCryptoSuite,
      packetsDropped: { ...transport.drops, ...transport.iceServer.counters },
    };
  }

  #connect(data: unknown): unknown {
    const dtls = asObject(asObject(data, 'data').dtlsParameters, 'dtlsParameters');
    const role = dtls.role ?? 'auto';
    if (typeof role !== 'string' || !DTLS_ROLES.includes(role)) {
      throw new TypeError('dtlsParameters.role must be auto, client or server');
    }
    requireArray(dtls.fingerprints, 'dtlsParameters.fingerprints');
    // Entries with an unknown algorithm or a malformed value are ignored; none usable is an error.
    const fingerprints = validateRemoteFingerprints(dtls.fingerprints);
    let localRole: DtlsRole;
    try {
      localRole = this.transport.connect(role as DtlsRole, fingerprints);
    } catch (error) {
      throw new InvalidStateError((error as Error).message);
    }
    return { dtlsLocalRole: localRole };
  }
}
