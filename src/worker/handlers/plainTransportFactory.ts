/**
 * Creating a worker-side PlainTransport from a 'router.createPlainTransport' request:
 * validate mediasoup's options (TypeError), open the UDP socket(s) and build the transport
 * (with an SCTP association when enableSctp).
 */
import { sctpOptionsFrom } from './sctpOptions.js';
import { isIP } from 'node:net';

import { getSrtpProfile, type SrtpCryptoSuite } from '../../protocols/srtp/index.js';
import { PlainTransport } from '../../rtc/plain/PlainTransport.js';
import type { RtcRouter } from '../../rtc/Router.js';
import { UdpListener } from '../../rtc/sockets/UdpListener.js';
import type { ListenInfo } from '../../rtc/sockets/listenInfo.js';
import type { WorkerContext } from '../WorkerContext.js';
import {
  asObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireId,
} from '../validate.js';
import { transportNotifier, validateListenInfo } from './transportFactory.js';

function validateUdpListenInfo(value: unknown, name: string): ListenInfo {
  const info = validateListenInfo(value, name);
  if (info.protocol !== 'udp') throw new TypeError(`unsupported ${name}.protocol (udp only)`);
  // The remote tuple is compared by address: an IP literal, as mediasoup requires.
  if (isIP(info.ip) === 0) throw new TypeError(`${name}.ip must be an IP address`);
  return info;
}

/** mediasoup's SCTP options, checked (sctpOptionsFrom() builds them). */
export function validateSctpOptions(d: Record<string, unknown>): boolean {
  const enableSctp = optionalBoolean(d.enableSctp, 'enableSctp', false);
  if (d.numSctpStreams !== undefined) {
    const streams = asObject(d.numSctpStreams, 'numSctpStreams');
    optionalNumber(streams.OS, 'numSctpStreams.OS', 1024, 1, 65535);
    optionalNumber(streams.MIS, 'numSctpStreams.MIS', 1024, 1, 65535);
  }
  optionalNumber(d.maxSctpMessageSize, 'maxSctpMessageSize', 262144, 1, 2 ** 30);
  optionalNumber(d.sctpSendBufferSize, 'sctpSendBufferSize', 262144, 1, 2 ** 30);
  return enableSctp;
}

export async function createPlainTransport(
  data: unknown,
  context: WorkerContext,
  router: RtcRouter,
): Promise<PlainTransport> {
  const d = asObject(data, 'data');
  const transportId = requireId(d.transportId, 'transportId');
  const listenInfo = validateUdpListenInfo(d.listenInfo, 'listenInfo');
  const rtcpListenInfo =
    d.rtcpListenInfo !== undefined
      ? validateUdpListenInfo(d.rtcpListenInfo, 'rtcpListenInfo')
      : undefined;
  // As mediasoup: an RTCP listen info means no RTCP-mux.
  const rtcpMux = optionalBoolean(d.rtcpMux, 'rtcpMux', true) && rtcpListenInfo === undefined;
  const comedia = optionalBoolean(d.comedia, 'comedia', false);
  const enableSrtp = optionalBoolean(d.enableSrtp, 'enableSrtp', false);
  const suite = optionalString(d.srtpCryptoSuite, 'srtpCryptoSuite', 64);
  if (suite !== undefined && !getSrtpProfile(suite)) {
    throw new TypeError(`invalid srtpCryptoSuite '${suite}'`);
  }
  validateSctpOptions(d);
  const sctp = sctpOptionsFrom(d, false);
  const listener = await UdpListener.bind(
    listenInfo.ip,
    listenInfo.port,
    listenInfo.portRange ?? context.portRange,
    listenInfo,
  );
  let rtcpListener: UdpListener | undefined;
  if (!rtcpMux) {
    // Without its own listen info, RTCP listens on the same IP, on another port of the range.
    const info = rtcpListenInfo ?? { ...listenInfo, port: undefined };
    try {
      rtcpListener = await UdpListener.bind(
        info.ip,
        info.port,
        info.portRange ?? context.portRange,
        info,
      );
    } catch (error) {
      listener.close();
      throw error;
    }
  }
  return new PlainTransport({
    id: transportId,
    router,
    notifier: transportNotifier(context, transportId),
    listener,
    rtcpListener,
    comedia,
    announcedAddress: listenInfo.announcedAddress,
    rtcpAnnouncedAddress: rtcpListenInfo?.announcedAddress ?? listenInfo.announcedAddress,
    srtpCryptoSuite: enableSrtp
      ? ((suite ?? 'AES_CM_128_HMAC_SHA1_80') as SrtpCryptoSuite)
      : undefined,
    sctp,
  });
}
