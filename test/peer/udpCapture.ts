/**
 * A Node UDP socket that keeps what it receives (bounded), for tests that check what a real
 * peer sent: RTP or RTCP (RFC 5761 §4: second byte 192–223 is RTCP), payload type, SSRC,
 * size and source port. Optionally forwards every datagram unchanged (a relay).
 */
import { createSocket, type Socket } from 'node:dgram';

export interface CapturedPacket {
  data: Buffer;
  fromPort: number;
  rtcp: boolean;
  /** RTP payload type, or the RTCP packet type of the first packet of a compound. */
  type: number;
  /** RTP SSRC, or the sender SSRC of the first RTCP packet. */
  ssrc: number;
}

export interface UdpCaptureOptions {
  port?: number;
  /** Forward each datagram to this 127.0.0.1 port as well. */
  relayTo?: number;
  /** Relay only datagrams from this source port (so answers are not bounced back). */
  relayFrom?: number;
  /** Keep at most this many packets (default 5000); later ones are only counted. */
  maxPackets?: number;
}

export class UdpCapture {
  readonly packets: CapturedPacket[] = [];
  /** Every datagram, kept or not. */
  received = 0;
  /** Datagrams relayed, and of them RTP (not RTCP). */
  relayed = 0;
  relayedRtp = 0;
  /** Called with every datagram as it arrives (before relaying and keeping). */
  onDatagram: ((data: Buffer, fromPort: number) => void) | undefined;
  readonly #socket: Socket = createSocket('udp4');
  readonly #relayTo: number | undefined;
  readonly #relayFrom: number | undefined;
  readonly #maxPackets: number;

  private constructor(options: UdpCaptureOptions) {
    this.#relayTo = options.relayTo;
    this.#relayFrom = options.relayFrom;
    this.#maxPackets = options.maxPackets ?? 5000;
    this.#socket.on('message', (data, from) => this.#onMessage(data, from.port));
  }

  static async open(options: UdpCaptureOptions = {}): Promise<UdpCapture> {
    const capture = new UdpCapture(options);
    await new Promise<void>((resolve, reject) => {
      capture.#socket.once('error', reject);
      capture.#socket.bind(options.port ?? 0, '127.0.0.1', () => {
        capture.#socket.off('error', reject);
        resolve();
      });
    });
    return capture;
  }

  get port(): number {
    return this.#socket.address().port;
  }

  rtp(payloadType?: number): CapturedPacket[] {
    return this.packets.filter(
      (p) => !p.rtcp && (payloadType === undefined || p.type === payloadType),
    );
  }

  rtcp(packetType?: number): CapturedPacket[] {
    return this.packets.filter(
      (p) => p.rtcp && (packetType === undefined || p.type === packetType),
    );
  }

  /** Sends a datagram from this socket (e.g. garbage or RTCP towards a peer). */
  send(data: Uint8Array, port: number, host = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#socket.send(data, port, host, (error) => (error ? reject(error) : resolve())),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #onMessage(data: Buffer, fromPort: number): void {
    this.received++;
    this.onDatagram?.(data, fromPort);
    const rtcp = data.length >= 2 && data[1] >= 192 && data[1] <= 223;
    if (this.#relayTo !== undefined && (this.#relayFrom ?? fromPort) === fromPort) {
      this.#socket.send(data, this.#relayTo, '127.0.0.1');
      this.relayed++;
      if (!rtcp) this.relayedRtp++;
    }
    if (this.packets.length >= this.#maxPackets || data.length < 8) return;
    const type = rtcp ? data[1] : data[1] & 0x7f;
    const ssrc = rtcp ? data.readUInt32BE(4) : data.length >= 12 ? data.readUInt32BE(8) : 0;
    this.packets.push({ data, fromPort, rtcp, type, ssrc });
  }
}
