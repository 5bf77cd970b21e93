import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  validateRtcpFeedback,
  validateRtcpParameters,
  validateRtpCapabilities,
  validateRtpCodecCapability,
  validateRtpCodecParameters,
  validateRtpEncodingParameters,
  validateRtpHeaderExtension,
  validateRtpHeaderExtensionParameters,
  validateRtpParameters,
} from '../../src/ortc/index.js';
import { chromeDeviceCapabilities, vp8SimulcastProducerParameters } from './fixtures.js';

/** Asserts a TypeError whose message mentions `field`. */
function rejects(fn: () => void, field: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TypeError, `expected TypeError, got ${String(error)}`);
    assert.ok(error.message.includes(field), `"${error.message}" does not name ${field}`);
    return true;
  });
}

describe('validateRtpCapabilities()', () => {
  it('accepts mediasoup-client device capabilities and fills defaults', () => {
    const caps = chromeDeviceCapabilities();
    validateRtpCapabilities(caps);
    const rtx = caps.codecs![2];
    assert.deepEqual(rtx.rtcpFeedback, []);
    assert.equal(caps.codecs![1].parameters !== undefined, true);
    assert.equal(caps.headerExtensions![0].direction, 'sendrecv');
    assert.equal(caps.headerExtensions![0].preferredEncrypt, false);
  });

  it('fills absent lists with []', () => {
    const caps = {};
    validateRtpCapabilities(caps);
    assert.deepEqual(caps, { codecs: [], headerExtensions: [] });
  });

  it('rejects non-objects and non-array lists naming the field', () => {
    rejects(() => validateRtpCapabilities(null), 'caps');
    rejects(() => validateRtpCapabilities([]), 'caps');
    rejects(() => validateRtpCapabilities({ codecs: {} }), 'caps.codecs');
    rejects(() => validateRtpCapabilities({ headerExtensions: 'x' }), 'caps.headerExtensions');
    rejects(
      () => validateRtpCapabilities({ codecs: [{ mimeType: 'audio/opus' }] }),
      'caps.codecs[0].clockRate',
    );
  });
});

describe('validateRtpCodecCapability()', () => {
  it('takes kind from the mimeType and fills channels, parameters and rtcpFeedback', () => {
    const codec: Record<string, unknown> = {
      kind: 'video',
      mimeType: 'AUDIO/opus',
      clockRate: 48000,
      parameters: { useinbandfec: undefined },
    };
    validateRtpCodecCapability(codec);
    assert.deepEqual(codec, {
      kind: 'audio',
      mimeType: 'AUDIO/opus',
      clockRate: 48000,
      channels: 1,
      parameters: { useinbandfec: '' },
      rtcpFeedback: [],
    });
  });

  it('drops channels from video codecs', () => {
    const codec = { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, channels: 2 };
    validateRtpCodecCapability(codec);
    assert.equal('channels' in codec, false);
  });

  it('rejects invalid fields naming them', () => {
    const base = () => ({ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000 });
    rejects(() => validateRtpCodecCapability('opus'), 'codec');
    rejects(() => validateRtpCodecCapability({ ...base(), mimeType: undefined }), 'codec.mimeType');
    rejects(() => validateRtpCodecCapability({ ...base(), mimeType: 'opus' }), 'codec.mimeType');
    rejects(() => validateRtpCodecCapability({ ...base(), mimeType: 'text/x' }), 'codec.mimeType');
    rejects(() => validateRtpCodecCapability({ ...base(), clockRate: '48000' }), 'codec.clockRate');
    rejects(() => validateRtpCodecCapability({ ...base(), clockRate: 0 }), 'codec.clockRate');
    rejects(() => validateRtpCodecCapability({ ...base(), channels: 1.5 }), 'codec.channels');
    rejects(
      () => validateRtpCodecCapability({ ...base(), preferredPayloadType: 100.5 }),
      'codec.preferredPayloadType',
    );
    rejects(
      () => validateRtpCodecCapability({ ...base(), preferredPayloadType: 128 }),
      'codec.preferredPayloadType',
    );
    rejects(() => validateRtpCodecCapability({ ...base(), parameters: 'x=1' }), 'codec.parameters');
    rejects(
      () => validateRtpCodecCapability({ ...base(), parameters: { stereo: true } }),
      'codec.parameters["stereo"]',
    );
    rejects(
      () =>
        validateRtpCodecCapability({ ...base(), mimeType: 'video/rtx', parameters: { apt: '96' } }),
      'codec.parameters.apt',
    );
    rejects(
      () => validateRtpCodecCapability({ ...base(), rtcpFeedback: {} }),
      'codec.rtcpFeedback',
    );
    rejects(
      () => validateRtpCodecCapability({ ...base(), rtcpFeedback: [{ parameter: 'pli' }] }),
      'codec.rtcpFeedback[0].type',
    );
  });
});

describe('validateRtcpFeedback()', () => {
  it('fills parameter with an empty string', () => {
    const fb = { type: 'nack' };
    validateRtcpFeedback(fb);
    assert.deepEqual(fb, { type: 'nack', parameter: '' });
  });

  it('rejects a missing type or a non-string parameter', () => {
    rejects(() => validateRtcpFeedback(undefined), 'fb');
    rejects(() => validateRtcpFeedback({ type: '' }), 'fb.type');
    rejects(() => validateRtcpFeedback({ type: 'nack', parameter: 1 }), 'fb.parameter');
  });
});

describe('validateRtpHeaderExtension()', () => {
  it('fills preferredEncrypt and direction', () => {
    const ext = { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 };
    validateRtpHeaderExtension(ext);
    assert.deepEqual(ext, { ...ext, preferredEncrypt: false, direction: 'sendrecv' });
  });

  it('rejects invalid fields naming them', () => {
    const base = () => ({ kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 11 });
    rejects(() => validateRtpHeaderExtension(7), 'ext');
    rejects(() => validateRtpHeaderExtension({ ...base(), kind: 'data' }), 'ext.kind');
    rejects(() => validateRtpHeaderExtension({ ...base(), uri: 42 }), 'ext.uri');
    rejects(
      () => validateRtpHeaderExtension({ ...base(), preferredId: undefined }),
      'ext.preferredId',
    );
    rejects(() => validateRtpHeaderExtension({ ...base(), preferredId: 0 }), 'ext.preferredId');
    rejects(() => validateRtpHeaderExtension({ ...base(), preferredId: 2.5 }), 'ext.preferredId');
    rejects(
      () => validateRtpHeaderExtension({ ...base(), preferredEncrypt: 'yes' }),
      'ext.preferredEncrypt',
    );
    rejects(() => validateRtpHeaderExtension({ ...base(), direction: 'both' }), 'ext.direction');
  });
});

describe('validateRtpParameters()', () => {
  it('accepts mediasoup-client producer parameters unchanged', () => {
    const params = vp8SimulcastProducerParameters();
    const before = structuredClone(params);
    validateRtpParameters(params);
    assert.deepEqual(params, before);
  });

  it('fills headerExtensions, encodings and rtcp', () => {
    const params = {
      codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
    };
    validateRtpParameters(params);
    assert.deepEqual(params, {
      codecs: [
        {
          mimeType: 'video/VP8',
          payloadType: 96,
          clockRate: 90000,
          parameters: {},
          rtcpFeedback: [],
        },
      ],
      headerExtensions: [],
      encodings: [],
      rtcp: { reducedSize: true },
    });
  });

  it('rejects invalid fields naming them', () => {
    const base = () => vp8SimulcastProducerParameters() as unknown as Record<string, unknown>;
    rejects(() => validateRtpParameters('params'), 'params');
    rejects(() => validateRtpParameters({ ...base(), mid: 1 }), 'params.mid');
    rejects(() => validateRtpParameters({ ...base(), msid: {} }), 'params.msid');
    rejects(() => validateRtpParameters({ ...base(), codecs: undefined }), 'params.codecs');
    rejects(() => validateRtpParameters({ ...base(), codecs: {} }), 'params.codecs');
    rejects(
      () => validateRtpParameters({ ...base(), headerExtensions: {} }),
      'params.headerExtensions',
    );
    rejects(() => validateRtpParameters({ ...base(), encodings: 1 }), 'params.encodings');
    rejects(() => validateRtpParameters({ ...base(), rtcp: 'x' }), 'params.rtcp');
    const params = base();
    (params.encodings as Record<string, unknown>[])[2].ssrc = -1;
    rejects(() => validateRtpParameters(params), 'params.encodings[2].ssrc');
  });
});

describe('validateRtpCodecParameters()', () => {
  it('requires an integer payload type in [0, 127]', () => {
    const base = () => ({ mimeType: 'video/VP8', clockRate: 90000 });
    rejects(() => validateRtpCodecParameters(base()), 'codec.payloadType');
    rejects(
      () => validateRtpCodecParameters({ ...base(), payloadType: '96' }),
      'codec.payloadType',
    );
    rejects(
      () => validateRtpCodecParameters({ ...base(), payloadType: 96.5 }),
      'codec.payloadType',
    );
    rejects(() => validateRtpCodecParameters({ ...base(), payloadType: 128 }), 'codec.payloadType');
    rejects(
      () => validateRtpCodecParameters({ ...base(), payloadType: 96, mimeType: 'vp8' }),
      'codec.mimeType',
    );
    rejects(
      () => validateRtpCodecParameters({ ...base(), payloadType: 96, clockRate: undefined }),
      'codec.clockRate',
    );
  });

  it('fills channels for audio and removes them from video', () => {
    const audio: Record<string, unknown> = {
      mimeType: 'audio/PCMU',
      payloadType: 0,
      clockRate: 8000,
    };
    validateRtpCodecParameters(audio);
    assert.equal(audio.channels, 1);
    const video: Record<string, unknown> = {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      channels: 1,
    };
    validateRtpCodecParameters(video);
    assert.equal('channels' in video, false);
  });
});

describe('validateRtpHeaderExtensionParameters()', () => {
  it('fills encrypt and parameters', () => {
    const ext = { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 };
    validateRtpHeaderExtensionParameters(ext);
    assert.deepEqual(ext, { ...ext, encrypt: false, parameters: {} });
  });

  it('rejects invalid fields naming them', () => {
    const base = () => ({ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 });
    rejects(() => validateRtpHeaderExtensionParameters(null), 'ext');
    rejects(() => validateRtpHeaderExtensionParameters({ id: 1 }), 'ext.uri');
    rejects(() => validateRtpHeaderExtensionParameters({ ...base(), id: '1' }), 'ext.id');
    rejects(() => validateRtpHeaderExtensionParameters({ ...base(), id: 256 }), 'ext.id');
    rejects(() => validateRtpHeaderExtensionParameters({ ...base(), encrypt: 1 }), 'ext.encrypt');
    rejects(
      () => validateRtpHeaderExtensionParameters({ ...base(), parameters: { a: [] } }),
      'ext.parameters["a"]',
    );
  });
});

describe('validateRtpEncodingParameters()', () => {
  it('fills dtx with false and accepts rid-only encodings', () => {
    const encoding = { rid: 'r0', scalabilityMode: 'L1T3', maxBitrate: 100000 };
    validateRtpEncodingParameters(encoding);
    assert.deepEqual(encoding, { ...encoding, dtx: false });
  });

  it('rejects invalid fields naming them', () => {
    rejects(() => validateRtpEncodingParameters('e'), 'encoding');
    rejects(() => validateRtpEncodingParameters({ ssrc: 1.5 }), 'encoding.ssrc');
    rejects(() => validateRtpEncodingParameters({ ssrc: 2 ** 32 }), 'encoding.ssrc');
    rejects(() => validateRtpEncodingParameters({ rid: 5 }), 'encoding.rid');
    rejects(
      () => validateRtpEncodingParameters({ codecPayloadType: -1 }),
      'encoding.codecPayloadType',
    );
    rejects(() => validateRtpEncodingParameters({ ssrc: 1, rtx: 5 }), 'encoding.rtx');
    rejects(() => validateRtpEncodingParameters({ ssrc: 1, rtx: {} }), 'encoding.rtx.ssrc');
    rejects(() => validateRtpEncodingParameters({ dtx: 'true' }), 'encoding.dtx');
    rejects(
      () => validateRtpEncodingParameters({ scalabilityMode: 3 }),
      'encoding.scalabilityMode',
    );
    rejects(() => validateRtpEncodingParameters({ maxBitrate: -5 }), 'encoding.maxBitrate');
    rejects(
      () => validateRtpEncodingParameters({ scaleResolutionDownBy: 0.5 }),
      'encoding.scaleResolutionDownBy',
    );
  });
});

describe('validateRtcpParameters()', () => {
  it('defaults reducedSize to true but keeps an explicit false', () => {
    const absent = { cname: 'abc' };
    validateRtcpParameters(absent);
    assert.deepEqual(absent, { cname: 'abc', reducedSize: true });
    const explicit = { reducedSize: false };
    validateRtcpParameters(explicit);
    assert.equal(explicit.reducedSize, false);
  });

  it('rejects invalid fields naming them', () => {
    rejects(() => validateRtcpParameters(1), 'rtcp');
    rejects(() => validateRtcpParameters({ cname: 1 }), 'rtcp.cname');
    rejects(() => validateRtcpParameters({ reducedSize: 'no' }), 'rtcp.reducedSize');
  });
});
