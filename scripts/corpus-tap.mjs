/* global process, Buffer, URL */
/**
 * Preloaded into a process-mode worker (NODE_OPTIONS=--import) by capture-corpus.mjs: records
 * the datagrams a real peer sends (STUN, DTLS) and the RTP/RTCP it sends once decrypted, as hex
 * lines in $SKEIN_CAPTURE_DIR/<kind>.hex, and the channel frames the worker sends. Capture tooling only; never loaded by Skein itself.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.SKEIN_CAPTURE_DIR;
const LIMIT = Number(process.env.SKEIN_CAPTURE_LIMIT ?? 20);
const counts = new Map();

/** RTP by payload type, RTCP by the packet types of the compound, so no shape crowds out rare ones. */
function shapeOf(kind, b) {
  if (kind === 'rtp') return `rtp/${b[1] & 0x7f}/${b[0] & 0x30}`;
  if (kind === 'codec') {
    // Frame type and the start of the method / event name (src/channel/codec.ts layout).
    return `codec/${b[0]}/${Buffer.from(b.subarray(b[0] === 1 ? 7 : b[0] === 4 ? 3 : 5, 28)).toString('latin1')}`;
  }
  if (kind !== 'rtcp') return kind;
  const types = [];
  for (
    let o = 0;
    o + 4 <= b.length && types.length < 8;
    o += (((b[o + 2] << 8) | b[o + 3]) + 1) * 4
  ) {
    types.push(`${b[o + 1]}.${b[o] & 0x1f}`);
  }
  return `rtcp/${types.join(',')}`;
}

export function record(kind, bytes) {
  const shape = shapeOf(kind, bytes);
  const n = counts.get(shape) ?? 0;
  if (n >= LIMIT) return;
  counts.set(shape, n + 1);
  appendFileSync(join(dir, `${kind}.hex`), Buffer.from(bytes).toString('hex') + '\n');
}

const root = new URL('../dist/src/', import.meta.url);

/** Channel frames as sent, on both sides of the channel (the host patches its own side). */
export async function tapChannel() {
  const { PipeCarrier } = await import(new URL('channel/carriers/PipeCarrier.js', root).href);
  const send = PipeCarrier.prototype.send;
  PipeCarrier.prototype.send = function (frame) {
    record('codec', frame);
    return send.call(this, frame);
  };
}

if (dir && process.env.SKEIN_WORKER_SETTINGS) {
  await tapChannel();
  const { IceServer } = await import(new URL('rtc/ice/IceServer.js', root).href);
  const { DtlsTransport } = await import(new URL('rtc/dtls/DtlsTransport.js', root).href);
  const { SrtpSession, isSrtpError } = await import(new URL('protocols/srtp/index.js', root).href);

  const stun = IceServer.prototype.processStunPacket;
  IceServer.prototype.processStunPacket = function (data, ...rest) {
    record('stun', data);
    return stun.call(this, data, ...rest);
  };
  const dtls = DtlsTransport.prototype.handlePacket;
  DtlsTransport.prototype.handlePacket = function (datagram, ...rest) {
    record('dtls', datagram);
    return dtls.call(this, datagram, ...rest);
  };
  for (const [method, kind] of [
    ['unprotectRtp', 'rtp'],
    ['unprotectRtcp', 'rtcp'],
  ]) {
    const original = SrtpSession.prototype[method];
    SrtpSession.prototype[method] = function (packet, out) {
      const result = original.call(this, packet, out);
      if (!isSrtpError(result)) record(kind, result);
      return result;
    };
  }
}
