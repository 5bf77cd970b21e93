import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  generateRouterRtpCapabilities,
  getSupportedRtpCapabilities,
  validateRtpCapabilities,
  type RtpCapabilities,
  type RtpHeaderExtension,
} from '../../src/ortc/index.js';

describe('getSupportedRtpCapabilities()', () => {
  it('returns a fresh deep copy on every call', () => {
    const first = getSupportedRtpCapabilities();
    first.codecs!.length = 0;
    first.headerExtensions![0].preferredId = 99;

    const second = getSupportedRtpCapabilities();
    assert.ok(second.codecs!.length > 0);
    assert.equal(second.headerExtensions![0].preferredId, 1);
    assert.notEqual(second.codecs, getSupportedRtpCapabilities().codecs);
  });

  it('does not share rtcpFeedback entries between codecs', () => {
    const caps = getSupportedRtpCapabilities();
    const [vp8, vp9] = ['video/VP8', 'video/VP9'].map((mimeType) =>
      caps.codecs!.find((c) => c.mimeType === mimeType)!,
    );
    vp8.rtcpFeedback!.pop();
    assert.equal(vp9.rtcpFeedback!.length, 5);
  });

  // As mediasoup 3.19.3, whose first router normalises its table in place.
  it('is the table as written until a router is built from it, then normalised', () => {
    const vp8 = (caps: RtpCapabilities) => caps.codecs!.find((c) => c.mimeType === 'video/VP8')!;
    const written = getSupportedRtpCapabilities();
    assert.deepEqual(vp8(written).rtcpFeedback![0], { type: 'nack' });
    assert.equal(vp8(written).parameters, undefined);

    generateRouterRtpCapabilities([]);
    const caps = getSupportedRtpCapabilities();
    assert.deepEqual(vp8(caps).rtcpFeedback![0], { type: 'nack', parameter: '' });
    const copy = structuredClone(caps);
    validateRtpCapabilities(copy);
    assert.deepEqual(copy, caps);
  });

  it('lists no RTX codec, since the router adds one per video codec', () => {
    const caps = getSupportedRtpCapabilities();
    assert.ok(caps.codecs!.every((c) => !/\/rtx$/i.test(c.mimeType)));
  });

  it('offers opus 48000/2 with nack and transport-cc, and multiopus layouts', () => {
    const caps = getSupportedRtpCapabilities();
    const opus = caps.codecs!.find((c) => c.mimeType === 'audio/opus')!;
    assert.equal(opus.clockRate, 48000);
    assert.equal(opus.channels, 2);
    assert.deepEqual(
      opus.rtcpFeedback!.map((fb) => `${fb.type} ${fb.parameter ?? ''}`.trim()),
      ['nack', 'transport-cc'],
    );
    const surround = caps.codecs!.find(
      (c) => c.mimeType === 'audio/multiopus' && c.channels === 6,
    )!;
    assert.deepEqual(surround.parameters, {
      channel_mapping: '0,4,1,2,3,5',
      num_streams: 4,
      coupled_streams: 2,
    });
  });

  it('keeps the RFC 3551 static payload types of PCMU, PCMA and G722', () => {
    const caps = getSupportedRtpCapabilities();
    const pt = (mimeType: string) =>
      caps.codecs!.find((c) => c.mimeType === mimeType)!.preferredPayloadType;
    assert.equal(pt('audio/PCMU'), 0);
    assert.equal(pt('audio/PCMA'), 8);
    assert.equal(pt('audio/G722'), 9);
  });

  it('gives every video codec nack, nack pli, ccm fir, goog-remb and transport-cc', () => {
    const caps = getSupportedRtpCapabilities();
    const video = caps.codecs!.filter((c) => c.kind === 'video');
    assert.deepEqual(
      video.map((c) => c.mimeType),
      ['video/VP8', 'video/VP9', 'video/H264', 'video/H264-SVC', 'video/H265', 'video/AV1'],
    );
    for (const codec of video) {
      assert.deepEqual(
        codec.rtcpFeedback!.map((fb) => `${fb.type} ${fb.parameter ?? ''}`.trim()),
        ['nack', 'nack pli', 'ccm fir', 'goog-remb', 'transport-cc'],
      );
    }
  });

  it("uses mediasoup's header extension ids and directions", () => {
    const caps = getSupportedRtpCapabilities();
    const find = (kind: string, uri: string): RtpHeaderExtension | undefined =>
      caps.headerExtensions!.find((e) => e.kind === kind && e.uri === uri);
    const expect = (kind: string, uri: string, preferredId: number, direction: string) => {
      const ext = find(kind, uri);
      assert.ok(ext, `${kind} ${uri} missing`);
      assert.equal(ext.preferredId, preferredId, uri);
      assert.equal(ext.direction, direction, uri);
      assert.equal(ext.preferredEncrypt, false);
    };
    expect('audio', 'urn:ietf:params:rtp-hdrext:sdes:mid', 1, 'sendrecv');
    expect('video', 'urn:ietf:params:rtp-hdrext:sdes:mid', 1, 'sendrecv');
    expect('video', 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 2, 'recvonly');
    expect('video', 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', 3, 'recvonly');
    expect('video', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', 4, 'sendrecv');
    const twcc = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
    expect('audio', twcc, 5, 'recvonly');
    expect('video', twcc, 5, 'sendrecv');
    expect(
      'video',
      'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension',
      8,
      'recvonly',
    );
    expect('audio', 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', 10, 'sendrecv');
    expect('video', 'urn:3gpp:video-orientation', 11, 'sendrecv');
    expect('video', 'urn:ietf:params:rtp-hdrext:toffset', 12, 'sendrecv');
    expect(
      'audio',
      'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
      13,
      'sendrecv',
    );
    expect('video', 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay', 14, 'sendrecv');
  });
});
