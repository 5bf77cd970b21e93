/**
 * First interop proof with the real mediasoup-client in headless Chromium:
 * the device loads Skein's router capabilities, and the RtpParameters the
 * client generates when producing pass Skein's ortc (validation, producer
 * mapping, consumable parameters, canConsume); the consumer parameters Skein
 * derives from them are then accepted by the client's recv transport.
 *
 * No media flows yet: the transports' parameters are fabricated, so ICE never
 * connects; mediasoup-client still negotiates SDP locally, which is what
 * these tests exercise. Skipped only when /usr/bin/chromium is missing
 * (scripts/install-test-deps.sh installs it; CI runs it).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type RouterRtpCodecCapability,
  type Router,
  type RtpCapabilities,
  type RtpParameters,
  type Worker,
} from '../../src/index.js';
import {
  canConsume,
  getConsumableRtpParameters,
  getConsumerRtpParameters,
  getProducerRtpParametersMapping,
  isRtxCodec,
  matchCodecs,
  validateRtpCapabilities,
  validateRtpParameters,
} from '../../src/ortc/index.js';
import {
  SKIP_WITHOUT_CHROMIUM,
  fabricatedTransportParams,
  launchBrowser,
  type DtlsParameters,
  type E2EBrowser,
  type ProduceEvent,
  type ProduceOptions,
} from './browser.js';

const mediaCodecs: RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
  { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
];

const skip = SKIP_WITHOUT_CHROMIUM;

const mimeTypes = (caps: RtpCapabilities): string[] =>
  (caps.codecs ?? []).map((c) => c.mimeType.toLowerCase());

describe('mediasoup-client in headless Chromium against Skein ortc', { skip }, () => {
  let worker: Worker | undefined;
  let router: Router;
  let browser: E2EBrowser | undefined;

  before(async () => {
    worker = await createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({ mediaCodecs });
    const started = performance.now();
    browser = await launchBrowser();
    console.log(`chromium launched in ${(performance.now() - started).toFixed(0)} ms`);
  });

  after(async () => {
    await browser?.close();
    worker?.close();
  });

  test('device.load() accepts the router capabilities', async (t) => {
    const peer = await browser!.newPeerPage();
    try {
      const started = performance.now();
      const device = await peer.loadDevice(router.rtpCapabilities);
      t.diagnostic(
        `device loaded in ${(performance.now() - started).toFixed(0)} ms, ` +
          `handler ${device.handlerName}, codecs ${mimeTypes(device.rtpCapabilities).join(' ')}`,
      );

      assert.equal(device.canProduceVideo, true);
      assert.equal(device.canProduceAudio, true);
      const types = mimeTypes(device.rtpCapabilities);
      for (const mimeType of ['audio/opus', 'video/vp8', 'video/h264']) {
        assert.ok(types.includes(mimeType), `device has ${mimeType}: ${types.join(' ')}`);
      }

      // The device's capabilities are what a client sends to the server
      // (e.g. for transport.consume()): our validator must take them as they are.
      const deviceCaps = structuredClone(device.rtpCapabilities);
      validateRtpCapabilities(deviceCaps);

      // Every router media codec the device kept is one the router matches strictly.
      for (const codec of deviceCaps.codecs!) {
        if (isRtxCodec(codec)) continue;
        assert.ok(
          router.rtpCapabilities.codecs!.some((c) => matchCodecs(codec, c, { strict: true })),
          `router matches device codec ${codec.mimeType} ${JSON.stringify(codec.parameters)}`,
        );
      }
    } finally {
      await peer.close();
    }
  });

  const cases: { label: string; options: ProduceOptions }[] = [
    { label: 'VP8', options: { kind: 'video', codecMimeType: 'video/VP8' } },
    { label: 'H264', options: { kind: 'video', codecMimeType: 'video/H264' } },
    { label: 'opus', options: { kind: 'audio' } },
    {
      label: 'VP8 simulcast (3 encodings)',
      options: {
        kind: 'video',
        codecMimeType: 'video/VP8',
        encodings: [
          { maxBitrate: 100_000, scaleResolutionDownBy: 4 },
          { maxBitrate: 300_000, scaleResolutionDownBy: 2 },
          { maxBitrate: 900_000 },
        ],
      },
    },
  ];

  for (const { label, options } of cases) {
    test(`${label}: the producer's rtpParameters pass ortc; the consumer's pass the client`, async (t) => {
      const peer = await browser!.newPeerPage();
      try {
        const device = await peer.loadDevice(router.rtpCapabilities);
        const deviceCaps = structuredClone(device.rtpCapabilities);
        validateRtpCapabilities(deviceCaps);

        const connects: DtlsParameters[] = [];
        const produced: ProduceEvent[] = [];
        const serverProducerId = randomUUID();
        await peer.createSendTransport(fabricatedTransportParams(), {
          connect: (dtlsParameters) => {
            connects.push(dtlsParameters);
            return Promise.resolve();
          },
          produce: (event) => {
            produced.push(event);
            return Promise.resolve(serverProducerId);
          },
        });

        const started = performance.now();
        const producerId = await peer.produce(options);
        const produceMs = performance.now() - started;
        assert.equal(producerId, serverProducerId);
        assert.equal(connects.length, 1, 'one connect event');
        assert.ok(connects[0].fingerprints.length > 0, 'connect carries fingerprints');
        assert.equal(produced.length, 1, 'one produce event');
        const event = produced[0];
        assert.equal(event.kind, options.kind);

        // What mediasoup-client sent, as a Skein server would receive it.
        const rtpParameters: unknown = structuredClone(event.rtpParameters);
        validateRtpParameters(rtpParameters);
        const producerParams: RtpParameters = rtpParameters;
        assert.equal(producerParams.encodings!.length, options.encodings?.length ?? 1);
        if (options.codecMimeType) {
          assert.equal(
            producerParams.codecs[0].mimeType.toLowerCase(),
            options.codecMimeType.toLowerCase(),
          );
        }
        // mediasoup's Transport.produce() gives producers without a CNAME one
        // (per transport): with simulcast (rids, no SSRCs in the SDP)
        // mediasoup-client sends `rtcp.cname: ""`, and a consumer carrying an
        // empty CNAME gets `a=msid: <track>` in the client's remote SDP, which
        // Chromium rejects ("Missing stream ID in msid attribute"). Skein's
        // WebRtcTransport must do the same; emulate it here.
        producerParams.rtcp ??= {};
        producerParams.rtcp.cname ||= randomUUID().slice(0, 8);
        const mapping = getProducerRtpParametersMapping(producerParams, router.rtpCapabilities);
        const consumable = getConsumableRtpParameters(
          options.kind,
          producerParams,
          router.rtpCapabilities,
          mapping,
        );
        assert.equal(canConsume(consumable, deviceCaps), true, 'the device can consume it');
        const consumerParams = getConsumerRtpParameters({
          consumableRtpParameters: consumable,
          remoteRtpCapabilities: deviceCaps,
          pipe: false,
          enableRtx: true,
        });

        // The client's recv transport must accept what Skein would send it.
        await peer.createRecvTransport(fabricatedTransportParams(), {
          connect: () => Promise.resolve(),
        });
        // mediasoup's Transport.consume() assigns the MID; emulate it too.
        consumerParams.mid = '0';
        const consumerId = randomUUID();
        assert.equal(
          await peer.consume({
            id: consumerId,
            producerId,
            kind: options.kind,
            rtpParameters: consumerParams,
          }),
          consumerId,
        );

        // The media-path API answers even though nothing flows (ICE cannot
        // connect to the fabricated candidate).
        const inbound = await peer.getInboundStats(options.kind);
        assert.equal(inbound.packetsReceived, 0);
        assert.equal(inbound.framesDecoded, 0);
        const outbound = await peer.getOutboundStats(options.kind, producerId);
        assert.equal(typeof outbound.packetsSent, 'number');
        const states = await peer.connectionState();
        assert.notEqual(states.send, 'connected');
        assert.notEqual(states.recv, null);
        await assert.rejects(
          peer.waitForConnectionState('recv', 'connected', 200),
          /wanted connected/,
        );
        if (options.kind === 'video') assert.equal(await peer.videoWidth(consumerId), 0);
        await peer.pauseConsumer(consumerId);
        await peer.resumeConsumer(consumerId);

        t.diagnostic(
          `${label}: produce ${produceMs.toFixed(0)} ms; producer codecs ` +
            producerParams.codecs.map((c) => `${c.mimeType}/${c.payloadType}`).join(' ') +
            `; encodings ${JSON.stringify(producerParams.encodings)}; consumer codecs ` +
            consumerParams.codecs.map((c) => `${c.mimeType}/${c.payloadType}`).join(' '),
        );
      } catch (error) {
        t.diagnostic(`page log:\n${peer.logs().join('\n')}`);
        throw error;
      } finally {
        await peer.close();
      }
    });
  }
});
