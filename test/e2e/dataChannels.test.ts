/**
 * DataChannels with real peers (Chromium + mediasoup-client), in both worker modes:
 * Chromium A produceData → Skein → Chromium B consumeData: 1,000 ordered messages (strings
 * and binary) complete and in order and a 200 KB message whole; an unordered
 * maxRetransmits: 0 channel under injected loss (every 5th SCTP packet to B dropped) loses
 * some and keeps flowing; a DirectTransport data producer in Node reaches B, and A's
 * messages reach Node through a direct data consumer (an echo: A → Node → B).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createWorker,
  type DataConsumer,
  type Router,
  type WebRtcTransport,
  type Worker,
  type WorkerMode,
} from '../../src/index.js';
import { createSocket, type Socket } from 'node:dgram';
import { SCTP } from 'werift-sctp';
import { eventually } from '../api/mediaFixtures.js';
import { SKIP_WITHOUT_CHROMIUM, launchBrowser, type E2EBrowser, type PeerPage } from './browser.js';
import { transportParams } from './sfu.js';

// setPacketLossForTesting is a debug request.
process.env.SKEIN_ENABLE_CRASH_REQUESTS = '1';

const MODES: WorkerMode[] = ['thread', 'process'];
const mediaCodecs = [
  { kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
];

/** mediasoup-client 3.24 offers { OS: 1024, MIS: 1024 }, mediasoup's default too. */
async function sctpTransport(router: Router): Promise<WebRtcTransport> {
  return router.createWebRtcTransport({
    listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
    enableSctp: true,
    numSctpStreams: { OS: 1024, MIS: 1024 },
  });
}

/** A's send transport (its producedata creates server data producers). */
async function sender(router: Router, page: PeerPage): Promise<WebRtcTransport> {
  await page.loadDevice(router.rtpCapabilities);
  const transport = await sctpTransport(router);
  await page.createSendTransport(
    { ...transportParams(transport), sctpParameters: transport.sctpParameters },
    {
      connect: (dtlsParameters) => transport.connect({ dtlsParameters: dtlsParameters as never }),
      produce: () => Promise.reject(new Error('no media here')),
      produceData: async ({ sctpStreamParameters, label, protocol }) =>
        (await transport.produceData({ sctpStreamParameters, label, protocol })).id,
    },
  );
  return transport;
}

async function receiver(router: Router, page: PeerPage): Promise<WebRtcTransport> {
  await page.loadDevice(router.rtpCapabilities);
  const transport = await sctpTransport(router);
  await page.createRecvTransport(
    { ...transportParams(transport), sctpParameters: transport.sctpParameters },
    { connect: (dtlsParameters) => transport.connect({ dtlsParameters: dtlsParameters as never }) },
  );
  return transport;
}

/** Server data consumer on `transport` of `dataProducerId`, and its page side; the page's id. */
async function consumeOnPage(
  transport: WebRtcTransport,
  page: PeerPage,
  dataProducerId: string,
): Promise<string> {
  return (await consumeBoth(transport, page, dataProducerId)).pageId;
}

async function consumeBoth(
  transport: WebRtcTransport,
  page: PeerPage,
  dataProducerId: string,
): Promise<{ pageId: string; dc: DataConsumer }> {
  const dc = await transport.consumeData({ dataProducerId });
  const pageId = await page.consumeData({
    id: dc.id,
    dataProducerId,
    sctpStreamParameters: dc.sctpStreamParameters,
    label: dc.label,
    protocol: dc.protocol,
  });
  return { pageId, dc };
}

/** A Node SCTP endpoint over plain UDP (werift-sctp, as mediasoup's tests use the sctp package). */
async function udpSctpPeer(
  port: number,
): Promise<{ socket: Socket; sctp: SCTP; received: string[]; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const transport = {
    onData: undefined as ((buf: Buffer) => void) | undefined,
    send: (packet: Buffer): Promise<void> =>
      new Promise((resolve) => socket.send(packet, port, '127.0.0.1', () => resolve())),
    close: () => undefined,
  };
  socket.on('message', (data) => transport.onData?.(data));
  const sctp = SCTP.client(transport, 5000);
  const received: string[] = [];
  sctp.onReceive.subscribe((_streamId, _ppid, data) => received.push(data.toString()));
  return {
    socket,
    sctp,
    received,
    // Stop first (its ABORT needs the socket), then the socket; bounded either way.
    close: async () => {
      await Promise.race([sctp.stop(), new Promise((resolve) => setTimeout(resolve, 1000))]);
      socket.close();
    },
  };
}

for (const mode of MODES) {
  void describe(
    `DataChannels with Chromium (${mode} mode)`,
    { skip: SKIP_WITHOUT_CHROMIUM },
    () => {
      let worker: Worker;
      let router: Router;
      let browser: E2EBrowser;
      let a: PeerPage;
      let b: PeerPage;
      let ta: WebRtcTransport;
      let tb: WebRtcTransport;

      before(async () => {
        worker = await createWorker({
          mode,
          logLevel: 'warn',
          rtcMinPort: 40000,
          rtcMaxPort: 49999,
        });
        router = await worker.createRouter({ mediaCodecs });
        browser = await launchBrowser();
        a = await browser.newPeerPage();
        b = await browser.newPeerPage();
        ta = await sender(router, a);
        tb = await receiver(router, b);
      });
      after(async () => {
        await browser?.close();
        worker?.close();
      });

      test('1,000 ordered messages (strings and binary) complete and in order, 200 KB whole', async () => {
        const producerId = await a.produceData({ label: 'ordered' });
        const consumerId = await consumeOnPage(tb, b, producerId);
        // The state notification may trail the browser's channel opening.
        assert.ok(
          await eventually(() => ta.sctpState === 'connected' && tb.sctpState === 'connected'),
        );
        const batch = { count: 1000, mixed: true, bigLength: 200 * 1024 };
        await a.sendData(producerId, batch);
        const expected = await a.expectedData(batch);
        assert.ok(
          await eventually(async () => (await b.dataReceivedCount(consumerId)) >= 1001, 20000),
          `received ${await b.dataReceivedCount(consumerId)} of 1001`,
        );
        const received = await b.dataReceived(consumerId);
        assert.equal(received.length, 1001);
        assert.deepEqual(received, expected);
        assert.equal(received[1000].split(':')[1], String(200 * 1024));
      });

      test('unordered maxRetransmits: 0 under loss loses some and never stalls', async () => {
        const producerId = await a.produceData({
          label: 'lossy',
          ordered: false,
          maxRetransmits: 0,
        });
        const consumerId = await consumeOnPage(tb, b, producerId);
        await tb.setPacketLossForTesting({ outgoingEvery: 5 });
        await a.sendData(producerId, { count: 300, prefix: 'u' });
        assert.ok(
          await eventually(async () => (await b.dataReceivedCount(consumerId)) >= 150, 15000),
          'most arrive',
        );
        await tb.setPacketLossForTesting({ outgoingEvery: 0 });
        await a.sendData(producerId, { count: 1, prefix: 'last' });
        assert.ok(
          await eventually(async () => (await b.dataReceived(consumerId)).includes('last0'), 15000),
          'flows after the loss',
        );
        const received = (await b.dataReceived(consumerId)).filter((m) => m.startsWith('u'));
        assert.ok(received.length < 300, `some lost: ${received.length} of 300 arrived`);
        assert.equal(new Set(received).size, received.length, 'no duplicates');
      });

      test('a DirectTransport data producer reaches Chromium, and Chromium reaches Node (echo)', async () => {
        const direct = await router.createDirectTransport();
        const fromNode = await direct.produceData({ label: 'echo' });
        const consumerId = await consumeOnPage(tb, b, fromNode.id);
        const producerId = await a.produceData({ label: 'to-node' });
        const inNode = await direct.consumeData({ dataProducerId: producerId });
        const seen: string[] = [];
        inNode.on('message', (message, ppid) => {
          const text = ppid === 51 ? message.toString() : `binary:${message.length}`;
          seen.push(text);
          fromNode.send(`echo ${text}`);
        });
        await a.sendData(producerId, { count: 50, prefix: 'n' });
        assert.ok(
          await eventually(async () => (await b.dataReceivedCount(consumerId)) >= 50, 15000),
        );
        assert.deepEqual(
          seen,
          Array.from({ length: 50 }, (_, i) => `n${i}`),
        );
        assert.deepEqual(
          await b.dataReceived(consumerId),
          Array.from({ length: 50 }, (_, i) => `echo n${i}`),
        );
        direct.close();
      });

      test('a Node SCTP peer over a PlainTransport (enableSctp) and Chromium exchange messages', async () => {
        const plain = await router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          enableSctp: true,
        });
        assert.equal(plain.sctpParameters?.port, 5000);
        const peer = await udpSctpPeer(plain.tuple.localPort);
        try {
          await plain.connect({ ip: '127.0.0.1', port: peer.socket.address().port });
          await peer.sctp.start(5000);
          assert.ok(
            await eventually(() => plain.sctpState === 'connected', 10000),
            'SCTP over UDP',
          );
          // Node peer → SFU → Chromium B.
          const fromNode = await plain.produceData({ sctpStreamParameters: { streamId: 1 } });
          const consumerId = await consumeOnPage(tb, b, fromNode.id);
          for (let i = 0; i < 20; i++) {
            void peer.sctp.send(1, 51, Buffer.from(`udp${i}`), {
              ordered: true,
              expiry: undefined,
              maxRetransmits: undefined,
            });
          }
          assert.ok(await eventually(async () => (await b.dataReceivedCount(consumerId)) >= 20));
          assert.deepEqual(
            await b.dataReceived(consumerId),
            Array.from({ length: 20 }, (_, i) => `udp${i}`),
          );
          // Chromium A → SFU → Node peer.
          const producerId = await a.produceData({ label: 'to-udp' });
          await plain.consumeData({ dataProducerId: producerId });
          await a.sendData(producerId, { count: 20, prefix: 'web' });
          assert.ok(await eventually(() => peer.received.length >= 20));
          assert.deepEqual(
            peer.received,
            Array.from({ length: 20 }, (_, i) => `web${i}`),
          );
        } finally {
          await peer.close();
          plain.close();
        }
      });
    },
  );
}
