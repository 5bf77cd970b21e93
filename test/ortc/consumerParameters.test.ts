import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { UnsupportedError } from '../../src/common/errors.js';
import {
  canConsume,
  generateRouterRtpCapabilities,
  getConsumableRtpParameters,
  getConsumerRtpParameters,
  getPipeConsumerRtpParameters,
  getProducerRtpParametersMapping,
  type RtpCapabilities,
  type RtpParameters,
} from '../../src/ortc/index.js';
import {
  ABS_SEND_TIME_URI,
  MID_URI,
  TRANSPORT_CC_URI,
  chromeDeviceCapabilities,
  opusProducerParameters,
  routerMediaCodecs,
  vp8SimulcastProducerParameters,
} from './fixtures.js';

function consumableOf(kind: 'audio' | 'video', params: RtpParameters): RtpParameters {
  const caps = generateRouterRtpCapabilities(routerMediaCodecs());
  const mapping = getProducerRtpParametersMapping(params, caps);
  return getConsumableRtpParameters(kind, params, caps, mapping);
}

const vp8Consumable = () => consumableOf('video', vp8SimulcastProducerParameters());
const feedbackOf = (params: RtpParameters, i = 0) =>
  params.codecs[i].rtcpFeedback!.map((fb) => `${fb.type} ${fb.parameter ?? ''}`.trim());

describe('canConsume()', () => {
  it('is true when the device decodes the producer codec', () => {
    assert.equal(canConsume(vp8Consumable(), chromeDeviceCapabilities()), true);
    assert.equal(
      canConsume(consumableOf('audio', opusProducerParameters()), chromeDeviceCapabilities()),
      true,
    );
  });

  it('is false when the device lacks the codec, or only RTX would match', () => {
    const caps = chromeDeviceCapabilities();
    caps.codecs = caps.codecs!.filter((c) => c.mimeType !== 'video/VP8');
    assert.equal(canConsume(vp8Consumable(), caps), false);
    assert.equal(canConsume(vp8Consumable(), {}), false);
  });

  it('is false for an H264 producer of another profile than the device has', () => {
    const params: RtpParameters = {
      codecs: [
        {
          mimeType: 'video/H264',
          payloadType: 102,
          clockRate: 90000,
          parameters: { 'packetization-mode': 1, 'profile-level-id': '4d0032' },
        },
      ],
      encodings: [{ ssrc: 5 }],
      rtcp: {},
    };
    assert.equal(canConsume(consumableOf('video', params), chromeDeviceCapabilities()), false);
  });

  it('throws TypeError for invalid capabilities', () => {
    assert.throws(
      () => canConsume(vp8Consumable(), { codecs: 'x' } as unknown as RtpCapabilities),
      TypeError,
    );
  });
});

describe('getConsumerRtpParameters()', () => {
  it('gives a simulcast consumer one encoding with RTX and an L3T3 scalability mode', () => {
    const consumer = getConsumerRtpParameters({
      consumableRtpParameters: vp8Consumable(),
      remoteRtpCapabilities: chromeDeviceCapabilities(),
      pipe: false,
      enableRtx: true,
    });
    assert.deepEqual(
      consumer.codecs.map((c) => [c.mimeType, c.payloadType]),
      [
        ['video/VP8', 101],
        ['video/rtx', 102],
      ],
    );
    assert.equal(consumer.encodings!.length, 1);
    const [encoding] = consumer.encodings!;
    assert.ok(Number.isInteger(encoding.ssrc));
    assert.deepEqual(encoding, {
      ssrc: encoding.ssrc,
      rtx: { ssrc: encoding.ssrc! + 1 },
      scalabilityMode: 'L3T3',
      maxBitrate: 1200000,
    });
    // transport-cc negotiated: REMB is dropped.
    assert.deepEqual(feedbackOf(consumer), ['transport-cc', 'ccm fir', 'nack', 'nack pli']);
    assert.deepEqual(consumer.rtcp, { cname: 'Kq6l2sYvxHtpO0nR', reducedSize: true });
  });

  it('keeps only header extensions the remote has under the same id', () => {
    const caps = chromeDeviceCapabilities();
    caps.headerExtensions = caps.headerExtensions!.map((e) =>
      e.uri === 'urn:ietf:params:rtp-hdrext:toffset' ? { ...e, preferredId: 9 } : e,
    );
    const consumer = getConsumerRtpParameters({
      consumableRtpParameters: vp8Consumable(),
      remoteRtpCapabilities: caps,
      pipe: false,
      enableRtx: true,
    });
    assert.deepEqual(
      consumer.headerExtensions!.map((e) => e.uri),
      [MID_URI, ABS_SEND_TIME_URI, TRANSPORT_CC_URI, 'urn:3gpp:video-orientation'],
    );
  });

  it('without enableRtx, drops RTX and plain NACK but keeps PLI and FIR', () => {
    const consumer = getConsumerRtpParameters({
      consumableRtpParameters: vp8Consumable(),
      remoteRtpCapabilities: chromeDeviceCapabilities(),
      pipe: false,
      enableRtx: false,
    });
    assert.deepEqual(
      consumer.codecs.map((c) => c.mimeType),
      ['video/VP8'],
    );
    assert.equal(consumer.encodings![0].rtx, undefined);
    assert.deepEqual(feedbackOf(consumer), ['transport-cc', 'ccm fir', 'nack pli']);
  });

  it('omits RTX when the remote has no RTX codec', () => {
    const caps = chromeDeviceCapabilities();
    caps.codecs = caps.codecs!.filter((c) => c.mimeType !== 'video/rtx');
    const consumer = getConsumerRtpParameters({
      consumableRtpParameters: vp8Consumable(),
      remoteRtpCapabilities: caps,
      pipe: false,
      enableRtx: true,
    });
    assert.deepEqual(
      consumer.codecs.map((c) => c.mimeType),
      ['video/VP8'],
    );
    assert.equal(consumer.encodings![0].rtx, undefined);
  });

  it('uses REMB with abs-send-time when transport-cc is not negotiated, neither without both', () => {
    const caps = chromeDeviceCapabilities();
    caps.headerExtensions = caps.headerExtensions!.filter((e) => e.uri !== TRANSPORT_CC_URI);
    const remb = getConsumerRtpParameters({
      consumableRtpParameters: vp8Consumable(),
      remoteRtpCapabilities: caps,
      pipe: false,
      enableRtx: true,
    });
    assert.deepEqual(feedbackOf(remb), ['goog-remb', 'ccm fir', 'nack', 'nack pli']);

    caps.headerExtensions = caps.headerExtensions.filter((e) => e.uri !== ABS_SEND_TIME_URI);
    const none = getConsumerRtpParameters({
      consumableRtpParameters: vp8Consumable(),
      remoteRtpCapabilities: caps,
      pipe: false,
      enableRtx: true,
    });
    assert.deepEqual(feedbackOf(none), ['ccm fir', 'nack', 'nack pli']);
  });

  it('keeps a single stream scalability mode as is, and sets none when the producer had none', () => {
    const params = vp8SimulcastProducerParameters();
    params.encodings = [{ ssrc: 1, scalabilityMode: 'L1T3' }];
    const svc = getConsumerRtpParameters({
      consumableRtpParameters: consumableOf('video', params),
      remoteRtpCapabilities: chromeDeviceCapabilities(),
      pipe: false,
      enableRtx: true,
    });
    assert.equal(svc.encodings![0].scalabilityMode, 'L1T3');

    const audio = getConsumerRtpParameters({
      consumableRtpParameters: consumableOf('audio', opusProducerParameters()),
      remoteRtpCapabilities: chromeDeviceCapabilities(),
      pipe: false,
      enableRtx: true,
    });
    assert.deepEqual(Object.keys(audio.encodings![0]), ['ssrc']);
    assert.deepEqual(
      audio.headerExtensions!.map((e) => e.uri),
      [MID_URI, ABS_SEND_TIME_URI, 'urn:ietf:params:rtp-hdrext:ssrc-audio-level'],
    );
    // No transport-cc extension for audio consumers, so its feedback goes too.
    assert.deepEqual(feedbackOf(audio), []);
  });

  it('with pipe, keeps one encoding per producer stream with consecutive SSRCs', () => {
    const consumer = getConsumerRtpParameters({
      consumableRtpParameters: vp8Consumable(),
      remoteRtpCapabilities: chromeDeviceCapabilities(),
      pipe: true,
      enableRtx: true,
    });
    const encodings = consumer.encodings!;
    assert.equal(encodings.length, 3);
    const [ssrc, rtxSsrc] = [encodings[0].ssrc!, encodings[0].rtx!.ssrc];
    encodings.forEach((e, i) => {
      assert.equal(e.ssrc, ssrc + i);
      assert.deepEqual(e.rtx, { ssrc: rtxSsrc + i });
      assert.equal(e.scalabilityMode, 'L1T3');
    });
  });

  it('throws UnsupportedError when the remote decodes none of the codecs', () => {
    const caps = chromeDeviceCapabilities();
    caps.codecs = caps.codecs!.filter((c) => c.mimeType !== 'video/VP8');
    assert.throws(
      () =>
        getConsumerRtpParameters({
          consumableRtpParameters: vp8Consumable(),
          remoteRtpCapabilities: caps,
          pipe: false,
          enableRtx: true,
        }),
      UnsupportedError,
    );
  });

  it('does not modify the consumable parameters', () => {
    const consumable = vp8Consumable();
    const before = structuredClone(consumable);
    getConsumerRtpParameters({
      consumableRtpParameters: consumable,
      remoteRtpCapabilities: chromeDeviceCapabilities(),
      pipe: false,
      enableRtx: false,
    });
    assert.deepEqual(consumable, before);
  });
});

describe('getPipeConsumerRtpParameters()', () => {
  it('without RTX, keeps all encodings, PLI/FIR only and no transport extensions', () => {
    const consumable = vp8Consumable();
    const before = structuredClone(consumable);
    const pipe = getPipeConsumerRtpParameters({
      consumableRtpParameters: consumable,
      enableRtx: false,
    });

    assert.deepEqual(
      pipe.codecs.map((c) => c.mimeType),
      ['video/VP8'],
    );
    assert.deepEqual(feedbackOf(pipe), ['nack pli', 'ccm fir']);
    assert.ok(
      pipe.headerExtensions!.every(
        (e) => e.uri !== MID_URI && e.uri !== ABS_SEND_TIME_URI && e.uri !== TRANSPORT_CC_URI,
      ),
    );
    assert.deepEqual(
      pipe.headerExtensions!.map((e) => e.id),
      [11, 12, 13, 14],
    );
    const encodings = pipe.encodings!;
    assert.equal(encodings.length, 3);
    encodings.forEach((e, i) => {
      assert.equal(e.ssrc, encodings[0].ssrc! + i);
      assert.equal(e.rtx, undefined);
      assert.equal(e.maxBitrate, before.encodings![i].maxBitrate);
    });
    assert.notEqual(encodings[0].ssrc, before.encodings![0].ssrc);
    assert.deepEqual(consumable, before);
  });

  it('with RTX, keeps the RTX codec, plain NACK and RTX SSRCs', () => {
    const pipe = getPipeConsumerRtpParameters({
      consumableRtpParameters: vp8Consumable(),
      enableRtx: true,
    });
    assert.deepEqual(
      pipe.codecs.map((c) => c.mimeType),
      ['video/VP8', 'video/rtx'],
    );
    assert.deepEqual(feedbackOf(pipe), ['nack', 'nack pli', 'ccm fir']);
    const encodings = pipe.encodings!;
    encodings.forEach((e, i) => assert.deepEqual(e.rtx, { ssrc: encodings[0].rtx!.ssrc + i }));
  });
});
