/**
 * Requests and notifications addressed to a DirectTransport (handlerId =
 * transport id) beyond what every transport answers: `transport.sendRtcp`
 * (RTCP from Node), and the packets of its producers (`producer.send`).
 * Its options are validated here too (mediasoup's: maxMessageSize).
 */
import { UnsupportedError } from '../../common/errors.js';
import { DirectTransport } from '../../rtc/direct/DirectTransport.js';
import type { RtcRouter } from '../../rtc/Router.js';
import type { WorkerContext } from '../WorkerContext.js';
import { asObject, optionalNumber, requireId } from '../validate.js';
import { TransportHandler } from './TransportHandler.js';
import { transportNotifier } from './transportFactory.js';

/** mediasoup's default for maxMessageSize. */
const DEFAULT_MAX_MESSAGE_SIZE = 262144;

export function createDirectTransport(
  data: unknown,
  context: WorkerContext,
  router: RtcRouter,
): DirectTransport {
  const d = asObject(data, 'data');
  const id = requireId(d.transportId, 'transportId');
  const maxMessageSize = optionalNumber(
    d.maxMessageSize,
    'maxMessageSize',
    DEFAULT_MAX_MESSAGE_SIZE,
    0,
    0xffffffff,
  );
  return new DirectTransport({
    id,
    router,
    notifier: transportNotifier(context, id),
    maxMessageSize,
  });
}

export class DirectTransportHandler extends TransportHandler<DirectTransport> {
  protected get statsType(): string {
    return 'direct-transport';
  }

  protected override get producerInput(): (packet: Uint8Array) => void {
    const transport = this.transport;
    return (packet) => transport.receiveFromNode(packet);
  }

  protected override get directMaxMessageSize(): number {
    return this.transport.maxMessageSize;
  }

  handleNotification(event: string, _data: unknown, payload?: Uint8Array): void {
    if (event === 'transport.sendRtcp' && payload !== undefined) {
      this.transport.receiveRtcpFromNode(payload);
    }
  }

  /** mediasoup: a DirectTransport has no bitrate to limit or estimate. */
  protected override handleBitrateRequest(method: string): unknown {
    throw new UnsupportedError(`${method.slice(10)}() not implemented in DirectTransport`);
  }

  protected handleKindRequest(method: string): unknown {
    switch (method) {
      default:
        throw new TypeError(`unknown method '${method}' for a DirectTransport`);
    }
  }

  protected kindDump(): Record<string, unknown> {
    return { direct: true, maxMessageSize: this.transport.maxMessageSize };
  }

  protected kindStats(): Record<string, unknown> {
    return {};
  }
}
