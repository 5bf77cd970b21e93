/**
 * The I/O of a transport that talks plain RTP over UDP to one remote endpoint (PlainTransport,
 * PipeTransport): its socket (and, without RTCP-mux, a second one for RTCP), the remote tuple
 * (given by connect() or, with comedia, learned from the first valid packet), and an optional
 * SRTP session pair (RFC 3711, keys signalled out of band).
 *
 * What arrives is classified (RFC 5761 §4, RFC 7983 §7), checked against the remote tuple,
 * authenticated and decrypted, and only then handed over as clear RTP/RTCP; everything else is
 * dropped and counted here (or, for SRTP failures, reported with its SrtpError). Nothing is
 * sent before the remote tuple is known (and, with SRTP, before the keys are).
 *
 * No allocation per packet: the clear packet is a view into the SRTP session's work buffer or
 * the datagram itself, valid only during the callback; sends go through a buffer the caller
 * owns (the transport's send ring).
 */
import { isIP } from 'node:net';

import { classifyPacket } from '../../protocols/demux.js';
import { mayBeSctp } from '../../protocols/sctp/packet.js';
import {
  MAX_SRTP_OVERHEAD,
  isSrtpError,
  rtpHeaderLength,
  type SrtpError,
} from '../../protocols/srtp/index.js';
import type { SrtpSession } from '../../protocols/srtp/index.js';
import type { FaultBoundary } from '../FaultBoundary.js';
import { tupleData, type TransportTupleData, type Tuple } from '../sockets/TransportTuple.js';
import type { UdpListener } from '../sockets/UdpListener.js';

/** What the I/O needs of a UDP socket (src/rtc/sockets/UdpListener.ts is one). */
export type UdpTupleSocket = Pick<
  UdpListener,
  'localAddress' | 'localPort' | 'setHandler' | 'tupleFor' | 'close'
>;

/**
 * A tuple as reported: before the remote is known, its local half and remotePort 0 (mediasoup's
 * shape: its remote port is a plain number, its remote IP an optional string).
 */
export type UdpTupleInfo = Omit<TransportTupleData, 'remoteIp'> &
  Partial<Pick<TransportTupleData, 'remoteIp'>>;

/** What the transport using the I/O is told. Packets are valid only during the call. */
export interface UdpTupleIoEvents {
  /** Every datagram on either socket, before anything else (transport byte counters). */
  onDatagram(length: number): void;
  /** Clear RTP from the remote tuple (authenticated when SRTP is on). */
  onRtp(packet: Uint8Array, wireLength: number): void;
  /** Clear RTCP (compound) from the remote (RTCP) tuple. */
  onRtcp(packet: Uint8Array, wireLength: number): void;
  /** A packet SRTP/SRTCP refused (authentication, replay, malformed). */
  onSrtpError(error: SrtpError): void;
  /** comedia: the remote tuple was learned from the first valid RTP (or muxed RTCP) packet. */
  onTuple(tuple: UdpTupleInfo): void;
  /** comedia without RTCP-mux: the RTCP tuple was learned from the first valid RTCP packet. */
  onRtcpTuple(tuple: UdpTupleInfo): void;
  /** enableSctp: an SCTP packet from the remote tuple (SCTP over UDP is never SRTP'd). */
  onSctp?(packet: Buffer): void;
}

/** Datagrams dropped by the I/O itself (Skein's `packetsDropped` fields). */
export interface UdpTupleDrops {
  /** Neither RTP nor RTCP (RFC 7983 first byte / too short): garbage at the port. */
  notRtp: number;
  /** Arrived before connect() on a transport without comedia. */
  notConnected: number;
  /** From another IP:port than the remote tuple (or RTP on the RTCP socket). */
  unknownTuple: number;
  /** SRTP is enabled but connect() has not given the remote keys yet. */
  srtpNotReady: number;
  /** comedia: a first packet that decrypted (or was clear) but had no valid RTP header. */
  malformedBeforeTuple: number;
}

export interface UdpTupleIoOptions {
  listener: UdpTupleSocket;
  /** A second socket for RTCP (no RTCP-mux); RTCP then goes to and comes from the RTCP tuple. */
  rtcpListener?: UdpTupleSocket;
  /** Learn the remote tuple from the first valid packet instead of connect(). */
  comedia: boolean;
  /** Reported as the tuple's localAddress instead of the bound IP (mediasoup's semantics). */
  announcedAddress?: string;
  rtcpAnnouncedAddress?: string;
  /** Every datagram runs inside it. */
  boundary: FaultBoundary;
  events: UdpTupleIoEvents;
}

export interface SrtpSessionPair {
  send: SrtpSession;
  recv: SrtpSession;
}

export class UdpTupleIo {
  readonly drops: UdpTupleDrops = {
    notRtp: 0,
    notConnected: 0,
    unknownTuple: 0,
    srtpNotReady: 0,
    malformedBeforeTuple: 0,
  };
  readonly comedia: boolean;
  readonly #listener: UdpTupleSocket;
  readonly #rtcpListener: UdpTupleSocket | undefined;
  readonly #announcedAddress: string | undefined;
  readonly #rtcpAnnouncedAddress: string | undefined;
  readonly #boundary: FaultBoundary;
  readonly #events: UdpTupleIoEvents;
  #tuple: Tuple | undefined;
  #rtcpTuple: Tuple | undefined;
  /** Set when SRTP is enabled (keys may come later: `#srtp` undefined until then). */
  #srtpEnabled = false;
  #srtp: SrtpSessionPair | undefined;
  #closed = false;

  constructor(options: UdpTupleIoOptions) {
    this.comedia = options.comedia;
    this.#listener = options.listener;
    this.#rtcpListener = options.rtcpListener;
    this.#announcedAddress = options.announcedAddress;
    this.#rtcpAnnouncedAddress = options.rtcpAnnouncedAddress ?? options.announcedAddress;
    this.#boundary = options.boundary;
    this.#events = options.events;
    this.#listener.setHandler((data, tuple) =>
      this.#boundary.run('datagram', this.#receive, this, data, tuple),
    );
    this.#rtcpListener?.setHandler((data, tuple) =>
      this.#boundary.run('datagram', this.#receiveOnRtcpSocket, this, data, tuple),
    );
  }

  get rtcpMux(): boolean {
    return this.#rtcpListener === undefined;
  }

  /** Whether the remote tuple is known (connect() or comedia). */
  get connected(): boolean {
    return this.#tuple !== undefined;
  }

  /** The RTP tuple; before the remote is known, its local half (remotePort 0). */
  get tuple(): UdpTupleInfo {
    return this.#describe(this.#tuple, this.#listener, this.#announcedAddress);
  }

  /** The RTCP tuple without RTCP-mux (local half until known); undefined with RTCP-mux. */
  get rtcpTuple(): UdpTupleInfo | undefined {
    if (!this.#rtcpListener) return undefined;
    return this.#describe(this.#rtcpTuple, this.#rtcpListener, this.#rtcpAnnouncedAddress);
  }

  /** The RTCP tuple once its remote is known (mediasoup's stats report only that). */
  get connectedRtcpTuple(): UdpTupleInfo | undefined {
    return this.#rtcpTuple ? this.rtcpTuple : undefined;
  }

  /** RTP (and, with SRTP, every packet) needs keys before anything is accepted or sent. */
  enableSrtp(): void {
    this.#srtpEnabled = true;
  }

  /** The keys, once both sides are known (connect()). */
  setSrtpSessions(sessions: SrtpSessionPair): void {
    this.#srtpEnabled = true;
    this.#srtp = sessions;
  }

  /** Whether RTP/RTCP can be sent now. */
  get sendReady(): boolean {
    return this.#tuple !== undefined && (!this.#srtpEnabled || this.#srtp !== undefined);
  }

  /**
   * The remote endpoint (connect() without comedia). `rtcpPort` is required without RTCP-mux
   * and refused with it. Throws TypeError on a bad IP or port, or an IP of the other family.
   */
  setRemote(ip: string, port: number, rtcpPort?: number): void {
    this.checkRemote(ip, port, rtcpPort);
    this.#tuple = this.#listener.tupleFor(ip, port);
    if (this.#rtcpListener && rtcpPort !== undefined) {
      this.#rtcpTuple = this.#rtcpListener.tupleFor(ip, rtcpPort);
    }
  }

  /** What setRemote() checks, without changing anything (to validate a whole request first). */
  checkRemote(ip: string, port: number, rtcpPort?: number): void {
    const family = isIP(ip);
    if (family === 0) throw new TypeError(`invalid ip '${ip}'`);
    if (family !== isIP(this.#listener.localAddress) && isIP(this.#listener.localAddress) !== 0) {
      throw new TypeError(`ip '${ip}' is not of the listening address's family`);
    }
    checkPort(port, 'port');
    if (this.#rtcpListener) {
      if (rtcpPort === undefined) {
        throw new TypeError('missing rtcpPort (required with rtcpMux disabled)');
      }
      checkPort(rtcpPort, 'rtcpPort');
    } else if (rtcpPort !== undefined) {
      throw new TypeError('cannot set rtcpPort with rtcpMux enabled');
    }
  }

  /**
   * Protects (SRTP) or copies `packet` into `out` and sends it to the remote tuple. Returns
   * the bytes put on the wire, 0 if nothing was sent (no remote yet, no keys, too big).
   */
  sendRtp(packet: Uint8Array, out: Buffer): number {
    const tuple = this.#tuple;
    if (!tuple) return 0;
    return this.#send(tuple, packet, out, false);
  }

  /** As sendRtp, to the RTCP tuple without RTCP-mux (nothing until it is known). */
  sendRtcp(packet: Uint8Array, out: Buffer): number {
    const tuple = this.#rtcpListener ? this.#rtcpTuple : this.#tuple;
    if (!tuple) return 0;
    return this.#send(tuple, packet, out, true);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener.close();
    this.#rtcpListener?.close();
  }

  #send(tuple: Tuple, packet: Uint8Array, out: Buffer, rtcp: boolean): number {
    let wire: Uint8Array;
    if (this.#srtpEnabled) {
      const srtp = this.#srtp;
      // The session throws on an `out` too small: our writers stay below, never rely on it.
      if (!srtp || packet.length + MAX_SRTP_OVERHEAD > out.length) return 0;
      const result = rtcp ? srtp.send.protectRtcp(packet, out) : srtp.send.protectRtp(packet, out);
      if (isSrtpError(result)) return 0;
      wire = result;
    } else {
      if (packet.length > out.length) return 0;
      out.set(packet);
      wire = out.subarray(0, packet.length);
    }
    tuple.send(wire);
    return wire.length;
  }

  #receiveOnRtcpSocket(data: Buffer, tuple: Tuple): void {
    this.#events.onDatagram(data.length);
    const kind = classifyPacket(data);
    if (kind === 'rtcp') this.#receiveRtcp(data, tuple);
    else if (kind === 'rtp') this.drops.unknownTuple++;
    else this.drops.notRtp++;
  }

  #receive(data: Buffer, tuple: Tuple): void {
    this.#events.onDatagram(data.length);
    const kind = classifyPacket(data);
    if (kind === 'rtp') this.#receiveRtp(data, tuple);
    else if (kind === 'rtcp') this.#receiveRtcp(data, tuple);
    else if (kind === 'unknown' && this.#events.onSctp && mayBeSctp(data)) {
      this.#receiveSctp(data, tuple);
    } else this.drops.notRtp++;
  }

  /** SCTP only from the known remote tuple (with comedia, learned from RTP/RTCP or connect). */
  #receiveSctp(data: Buffer, tuple: Tuple): void {
    const known = this.#tuple;
    if (!known) {
      this.drops.notConnected++;
      return;
    }
    if (!sameTuple(known, tuple)) {
      this.drops.unknownTuple++;
      return;
    }
    this.#events.onSctp!(data);
  }

  /** An SCTP packet to the remote tuple, as is; bytes sent (0 before the remote is known). */
  sendSctp(packet: Uint8Array): number {
    const tuple = this.#tuple;
    if (!tuple) return 0;
    tuple.send(packet);
    return packet.length;
  }

  #receiveRtp(data: Buffer, tuple: Tuple): void {
    const known = this.#tuple;
    if (known) {
      if (!sameTuple(known, tuple)) {
        this.drops.unknownTuple++;
        return;
      }
    } else if (!this.comedia) {
      this.drops.notConnected++;
      return;
    }
    const clear = this.#unprotect(data, false);
    if (clear === undefined) return;
    if (!known) {
      // Learn only from a packet that is RTP indeed (and authenticated, with SRTP).
      if (rtpHeaderLength(clear, clear.length) < 0) {
        this.drops.malformedBeforeTuple++;
        return;
      }
      this.#tuple = tuple;
      this.#events.onTuple(this.tuple);
    }
    this.#events.onRtp(clear, data.length);
  }

  #receiveRtcp(data: Buffer, tuple: Tuple): void {
    // RTCP-mux: RTCP shares the RTP tuple; otherwise it has its own (on either socket, as
    // mediasoup accepts it: a peer may send RTCP to the RTP port anyway).
    const mux = this.#rtcpListener === undefined;
    const known = mux ? this.#tuple : this.#rtcpTuple;
    if (known) {
      if (!sameTuple(known, tuple)) {
        this.drops.unknownTuple++;
        return;
      }
    } else if (!this.comedia) {
      this.drops.notConnected++;
      return;
    }
    const clear = this.#unprotect(data, true);
    if (clear === undefined) return;
    if (!known) {
      if (mux) {
        this.#tuple = tuple;
        this.#events.onTuple(this.tuple);
      } else {
        this.#rtcpTuple = tuple;
        this.#events.onRtcpTuple(this.rtcpTuple!);
      }
    }
    this.#events.onRtcp(clear, data.length);
  }

  /** The clear packet, or undefined when dropped (counted). */
  #unprotect(data: Buffer, rtcp: boolean): Uint8Array | undefined {
    if (!this.#srtpEnabled) return data;
    const srtp = this.#srtp;
    if (!srtp) {
      this.drops.srtpNotReady++;
      return undefined;
    }
    const result = rtcp ? srtp.recv.unprotectRtcp(data) : srtp.recv.unprotectRtp(data);
    if (isSrtpError(result)) {
      this.#events.onSrtpError(result);
      return undefined;
    }
    return result;
  }

  #describe(
    tuple: Tuple | undefined,
    listener: UdpTupleSocket,
    announcedAddress: string | undefined,
  ): UdpTupleInfo {
    const localAddress = announcedAddress ?? listener.localAddress;
    const localIp = localAddress;
    if (!tuple) {
      return {
        localAddress,
        localIp,
        localPort: listener.localPort,
        remotePort: 0,
        protocol: 'udp',
      };
    }
    return { ...tupleData(tuple), localAddress, localIp };
  }
}

function sameTuple(a: Tuple, b: Tuple): boolean {
  return (
    a === b ||
    (a.remotePort === b.remotePort && a.localPort === b.localPort && a.remoteIp === b.remoteIp)
  );
}

function checkPort(port: number, name: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`${name} must be an integer in [1, 65535]`);
  }
}
