/**
 * Wiring a browser page to a Skein router the way a mediasoup application
 * does: server transports, their parameters to mediasoup-client, connect and
 * produce events back to the server.
 */
import type {
  Consumer,
  ConsumerLayers,
  Producer,
  Router,
  RtpCapabilities,
  WebRtcServer,
  WebRtcTransport,
} from '../../src/index.js';
import type { PeerPage, TransportParams } from './browser.js';

export interface TransportChoice {
  protocol?: 'udp' | 'tcp';
  webRtcServer?: WebRtcServer;
  /**
   * The DTLS role signalled to the browser. 'client' makes the browser the
   * DTLS server, so Skein runs the client role.
   */
  signalledDtlsRole?: 'auto' | 'client';
}

export async function serverTransport(
  router: Router,
  choice: TransportChoice = {},
): Promise<WebRtcTransport> {
  if (choice.webRtcServer) {
    return router.createWebRtcTransport({
      webRtcServer: choice.webRtcServer,
      enableUdp: choice.protocol !== 'tcp',
      enableTcp: choice.protocol === 'tcp',
    });
  }
  return router.createWebRtcTransport({
    listenInfos: [{ protocol: choice.protocol ?? 'udp', ip: '127.0.0.1' }],
  });
}

export function transportParams(
  transport: WebRtcTransport,
  signalledDtlsRole: 'auto' | 'client' = 'auto',
): TransportParams {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: { ...transport.dtlsParameters, role: signalledDtlsRole },
  };
}

export interface Publisher {
  transport: WebRtcTransport;
  producers: Producer[];
}

/** Loads the device and publishes the fake camera (and microphone). */
export async function publish(
  page: PeerPage,
  router: Router,
  options: TransportChoice & { audio?: boolean; videoCodec?: 'video/VP8' | 'video/H264' } = {},
): Promise<Publisher> {
  await page.loadDevice(router.rtpCapabilities);
  const transport = await serverTransport(router, options);
  const producers: Producer[] = [];
  await page.createSendTransport(transportParams(transport, options.signalledDtlsRole), {
    connect: (dtlsParameters) => transport.connect({ dtlsParameters: dtlsParameters as never }),
    produce: async ({ kind, rtpParameters }) => {
      const producer = await transport.produce({ kind, rtpParameters });
      producers.push(producer);
      return producer.id;
    },
  });
  await page.produce({ kind: 'video', codecMimeType: options.videoCodec ?? 'video/VP8' });
  if (options.audio !== false) await page.produce({ kind: 'audio' });
  return { transport, producers };
}

export interface Subscriber {
  transport: WebRtcTransport;
  consumers: Consumer[];
}

/** Loads the device and consumes the given producers (paused, then resumed as apps do). */
export async function subscribe(
  page: PeerPage,
  router: Router,
  producers: Producer[],
  options: TransportChoice = {},
): Promise<Subscriber> {
  const device = await page.loadDevice(router.rtpCapabilities);
  const rtpCapabilities: RtpCapabilities = device.rtpCapabilities;
  const transport = await serverTransport(router, options);
  await page.createRecvTransport(transportParams(transport, options.signalledDtlsRole), {
    connect: (dtlsParameters) => transport.connect({ dtlsParameters: dtlsParameters as never }),
  });
  const consumers: Consumer[] = [];
  for (const producer of producers) {
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities,
      paused: true,
    });
    await page.consume({
      id: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
    });
    await consumer.resume();
    consumers.push(consumer);
  }
  return { transport, consumers };
}

/** Resolves once the consumer's current layers pass `check` (now or at a `layerschange`). */
export function layersReach(
  consumer: Consumer,
  check: (layers: ConsumerLayers | undefined) => boolean,
  timeoutMs: number,
): Promise<void> {
  if (check(consumer.currentLayers)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      consumer.off('layerschange', onChange);
      reject(
        new Error(`currentLayers ${JSON.stringify(consumer.currentLayers)} after ${timeoutMs} ms`),
      );
    }, timeoutMs);
    const onChange = (layers: ConsumerLayers | undefined): void => {
      if (!check(layers)) return;
      clearTimeout(timer);
      consumer.off('layerschange', onChange);
      resolve();
    };
    consumer.on('layerschange', onChange);
  });
}
