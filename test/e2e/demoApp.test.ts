/**
 * A mediasoup-demo-style application (test/demoApp: protoo signaling, rooms on a WebRtcServer
 * with listenInfos beside it, worker ports unset, a chat bot on a DirectTransport, RTP
 * observers, trace events, a PlainTransport broadcaster API) running on Skein with only its
 * import pointing at Skein (test/demoApp/sfu.ts). Its checklist is test/demoApp/CALLS.md.
 *
 * Two Chromium tabs join a room, send camera and microphone and decode each other; they chat
 * over DataChannels and get the bot's answer; they receive the notifications the application
 * sends (downlinkBwe from `trace`, activeSpeaker from the audio level observer, scores,
 * layers); the test drives stats, pause/resume, preferred layers, priority, key frames and an
 * ICE restart as the demo's page does; ffmpeg publishes through the broadcaster API (two
 * comedia PlainTransports without RTCP-mux) and both tabs decode it.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { buildPage } from '../demoApp/bundle.js';
import { makeConfig } from '../demoApp/config.js';
import { complaints } from '../demoApp/logger.js';
import { startDemoServer, type DemoServer } from '../demoApp/server.js';
import { describeExit } from '../peer/boundedProcess.js';
import { startFfmpegSender } from '../peer/ffmpeg.js';
import { SKIP_WITHOUT_CHROMIUM } from './browser.js';
import { DemoBrowser, type DemoPage } from './demoApp/pages.js';
import { waitFor } from './videorooms/pages.js';

const skip = SKIP_WITHOUT_CHROMIUM;
const ROOM = 'demo-room';

function log(message: string): void {
  console.log(`# demoApp e2e: ${message}`);
}

/** True if `port` can be bound on 127.0.0.1 for both UDP and TCP right now. */
async function freeForBoth(port: number): Promise<boolean> {
  const udp = createSocket('udp4');
  const udpOk = await new Promise<boolean>((resolve) => {
    udp.once('error', () => resolve(false));
    udp.bind(port, '127.0.0.1', () => resolve(true));
  });
  udp.close();
  if (!udpOk) return false;
  const tcp = createServer();
  const tcpOk = await new Promise<boolean>((resolve) => {
    tcp.once('error', () => resolve(false));
    tcp.listen(port, '127.0.0.1', () => resolve(true));
  });
  await new Promise((resolve) => tcp.close(resolve));
  return tcpOk;
}

/** A port p with p and p + 1 free for UDP and TCP (one WebRtcServer per worker). */
async function webRtcServerPorts(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if ((await freeForBoth(port)) && (await freeForBoth(port + 1))) return port;
  }
  throw new Error('no free port pair for the WebRtcServers');
}

describe('mediasoup-demo-style application on Skein', { skip }, () => {
  let server: DemoServer;
  let browser: DemoBrowser;
  let publicDir: string;
  let alice: DemoPage;
  let bob: DemoPage;
  const started = Date.now();

  before(async () => {
    publicDir = join(tmpdir(), `skein-demoapp-${process.pid}`);
    await buildPage(publicDir);
    // As deployed: the demo's variables, worker ports unset (Number(undefined) reaches
    // createWorker), the WebRtcServer's port given.
    const config = makeConfig({
      MEDIASOUP_LISTEN_IP: '127.0.0.1',
      MEDIASOUP_WEBRTC_SERVER_PORT: String(await webRtcServerPorts()),
      DEMOAPP_HTTP_IP: '127.0.0.1',
      DEMOAPP_HTTP_PORT: '0',
    });
    server = await startDemoServer(config, { publicDir });
    browser = await DemoBrowser.launch();
    log(`server and browser up after ${Date.now() - started} ms`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(publicDir, { recursive: true, force: true });
    log(`done after ${Date.now() - started} ms`);
  });

  /** Adds the pages' logs and the application's complaints to a failure. */
  async function step(name: string, body: () => Promise<void>): Promise<void> {
    const t = Date.now();
    try {
      await body();
    } catch (error) {
      if (error instanceof Error) {
        error.message += `\n--- application ---\n${complaints.join('\n')}`;
        error.message += `\n--- pages ---\n${browser.logs()}`;
      }
      throw error;
    }
    log(`${name}: ${Date.now() - t} ms`);
  }

  test('two tabs join, decode each other and get the notifications', async () => {
    await step('join and decode', async () => {
      alice = await browser.open(server.url, ROOM, 'alice', 'Alice');
      bob = await browser.open(server.url, ROOM, 'bob', 'Bob');
      for (const [page, other] of [
        [alice, 'bob'],
        [bob, 'alice'],
      ] as const) {
        await page.waitForState(
          (s) => s.consumers.filter((c) => c.peerId === other).length === 2,
          `consumers of ${other}'s camera and microphone`,
        );
        const video = await page.waitForVideoOf(other, `${other}'s camera`);
        assert.ok(video.frameWidth > 0, 'frames of a size');
      }
      const audio = (await bob.call('inboundStats')).find((s) => s.kind === 'audio');
      assert.ok(audio && audio.packetsReceived > 0, "alice's microphone reaches bob");
    });

    await step('notifications', async () => {
      for (const page of [alice, bob]) {
        const version = await page.waitForNotification('mediasoup-version');
        assert.equal(typeof version.data.version, 'string');
        const bwe = await page.waitForNotification('downlinkBwe');
        assert.ok(Number(bwe.data.availableBitrate) > 0, JSON.stringify(bwe.data));
        assert.equal(typeof bwe.data.desiredBitrate, 'number');
        assert.equal(typeof bwe.data.effectiveDesiredBitrate, 'number');
        await page.waitForNotification('consumerScore', (d) => typeof d.score === 'object');
        await page.waitForNotification('producerScore', (d) => Array.isArray(d.score));
      }
      const [room] = server.rooms.values();
      // Both fake microphones beep: the loudest is one of the two.
      const speaker = await bob.waitForNotification('activeSpeaker', (d) => d.peerId !== null);
      assert.ok(['alice', 'bob'].includes(String(speaker.data.peerId)));
      assert.ok(Number(speaker.data.volume) <= 0 && Number(speaker.data.volume) >= -127);
      await waitFor(
        () => Promise.resolve(room.dominantSpeakers.length > 0),
        'a dominantspeaker event',
        10_000,
      );
    });
  });

  test('chat over DataChannels and the bot on a DirectTransport', async () => {
    await step('chat and bot', async () => {
      for (const page of [alice, bob]) {
        await page.waitForState(
          (s) =>
            s.dataProducers.filter((d) => d.readyState === 'open').length === 2 &&
            s.dataConsumers.filter((d) => d.readyState === 'open').length === 2,
          'chat and bot data producers, chat and bot data consumers open',
        );
      }
      await alice.call('sendChat', 'hello from Alice');
      await bob.waitForState(
        (s) =>
          s.dataConsumers.some(
            (d) =>
              d.label === 'chat' && d.peerId === 'alice' && d.messages.includes('hello from Alice'),
          ),
        "alice's chat message",
      );
      await bob.call('sendBot', 'ping');
      const echo = 'Bob said me: "ping"';
      for (const page of [alice, bob]) {
        await page.waitForState(
          (s) =>
            s.dataConsumers.some(
              (d) => d.label === 'bot' && d.peerId === null && d.messages.includes(echo),
            ),
          "the bot's answer",
        );
      }
    });
  });

  test('stats of every object the page shows', async () => {
    await step('stats', async () => {
      const ids = await alice.call('ids');
      const state = await alice.state();
      const transportStats = (await alice.call('request', 'getTransportStats', {
        transportId: ids.sendTransportId,
      })) as Record<string, unknown>[];
      assert.equal(transportStats[0].type, 'webrtc-transport');
      assert.ok(Number(transportStats[0].bytesReceived) > 0);
      const video = state.producers.find((p) => p.kind === 'video')!;
      const producerStats = (await alice.call('request', 'getProducerStats', {
        producerId: video.id,
      })) as Record<string, unknown>[];
      assert.ok(producerStats.length >= 1);
      assert.equal(producerStats[0].type, 'inbound-rtp');
      assert.ok(Number(producerStats[0].packetCount) > 0);
      const consumer = state.consumers.find((c) => c.kind === 'video')!;
      const consumerStats = (await alice.call('request', 'getConsumerStats', {
        consumerId: consumer.id,
      })) as Record<string, unknown>[];
      const outbound = consumerStats.find((s) => s.type === 'outbound-rtp');
      assert.ok(outbound && Number(outbound.packetCount) > 0, JSON.stringify(consumerStats));
      const dataProducerStats = (await alice.call('request', 'getDataProducerStats', {
        dataProducerId: ids.dataProducers.chat,
      })) as Record<string, unknown>[];
      assert.equal(dataProducerStats[0].type, 'data-producer');
      assert.equal(dataProducerStats[0].messagesReceived, 1);
      const botConsumer = state.dataConsumers.find((d) => d.label === 'bot')!;
      const dataConsumerStats = (await alice.call('request', 'getDataConsumerStats', {
        dataConsumerId: botConsumer.id,
      })) as Record<string, unknown>[];
      assert.equal(dataConsumerStats[0].type, 'data-consumer');
      assert.equal(dataConsumerStats[0].messagesSent, 1);

      // The interactive console's view: every object found through the observer API, dumps.
      const counts = server.registry.counts();
      assert.equal(counts.webRtcServers, server.workers.length);
      assert.equal(counts.routers, 1);
      // 2 × 2 browser transports and the bot's DirectTransport.
      assert.equal(counts.transports, 5);
      assert.equal(counts.producers, 4);
      assert.equal(counts.consumers, 4);
      // chat and bot of each tab, the bot's own.
      assert.equal(counts.dataProducers, 5);
      // each tab's chat of the other and the bot's, the bot's of each tab's bot producer.
      assert.equal(counts.dataConsumers, 6);
      const dumps = await server.registry.dumpAll();
      assert.ok(dumps.every((d) => typeof d === 'object' && d !== null));
      const usage = await server.workers[0].getResourceUsage();
      assert.equal(typeof usage.ru_utime, 'number');
    });
  });

  test('pause and resume, preferred layers, priority, key frame', async () => {
    await step('pause/resume', async () => {
      const since = Date.now();
      await alice.call('pauseProducer', 'video');
      const paused = await bob.waitForNotification('consumerPaused', () => true, 10_000, since);
      await bob.waitForState(
        (s) => s.consumers.some((c) => c.id === paused.data.consumerId && c.remotelyPaused),
        'consumer marked paused',
      );
      await alice.call('resumeProducer', 'video');
      await bob.waitForNotification('consumerResumed', () => true, 10_000, since);
      await bob.waitForVideoOf('alice', "alice's camera after its resume");

      const consumerId = String(paused.data.consumerId);
      await bob.call('pauseConsumer', consumerId);
      await bob.call('resumeConsumer', consumerId);
      await bob.waitForVideoOf('alice', "alice's camera after bob's consumer resumed");

      const layersSince = Date.now();
      await bob.call('setConsumerPreferredLayers', consumerId, 0, 0);
      await bob.waitForNotification(
        'consumerLayersChanged',
        (d) => d.consumerId === consumerId && d.spatialLayer === 0,
        15_000,
        layersSince,
      );
      await bob.call('setConsumerPriority', consumerId, 2);
      await bob.call('requestConsumerKeyFrame', consumerId);
      await bob.call('setConsumerPreferredLayers', consumerId, 2, 2);
      await bob.waitForVideoOf('alice', "alice's camera, top layer asked");
    });
  });

  test('ICE restart keeps the media flowing', async () => {
    await step('ICE restart', async () => {
      await alice.call('restartIce');
      await bob.call('restartIce');
      await alice.waitForVideoOf('bob', "bob's camera after both restarts");
      await bob.waitForVideoOf('alice', "alice's camera after both restarts");
      const state = await alice.state();
      assert.deepEqual(state.transports, { send: 'connected', recv: 'connected' });
    });
  });

  test('a broadcaster publishes with ffmpeg through PlainTransports; both tabs decode it', async () => {
    await step('broadcaster', async () => {
      const base = `${server.url}/rooms/${ROOM}`;
      const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
        const response = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        assert.equal(response.status, 200, `${path}: ${text}`);
        return JSON.parse(text) as Record<string, unknown>;
      };
      const capabilities = await fetch(base, { signal: AbortSignal.timeout(10_000) });
      assert.equal(capabilities.status, 200);
      const id = 'ffmpeg-broadcaster';
      await post('/broadcasters', { id, displayName: 'Broadcaster', device: { name: 'FFmpeg' } });
      const plain = { type: 'plain', comedia: true, rtcpMux: false };
      const audio = await post(`/broadcasters/${id}/transports`, plain);
      const video = await post(`/broadcasters/${id}/transports`, plain);
      for (const transport of [audio, video]) {
        assert.equal(transport.ip, '127.0.0.1', 'the tuple of the PlainTransport');
        assert.equal(typeof transport.port, 'number');
        assert.equal(typeof transport.rtcpPort, 'number');
      }
      await post(`/broadcasters/${id}/transports/${String(audio.id)}/producers`, {
        kind: 'audio',
        rtpParameters: {
          codecs: [
            {
              mimeType: 'audio/opus',
              payloadType: 100,
              clockRate: 48000,
              channels: 2,
              parameters: { 'sprop-stereo': 1 },
            },
          ],
          encodings: [{ ssrc: 1111 }],
        },
      });
      await post(`/broadcasters/${id}/transports/${String(video.id)}/producers`, {
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/vp8', payloadType: 101, clockRate: 90000 }],
          encodings: [{ ssrc: 2222 }],
        },
      });
      const sender = startFfmpegSender({
        durationSec: 20,
        video: {
          codec: 'vp8',
          payloadType: 101,
          ssrc: 2222,
          output: { via: 'rtp', port: Number(video.port), rtcpPort: Number(video.rtcpPort) },
        },
        audio: {
          payloadType: 100,
          ssrc: 1111,
          output: { via: 'rtp', port: Number(audio.port), rtcpPort: Number(audio.rtcpPort) },
        },
      });
      try {
        for (const page of [alice, bob]) {
          await page.waitForVideoOf(id, "the broadcaster's 320-wide test picture", 320);
        }
        const heard = (await alice.call('inboundStats')).find(
          (s) => s.peerId === id && s.kind === 'audio',
        );
        assert.ok(heard && heard.packetsReceived > 0, "the broadcaster's opus reaches alice");
      } finally {
        const exit = await sender.stop();
        assert.ok(exit.killed || exit.code === 0, describeExit('ffmpeg', exit));
      }
      const since = Date.now();
      const deleted = await fetch(`${base}/broadcasters/${id}`, {
        method: 'DELETE',
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(deleted.status, 200);
      await alice.waitForNotification('peerClosed', (d) => d.peerId === id, 10_000, since);
      await alice.waitForState(
        (s) => !s.consumers.some((c) => c.peerId === id),
        "the broadcaster's consumers closed",
      );
    });
  });

  test('leaving closes the room and its router', async () => {
    await step('leave', async () => {
      for (const page of [alice, bob]) assert.deepEqual((await page.state()).errors, []);
      const [room] = server.rooms.values();
      await alice.call('leave');
      await bob.waitForNotification('peerClosed', (d) => d.peerId === 'alice');
      await bob.call('leave');
      await waitFor(() => Promise.resolve(room.router.closed), 'router closed', 10_000);
      assert.equal(server.rooms.size, 0);
      const unexpected = complaints.filter((line) => !/closing the peer/.test(line));
      assert.deepEqual(unexpected, [], 'the application complained');
    });
  });
});
