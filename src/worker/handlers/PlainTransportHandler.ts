/**
 * Requests addressed to a PlainTransport beyond what every transport answers: connect (remote
 * tuple and SRTP parameters); and its tuple, RTCP-mux, comedia and SRTP fields in dump() and
 * getStats() (mediasoup's 'plain-rtp-transport' shapes).
 */
import type { PlainTransport } from '../../rtc/plain/PlainTransport.js';
import type { SrtpParameters } from '../../rtc/plain/srtpKeys.js';
import { asObject, optionalString } from '../validate.js';
import { TransportHandler } from './TransportHandler.js';

function optionalPort(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new TypeError(`${name} must be an integer in [1, 65535]`);
  }
  return value;
}

function optionalSrtpParameters(value: unknown): SrtpParameters | undefined {
  if (value === undefined) return undefined;
  const p = asObject(value, 'srtpParameters');
  if (typeof p.cryptoSuite !== 'string') throw new TypeError('missing srtpParameters.cryptoSuite');
  // Base64 of at most 44 bytes (AEAD_AES_256_GCM): a bound before decoding anything.
  if (typeof p.keyBase64 !== 'string' || p.keyBase64.length > 64) {
    throw new TypeError('missing or invalid srtpParameters.keyBase64');
  }
  return { cryptoSuite: p.cryptoSuite as SrtpParameters['cryptoSuite'], keyBase64: p.keyBase64 };
}

export class PlainTransportHandler extends TransportHandler<PlainTransport> {
  protected get statsType(): string {
    return 'plain-rtp-transport';
  }

  protected handleKindRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'transport.connect':
        return this.#connect(data);
      case 'transport.setMaxIncomingBitrate':
      case 'transport.setMaxOutgoingBitrate':
      case 'transport.setMinOutgoingBitrate':
      case 'transport.enableTraceEvent':
        return undefined;
      default:
        throw new TypeError(`unknown method '${method}' for a PlainTransport`);
    }
  }

  protected kindDump(): Record<string, unknown> {
    const transport = this.transport;
    return {
      rtcpMux: transport.rtcpMux,
      comedia: transport.comedia,
      tuple: transport.tuple,
      rtcpTuple: transport.rtcpTuple,
      srtpParameters: transport.srtpParameters,
      packetsDropped: { ...transport.drops, ...transport.tupleDrops },
    };
  }

  protected kindStats(): Record<string, unknown> {
    const transport = this.transport;
    return {
      rtcpMux: transport.rtcpMux,
      comedia: transport.comedia,
      tuple: transport.tuple,
      rtcpTuple: transport.connectedRtcpTuple,
      packetsDropped: { ...transport.drops, ...transport.tupleDrops },
    };
  }

  #connect(data: unknown): unknown {
    const d = asObject(data, 'data');
    return this.transport.connect({
      ip: optionalString(d.ip, 'ip', 64),
      port: optionalPort(d.port, 'port'),
      rtcpPort: optionalPort(d.rtcpPort, 'rtcpPort'),
      srtpParameters: optionalSrtpParameters(d.srtpParameters),
    });
  }
}
