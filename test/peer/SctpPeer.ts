/**
 * A Node data channel peer: SrtpPeer's ICE + DTLS toward a WebRtcTransport, and a
 * werift-sctp client association over its DTLS application data (RFC 8261), with
 * negotiated streams as mediasoup-client opens them. It can also write raw SCTP packets
 * (hostile tests) through the same authenticated DTLS association.
 */
import { SCTP } from 'werift-sctp';
import type { DtlsCertificate } from '../../src/rtc/dtls/index.js';
import { SrtpPeer, type RemoteTransport } from './SrtpPeer.js';

export interface PeerMessage {
  streamId: number;
  ppid: number;
  data: Buffer;
}

export class SctpPeer {
  readonly srtp: SrtpPeer;
  readonly sctp: SCTP;
  readonly received: PeerMessage[] = [];
  /** Packets the SFU sent us (its verification tag toward us is in them). */
  readonly fromSfu: Buffer[] = [];

  private constructor(srtp: SrtpPeer, sctp: SCTP) {
    this.srtp = srtp;
    this.sctp = sctp;
  }

  static async open(id: string, remote: RemoteTransport, cert: DtlsCertificate): Promise<SctpPeer> {
    const srtp = await SrtpPeer.open(id, remote, cert);
    const transport = {
      onData: undefined as ((buf: Buffer) => void) | undefined,
      send: (packet: Buffer): Promise<void> => {
        srtp.dtls.sendApplicationData(packet);
        return Promise.resolve();
      },
      close: () => undefined,
    };
    const sctp = SCTP.client(transport, 5000);
    const peer = new SctpPeer(srtp, sctp);
    srtp.dtls.on('applicationdata', (data) => {
      if (peer.fromSfu.length < 16) peer.fromSfu.push(Buffer.from(data));
      transport.onData?.(data);
    });
    sctp.onReceive.subscribe((streamId, ppid, data) =>
      peer.received.push({ streamId, ppid, data: Buffer.from(data) }),
    );
    await sctp.start(5000);
    return peer;
  }

  get connected(): boolean {
    return this.sctp.state === 'connected';
  }

  send(streamId: number, ppid: number, data: Buffer, ordered = true): void {
    void this.sctp.send(streamId, ppid, data, {
      ordered,
      expiry: undefined,
      maxRetransmits: undefined,
    });
  }

  /** The SFU's verification tag (what our packets must carry): its INIT ACK's initiate tag. */
  get sfuTag(): number {
    const initAck = this.fromSfu.find((p) => p.length >= 20 && p[12] === 2);
    if (!initAck) throw new Error('no INIT ACK from the SFU');
    return initAck.readUInt32BE(16);
  }

  /** Raw SCTP bytes through the authenticated DTLS association. */
  sendRaw(packet: Buffer): void {
    this.srtp.dtls.sendApplicationData(packet);
  }

  close(): void {
    void this.sctp.stop();
    this.srtp.close();
  }
}
