/**
 * The SDP a plain RTP receiver (ffmpeg's `-i in.sdp`) reads: one media section per stream,
 * each on its own port (ffmpeg binds port and port + 1 and cannot take two streams on one
 * port), RTP/AVP, one payload type each (RFC 4566 §5; RFC 4568 `a=crypto` for SDES-SRTP).
 */

export interface SdpStream {
  kind: 'audio' | 'video';
  /** Where the receiver listens for RTP (and RTCP at port + 1 unless muxed). */
  port: number;
  payloadType: number;
  /** Encoding name as in a=rtpmap: VP8, H264, opus... */
  codecName: string;
  clockRate: number;
  /** Audio channels (opus: 2). */
  channels?: number;
  /** a=fmtp parameters, e.g. "packetization-mode=1". */
  fmtp?: string;
}

/** RFC 4568 SDES key for every stream, as ffmpeg's RTP demuxer accepts it. */
export interface SdpCrypto {
  suite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';
  /** base64 of master key + salt (30 bytes for these suites). */
  keyBase64: string;
}

export interface ReceiverSdpOptions {
  /** The sender's address, written as the connection address (default 127.0.0.1). */
  ip?: string;
  streams: readonly SdpStream[];
  crypto?: SdpCrypto;
}

export function receiverSdp({ ip = '127.0.0.1', streams, crypto }: ReceiverSdpOptions): string {
  const ports = new Set<number>();
  const lines = ['v=0', `o=- 0 0 IN IP4 ${ip}`, 's=skein-test', `c=IN IP4 ${ip}`, 't=0 0'];
  for (const stream of streams) {
    // Every stream needs its own port pair (RTP at p, RTCP at p + 1).
    if (ports.has(stream.port) || ports.has(stream.port + 1) || ports.has(stream.port - 1)) {
      throw new TypeError(`stream port ${stream.port} overlaps another stream's port pair`);
    }
    ports.add(stream.port);
    const rtpmap = `${stream.codecName}/${stream.clockRate}`;
    lines.push(
      `m=${stream.kind} ${stream.port} ${crypto ? 'RTP/SAVP' : 'RTP/AVP'} ${stream.payloadType}`,
      `a=rtpmap:${stream.payloadType} ${stream.channels ? `${rtpmap}/${stream.channels}` : rtpmap}`,
    );
    if (stream.fmtp) lines.push(`a=fmtp:${stream.payloadType} ${stream.fmtp}`);
    if (crypto) lines.push(`a=crypto:1 ${crypto.suite} inline:${crypto.keyBase64}`);
    lines.push('a=recvonly');
  }
  return lines.join('\r\n') + '\r\n';
}
