import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { UnsupportedError } from '../../src/common/errors.js';
import {
  generateRouterRtpCapabilities,
  getSupportedRtpCapabilities,
  type RouterRtpCodecCapability,
} from '../../src/ortc/index.js';
import { routerMediaCodecs } from './fixtures.js';

const summary = (codecs: RouterRtpCodecCapability[] | undefined) =>
  codecs!.map((c) => `${c.mimeType}:${c.preferredPayloadType}`);

describe('generateRouterRtpCapabilities()', () => {
  it('assigns dynamic payload types from 100 and adds video/rtx with apt after each video codec', () => {
    const caps = generateRouterRtpCapabilities(routerMediaCodecs());
    assert.deepEqual(summary(caps.codecs), [
      'audio/opus:100',
      'video/VP8:101',
      'video/rtx:102',
      'video/VP9:103',
      'video/rtx:104',
      'video/H264:105',
      'video/rtx:106',
      'video/H264:107',
      'video/rtx:108',
    ]);
    for (const [i, codec] of caps.codecs!.entries()) {
      if (codec.mimeType !== 'video/rtx') continue;
      const media = caps.codecs![i - 1];
      assert.deepEqual(codec.parameters, { apt: media.preferredPayloadType });
      assert.equal(codec.kind, 'video');
      assert.equal(codec.clockRate, media.clockRate);
      assert.deepEqual(codec.rtcpFeedback, []);
    }
  });

  it('merges the media codec parameters over the supported ones and keeps supported feedback', () => {
    const caps = generateRouterRtpCapabilities(routerMediaCodecs());
    const h264 = caps.codecs!.find((c) => c.preferredPayloadType === 107)!;
    assert.deepEqual(h264.parameters, {
      'level-asymmetry-allowed': 1,
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
    });
    assert.equal(h264.rtcpFeedback!.length, 5);
    const opus = caps.codecs![0];
    assert.deepEqual(opus.parameters, { useinbandfec: 1 });
    assert.equal(opus.channels, 2);
  });

  it('offers all supported header extensions', () => {
    const caps = generateRouterRtpCapabilities(routerMediaCodecs());
    assert.deepEqual(caps.headerExtensions, getSupportedRtpCapabilities().headerExtensions);
  });

  it('returns an empty codec list for no media codecs', () => {
    assert.deepEqual(generateRouterRtpCapabilities().codecs, []);
  });

  it('keeps static payload types and free user-given ones', () => {
    const caps = generateRouterRtpCapabilities([
      { kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 96 },
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
    ]);
    assert.deepEqual(summary(caps.codecs), [
      'audio/PCMU:0',
      'video/VP8:96',
      'video/rtx:100',
      'audio/opus:101',
    ]);
  });

  it('reserves a payload type asked for by a later codec before handing out dynamic ones', () => {
    const caps = generateRouterRtpCapabilities([
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
      { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, preferredPayloadType: 101 },
    ]);
    assert.deepEqual(summary(caps.codecs), [
      'video/VP8:100',
      'video/rtx:102',
      'video/VP9:101',
      'video/rtx:103',
    ]);
  });

  it('gives a dynamic payload type instead of a taken or RTCP-range one, never colliding', () => {
    const caps = generateRouterRtpCapabilities([
      {
        kind: 'audio',
        mimeType: 'audio/opus',
        clockRate: 48000,
        channels: 2,
        preferredPayloadType: 111,
      },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 111 },
      { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, preferredPayloadType: 72 },
      { kind: 'audio', mimeType: 'audio/CN', clockRate: 8000 },
      { kind: 'audio', mimeType: 'audio/CN', clockRate: 16000 },
    ]);
    assert.deepEqual(summary(caps.codecs), [
      'audio/opus:111',
      'video/VP8:100',
      'video/rtx:101',
      'video/VP9:102',
      'video/rtx:103',
      'audio/CN:13',
      'audio/CN:104',
    ]);
    const pts = caps.codecs!.map((c) => c.preferredPayloadType);
    assert.equal(new Set(pts).size, pts.length);
  });

  it('fills defaults in the given media codecs (kind from mimeType, channels, parameters)', () => {
    const mediaCodecs = [
      { kind: 'video', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
    ] as RouterRtpCodecCapability[];
    const caps = generateRouterRtpCapabilities(mediaCodecs);
    assert.equal(mediaCodecs[0].kind, 'audio');
    assert.deepEqual(mediaCodecs[0].parameters, {});
    assert.equal(caps.codecs![0].kind, 'audio');
  });

  it('accepts multiopus with the stream layout of a supported one', () => {
    const caps = generateRouterRtpCapabilities([
      {
        kind: 'audio',
        mimeType: 'audio/multiopus',
        clockRate: 48000,
        channels: 4,
        parameters: { channel_mapping: '0,1,2,3', num_streams: 2, coupled_streams: 2 },
      },
    ]);
    assert.equal(caps.codecs![0].preferredPayloadType, 100);
  });

  it('rejects an unknown codec or a wrong clock rate / channel count with UnsupportedError', () => {
    const cases: RouterRtpCodecCapability[] = [
      { kind: 'video', mimeType: 'video/FOO', clockRate: 90000 },
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 44100, channels: 2 },
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000 },
      { kind: 'video', mimeType: 'video/rtx', clockRate: 90000 },
      { kind: 'audio', mimeType: 'audio/multiopus', clockRate: 48000, channels: 4 },
    ];
    for (const codec of cases) {
      assert.throws(() => generateRouterRtpCapabilities([codec]), UnsupportedError, codec.mimeType);
    }
  });

  it('rejects malformed media codecs with TypeError', () => {
    const bad: unknown[] = [
      'not-an-array',
      [{ kind: 'audio', mimeType: 'opus', clockRate: 48000 }],
      [{ kind: 'audio', mimeType: 'audio/opus' }],
      [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, preferredPayloadType: 200 }],
      [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, parameters: { x: {} } }],
    ];
    for (const mediaCodecs of bad) {
      assert.throws(
        () => generateRouterRtpCapabilities(mediaCodecs as RouterRtpCodecCapability[]),
        TypeError,
      );
    }
  });

  it('throws UnsupportedError when dynamic payload types run out', () => {
    const mediaCodecs: RouterRtpCodecCapability[] = Array.from({ length: 17 }, (_, i) => ({
      kind: 'video',
      mimeType: 'video/VP8',
      clockRate: 90000,
      parameters: { variant: i },
    }));
    assert.throws(() => generateRouterRtpCapabilities(mediaCodecs), UnsupportedError);
    assert.equal(generateRouterRtpCapabilities(mediaCodecs.slice(0, 16)).codecs!.length, 32);
  });
});
