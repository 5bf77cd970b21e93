/**
 * Creating a worker-side PipeTransport from a 'router.createPipeTransport' request: validate
 * mediasoup's options (TypeError), open the UDP socket and build the transport (with an SCTP
 * association when enableSctp).
 */
import { isIP } from 'node:net';

import { PipeTransport } from '../../rtc/pipe/PipeTransport.js';
import type { RtcRouter } from '../../rtc/Router.js';
import { UdpListener } from '../../rtc/sockets/UdpListener.js';
import type { WorkerContext } from '../WorkerContext.js';
import { asObject, optionalBoolean, requireId } from '../validate.js';
import { validateSctpOptions } from './plainTransportFactory.js';
import { sctpOptionsFrom } from './sctpOptions.js';
import { transportNotifier, validateListenInfo } from './transportFactory.js';

export async function createPipeTransport(
  data: unknown,
  context: WorkerContext,
  router: RtcRouter,
): Promise<PipeTransport> {
  const d = asObject(data, 'data');
  const transportId = requireId(d.transportId, 'transportId');
  const listenInfo = validateListenInfo(d.listenInfo, 'listenInfo');
  if (listenInfo.protocol !== 'udp') throw new TypeError('unsupported listen protocol (udp only)');
  // The remote tuple is compared by address: an IP literal, as mediasoup requires.
  if (isIP(listenInfo.ip) === 0) throw new TypeError('listenInfo.ip must be an IP address');
  const enableRtx = optionalBoolean(d.enableRtx, 'enableRtx', false);
  const enableSrtp = optionalBoolean(d.enableSrtp, 'enableSrtp', false);
  validateSctpOptions(d);
  const sctp = sctpOptionsFrom(d, false);
  const listener = await UdpListener.bind(
    listenInfo.ip,
    listenInfo.port,
    listenInfo.portRange ?? context.portRange,
    listenInfo,
  );
  return new PipeTransport({
    id: transportId,
    router,
    notifier: transportNotifier(context, transportId),
    listener,
    announcedAddress: listenInfo.announcedAddress,
    enableRtx,
    enableSrtp,
    sctp,
  });
}
