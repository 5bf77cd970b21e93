/**
 * Media through Skein between two real mediasoup-client peers in headless
 * Chromium: page A publishes the fake camera and microphone, page B consumes
 * both; B's getStats() must show decoded video frames and received audio.
 * Runs in both worker modes, over UDP, TCP and a WebRtcServer.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type Producer,
  type Router,
  type WebRtcServer,
  type RouterRtpCodecCapability,
  type Worker,
  type WorkerMode,
} from '../../src/index.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser, type PeerPage } from './browser.js';
import {
  publish,
  serverTransport,
  subscribe,
  transportParams,
  type TransportChoice,
} from './sfu.js';

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
];

const skip = SKIP_WITHOUT_CHROMIUM;

const MODES: WorkerMode[] = ['thread', 'process'];

// Lets the tests inject packet loss into a transport (WebRtcTransport.setPacketLossForTesting).
process.env.SKEIN_ENABLE_CRASH_REQUESTS = '1';

for (const mode of MODES) {
  describe(`media through Skein (${mode} mode)`, { skip }, () => {
    let worker: Worker;
    let router: Router;
    let browser: E2EBrowser;
    let webRtcServer: WebRtcServer;

    before(async () => {
      worker = await createWorker({ mode, logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
      router = await worker.createRouter({ mediaCodecs });
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1' },
          { protocol: 'tcp', ip: '127.0.0.1' },
        ],
      });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      worker?.close();
    });

    const scenarios: { name: string; choice: () => Promise<TransportChoice> }[] = [
      { name: 'UDP', choice: () => Promise.resolve({ protocol: 'udp' }) },
      { name: 'TCP', choice: () => Promise.resolve({ protocol: 'tcp' }) },
      {
        name: 'a WebRtcServer (UDP)',
        choice: () => Promise.resolve({ protocol: 'udp', webRtcServer }),
      },
      {
        name: 'a WebRtcServer (TCP)',
        choice: () => Promise.resolve({ protocol: 'tcp', webRtcServer }),
      },
    ];
    for (const { name, choice } of scenarios) {
      test(`VP8 video and opus audio flow from one page to another over ${name}`, async () => {
        await withTwoPages(browser, async (a, b) => {
          const options = await choice();
          const publisher = await publish(a, router, options);
          assert.equal(publisher.producers.length, 2);
          const subscriber = await subscribe(b, router, publisher.producers, options);
          const video = await b.waitForInboundStats('video', (s) => s.framesDecoded >= 20, 20_000);
          assert.ok(video.framesDecoded >= 20, `frames decoded: ${video.framesDecoded}`);
          assert.ok(video.frameWidth > 0);
          assert.ok((await b.videoWidth()) > 0);
          const audio = await b.waitForInboundStats(
            'audio',
            (s) => s.packetsReceived >= 50,
            20_000,
          );
          assert.ok(audio.packetsReceived >= 50, `audio packets: ${audio.packetsReceived}`);
          assert.equal(publisher.transport.iceSelectedTuple?.protocol, options.protocol);
          assert.equal(subscriber.transport.iceSelectedTuple?.protocol, options.protocol);
          assert.equal(subscriber.transport.dtlsState, 'connected');
          const stats = (await subscriber.consumers[0].getStats()) as { packetCount: number }[];
          assert.ok(stats[0].packetCount > 0);
          publisher.transport.close();
          subscriber.transport.close();
        });
      });
    }

    test('Skein as the DTLS client: media flows with the browser as DTLS server', async () => {
      await withTwoPages(browser, async (a, b) => {
        // Only the send transport: for a recv transport mediasoup-client 3.24
        // still offers a=setup:actpass while reporting role 'server', so the
        // browser would be a DTLS client too (as against mediasoup itself).
        const publisher = await publish(a, router, { audio: false, signalledDtlsRole: 'client' });
        const subscriber = await subscribe(b, router, publisher.producers);
        await b.waitForInboundStats('video', (st) => st.framesDecoded >= 20, 20_000);
        assert.equal(publisher.transport.dtlsParameters.role, 'client');
        assert.equal(publisher.transport.dtlsState, 'connected');
        const [stats] = (await publisher.transport.getStats()) as { srtpCryptoSuite: string }[];
        // The browser, as DTLS server, picks the profile by its own order.
        assert.ok(stats.srtpCryptoSuite, 'an SRTP profile was negotiated');
        publisher.transport.close();
        subscriber.transport.close();
      });
    });

    test('H264 video flows and is decoded', async () => {
      await withTwoPages(browser, async (a, b) => {
        const publisher = await publish(a, router, { audio: false, videoCodec: 'video/H264' });
        assert.equal(publisher.producers[0].rtpParameters.codecs[0].mimeType, 'video/H264');
        const subscriber = await subscribe(b, router, publisher.producers);
        assert.equal(subscriber.consumers[0].rtpParameters.codecs[0].mimeType, 'video/H264');
        const video = await b.waitForInboundStats('video', (st) => st.framesDecoded >= 20, 20_000);
        assert.ok(video.frameWidth > 0);
        publisher.transport.close();
        subscriber.transport.close();
      });
    });

    test('a paused consumer stops frames; resumed, a key frame restarts decoding', async () => {
      await withTwoPages(browser, async (a, b) => {
        const publisher = await publish(a, router, { audio: false });
        const subscriber = await subscribe(b, router, publisher.producers);
        const consumer = subscriber.consumers[0];
        await b.waitForInboundStats('video', (st) => st.framesDecoded >= 20, 20_000);
        await consumer.pause();
        await sleep(500);
        const pausedAt = await b.getInboundStats('video');
        await sleep(1500);
        const stillPaused = await b.getInboundStats('video');
        assert.equal(
          stillPaused.packetsReceived,
          pausedAt.packetsReceived,
          'no packets while paused',
        );
        assert.equal(stillPaused.framesDecoded, pausedAt.framesDecoded, 'no frames while paused');
        await consumer.resume();
        const resumed = await b.waitForInboundStats(
          'video',
          (st) => st.framesDecoded >= stillPaused.framesDecoded + 20,
          20_000,
        );
        assert.ok(
          resumed.keyFramesDecoded > stillPaused.keyFramesDecoded,
          'a key frame after resume',
        );
        publisher.transport.close();
        subscriber.transport.close();
      });
    });

    test('lost packets toward a consumer are NACKed by the browser and resent over RTX', async () => {
      await withTwoPages(browser, async (a, b) => {
        const publisher = await publish(a, router, { audio: false });
        const subscriber = await subscribe(b, router, publisher.producers);
        await b.waitForInboundStats('video', (st) => st.framesDecoded >= 10, 20_000);
        await subscriber.transport.setPacketLossForTesting({ outgoingEvery: 20 });
        const start = await b.getInboundStats('video');
        const after = await b.waitForInboundStats(
          'video',
          (st) => st.nackCount > start.nackCount && st.framesDecoded >= start.framesDecoded + 40,
          20_000,
        );
        assert.ok(after.nackCount > 0, 'the browser sent NACKs');
        const [outbound] = (await subscriber.consumers[0].getStats()) as {
          nackCount: number;
          packetsRetransmitted: number;
        }[];
        assert.ok(outbound.nackCount > 0, 'Skein received the NACKs');
        assert.ok(outbound.packetsRetransmitted > 0, 'Skein resent the packets');
        publisher.transport.close();
        subscriber.transport.close();
      });
    });

    test('packets lost from a producer are NACKed by Skein and repaired over RTX', async () => {
      await withTwoPages(browser, async (a, b) => {
        const publisher = await publish(a, router, { audio: false });
        const subscriber = await subscribe(b, router, publisher.producers);
        await b.waitForInboundStats('video', (st) => st.framesDecoded >= 10, 20_000);
        await publisher.transport.setPacketLossForTesting({ incomingEvery: 20 });
        const start = await b.getInboundStats('video');
        await b.waitForInboundStats(
          'video',
          (st) => st.framesDecoded >= start.framesDecoded + 40,
          20_000,
        );
        const sender = await a.getOutboundStats('video');
        assert.ok(sender.nackCount > 0, 'the browser received NACKs from Skein');
        const [inbound] = (await publisher.producers[0].getStats()) as {
          nackCount: number;
          packetsRepaired: number;
          packetsRetransmitted: number;
        }[];
        assert.ok(inbound.nackCount > 0, 'Skein sent NACKs');
        assert.ok(inbound.packetsRetransmitted > 0, 'RTX packets arrived');
        assert.ok(inbound.packetsRepaired > 0, 'and repaired losses');
        publisher.transport.close();
        subscriber.transport.close();
      });
    });

    test('garbage thrown at a live transport port is dropped and counted while media flows', async () => {
      const a = await browser.newPeerPage();
      const b = await browser.newPeerPage();
      const attacker = createSocket('udp4');
      try {
        const publisher = await publish(a, router, { audio: false });
        const subscriber = await subscribe(b, router, publisher.producers);
        await b.waitForInboundStats('video', (st) => st.framesDecoded >= 10, 20_000);
        const { port } = publisher.transport.iceCandidates[0];
        const before = await b.getInboundStats('video');
        // STUN, DTLS, RTP and RTCP look-alikes and plain junk, 2000 datagrams.
        const firstBytes = [0x00, 0x01, 22, 23, 0x80, 0x81, 0xff];
        for (let i = 0; i < 2000; i++) {
          const junk = randomBytes(1 + (i % 300));
          junk[0] = firstBytes[i % firstBytes.length]!;
          if (i % 7 === 5 && junk.length > 1) junk[1] = 200; // RTCP SR packet type
          attacker.send(junk, port, '127.0.0.1');
          if (i % 100 === 0) await sleep(5);
        }
        const after = await b.waitForInboundStats(
          'video',
          (st) => st.framesDecoded >= before.framesDecoded + 20,
          20_000,
        );
        assert.ok(after.framesDecoded > before.framesDecoded, 'media kept flowing');
        const [stats] = (await publisher.transport.getStats()) as {
          packetsDropped: Record<string, number>;
        }[];
        const dropped = Object.values(stats.packetsDropped).reduce((x, y) => x + y, 0);
        assert.ok(dropped >= 1000, `dropped and counted: ${JSON.stringify(stats.packetsDropped)}`);
        assert.equal(worker.died, false);
        assert.ok((await worker.dump()).routerIds.includes(router.id));
        publisher.transport.close();
        subscriber.transport.close();
      } finally {
        attacker.close();
        await a.close();
        await b.close();
      }
    });

    test('a wrong DTLS fingerprint fails DTLS and no media is accepted', async () => {
      const a = await browser.newPeerPage();
      try {
        await a.loadDevice(router.rtpCapabilities);
        const transport = await serverTransport(router);
        const failed = once(transport, 'dtlsstatechange');
        const producers: Producer[] = [];
        await a.createSendTransport(transportParams(transport), {
          connect: (dtlsParameters) =>
            transport.connect({
              dtlsParameters: {
                role: dtlsParameters.role,
                fingerprints: dtlsParameters.fingerprints.map((f) => ({
                  algorithm: f.algorithm as 'sha-256',
                  // The right algorithm, someone else's certificate.
                  value: f.value.replace(/^../, f.value.startsWith('00') ? '11' : '00'),
                })),
              },
            }),
          produce: async ({ kind, rtpParameters }) => {
            const producer = await transport.produce({ kind, rtpParameters });
            producers.push(producer);
            return producer.id;
          },
        });
        void a.produce({ kind: 'video' }).catch(() => undefined);
        await failed;
        while (transport.dtlsState !== 'failed' && transport.dtlsState !== 'closed') {
          await once(transport, 'dtlsstatechange');
        }
        assert.equal(transport.dtlsState, 'failed');
        await sleep(1000);
        // Whatever the browser sent after that was never decrypted nor forwarded.
        for (const producer of producers) {
          const stats = (await producer.getStats()) as { packetCount: number }[];
          for (const stream of stats) assert.equal(stream.packetCount, 0);
        }
        transport.close();
      } finally {
        await a.close();
      }
    });
  });
}

/** Opens two pages (publisher and subscriber), runs `body`, and always closes both. */
async function withTwoPages(
  browser: E2EBrowser,
  body: (a: PeerPage, b: PeerPage) => Promise<void>,
): Promise<void> {
  const a = await browser.newPeerPage();
  const b = await browser.newPeerPage();
  try {
    await body(a, b);
  } finally {
    await a.close();
    await b.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
