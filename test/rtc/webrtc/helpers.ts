/**
 * A worker-side WebRtcTransport alone, without sockets or a DTLS peer: the DTLS session is a
 * stub whose events the test fires, and ICE is completed by feeding a Binding request.
 */
import { randomBytes } from 'node:crypto';
import { StunAttr, StunClass, StunMethod, StunWriter } from '../../../src/protocols/stun/index.js';
import { WebRtcTransport } from '../../../src/rtc/webrtc/WebRtcTransport.js';
import { RtcRouter } from '../../../src/rtc/Router.js';
import type { DtlsSessionEvents } from '../../../src/rtc/webrtc/dtlsSession.js';
import type { Tuple } from '../../../src/rtc/sockets/TransportTuple.js';

export function bareTransport(): {
  transport: WebRtcTransport;
  dtls: { events?: DtlsSessionEvents };
} {
  const dtls: { events?: DtlsSessionEvents } = {};
  const transport = new WebRtcTransport({
    id: 't1',
    router: new RtcRouter('r1', []),
    notifier: { notify: () => undefined, notifyEntity: () => undefined },
    candidates: [],
    localFingerprints: [],
    consentTimeoutMs: 30_000,
    dtlsFactory: (_send, events) => {
      dtls.events = events;
      return {
        state: 'new',
        start: () => undefined,
        handlePacket: () => undefined,
        sendApplicationData: () => undefined,
        close: () => undefined,
      };
    },
  });
  return { transport, dtls };
}

/** A tuple that records what is sent on it, or throws if `send` is given to do so. */
export function tuple(protocol: 'udp' | 'tcp', send: (data: Uint8Array) => void): Tuple {
  return {
    key: `${protocol}:127.0.0.1:1>127.0.0.1:2`,
    localAddress: '127.0.0.1',
    localPort: 2,
    remoteIp: '127.0.0.1',
    remotePort: 1,
    protocol,
    alive: true,
    send,
  };
}

/** A Binding request as a controlling agent sends it (RFC 8445 §7.2.2). */
export function bindingRequest(ufrag: string, password: string, useCandidate = false): Buffer {
  const out = Buffer.alloc(256);
  const writer = new StunWriter(out, StunMethod.Binding, StunClass.Request, randomBytes(12))
    .text(StunAttr.Username, `${ufrag}:x`)
    .uint32(StunAttr.Priority, 1)
    .tieBreaker(StunAttr.IceControlling, 1n);
  if (useCandidate) writer.attribute(StunAttr.UseCandidate, new Uint8Array(0));
  const length = writer.messageIntegrity(password).fingerprint().finish();
  return out.subarray(0, length);
}
