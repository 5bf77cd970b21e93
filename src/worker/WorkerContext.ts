/**
 * What every worker-side handler may use: the channel's notify, the handler
 * registry, the port range and the worker's DTLS identity.
 */
import type { PortRange } from '../rtc/sockets/bindPort.js';
import type { DtlsFingerprint, DtlsSessionFactory } from '../rtc/webrtc/dtlsSession.js';
import type { WebRtcServer } from '../rtc/webrtc/WebRtcServer.js';
import type { Handler } from './handlers/Handler.js';

export interface WorkerContext {
  /** `payload`: raw bytes beside the data, copied before this returns. */
  notify(handlerId: string, event: string, data?: unknown, payload?: Uint8Array): void;
  registerHandler(id: string, handler: Handler): void;
  unregisterHandler(id: string): void;
  readonly portRange: PortRange;
  readonly dtlsFactory: DtlsSessionFactory;
  readonly fingerprints: DtlsFingerprint[];
  getWebRtcServer(id: string): WebRtcServer | undefined;
}
