/**
 * The plain RTP test peers (ffmpeg, GStreamer) proven against plain Node sockets before any
 * Skein transport relies on them: what they send (payload types, SSRCs, sizes, source ports,
 * RTCP), that ffmpeg's SRTP verifies with Skein's own SrtpSession, and that the recorder
 * writes a file ffprobe decodes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { SrtpSession, isSrtpError, rtpHeaderLength } from '../../src/protocols/srtp/index.js';
import { eventually } from '../api/mediaFixtures.js';
import { describeExit } from './boundedProcess.js';
import { FFMPEG_CODECS, probeMedia, startFfmpegRecorder, startFfmpegSender } from './ffmpeg.js';
import { startGstSender } from './gstreamer.js';
import { receiverSdp } from './rtpSdp.js';
import { UdpCapture, type CapturedPacket } from './udpCapture.js';
import { freeUdpPortPair } from './udpPorts.js';

const RTCP_SR = 200;
const MAX_PACKET = 1200;

/** The VP8 payload descriptor carries a 15-bit PictureID (RFC 7741 §4.2: X, I, M bits). */
function hasLongPictureId(payload: Uint8Array): boolean {
  if (payload.length < 3 || !(payload[0] & 0x80)) return false;
  return (payload[1] & 0x80) !== 0 && (payload[2] & 0x80) !== 0;
}

function payloadOf(packet: Uint8Array): Uint8Array {
  const headerLength = rtpHeaderLength(packet, packet.length);
  assert.ok(headerLength > 0, 'an RTP header');
  return packet.subarray(headerLength);
}

function assertStream(packets: CapturedPacket[], ssrc: number, minimum: number): void {
  assert.ok(packets.length >= minimum, `${packets.length} packets (want ≥ ${minimum})`);
  assert.ok(
    packets.every((p) => p.ssrc === ssrc),
    `every SSRC is ${ssrc}`,
  );
  const largest = Math.max(...packets.map((p) => p.data.length));
  assert.ok(largest <= MAX_PACKET, `largest packet ${largest} B ≤ ${MAX_PACKET}`);
}

const sockets: UdpCapture[] = [];
async function capture(options: Parameters<typeof UdpCapture.open>[0] = {}): Promise<UdpCapture> {
  const socket = await UdpCapture.open(options);
  sockets.push(socket);
  return socket;
}
after(async () => {
  await Promise.all(sockets.map((s) => s.close()));
});

describe('ffmpeg sender', () => {
  test('VP8 + opus as asked: RTCP muxed on the video port, on port + 1 for audio', async () => {
    const video = await capture();
    const audio = await capture();
    const audioRtcp = await capture();
    const sender = startFfmpegSender({
      durationSec: 1.5,
      video: {
        codec: 'vp8',
        payloadType: 101,
        ssrc: 0x11111111,
        output: { via: 'rtp', port: video.port },
      },
      audio: {
        payloadType: 100,
        ssrc: 0xf2222222,
        output: { via: 'rtp', port: audio.port, rtcpPort: audioRtcp.port },
      },
    });
    const exit = await sender.exited;
    assert.equal(exit.code, 0, describeExit('ffmpeg', exit));

    const vp8 = video.rtp(101);
    assertStream(vp8, 0x11111111, 30);
    assert.ok(
      vp8.every((p) => hasLongPictureId(payloadOf(p.data))),
      '15-bit PictureIDs',
    );
    assert.equal(video.rtp().length, vp8.length, 'nothing but PT 101 on the video port');
    // ffmpeg sends a first SR before the first RTP packet, from its RTCP socket.
    const videoSrs = video.rtcp(RTCP_SR);
    assert.ok(videoSrs.length >= 1, 'an SR muxed on the RTP port');
    assert.ok(videoSrs.every((p) => p.ssrc === 0x11111111));
    assert.notEqual(videoSrs[0].fromPort, vp8[0].fromPort, 'RTCP leaves from its own socket');

    assertStream(audio.rtp(100), 0xf2222222, 50);
    assert.equal(audio.rtcp().length, 0, 'no RTCP on the audio RTP port');
    assert.ok(audioRtcp.rtcp(RTCP_SR).length >= 1, 'audio SR on the RTCP port');
  });

  test('comedia-friendly: both streams and their RTCP from one local port to one port', async () => {
    const port = await capture();
    const localPort = await freeUdpPortPair();
    const output = { via: 'udp', port: port.port, localPort } as const;
    const sender = startFfmpegSender({
      durationSec: 1.5,
      video: { codec: 'vp8', payloadType: 96, ssrc: 1111, output },
      audio: { payloadType: 111, ssrc: 2222, output },
    });
    const exit = await sender.exited;
    assert.equal(exit.code, 0, describeExit('ffmpeg', exit));
    assertStream(port.rtp(96), 1111, 30);
    assertStream(port.rtp(111), 2222, 50);
    assert.ok(port.rtcp(RTCP_SR).length >= 2, 'an SR per stream');
    const sources = new Set(port.packets.map((p) => p.fromPort));
    assert.deepEqual([...sources], [localPort], 'one source port for everything');
  });

  test('H264 baseline from a fixed local port, no RTCP with skipRtcp', async () => {
    const port = await capture();
    const localPort = await freeUdpPortPair();
    const sender = startFfmpegSender({
      durationSec: 1.5,
      skipRtcp: true,
      video: {
        codec: 'h264',
        payloadType: 102,
        ssrc: 3333,
        output: { via: 'rtp', port: port.port, localPort, localRtcpPort: localPort + 1 },
      },
    });
    const exit = await sender.exited;
    assert.equal(exit.code, 0, describeExit('ffmpeg', exit));
    const h264 = port.rtp(102);
    assertStream(h264, 3333, 30);
    assert.equal(port.rtcp().length, 0, 'skip_rtcp sends no RTCP');
    assert.ok(
      h264.every((p) => p.fromPort === localPort),
      'RTP from the given local port',
    );
    const naluTypes = new Set(h264.map((p) => payloadOf(p.data)[0] & 0x1f));
    assert.ok(naluTypes.has(24), 'STAP-A (SPS + PPS before each IDR)');
    assert.ok(naluTypes.has(28), 'FU-A fragments');
    assert.equal(FFMPEG_CODECS.h264.parameters['packetization-mode'], 1);
  });

  test('SRTP (AES_CM_128_HMAC_SHA1_80) verifies and decrypts with SrtpSession', async () => {
    const port = await capture();
    const keying = randomBytes(30);
    const sender = startFfmpegSender({
      durationSec: 1.5,
      srtp: { suite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: keying.toString('base64') },
      video: { codec: 'vp8', payloadType: 96, ssrc: 4444, output: { via: 'rtp', port: port.port } },
      audio: { payloadType: 111, ssrc: 5555, output: { via: 'rtp', port: port.port } },
    });
    const exit = await sender.exited;
    assert.equal(exit.code, 0, describeExit('ffmpeg', exit));

    const session = new SrtpSession(
      'AES_CM_128_HMAC_SHA1_80',
      keying.subarray(0, 16),
      keying.subarray(16),
    );
    const wrong = new SrtpSession('AES_CM_128_HMAC_SHA1_80', randomBytes(16), keying.subarray(16));
    const rtp = port.rtp();
    assert.ok(port.rtp(96).length >= 30 && port.rtp(111).length >= 50, `${rtp.length} RTP`);
    let pictureIds = 0;
    for (const packet of rtp) {
      assert.ok(isSrtpError(wrong.unprotectRtp(packet.data)), 'a wrong key fails');
      const clear = session.unprotectRtp(packet.data);
      assert.ok(!isSrtpError(clear), `packet of SSRC ${packet.ssrc} authenticates`);
      if (packet.type === 96 && hasLongPictureId(payloadOf(clear))) pictureIds++;
    }
    assert.equal(pictureIds, port.rtp(96).length, 'decrypted VP8 has its PictureIDs');
    const srs = port.rtcp(RTCP_SR);
    assert.ok(srs.length >= 2, 'SRTCP SRs');
    for (const sr of srs) assert.ok(!isSrtpError(session.unprotectRtcp(sr.data)), 'SRTCP verifies');
  });
});

describe('GStreamer sender', () => {
  test('VP8 + opus through one socket as asked, 15-bit PictureIDs, MTU 1200', async () => {
    const port = await capture();
    const destination = { port: port.port };
    const sender = startGstSender({
      durationSec: 1.5,
      video: { payloadType: 97, ssrc: 1234, destination },
      audio: { payloadType: 98, ssrc: 5678, destination },
    });
    const exit = await sender.exited;
    assert.equal(exit.code, 0, describeExit('gst-launch-1.0', exit));
    const vp8 = port.rtp(97);
    assertStream(vp8, 1234, 30);
    assert.ok(
      vp8.every((p) => hasLongPictureId(payloadOf(p.data))),
      '15-bit PictureIDs',
    );
    assert.ok(
      vp8.some((p) => p.data.length > 1000),
      'a key frame fills packets up to the MTU',
    );
    assertStream(port.rtp(98), 5678, 50);
    assert.equal(new Set(port.packets.map((p) => p.fromPort)).size, 1, 'one source tuple');
  });
});

describe('ffmpeg recorder', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skein-plain-peers-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('SDP: one section per stream, port pairs must not overlap', () => {
    const sdp = receiverSdp({
      streams: [
        { kind: 'video', port: 5020, payloadType: 101, codecName: 'VP8', clockRate: 90000 },
        {
          kind: 'audio',
          port: 5022,
          payloadType: 100,
          codecName: 'opus',
          clockRate: 48000,
          channels: 2,
        },
      ],
    });
    assert.match(sdp, /\r\nm=video 5020 RTP\/AVP 101\r\na=rtpmap:101 VP8\/90000\r\n/);
    assert.match(sdp, /\r\nm=audio 5022 RTP\/AVP 100\r\na=rtpmap:100 opus\/48000\/2\r\n/);
    const clash = {
      kind: 'audio',
      port: 5021,
      payloadType: 100,
      codecName: 'opus',
      clockRate: 48000,
    } as const;
    assert.throws(
      () => receiverSdp({ streams: [{ ...clash, kind: 'video', port: 5020 }, clash] }),
      TypeError,
    );
  });

  test('records VP8 + opus relayed by Node sockets from ffmpeg; ffprobe counts the frames', async () => {
    const videoPort = await freeUdpPortPair();
    let audioPort = await freeUdpPortPair();
    while (Math.abs(audioPort - videoPort) < 2) audioPort = await freeUdpPortPair();
    const outPath = join(dir, 'relayed.webm');
    const recorder = await startFfmpegRecorder({
      outPath,
      durationSec: 2,
      streams: [
        { kind: 'video', port: videoPort, payloadType: 101, codecName: 'VP8', clockRate: 90000 },
        {
          kind: 'audio',
          port: audioPort,
          payloadType: 100,
          codecName: 'opus',
          clockRate: 48000,
          channels: 2,
        },
      ],
    });
    await recorder.ready;
    const videoRelay = await capture({ relayTo: videoPort });
    const audioRelay = await capture({ relayTo: audioPort });
    const sender = startFfmpegSender({
      durationSec: 3,
      video: {
        codec: 'vp8',
        payloadType: 101,
        ssrc: 7777,
        output: { via: 'rtp', port: videoRelay.port },
      },
      audio: { payloadType: 100, ssrc: 8888, output: { via: 'rtp', port: audioRelay.port } },
    });
    const recorded = await recorder.done;
    assert.equal(recorded.code, 0, describeExit('ffmpeg recorder', recorded));
    await sender.stop();
    assert.ok(await eventually(() => videoRelay.received > 0), 'the relay saw packets');

    const streams = await probeMedia(outPath);
    const video = streams.find((s) => s.codecType === 'video');
    const audio = streams.find((s) => s.codecType === 'audio');
    assert.ok(video && audio, JSON.stringify(streams));
    assert.equal(video.codecName, 'vp8');
    assert.equal(`${video.width}x${video.height}`, '320x240');
    assert.ok(video.frames >= 40, `${video.frames} video frames in 2 s`);
    assert.equal(audio.codecName, 'opus');
    assert.ok(audio.frames >= 70, `${audio.frames} opus frames in 2 s`);
  });
});
