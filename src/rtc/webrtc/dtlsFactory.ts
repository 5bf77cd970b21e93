/**
 * The DTLS sessions of this worker's WebRtcTransports: src/rtc/dtls's
 * DtlsTransport with the worker's certificate.
 */
import { DtlsTransport } from '../dtls/DtlsTransport.js';
import type { DtlsCertificate } from '../dtls/certificate.js';
import type { FingerprintAlgorithm } from '../dtls/fingerprints.js';
import type { DtlsSession, DtlsSessionFactory } from './dtlsSession.js';

export function createDtlsSessionFactory(certificate: DtlsCertificate): DtlsSessionFactory {
  return (send, events): DtlsSession => {
    const dtls = new DtlsTransport({ certificate, send });
    dtls.on('statechange', (state) => events.onStateChange(state));
    dtls.on('connected', (info) => events.onConnected(info));
    dtls.on('applicationdata', (data) => events.onApplicationData?.(data));
    return {
      get state() {
        return dtls.state;
      },
      start: (localRole, remoteFingerprints) =>
        dtls.start({
          localRole,
          remoteFingerprints: remoteFingerprints.map((f) => ({
            algorithm: f.algorithm as FingerprintAlgorithm,
            value: f.value,
          })),
        }),
      handlePacket: (data) => dtls.handlePacket(data),
      sendApplicationData: (data) => dtls.sendApplicationData(data),
      close: () => dtls.close(),
    };
  };
}
