/**
 * Requests addressed to a PipeTransport beyond what every transport answers: connect (the far
 * PipeTransport's IP, port and SRTP parameters); and its tuple, RTX and SRTP fields in dump()
 * and getStats() (mediasoup's 'pipe-transport' shapes).
 */
import type { PipeTransport } from '../../rtc/pipe/PipeTransport.js';
import type { SrtpParameters } from '../../rtc/plain/srtpKeys.js';
import { asObject, optionalString } from '../validate.js';
import { TransportHandler } from './TransportHandler.js';

function optionalPort(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new TypeError('port must be an integer in [1, 65535]');
  }
  return value;
}

function optionalSrtpParameters(value: unknown): SrtpParameters | undefined {
  if (value === undefined) return undefined;
  const p = asObject(value, 'srtpParameters');
  if (typeof p.cryptoSuite !== 'string') throw new TypeError('missing srtpParameters.cryptoSuite');
  // Base64 of 44 bytes (AEAD_AES_256_GCM key + salt): a bound before decoding anything.
  if (typeof p.keyBase64 !== 'string' || p.keyBase64.length > 64) {
    throw new TypeError('missing or invalid srtpParameters.keyBase64');
  }
  return { cryptoSuite: p.cryptoSuite as SrtpParameters['cryptoSuite'], keyBase64: p.keyBase64 };
}

export class PipeTransportHandler extends TransportHandler<PipeTransport> {
  protected get statsType(): string {
    return 'pipe-transport';
  }

  protected handleKindRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'transport.connect': {
        const d = asObject(data, 'data');
        return this.transport.connect({
          ip: optionalString(d.ip, 'ip', 64),
          port: optionalPort(d.port),
          srtpParameters: optionalSrtpParameters(d.srtpParameters),
        });
      }
      default:
        throw new TypeError(`unknown method '${method}' for a PipeTransport`);
    }
  }

  protected kindDump(): Record<string, unknown> {
    const transport = this.transport;
    return {
      tuple: transport.tuple,
      rtx: transport.rtx,
      srtpParameters: transport.srtpParameters,
      packetsDropped: { ...transport.drops, ...transport.tupleDrops },
    };
  }

  protected kindStats(): Record<string, unknown> {
    const transport = this.transport;
    return {
      tuple: transport.tuple,
      packetsDropped: { ...transport.drops, ...transport.tupleDrops },
    };
  }
}
