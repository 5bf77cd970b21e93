/**
 * The direct kind: a transport whose "wire" is the channel to Node
 * (mediasoup's DirectTransport). No sockets and no security: packets from
 * Node (`producer.send()`, `transport.sendRtcp()`) enter the core as if they
 * had arrived, and what the core sends leaves as payload notifications: RTP
 * to the consumer it belongs to (`rtp`), RTCP to the transport (`rtcp`).
 * It is always able to send, as mediasoup's is always connected.
 */
import { readU32 } from '../../protocols/rtp/index.js';
import type { RtcRouter } from '../Router.js';
import { MAX_RTCP_PACKET_SIZE } from '../rtp/packetLimits.js';
import { RtcTransport, type TransportNotifier } from '../transport/RtcTransport.js';

/** An RTP header without CSRCs (RFC 3550 §5.1): where the SSRC is. */
const RTP_HEADER_LENGTH = 12;

export class DirectTransport extends RtcTransport {
  /** Largest direct message a DataProducer may send (mediasoup's option; no DataChannels yet). */
  readonly maxMessageSize: number;

  constructor(options: {
    id: string;
    router: RtcRouter;
    notifier: TransportNotifier;
    maxMessageSize: number;
  }) {
    super({
      id: options.id,
      router: options.router,
      notifier: options.notifier,
      label: `DirectTransport ${options.id}`,
    });
    this.maxMessageSize = options.maxMessageSize;
  }

  /** One RTP packet from Node (`producer.send()`): bytes only valid during the call. */
  receiveFromNode(packet: Uint8Array): void {
    this.boundary.run('datagram', this.#receiveRtp, this, packet, undefined);
  }

  /** One (compound) RTCP packet from Node (`transport.sendRtcp()`). */
  receiveRtcpFromNode(packet: Uint8Array): void {
    this.boundary.run('datagram', this.#receiveRtcp, this, packet, undefined);
  }

  protected get sendReady(): boolean {
    return !this.closed;
  }

  /** No network: nothing to estimate or pace (mediasoup's has no congestion controller). */
  protected override get estimatesBandwidth(): boolean {
    return false;
  }

  protected sendRtpPacket(packet: Uint8Array): number {
    // The consumer the packet is for, by its SSRC (media or RTX), from the core's table.
    const consumer =
      packet.length >= RTP_HEADER_LENGTH ? this.consumerOfSsrc(readU32(packet, 8)) : undefined;
    if (consumer === undefined) return 0;
    this.notifier.notifyEntity(consumer.id, 'rtp', undefined, packet);
    return packet.length;
  }

  protected sendRtcpPacket(packet: Uint8Array): number {
    this.notifier.notify('rtcp', undefined, packet);
    return packet.length;
  }

  protected onClose(): void {
    // No sockets or sessions to release.
  }

  #receiveRtp(packet: Uint8Array): void {
    this.countReceived(packet.length);
    this.receiveRtpPacket(packet, packet.length);
  }

  #receiveRtcp(packet: Uint8Array): void {
    this.countReceived(packet.length);
    if (packet.length > MAX_RTCP_PACKET_SIZE) {
      this.drops.tooBig++;
      return;
    }
    this.receiveRtcpPacket(packet);
  }
}
