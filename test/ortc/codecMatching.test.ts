import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isRtxCodec, matchCodecs, type RtpCodecParameters } from '../../src/ortc/index.js';

function h264(parameters: RtpCodecParameters['parameters']): RtpCodecParameters {
  return { mimeType: 'video/H264', payloadType: 102, clockRate: 90000, parameters };
}

function vp9(parameters: RtpCodecParameters['parameters']): RtpCodecParameters {
  return { mimeType: 'video/VP9', payloadType: 98, clockRate: 90000, parameters };
}

describe('matchCodecs()', () => {
  it('compares mimeType case-insensitively, clock rate and channels', () => {
    const opus = { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 };
    assert.equal(matchCodecs(opus, { ...opus, mimeType: 'AUDIO/OPUS' }), true);
    assert.equal(matchCodecs(opus, { ...opus, clockRate: 16000 }), false);
    assert.equal(matchCodecs(opus, { ...opus, channels: 1 }), false);
    assert.equal(matchCodecs(opus, { ...opus, mimeType: 'audio/ISAC' }), false);
  });

  describe('H264', () => {
    const baseline = { 'packetization-mode': 1, 'profile-level-id': '42e01f' };
    const main = { 'packetization-mode': 1, 'profile-level-id': '4d0032' };

    it('does not match different profiles in strict mode (42e01f vs 4d0032)', () => {
      assert.equal(matchCodecs(h264(baseline), h264(main), { strict: true }), false);
      assert.equal(matchCodecs(h264(baseline), h264(main)), true);
    });

    it('matches the same profile at another level in strict mode', () => {
      const baselineHigherLevel = { ...baseline, 'profile-level-id': '42e034' };
      assert.equal(matchCodecs(h264(baseline), h264(baselineHigherLevel), { strict: true }), true);
    });

    it('does not match a packetization-mode mismatch in strict mode (absent means 0)', () => {
      const mode0 = { 'profile-level-id': '42e01f' };
      assert.equal(matchCodecs(h264(baseline), h264(mode0), { strict: true }), false);
      assert.equal(
        matchCodecs(h264({ ...mode0, 'packetization-mode': 0 }), h264(mode0), { strict: true }),
        true,
      );
      assert.equal(matchCodecs(h264(baseline), h264(mode0)), true);
    });

    it('treats an absent profile-level-id as constrained baseline 42e01f', () => {
      assert.equal(
        matchCodecs(h264({ 'packetization-mode': 1 }), h264(baseline), { strict: true }),
        true,
      );
    });

    it('accepts a numeric profile-level-id as sdp-transform produces it', () => {
      const high = { 'packetization-mode': 1, 'profile-level-id': 640032 };
      assert.equal(
        matchCodecs(h264(high), h264({ ...high, 'profile-level-id': '640032' }), { strict: true }),
        true,
      );
    });

    it('with modify, writes the answered profile-level-id into the first codec', () => {
      const offered = h264({ 'packetization-mode': 1, 'profile-level-id': '42e034' });
      assert.equal(matchCodecs(offered, h264(baseline), { strict: true, modify: true }), true);
      assert.equal(offered.parameters!['profile-level-id'], '42e01f');

      const untouched = h264({ 'packetization-mode': 1, 'profile-level-id': '42e034' });
      matchCodecs(untouched, h264(baseline), { strict: true });
      assert.equal(untouched.parameters!['profile-level-id'], '42e034');
    });

    it('applies the same rules to H264-SVC', () => {
      const svc = (p: RtpCodecParameters['parameters']) => ({
        ...h264(p),
        mimeType: 'video/H264-SVC',
      });
      assert.equal(matchCodecs(svc(baseline), svc(main), { strict: true }), false);
      assert.equal(matchCodecs(svc(baseline), svc(baseline), { strict: true }), true);
    });
  });

  describe('VP9', () => {
    it('requires the same profile-id in strict mode only (absent means 0)', () => {
      assert.equal(
        matchCodecs(vp9({ 'profile-id': 0 }), vp9({ 'profile-id': 2 }), { strict: true }),
        false,
      );
      assert.equal(matchCodecs(vp9({ 'profile-id': 0 }), vp9({ 'profile-id': 2 })), true);
      assert.equal(matchCodecs(vp9({}), vp9({ 'profile-id': 0 }), { strict: true }), true);
      assert.equal(
        matchCodecs(vp9({ 'profile-id': '2' }), vp9({ 'profile-id': 2 }), { strict: true }),
        true,
      );
    });
  });

  describe('AV1', () => {
    it('requires the same profile in strict mode (absent means 0)', () => {
      const av1 = (p: RtpCodecParameters['parameters']) => ({
        mimeType: 'video/AV1',
        payloadType: 45,
        clockRate: 90000,
        parameters: p,
      });
      assert.equal(matchCodecs(av1({}), av1({ profile: 0 }), { strict: true }), true);
      assert.equal(matchCodecs(av1({}), av1({ profile: 1 }), { strict: true }), false);
    });
  });

  describe('multiopus', () => {
    it('requires the same num_streams and coupled_streams even when not strict', () => {
      const surround = {
        mimeType: 'audio/multiopus',
        payloadType: 100,
        clockRate: 48000,
        channels: 6,
        parameters: { channel_mapping: '0,4,1,2,3,5', num_streams: 4, coupled_streams: 2 },
      };
      assert.equal(matchCodecs(surround, structuredClone(surround)), true);
      const otherLayout = structuredClone(surround);
      otherLayout.parameters.num_streams = 3;
      assert.equal(matchCodecs(surround, otherLayout), false);
      const otherCoupling = structuredClone(surround);
      otherCoupling.parameters.coupled_streams = 1;
      assert.equal(matchCodecs(surround, otherCoupling), false);
    });
  });
});

describe('isRtxCodec()', () => {
  it('recognises video/rtx and audio/rtx in any case only', () => {
    assert.equal(isRtxCodec({ mimeType: 'video/rtx', payloadType: 97, clockRate: 90000 }), true);
    assert.equal(isRtxCodec({ mimeType: 'AUDIO/RTX', payloadType: 97, clockRate: 48000 }), true);
    assert.equal(isRtxCodec({ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }), false);
  });
});
