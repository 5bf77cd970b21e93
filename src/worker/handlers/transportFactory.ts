/**
 * Creating a worker-side WebRtcTransport from a 'router.createWebRtcTransport'
 * request: validate, open its sockets (or join a WebRtcServer), wire events.
 */
import { InvalidStateError } from '../../common/errors.js';
import { WebRtcTransport } from '../../rtc/webrtc/WebRtcTransport.js';
import { candidateFor, type IceCandidate } from '../../rtc/webrtc/iceCandidates.js';
import { openListener, type ListenInfo, type Listener } from '../../rtc/sockets/listenInfo.js';
import type { RtcRouter } from '../../rtc/Router.js';
import type { TransportNotifier } from '../../rtc/transport/RtcTransport.js';
import type { Tuple } from '../../rtc/sockets/TransportTuple.js';
import type { WorkerContext } from '../WorkerContext.js';
import { sctpOptionsFrom } from './sctpOptions.js';
import {
  asObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireArray,
  requireId,
} from '../validate.js';

export function validateListenInfo(value: unknown, name: string): ListenInfo {
  const info = asObject(value, name);
  if (info.protocol !== 'udp' && info.protocol !== 'tcp') {
    throw new TypeError(`${name}.protocol must be 'udp' or 'tcp'`);
  }
  // An IP literal or a host name (RFC 1035 §2.3.4: at most 255 octets).
  if (typeof info.ip !== 'string' || info.ip.length === 0 || info.ip.length > 255) {
    throw new TypeError(`${name}.ip must be a non-empty string`);
  }
  const announcedAddress = optionalString(info.announcedAddress, `${name}.announcedAddress`, 255);
  const port = optionalNumber(info.port, `${name}.port`, 0, 0, 65535);
  let portRange: ListenInfo['portRange'];
  if (info.portRange !== undefined) {
    const range = asObject(info.portRange, `${name}.portRange`);
    const min = optionalNumber(range.min, `${name}.portRange.min`, 0, 1, 65535);
    const max = optionalNumber(range.max, `${name}.portRange.max`, 0, 1, 65535);
    if (!min || !max || min > max) throw new TypeError(`${name}.portRange is invalid`);
    portRange = { min, max };
  }
  const bufferSize = (key: 'recvBufferSize' | 'sendBufferSize'): number | undefined => {
    const value = optionalNumber(info[key], `${name}.${key}`, 0, 0, 256 * 1024 * 1024);
    return value || undefined;
  };
  return {
    protocol: info.protocol,
    ip: info.ip,
    announcedAddress,
    port: port || undefined,
    portRange,
    recvBufferSize: bufferSize('recvBufferSize'),
    sendBufferSize: bufferSize('sendBufferSize'),
  };
}

/** A transport's notifications, through the worker's channel. */
export function transportNotifier(context: WorkerContext, transportId: string): TransportNotifier {
  return {
    notify: (event, data, payload) => context.notify(transportId, event, data, payload),
    notifyEntity: (handlerId, event, data, payload) =>
      context.notify(handlerId, event, data, payload),
  };
}

export async function createWebRtcTransport(
  data: unknown,
  context: WorkerContext,
  router: RtcRouter,
): Promise<WebRtcTransport> {
  const d = asObject(data, 'data');
  const transportId = requireId(d.transportId, 'transportId');
  const preferUdp = optionalBoolean(d.preferUdp, 'preferUdp', false);
  const preferTcp = optionalBoolean(d.preferTcp, 'preferTcp', false);
  const enableUdp = optionalBoolean(d.enableUdp, 'enableUdp', true);
  const enableTcp = optionalBoolean(d.enableTcp, 'enableTcp', false);
  const consentTimeout = optionalNumber(d.iceConsentTimeout, 'iceConsentTimeout', 30, 1, 3600);
  const initialAvailableOutgoingBitrate = optionalNumber(
    d.initialAvailableOutgoingBitrate,
    'initialAvailableOutgoingBitrate',
    600_000,
    0,
    0xffffffff,
  );
  let listeners: Listener[] = [];
  let infos: ListenInfo[] = [];
  const server =
    d.webRtcServerId !== undefined
      ? context.getWebRtcServer(requireId(d.webRtcServerId, 'webRtcServerId'))
      : undefined;
  if (d.webRtcServerId !== undefined && !server) {
    throw new InvalidStateError('WebRtcServer not found');
  }
  if (server) {
    server.listeners.forEach((listener, i) => {
      const info = server.listenInfos[i];
      if ((info.protocol === 'udp' && enableUdp) || (info.protocol === 'tcp' && enableTcp)) {
        listeners.push(listener);
        infos.push(info);
      }
    });
    if (listeners.length === 0)
      throw new TypeError('no WebRtcServer listener matches enableUdp/enableTcp');
  } else {
    infos = requireArray(d.listenInfos, 'listenInfos').map((v, i) =>
      validateListenInfo(v, `listenInfos[${i}]`),
    );
    if (infos.length === 0) throw new TypeError('listenInfos must not be empty');
    try {
      for (const info of infos) listeners.push(await openListener(info, context.portRange));
    } catch (error) {
      for (const listener of listeners) listener.close();
      listeners = [];
      throw error;
    }
  }
  const candidates: IceCandidate[] = infos.map((info, i) =>
    candidateFor(info, listeners[i], i, { udp: preferUdp, tcp: preferTcp }),
  );
  const transport = new WebRtcTransport({
    id: transportId,
    router,
    notifier: transportNotifier(context, transportId),
    candidates,
    localFingerprints: context.fingerprints,
    consentTimeoutMs: consentTimeout * 1000,
    dtlsFactory: context.dtlsFactory,
    sctp: sctpOptionsFrom(d, true),
    initialAvailableOutgoingBitrate,
  });
  if (server) {
    server.register(transport);
    transport.setRelease(() => server.unregister(transport));
    transport.setIceRestartHook(() => server.updateUfrag(transport));
  } else {
    const onPacket = (packet: Buffer, tuple: Tuple): void => transport.receivePacket(packet, tuple);
    for (const listener of listeners) {
      if ('setHandler' in listener) listener.setHandler(onPacket);
      else listener.setHandlers(onPacket, (tuple) => transport.iceServer.removeTuple(tuple));
    }
    transport.setRelease(() => listeners.forEach((l) => l.close()));
  }
  return transport;
}
