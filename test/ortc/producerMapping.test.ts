import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { UnsupportedError } from '../../src/common/errors.js';
import {
  generateRouterRtpCapabilities,
  getConsumableRtpParameters,
  getProducerRtpParametersMapping,
  type RtpParameters,
} from '../../src/ortc/index.js';
import {
  ABS_SEND_TIME_URI,
  MID_URI,
  TRANSPORT_CC_URI,
  opusProducerParameters,
  routerMediaCodecs,
  vp8SimulcastProducerParameters,
} from './fixtures.js';

const routerCaps = () => generateRouterRtpCapabilities(routerMediaCodecs());

function h264Producer(parameters: Record<string, string | number>): RtpParameters {
  return {
    codecs: [
      { mimeType: 'video/H264', payloadType: 125, clockRate: 90000, parameters },
      { mimeType: 'video/rtx', payloadType: 107, clockRate: 90000, parameters: { apt: 125 } },
    ],
    encodings: [{ ssrc: 1234 }],
    rtcp: { cname: 'h264' },
  };
}

describe('getProducerRtpParametersMapping()', () => {
  it('maps a VP8 simulcast producer with RTX to router payload types and consecutive SSRCs', () => {
    const mapping = getProducerRtpParametersMapping(vp8SimulcastProducerParameters(), routerCaps());
    assert.deepEqual(mapping.codecs, [
      { payloadType: 96, mappedPayloadType: 101 },
      { payloadType: 97, mappedPayloadType: 102 },
    ]);
    assert.equal(mapping.encodings.length, 3);
    const base = mapping.encodings[0].mappedSsrc;
    assert.ok(Number.isInteger(base) && base > 0 && base + 2 < 2 ** 32);
    assert.deepEqual(mapping.encodings, [
      { ssrc: 3421709901, scalabilityMode: 'L1T3', mappedSsrc: base },
      { ssrc: 3421709903, scalabilityMode: 'L1T3', mappedSsrc: base + 1 },
      { ssrc: 3421709905, scalabilityMode: 'L1T3', mappedSsrc: base + 2 },
    ]);
  });

  it('keeps rids of streams signalled by RID', () => {
    const params = vp8SimulcastProducerParameters();
    params.encodings = [{ rid: 'r0' }, { rid: 'r1' }, { rid: 'r2' }];
    const mapping = getProducerRtpParametersMapping(params, routerCaps());
    assert.deepEqual(
      mapping.encodings.map(({ rid, ssrc }) => ({ rid, ssrc })),
      [
        { rid: 'r0', ssrc: undefined },
        { rid: 'r1', ssrc: undefined },
        { rid: 'r2', ssrc: undefined },
      ],
    );
  });

  it('picks the router H264 codec of the same profile and answers its profile-level-id', () => {
    const params = h264Producer({ 'packetization-mode': 1, 'profile-level-id': '42e034' });
    const mapping = getProducerRtpParametersMapping(params, routerCaps());
    assert.deepEqual(mapping.codecs, [
      { payloadType: 125, mappedPayloadType: 107 },
      { payloadType: 107, mappedPayloadType: 108 },
    ]);
    // The router's 42e01f is answered without level asymmetry on the producer side.
    assert.equal(params.codecs[0].parameters!['profile-level-id'], '42e01f');

    const main = getProducerRtpParametersMapping(
      h264Producer({ 'packetization-mode': 1, 'profile-level-id': '4d0032' }),
      routerCaps(),
    );
    assert.equal(main.codecs[0].mappedPayloadType, 105);
  });

  it('rejects an H264 producer whose packetization-mode the router lacks with UnsupportedError', () => {
    const params = h264Producer({ 'packetization-mode': 0, 'profile-level-id': '42e01f' });
    assert.throws(() => getProducerRtpParametersMapping(params, routerCaps()), UnsupportedError);
  });

  it('rejects a codec the router does not have with UnsupportedError', () => {
    const params: RtpParameters = {
      codecs: [
        {
          mimeType: 'video/VP9',
          payloadType: 98,
          clockRate: 90000,
          parameters: { 'profile-id': 0 },
        },
      ],
      encodings: [{ ssrc: 1 }],
    };
    assert.throws(() => getProducerRtpParametersMapping(params, routerCaps()), UnsupportedError);
  });

  it('rejects an RTX codec without its media codec with TypeError', () => {
    const params = vp8SimulcastProducerParameters();
    params.codecs[1].parameters = { apt: 100 };
    assert.throws(() => getProducerRtpParametersMapping(params, routerCaps()), TypeError);
  });

  it('rejects RTX when the router codec has no RTX with UnsupportedError', () => {
    const caps = routerCaps();
    caps.codecs = caps.codecs!.filter((c) => c.mimeType !== 'video/rtx');
    assert.throws(
      () => getProducerRtpParametersMapping(vp8SimulcastProducerParameters(), caps),
      UnsupportedError,
    );
  });
});

describe('getConsumableRtpParameters()', () => {
  it('rewrites a VP8 simulcast producer to router payload types, extensions and SSRCs', () => {
    const caps = routerCaps();
    const params = vp8SimulcastProducerParameters();
    const mapping = getProducerRtpParametersMapping(params, caps);
    const consumable = getConsumableRtpParameters('video', params, caps, mapping);

    assert.deepEqual(
      consumable.codecs.map((c) => [c.mimeType, c.payloadType, c.parameters]),
      [
        ['video/VP8', 101, {}],
        ['video/rtx', 102, { apt: 101 }],
      ],
    );
    // Router feedback, not the producer's.
    assert.deepEqual(
      consumable.codecs[0].rtcpFeedback,
      caps.codecs!.find((c) => c.preferredPayloadType === 101)!.rtcpFeedback,
    );

    // Only video extensions the router may send: no rid / repaired-rid / dependency descriptor.
    assert.deepEqual(
      consumable.headerExtensions!.map((e) => [e.uri, e.id]),
      [
        [MID_URI, 1],
        [ABS_SEND_TIME_URI, 4],
        [TRANSPORT_CC_URI, 5],
        ['urn:3gpp:video-orientation', 11],
        ['urn:ietf:params:rtp-hdrext:toffset', 12],
        ['http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time', 13],
        ['http://www.webrtc.org/experiments/rtp-hdrext/playout-delay', 14],
      ],
    );

    const base = mapping.encodings[0].mappedSsrc;
    assert.deepEqual(consumable.encodings, [
      {
        ssrc: base,
        scalabilityMode: 'L1T3',
        scaleResolutionDownBy: 4,
        maxBitrate: 150000,
        dtx: false,
      },
      {
        ssrc: base + 1,
        scalabilityMode: 'L1T3',
        scaleResolutionDownBy: 2,
        maxBitrate: 500000,
        dtx: false,
      },
      {
        ssrc: base + 2,
        scalabilityMode: 'L1T3',
        scaleResolutionDownBy: 1,
        maxBitrate: 1200000,
        dtx: false,
      },
    ]);
    assert.deepEqual(consumable.rtcp, { cname: 'Kq6l2sYvxHtpO0nR', reducedSize: true });
    assert.equal(consumable.mid, undefined);
  });

  it('keeps the producer codec parameters and only audio extensions the router sends for opus', () => {
    const caps = routerCaps();
    const params = opusProducerParameters();
    const mapping = getProducerRtpParametersMapping(params, caps);
    const consumable = getConsumableRtpParameters('audio', params, caps, mapping);

    assert.deepEqual(consumable.codecs, [
      {
        mimeType: 'audio/opus',
        payloadType: 100,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1 },
        rtcpFeedback: [
          { type: 'nack', parameter: '' },
          { type: 'transport-cc', parameter: '' },
        ],
      },
    ]);
    // transport-cc is recvonly for audio, so it is not offered to consumers.
    assert.deepEqual(
      consumable.headerExtensions!.map((e) => e.uri),
      [
        MID_URI,
        ABS_SEND_TIME_URI,
        'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
        'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
        // mediasoup 3.19.3 offers playout-delay for audio too.
        'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
      ],
    );
    assert.deepEqual(consumable.encodings, [{ ssrc: mapping.encodings[0].mappedSsrc, dtx: false }]);
  });

  it('does not share objects with the producer parameters', () => {
    const caps = routerCaps();
    const params = vp8SimulcastProducerParameters();
    const consumable = getConsumableRtpParameters(
      'video',
      params,
      caps,
      getProducerRtpParametersMapping(params, caps),
    );
    consumable.codecs[0].parameters!.x = 1;
    consumable.encodings![0].maxBitrate = 1;
    assert.deepEqual(params.codecs[0].parameters, {});
    assert.equal(params.encodings![0].maxBitrate, 150000);
  });
});
