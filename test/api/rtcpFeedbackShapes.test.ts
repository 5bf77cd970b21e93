/**
 * `rtcpFeedback` entries in every public JSON that carries them, compared with what
 * mediasoup 3.19.3 writes for the same inputs. The expectations below were taken from
 * mediasoup 3.19.3 (its node layer over the worker in /work/shared/peers, run with exactly
 * these inputs) on 2026-12-01, compared as JSON (an `undefined` member is no member):
 *
 * - the API's objects (router.rtpCapabilities, producer/consumer rtpParameters,
 *   consumableRtpParameters) write `parameter: ''` for an entry without one;
 * - dump() omits it (the worker leaves the string unset);
 * - getSupportedRtpCapabilities() is the table as written (no `parameter`, no defaults)
 *   until the first router is created, and normalised (`''`, defaults) afterwards.
 *
 * This file must create no router before its first test: the order is the point. (Compiled,
 * with its import pointed at mediasoup's node/lib/index.js, it passes on mediasoup 3.19.3.)
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  createWorker,
  getSupportedRtpCapabilities,
  type Router,
  type RtpCapabilities,
  type RtpCodecCapability,
  type RtpCodecParameters,
  type Worker,
} from '../../src/index.js';
import { MODES } from './modes.js';

/** As JSON carries it: members set to undefined disappear. */
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** mimeType and rtcpFeedback of each codec, as JSON. */
const feedbackOf = (codecs: readonly (RtpCodecParameters | RtpCodecCapability)[] | undefined) =>
  json((codecs ?? []).map(({ mimeType, rtcpFeedback }) => ({ mimeType, rtcpFeedback })));

const mediaCodecs = [
  { kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video' as const,
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 1000 },
  },
];

/** What a browser-style client offers; `nack` with no parameter at all. */
const clientCapabilities: RtpCapabilities = {
  codecs: [
    {
      kind: 'video',
      mimeType: 'video/VP8',
      preferredPayloadType: 96,
      clockRate: 90000,
      rtcpFeedback: [
        { type: 'nack' },
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
        { type: 'goog-remb' },
        { type: 'transport-cc' },
      ],
    },
    {
      kind: 'video',
      mimeType: 'video/rtx',
      preferredPayloadType: 97,
      clockRate: 90000,
      parameters: { apt: 96 },
    },
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      preferredPayloadType: 111,
      clockRate: 48000,
      channels: 2,
      rtcpFeedback: [{ type: 'transport-cc' }],
    },
  ],
  headerExtensions: [
    {
      kind: 'video',
      uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      preferredId: 5,
    },
  ],
};

const fb = (type: string, parameter?: string) =>
  parameter === undefined ? { type } : { type, parameter };
/** mediasoup's video codecs' feedback in its table as written, and once normalised. */
const VIDEO_FEEDBACK_AS_WRITTEN = [
  fb('nack'),
  fb('nack', 'pli'),
  fb('ccm', 'fir'),
  fb('goog-remb'),
  fb('transport-cc'),
];
const VIDEO_FEEDBACK_NORMALISED = [
  fb('nack', ''),
  fb('nack', 'pli'),
  fb('ccm', 'fir'),
  fb('goog-remb', ''),
  fb('transport-cc', ''),
];
const noFeedback = { mimeType: 'video/rtx', rtcpFeedback: [] };

// mediasoup 3.19.3, 2026-12-01: getSupportedRtpCapabilities() before any router.
const SUPPORTED_BEFORE: Record<string, unknown> = {
  'audio/opus 48000': {
    kind: 'audio',
    mimeType: 'audio/opus',
    clockRate: 48000,
    channels: 2,
    rtcpFeedback: [fb('nack'), fb('transport-cc')],
  },
  'audio/PCMU 8000': {
    kind: 'audio',
    mimeType: 'audio/PCMU',
    preferredPayloadType: 0,
    clockRate: 8000,
    rtcpFeedback: [fb('transport-cc')],
  },
  'audio/CN 8000': {
    kind: 'audio',
    mimeType: 'audio/CN',
    preferredPayloadType: 13,
    clockRate: 8000,
  },
  'audio/telephone-event 8000': {
    kind: 'audio',
    mimeType: 'audio/telephone-event',
    clockRate: 8000,
  },
  'video/VP8 90000': {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    rtcpFeedback: VIDEO_FEEDBACK_AS_WRITTEN,
  },
  'video/H264 90000': {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'level-asymmetry-allowed': 1 },
    rtcpFeedback: VIDEO_FEEDBACK_AS_WRITTEN,
  },
  'video/AV1 90000': {
    kind: 'video',
    mimeType: 'video/AV1',
    clockRate: 90000,
    parameters: {},
    rtcpFeedback: VIDEO_FEEDBACK_AS_WRITTEN,
  },
};

// mediasoup 3.19.3, 2026-12-01: the same codecs once a router exists.
const SUPPORTED_AFTER: Record<string, unknown> = {
  'audio/opus 48000': {
    kind: 'audio',
    mimeType: 'audio/opus',
    clockRate: 48000,
    channels: 2,
    parameters: {},
    rtcpFeedback: [fb('nack', ''), fb('transport-cc', '')],
  },
  'audio/PCMU 8000': {
    kind: 'audio',
    mimeType: 'audio/PCMU',
    preferredPayloadType: 0,
    clockRate: 8000,
    channels: 1,
    parameters: {},
    rtcpFeedback: [fb('transport-cc', '')],
  },
  'audio/CN 8000': {
    kind: 'audio',
    mimeType: 'audio/CN',
    preferredPayloadType: 13,
    clockRate: 8000,
    channels: 1,
    parameters: {},
    rtcpFeedback: [],
  },
  'audio/telephone-event 8000': {
    kind: 'audio',
    mimeType: 'audio/telephone-event',
    clockRate: 8000,
    channels: 1,
    parameters: {},
    rtcpFeedback: [],
  },
  'video/VP8 90000': {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: {},
    rtcpFeedback: VIDEO_FEEDBACK_NORMALISED,
  },
  'video/H264 90000': {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'level-asymmetry-allowed': 1 },
    rtcpFeedback: VIDEO_FEEDBACK_NORMALISED,
  },
  'video/AV1 90000': {
    kind: 'video',
    mimeType: 'video/AV1',
    clockRate: 90000,
    parameters: {},
    rtcpFeedback: VIDEO_FEEDBACK_NORMALISED,
  },
};

function supportedCodecs(): Record<string, unknown> {
  const byName = new Map(
    getSupportedRtpCapabilities().codecs!.map((c) => [`${c.mimeType} ${c.clockRate}`, json(c)]),
  );
  return Object.fromEntries(Object.keys(SUPPORTED_BEFORE).map((name) => [name, byName.get(name)]));
}

// Runs first, before any router of this process exists.
test('getSupportedRtpCapabilities() before any router: the table as written', () => {
  assert.deepEqual(supportedCodecs(), SUPPORTED_BEFORE);
});

for (const mode of MODES) {
  describe(`rtcpFeedback as mediasoup 3.19.3 writes it (${mode})`, () => {
    let worker: Worker;
    let otherWorker: Worker;
    let router: Router;
    let otherRouter: Router;

    before(async () => {
      worker = await createWorker({ mode });
      otherWorker = await createWorker({ mode });
      router = await worker.createRouter({ mediaCodecs });
      otherRouter = await otherWorker.createRouter({ mediaCodecs });
    });
    after(() => {
      worker.close();
      otherWorker.close();
    });

    test('getSupportedRtpCapabilities() once a router exists: normalised', () => {
      assert.deepEqual(supportedCodecs(), SUPPORTED_AFTER);
    });

    test("router, producer, consumer and pipe objects write '', their dumps omit it", async () => {
      const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
      const plain = await router.createPlainTransport({ listenInfo, comedia: true, rtcpMux: true });
      const webRtc = await router.createWebRtcTransport({ listenInfos: [listenInfo] });
      const producer = await plain.produce({
        kind: 'video',
        rtpParameters: {
          mid: 'v',
          codecs: [
            {
              mimeType: 'video/VP8',
              payloadType: 101,
              clockRate: 90000,
              rtcpFeedback: [fb('nack'), fb('nack', 'pli'), fb('goog-remb'), fb('transport-cc')],
            },
            { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
          ],
          headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
          encodings: [{ ssrc: 1111, rtx: { ssrc: 2222 } }],
          rtcp: { cname: 'x' },
        },
      });
      const consumer = await webRtc.consume({
        producerId: producer.id,
        rtpCapabilities: clientCapabilities,
      });
      const pipe = await router.createPipeTransport({ listenInfo, enableRtx: true });
      const pipeConsumer = await pipe.consume({ producerId: producer.id });
      const { pipeProducer } = await router.pipeToRouter({
        producerId: producer.id,
        router: otherRouter,
      });

      const actual = {
        routerCapabilities: feedbackOf(router.rtpCapabilities.codecs),
        producer: feedbackOf(producer.rtpParameters.codecs),
        consumable: feedbackOf(producer.consumableRtpParameters.codecs),
        producerDump: feedbackOf((await producer.dump()).rtpParameters.codecs),
        consumer: feedbackOf(consumer.rtpParameters.codecs),
        consumerDump: feedbackOf((await consumer.dump()).rtpParameters.codecs),
        pipeConsumer: feedbackOf(pipeConsumer.rtpParameters.codecs),
        pipeConsumerDump: feedbackOf((await pipeConsumer.dump()).rtpParameters.codecs),
        pipeProducer: feedbackOf(pipeProducer!.rtpParameters.codecs),
        pipeProducerDump: feedbackOf((await pipeProducer!.dump()).rtpParameters.codecs),
      };

      // mediasoup 3.19.3, 2026-12-01, same inputs.
      const vp8 = (...rtcpFeedback: object[]) => ({ mimeType: 'video/VP8', rtcpFeedback });
      assert.deepEqual(actual, {
        routerCapabilities: [
          { mimeType: 'audio/opus', rtcpFeedback: [fb('nack', ''), fb('transport-cc', '')] },
          vp8(
            fb('nack', ''),
            fb('nack', 'pli'),
            fb('ccm', 'fir'),
            fb('goog-remb', ''),
            fb('transport-cc', ''),
          ),
          noFeedback,
        ],
        producer: [
          vp8(fb('nack', ''), fb('nack', 'pli'), fb('goog-remb', ''), fb('transport-cc', '')),
          noFeedback,
        ],
        consumable: [
          vp8(
            fb('nack', ''),
            fb('nack', 'pli'),
            fb('ccm', 'fir'),
            fb('goog-remb', ''),
            fb('transport-cc', ''),
          ),
          noFeedback,
        ],
        producerDump: [
          vp8(fb('nack'), fb('nack', 'pli'), fb('goog-remb'), fb('transport-cc')),
          noFeedback,
        ],
        consumer: [
          vp8(fb('nack', ''), fb('nack', 'pli'), fb('ccm', 'fir'), fb('transport-cc', '')),
          noFeedback,
        ],
        consumerDump: [
          vp8(fb('nack'), fb('nack', 'pli'), fb('ccm', 'fir'), fb('transport-cc')),
          noFeedback,
        ],
        pipeConsumer: [vp8(fb('nack', ''), fb('nack', 'pli'), fb('ccm', 'fir')), noFeedback],
        pipeConsumerDump: [vp8(fb('nack'), fb('nack', 'pli'), fb('ccm', 'fir')), noFeedback],
        pipeProducer: [vp8(fb('nack', 'pli'), fb('ccm', 'fir'))],
        pipeProducerDump: [vp8(fb('nack', 'pli'), fb('ccm', 'fir'))],
      });
    });
  });
}
