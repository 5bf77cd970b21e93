/**
 * DirectTransport: media in and out of Node itself, no network. Producers on
 * it are fed with `producer.send(rtpPacket)`, consumers on it emit `rtp`,
 * RTCP goes both ways with `sendRtcp()` and the `rtcp` event; every packet
 * crosses the channel as a binary payload. mediasoup v3 semantics.
 */
import { InvalidStateError, UnsupportedError } from '../common/errors.js';
import type { Channel } from '../channel/Channel.js';
import type { AppData } from './appData.js';
import { Transport, type TransportRouterLink } from './Transport.js';

export interface DirectTransportOptions<DirectTransportAppData extends AppData = AppData> {
  /** Largest direct message a DataProducer may send (default 262144). */
  maxMessageSize?: number;
  appData?: DirectTransportAppData;
}

export type DirectTransportEvents = {
  rtcp: [Buffer];
};

export type DirectTransportObserverEvents = {
  rtcp: [Buffer];
};

export class DirectTransport<TransportAppData extends AppData = AppData> extends Transport<
  TransportAppData,
  DirectTransportEvents,
  DirectTransportObserverEvents
> {
  /** @internal Use router.createDirectTransport(). */
  get type(): 'direct' {
    return 'direct';
  }

  constructor(args: {
    id: string;
    channel: Channel;
    router: TransportRouterLink;
    appData?: TransportAppData;
  }) {
    super({ ...args, direct: true });
    this.channel.onNotification(this.id, (event, _data, payload) => {
      if (event === 'rtcp' && payload !== undefined && !this.closed) {
        this.safeEmit('rtcp', payload);
      }
    });
  }

  /** Nothing to connect (as mediasoup: a no-op). */
  connect(): Promise<void> {
    return Promise.resolve();
  }

  override setMaxIncomingBitrate(bitrate: number): Promise<void> {
    void bitrate;
    return Promise.reject(
      new UnsupportedError('setMaxIncomingBitrate() not implemented in DirectTransport'),
    );
  }

  override setMaxOutgoingBitrate(bitrate: number): Promise<void> {
    void bitrate;
    return Promise.reject(
      new UnsupportedError('setMaxOutgoingBitrate() not implemented in DirectTransport'),
    );
  }

  override setMinOutgoingBitrate(bitrate: number): Promise<void> {
    void bitrate;
    return Promise.reject(
      new UnsupportedError('setMinOutgoingBitrate() not implemented in DirectTransport'),
    );
  }

  /**
   * Hands an RTCP packet (compound or single) to the transport as if it had
   * arrived: receiver reports, key frame requests and NACKs for its
   * consumers, sender reports for its producers. The bytes are copied before
   * this returns. The worker drops and counts what does not parse.
   */
  sendRtcp(rtcpPacket: Buffer): void {
    if (!Buffer.isBuffer(rtcpPacket)) throw new TypeError('rtcpPacket must be a Buffer');
    if (this.closed) throw new InvalidStateError('closed');
    this.channel.notify('transport.sendRtcp', this.id, undefined, rtcpPacket);
  }
}
